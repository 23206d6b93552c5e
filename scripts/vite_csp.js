// The Content-Security-Policy of both builds, as a <meta http-equiv> tag put
// first in <head> (imported by vite.config.js and vite.single.config.js):
//   contentSecurityPolicy('hosted')  dist/index.html
//   contentSecurityPolicy('single')  dist-single/localsurv.html, after
//       vite-plugin-singlefile has inlined the page's script: that script is
//       allowed by its sha256, computed here from the file as written.
// Build only: the dev server's client needs inline scripts and a websocket.
//
// What each source is for (everything else is 'none' through default-src):
//   script-src 'self'          hosted: the page's module, the worker's code and
//                              Emscripten's glue (importScripts) from the site
//   script-src 'sha256-…'      single file: its one inlined module script
//   script-src blob:           single file: the worker starts the engine by
//                              importScripts of a Blob URL of the inlined glue
//                              (web/worker.js); Blob URLs only come from code
//                              already running here
//   'wasm-unsafe-eval'         compiling the wasm engine (in the worker)
//   worker-src blob:           the engine worker is a Blob URL in both builds
//                              (web/inline.js: one from a URL would take its
//                              policy from HTTP headers, which a static host
//                              does not send; a Blob URL worker keeps this one)
//   worker-src 'self'          hosted: the service worker (sw.js)
//   connect-src 'self'/'none'  hosted: the example and the wasm next to the
//                              page; the single file fetches nothing
//   img-src data:              the PNG export rasterises an SVG data: URL;
//                              the favicon is 'data:,'
//   style-src 'unsafe-inline'  Observable Plot writes <style> elements and
//                              style attributes into each figure; a style can
//                              load nothing, as img-src and font-src allow no
//                              other host
// Embind builds its invokers without eval (-sDYNAMIC_EXECUTION=0 in
// CMakeLists.txt), so no 'unsafe-eval' anywhere.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const COMMON = ["default-src 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'none'"];

export function policy(build, scriptHashes = []) {
  if (build === 'hosted') {
    return [
      ...COMMON,
      "script-src 'self' 'wasm-unsafe-eval'",
      "worker-src 'self' blob:",
      "connect-src 'self'",
      'img-src data:',
      "style-src 'self' 'unsafe-inline'",
    ].join('; ');
  }
  if (build === 'single') {
    if (!scriptHashes.length) throw new Error('the single file has no inline script to allow');
    return [
      ...COMMON,
      `script-src ${scriptHashes.map((h) => `'${h}'`).join(' ')} blob: 'wasm-unsafe-eval'`,
      'worker-src blob:',
      "connect-src 'none'",
      'img-src data:',
      "style-src 'unsafe-inline'",
    ].join('; ');
  }
  throw new Error(`unknown build '${build}'`);
}

/** 'sha256-<base64>' of each inline <script> (no src) in the HTML, as a browser hashes its text. */
export function inlineScriptHashes(html) {
  const hashes = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\ssrc\s*=/i.test(m[1])) continue;
    // The HTML parser turns CRLF and lone CR into LF before the script sees its text.
    const text = m[2].replace(/\r\n?/g, '\n');
    hashes.push(`sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}`);
  }
  return [...new Set(hashes)];
}

/** The HTML with the policy's <meta> right after <meta charset>, before any script or style. */
export function withPolicy(html, content) {
  // Only markup counts: an inlined script may well hold such a tag as text (web/report.js writes one).
  const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi, '');
  if (/<meta\b[^>]*http-equiv\s*=\s*["']?content-security-policy/i.test(markup)) throw new Error('the page already has a Content-Security-Policy');
  const meta = `<meta http-equiv="Content-Security-Policy" content="${content}" />`;
  const charset = /<meta\s+charset=[^>]*>/i;
  if (!charset.test(html)) throw new Error('the page has no <meta charset>');
  return html.replace(charset, (m) => `${m}\n    ${meta}`);
}

export function contentSecurityPolicy(build) {
  let outDir = null;
  return {
    name: `localsurv:csp-${build}`,
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    transformIndexHtml(html) {
      return build === 'hosted' ? withPolicy(html, policy('hosted')) : html;
    },
    // The single file's script is only final once written (vite-plugin-singlefile inlines it in generateBundle).
    writeBundle(_options, bundle) {
      if (build !== 'single') return;
      for (const name of Object.keys(bundle).filter((f) => f.endsWith('.html'))) {
        const file = path.join(outDir, name);
        const html = fs.readFileSync(file, 'utf8');
        fs.writeFileSync(file, withPolicy(html, policy('single', inlineScriptHashes(html))));
      }
    },
  };
}
