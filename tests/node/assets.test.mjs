// web/assets.js (hosted side, as Node sees the sources) and the two build
// plugins of scripts/vite_offline.js: the single file's inlined files must be
// the public/ files byte for byte, the service worker's list must be every
// output of the build, and the service worker must only be registered where
// it can work. Checked against the files in public/ and a fake bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { loadExample, registerServiceWorker, engineSource, singleFile, OFFLINE_FILES, EXAMPLE } from '../../web/assets.js';
import { serviceWorkerManifest, singleFileInline } from '../../scripts/vite_offline.js';
import { root, stubGlobals } from './harness.mjs';

const publicFile = (f) => fs.readFileSync(path.join(root, 'public', f));
const setGlobal = stubGlobals();

test('the sources are the hosted build: nothing inlined, the engine is fetched next to the page', () => {
  assert.equal(singleFile, false);
  setGlobal('document', { baseURI: 'https://host.test/app/index.html' });
  assert.deepEqual(engineSource(), { scriptUrl: 'https://host.test/app/localsurv.js' });
});

test('loadExample fetches the example next to the page and returns its bytes and spec text unchanged', async () => {
  const asked = [];
  setGlobal('document', { baseURI: 'https://host.test/app/' });
  setGlobal('fetch', async (url) => {
    asked.push(String(url));
    const rel = String(url).replace('https://host.test/app/', '');
    return new Response(publicFile(rel));
  });
  const ex = await loadExample();
  assert.deepEqual(asked.sort(), [`https://host.test/app/${EXAMPLE.csv}`, `https://host.test/app/${EXAMPLE.spec}`].sort());
  assert.equal(ex.name, 'npc_cohort.csv');
  assert.ok(ex.csvBytes instanceof Uint8Array);
  assert.deepEqual(Buffer.from(ex.csvBytes), publicFile(EXAMPLE.csv));
  assert.equal(ex.specJson, publicFile(EXAMPLE.spec).toString('utf8'));
  JSON.parse(ex.specJson);

  setGlobal('fetch', async () => new Response('missing', { status: 404 }));
  await assert.rejects(loadExample(), /could not load examples\/.* \(HTTP 404\)/);
});

test('registerServiceWorker registers sw.js with the page folder as scope over http(s) only', async () => {
  const calls = [];
  const nav = { serviceWorker: { register: async (url, opts) => (calls.push([url, opts]), { scope: 'ok' }) } };
  setGlobal('document', { baseURI: 'https://host.test/app/index.html' });
  setGlobal('navigator', nav);
  setGlobal('location', { protocol: 'https:' });
  assert.deepEqual(await registerServiceWorker(), { scope: 'ok' });
  assert.deepEqual(calls, [['https://host.test/app/sw.js', { scope: './' }]]);

  setGlobal('location', { protocol: 'file:' });
  assert.equal(await registerServiceWorker(), null);
  setGlobal('location', { protocol: 'http:' });
  setGlobal('navigator', {});
  assert.equal(await registerServiceWorker(), null);
  assert.equal(calls.length, 1);

  // A refused registration is reported, not thrown.
  const warned = [];
  setGlobal('console', { ...console, warn: (m) => warned.push(m) });
  setGlobal('navigator', { serviceWorker: { register: async () => Promise.reject(new Error('SecurityError')) } });
  assert.equal(await registerServiceWorker(), null);
  assert.match(warned[0], /offline use is not available: SecurityError/);
});

test('the single-file build inlines engine glue, wasm and example byte for byte, and an inline worker', () => {
  const plugin = singleFileInline();
  const watched = [];
  const ctx = { addWatchFile: (f) => watched.push(f) };
  assert.equal(plugin.load.call(ctx, path.join(root, 'web/app.js')), null);
  const code = plugin.load.call(ctx, path.join(root, 'web/inline.js'));
  assert.match(code, /^import EngineWorker from '\.\/worker\.js\?worker&inline';$/m);
  const inlined = JSON.parse(code.match(/^export const inlined = (.*);$/m)[1]);
  assert.deepEqual(Object.keys(inlined).sort(), [...OFFLINE_FILES].sort());
  assert.ok(OFFLINE_FILES.includes('localsurv.wasm') && OFFLINE_FILES.includes(EXAMPLE.csv));
  for (const f of OFFLINE_FILES) assert.ok(Buffer.from(inlined[f], 'base64').equals(publicFile(f)), `${f} differs from public/${f}`);
  assert.equal(watched.length, OFFLINE_FILES.length);
});

test('the service worker lists every file of the build (bundle and public/), versioned by content', () => {
  const run = (bundle) => {
    const plugin = serviceWorkerManifest();
    plugin.configResolved({ publicDir: path.join(root, 'public') });
    const emitted = [];
    plugin.generateBundle.call({ emitFile: (f) => emitted.push(f) }, {}, bundle);
    assert.equal(emitted.length, 1);
    assert.equal(emitted[0].fileName, 'sw.js');
    // The emitted script defines the list the template reads.
    const sandbox = { self: {} };
    vm.runInNewContext(emitted[0].source.split('\n')[0], sandbox);
    return { build: sandbox.self.LOCALSURV_BUILD, source: emitted[0].source };
  };
  const bundle = {
    'index.html': { type: 'asset', source: '<html></html>' },
    'assets/index-abc.js': { type: 'chunk', code: 'console.log(1)' },
    'assets/worker-def.js': { type: 'asset', source: 'self.onmessage=null' },
  };
  const { build, source } = run(bundle);
  const publicFiles = [];
  const walk = (dir, prefix) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }))
      e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : publicFiles.push(prefix + e.name);
  };
  walk(path.join(root, 'public'), '');
  assert.deepEqual([...build.files].sort(), ['./', ...Object.keys(bundle), ...publicFiles].sort());
  assert.ok(source.endsWith(fs.readFileSync(path.join(root, 'web/sw.js'), 'utf8')));
  assert.match(build.version, /^[0-9a-f]{16}$/);
  // Same files, same version; one byte changed, a new version (a new cache).
  assert.equal(run(structuredClone(bundle)).build.version, build.version);
  const changed = { ...bundle, 'assets/index-abc.js': { type: 'chunk', code: 'console.log(2)' } };
  assert.notEqual(run(changed).build.version, build.version);
});
