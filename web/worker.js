// Web Worker: owns the wasm engine so the page never blocks. The protocol and
// the lazy engine start live in engine.js (serveEngine); this file only knows
// how to get Emscripten's glue and the wasm from the engine source the page
// sends in its 'init' message (see assets.js engineSource()):
//   {scriptUrl}                 hosted: importScripts it; the glue fetches
//                               localsurv.wasm next to it
//   {scriptText, wasmBinary}    single file: no fetch at all
import { createEngine, serveEngine } from './engine.js';

// The worker runs under the page's Content-Security-Policy (web/inline.js,
// scripts/vite_csp.js); a violation in here only fires this event (Chromium
// logs nothing the page's console receives): say so, where the browser tests
// and a developer look.
self.addEventListener('securitypolicyviolation', (e) => {
  console.error(`Content-Security-Policy: the engine worker was refused ${e.blockedURI || 'an action'} (${e.effectiveDirective})`);
});

async function loadEngine(source) {
  if (!source) throw new Error('the page sent no engine source');
  if (source.scriptText != null) {
    // A Blob URL made here belongs to this worker's origin, which from a
    // file:// page is opaque: one made by the page might not resolve. (The
    // single file's policy allows blob: scripts for this.)
    const url = URL.createObjectURL(new Blob([source.scriptText], { type: 'text/javascript' }));
    try {
      importScripts(url);
    } finally {
      URL.revokeObjectURL(url);
    }
    return createEngine(self.createLocalSurv, { wasmBinary: source.wasmBinary });
  }
  importScripts(source.scriptUrl);
  return createEngine(self.createLocalSurv, { locateFile: (file) => new URL(file, source.scriptUrl).href });
}

serveEngine(self, loadEngine);
