// The Content-Security-Policy of both builds (scripts/vite_csp.js) and what
// it relies on: the policies themselves, the inline-script hashes (checked
// against openssl's digests), where the <meta> goes, the built pages (dist/,
// dist-single/) carrying them, an engine glue without eval (Embind with
// -sDYNAMIC_EXECUTION=0) and the hosted engine worker started from a Blob URL
// (web/inline.js), which is what makes it inherit the page's policy. That the
// browser enforces all this is tests/browser/safety.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { policy, inlineScriptHashes, withPolicy } from '../../scripts/vite_csp.js';
import { createWorker } from '../../web/inline.js';
import { root, stubGlobals } from './harness.mjs';

function directives(p) {
  return new Map(p.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));
}

test('policies: nothing by default, no inline script or eval, no plugins, base or form targets; connect-src self (hosted) / none (single file)', () => {
  const hosted = directives(policy('hosted'));
  const single = directives(policy('single', ['sha256-abc=']));
  for (const d of [hosted, single]) {
    for (const name of ['default-src', 'object-src', 'base-uri', 'form-action']) assert.deepEqual(d.get(name), ["'none'"], name);
    for (const sources of d.values()) {
      assert.ok(!sources.includes("'unsafe-eval'"), 'unsafe-eval');
      assert.ok(!sources.some((s) => s === '*' || /^https?:/.test(s)), `another host allowed: ${sources}`);
    }
    assert.ok(!d.get('script-src').includes("'unsafe-inline'"), 'unsafe-inline scripts');
    assert.ok(d.get('script-src').includes("'wasm-unsafe-eval'"), 'the wasm engine must compile');
  }
  assert.deepEqual(hosted.get('connect-src'), ["'self'"]);
  assert.deepEqual(single.get('connect-src'), ["'none'"]);
  assert.deepEqual(hosted.get('script-src'), ["'self'", "'wasm-unsafe-eval'"]);
  assert.deepEqual(single.get('script-src'), ["'sha256-abc='", 'blob:', "'wasm-unsafe-eval'"]);
  assert.deepEqual(single.get('worker-src'), ['blob:']);
  assert.throws(() => policy('single', []), /no inline script/);
  assert.throws(() => policy('other'), /unknown build/);
});

test('inline script hashes: sha256 of each <script> without src, as browsers hash it (CRLF read as LF)', () => {
  // openssl dgst -sha256 -binary | base64 of 'alert(1)' and of 'a\nb'.
  const html = '<script type="module" src="./x.js"></script><script>alert(1)</script><SCRIPT type="module" crossorigin>a\r\nb</SCRIPT ><script>alert(1)</script>';
  assert.deepEqual(inlineScriptHashes(html), ['sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=', 'sha256-fhj3NzEbLcOy8mndeDlrA1HxT7Zu+oefdoyyMYGIPHg=']);
  assert.deepEqual(inlineScriptHashes('<script src="a.js"></script>'), []);
});

test('the policy <meta> goes right after <meta charset>, before any script or style; a page without charset or with a policy already is refused', () => {
  const html = '<head>\n    <meta charset="utf-8" />\n    <style>x</style><script>y</script>';
  const out = withPolicy(html, "default-src 'none'");
  assert.equal(out, `<head>\n    <meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="default-src 'none'" />\n    <style>x</style><script>y</script>`);
  assert.throws(() => withPolicy('<head><script></script>', 'x'), /no <meta charset>/);
  assert.throws(() => withPolicy(out, 'x'), /already has/);
  // A policy tag written as text inside an inlined script (the HTML report's) is not the page's.
  const inScript = '<head><meta charset="utf-8"><script>const t = `<meta http-equiv="Content-Security-Policy" content="x">`;</script>';
  assert.match(withPolicy(inScript, 'y'), /<meta charset="utf-8">\n    <meta http-equiv="Content-Security-Policy" content="y" \/>/);
});

function metaPolicies(html) {
  // The page's own tags, not the HTML report's tag that an inlined script holds as text.
  const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi, '');
  return [...markup.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/gi)].map((m) => m[1]);
}

test('the built pages carry their policy: dist/ the hosted one (no inline script), the single file one with the hash of its inlined script', () => {
  const hosted = fs.readFileSync(path.join(root, 'dist/index.html'), 'utf8');
  assert.deepEqual(metaPolicies(hosted), [policy('hosted')]);
  assert.deepEqual(inlineScriptHashes(hosted), [], 'the hosted page has an inline script its policy refuses');
  const single = fs.readFileSync(path.join(root, 'dist-single/localsurv.html'), 'utf8');
  const hashes = inlineScriptHashes(single);
  assert.equal(hashes.length, 1, 'one inlined module script');
  assert.deepEqual(metaPolicies(single), [policy('single', hashes)]);
  for (const html of [hosted, single]) assert.ok(html.search(/http-equiv="Content-Security-Policy"/) < html.search(/<script|<style|<link rel="stylesheet"/));
});

test('the engine glue builds Embind invokers without eval or new Function (the policies allow neither)', () => {
  for (const file of ['public/localsurv.js', 'build-wasm/localsurv.js']) {
    const glue = fs.readFileSync(path.join(root, file), 'utf8');
    assert.ok(glue.includes('craftInvokerFunction'), `${file} is not the Embind glue`);
    assert.deepEqual(glue.match(/\bnew Function\b|\beval\(/g) ?? [], [], file);
  }
});

const setGlobal = stubGlobals();

test('the hosted engine worker is a Blob URL worker that loads worker.js, so it inherits the page policy', async () => {
  const made = [];
  setGlobal('Worker', function FakeWorker(url, options) {
    made.push({ url, options });
  });
  const blobs = [];
  setGlobal('URL', Object.assign(class extends URL {}, { createObjectURL: (b) => (blobs.push(b), `blob:fake/${blobs.length}`) }));
  createWorker();
  assert.deepEqual(made, [{ url: 'blob:fake/1', options: { name: 'localsurv-engine' } }]);
  assert.equal(blobs[0].type, 'text/javascript');
  const workerJs = new URL('../../web/worker.js', import.meta.url).href;
  assert.equal(await blobs[0].text(), `URL.revokeObjectURL(self.location.href);importScripts(${JSON.stringify(workerJs)});`);
});
