// Where the page's own files come from: fetched next to the page (hosted
// build) or decoded from data inlined in the page (single-file build, which
// must work from file:// with no network). inline.js says which; nothing else
// in web/ needs to know.
//
// API:
//   loadExample() -> Promise<{csvBytes: Uint8Array, specJson: string, name}>
//       the bundled example cohort and its analysis spec (the JSON text as
//       shipped; JSON.parse it). Rejects with an Error if a file is missing.
//   registerServiceWorker() -> Promise<ServiceWorkerRegistration|null>
//       hosted build over http(s) only: registers sw.js (offline after the
//       first visit). null for file://, the single file, the dev server, or
//       browsers without service workers; never rejects.
//   createEngineWorker() -> Worker      the engine worker (used by client.js)
//   engineSource() -> {scriptUrl} | {scriptText, wasmBinary}
//       what the worker needs to start the engine (its 'init' message)
//   singleFile: boolean                 true in the single-file build
//   OFFLINE_FILES: string[]             files (relative to the page) the single
//       file inlines; the build reads this list
import { inlined, createWorker } from './inline.js';
import { t } from './i18n.js';

export const EXAMPLE = { csv: 'examples/npc_cohort.csv', spec: 'examples/npc_paper.spec.json', name: 'npc_cohort.csv' };
export const ENGINE = { script: 'localsurv.js', wasm: 'localsurv.wasm' };
export const OFFLINE_FILES = [ENGINE.script, ENGINE.wasm, EXAMPLE.csv, EXAMPLE.spec];

export const singleFile = inlined != null;

function base64ToBytes(b64) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(b64);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function inlinedBytes(path) {
  const b64 = inlined[path];
  if (b64 == null) throw new Error(t('page.assets.not_inlined', { path }));
  return base64ToBytes(b64);
}

function pageUrl(path) {
  return new URL(path, globalThis.document?.baseURI ?? globalThis.location?.href).href;
}

async function fileBytes(path) {
  if (inlined) return inlinedBytes(path);
  const res = await fetch(pageUrl(path));
  if (!res.ok) throw new Error(t('page.assets.not_loaded', { path, status: res.status }));
  return new Uint8Array(await res.arrayBuffer());
}

export async function loadExample() {
  const [csvBytes, specBytes] = await Promise.all([fileBytes(EXAMPLE.csv), fileBytes(EXAMPLE.spec)]);
  return { csvBytes, specJson: new TextDecoder().decode(specBytes), name: EXAMPLE.name };
}

export function createEngineWorker() {
  return createWorker();
}

let inlinedEngine = null;

export function engineSource() {
  if (!inlined) return { scriptUrl: pageUrl(ENGINE.script) };
  // Decoded once; each (re)started worker gets a copy.
  inlinedEngine ??= {
    scriptText: new TextDecoder().decode(inlinedBytes(ENGINE.script)),
    wasmBinary: inlinedBytes(ENGINE.wasm),
  };
  return inlinedEngine;
}

export async function registerServiceWorker() {
  const nav = globalThis.navigator;
  if (inlined || !nav?.serviceWorker || !/^https?:$/.test(globalThis.location?.protocol ?? '')) return null;
  // The dev server serves sw.js without its file list; it would cache nothing.
  if (import.meta.env?.DEV) return null;
  try {
    return await nav.serviceWorker.register(pageUrl('sw.js'), { scope: './' });
  } catch (err) {
    console.warn(`offline use is not available: ${err?.message ?? err}`);
    return null;
  }
}
