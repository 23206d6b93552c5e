// LocalSurv with the network off, in headless Debian Chromium:
//  1. the single file dist-single/localsurv.html opened from file:// in a
//     context that is offline and aborts every request that is not file: —
//     the example loads, the analysis runs in a Blob-URL worker, and the
//     cohort counts shown are the native CLI's; no request is attempted.
//     Cancelling a run there terminates the worker; the next run restarts it.
//  2. the hosted build dist/ served once from a local server, then offline
//     (context offline and the server refusing everything): the reloaded page
//     comes from the service worker and the engine still runs the example.
//  3. the README's own serve command (scripts/serve.sh, vite preview, which
//     answers `Vary: Origin` and `Cache-Control: no-cache`): one visit, the
//     server stopped, a reload runs the example; the service worker took
//     from the HTTP cache what the page had downloaded (no second download).
// Needs `bash scripts/build.sh` first (dist/, dist-single/, build/localsurv).
// Relies on the page's #example-button, #setup-section, #run-button,
// #run-status ("Done: <used> of <available> rows in the cohort …", "Cancelled."),
// #results, #cancel-button and #run-progress (value = stages done).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer as serve, startRecordingProxy, closeServer, BROWSER_SERVICE_HOSTS, proxiedHost, launchChromium, watchErrors } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const singleFile = path.join(root, 'dist-single/localsurv.html');
const artifacts = path.join(root, 'test-artifacts');
const cli = path.join(root, 'build/localsurv');
const exampleCsv = path.join(root, 'public/examples/npc_cohort.csv');
const exampleSpec = path.join(root, 'public/examples/npc_paper.spec.json');

const WAIT = 30_000; // any single wait on the page (the example run takes a few seconds)
const TEST_TIMEOUT = 120_000;

let proxy;
const proxied = [];
const contexts = [];
const dirs = [];

async function launch() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-offline-'));
  dirs.push(userDataDir);
  const context = await launchChromium(userDataDir, proxy.address().port, WAIT);
  contexts.push(context);
  return context;
}

let cliResult;

before(async () => {
  for (const f of [path.join(dist, 'index.html'), path.join(dist, 'sw.js'), singleFile, cli])
    assert.ok(fs.existsSync(f), `${path.relative(root, f)} is missing: run bash scripts/build.sh first`);
  fs.mkdirSync(artifacts, { recursive: true });
  proxy = await startRecordingProxy(proxied);
  const out = JSON.parse(execFileSync(cli, [exampleCsv, exampleSpec], { encoding: 'utf8', maxBuffer: 256 << 20 }));
  assert.equal(out.ok, true, `CLI failed on the example: ${JSON.stringify(out.error)}`);
  cliResult = out.result;
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await closeServer(proxy);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Example button -> setup -> run; returns the final status text. */
async function runExample(page) {
  await page.click('#example-button');
  await page.waitForSelector('#setup-section:not([hidden])', { state: 'visible' });
  assert.match(await page.textContent('#data-status'), /npc_cohort\.csv/);
  await page.click('#run-button');
  await page.waitForFunction(() => {
    const s = document.getElementById('run-status');
    return s && s.textContent && !s.textContent.startsWith('Running');
  });
  return page.textContent('#run-status');
}

/** What must be on the page once the example has run: the CLI's cohort counts and rendered results. */
async function assertExampleResults(page, status) {
  const c = cliResult.cohort;
  assert.match(status, new RegExp(`^Done: ${c.rows_used} of ${c.rows_available} rows in the cohort`), `the run did not finish as the CLI did: ${status}`);
  // The multivariable Cox table shows the CLI's hazard ratios, as journals print them.
  const mv = cliResult.results.cox.multivariable.coefficients;
  const coxText = await page.textContent('#card-main-cox');
  mv.name.forEach((n, i) => {
    const cell = `${mv.hr[i].toFixed(3)} (${mv.lower[i].toFixed(3)}–${mv.upper[i].toFixed(3)})`;
    assert.ok(coxText.includes(cell), `${n}: ${cell} not in the Cox table`);
  });
}

/** A context that is offline and aborts (and records) every request that is not file:. */
async function offlineFileContext() {
  const context = await launch();
  const log = { requests: [], aborted: [] };
  context.on('request', (r) => log.requests.push(r.url()));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    log.aborted.push(url);
    return route.abort();
  });
  await context.setOffline(true);
  return { context, log };
}

function assertNothingRequested(log, pageUrl) {
  assert.deepEqual(log.aborted, [], 'requests were attempted');
  const network = log.requests.filter((u) => !/^(data|blob):/.test(u) && u !== pageUrl);
  assert.deepEqual(network, [], 'the page requested something besides itself');
  const foreign = proxied.filter((e) => !BROWSER_SERVICE_HOSTS.has(proxiedHost(e)));
  assert.deepEqual(foreign, [], 'requests reached the network');
}

const singleFileUrl = pathToFileURL(singleFile).href;

test('the single file from file://, offline with every non-file request aborted: example runs, nothing is requested', { timeout: TEST_TIMEOUT }, async () => {
  const { context, log } = await offlineFileContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(singleFileUrl, { waitUntil: 'load' });
    const status = await runExample(page);
    await page.screenshot({ path: path.join(artifacts, 'offline-single-file.png'), fullPage: true });
    await assertExampleResults(page, status);

    // The engine ran in a worker made from inlined code, not a file.
    const workers = page.workers().map((w) => w.url());
    assert.ok(workers.length >= 1 && workers.every((u) => u.startsWith('blob:')), `workers: ${JSON.stringify(workers)}`);
    // No service worker for file:// (there is nothing to cache).
    assert.equal(await page.evaluate(() => navigator.serviceWorker?.controller ?? null), null);
    assertNothingRequested(log, singleFileUrl);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('cancel mid-run (single file): the engine worker is terminated, and the next run starts a new one with the data reloaded', { timeout: TEST_TIMEOUT }, async () => {
  const { context, log } = await offlineFileContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(singleFileUrl, { waitUntil: 'load' });
    await page.click('#example-button');
    await page.waitForSelector('#setup-section:not([hidden])', { state: 'visible' });
    const [first] = page.workers();
    assert.ok(first, 'no engine worker after loading the example');
    const closed = new Promise((resolve) => first.once('close', resolve));

    await page.click('#run-button');
    // A progress message has arrived: the worker is inside the run.
    await page.waitForFunction(() => document.getElementById('run-progress')?.value >= 1, null, { polling: 'raf' });
    await page.click('#cancel-button');
    await page.waitForFunction(() => /^(Cancelled|Done)/.test(document.getElementById('run-status')?.textContent ?? ''));
    assert.equal(await page.textContent('#run-status'), 'Cancelled.', 'the run ended before it could be cancelled');
    await closed;
    assert.ok(!page.workers().includes(first), 'the cancelled worker is still alive');

    // Same page, no new file chosen: the new worker gets the example again.
    await page.click('#run-button');
    await page.waitForFunction(() => /^(Done|The analysis stopped|Cancelled)/.test(document.getElementById('run-status')?.textContent ?? ''));
    await assertExampleResults(page, await page.textContent('#run-status'));
    const now = page.workers();
    assert.equal(now.length, 1, `workers: ${now.map((w) => w.url())}`);
    assert.notEqual(now[0], first);
    assertNothingRequested(log, singleFileUrl);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('the hosted build, after one visit, reloads and runs the example from its service worker with the network off', { timeout: TEST_TIMEOUT }, async () => {
  const state = { hits: [], down: false };
  const server = await serve(dist, state);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const context = await launch();
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(origin + '/', { waitUntil: 'load' });
    // Installed = everything precached (install waits for the cache).
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, origin + '/');
    const manifest = fs.readFileSync(path.join(dist, 'sw.js'), 'utf8').match(/^self\.LOCALSURV_BUILD = (.*);$/m);
    assert.ok(manifest, 'dist/sw.js has no file list');
    const { files } = JSON.parse(manifest[1]);
    const cached = await page.evaluate(async () => {
      const keys = await caches.keys();
      const cache = await caches.open(keys.find((k) => k.startsWith('localsurv-')));
      return (await cache.keys()).map((r) => r.url);
    });
    assert.deepEqual(cached.sort(), files.map((f) => new URL(f, origin + '/').href).sort(), 'the cache does not hold exactly the build');
    // Every output file of the build is cached (sw.js itself aside).
    const built = [];
    const walk = (dir, prefix) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true }))
        e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : built.push(prefix + e.name);
    };
    walk(dist, '');
    assert.deepEqual(built.filter((f) => f !== 'sw.js').sort(), files.filter((f) => f !== './').sort());

    await context.setOffline(true);
    state.down = true;
    await page.reload({ waitUntil: 'load' });
    assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true, 'the reloaded page is not served by the service worker');
    const status = await runExample(page);
    await page.screenshot({ path: path.join(artifacts, 'offline-hosted.png'), fullPage: true });
    await assertExampleResults(page, status);

    // Nothing of the page came from the server once it was down. The browser's
    // own update check of sw.js may try, and may fail: it is not the page's.
    const afterDown = state.hits.filter((h) => h.down && h.url !== '/sw.js');
    assert.deepEqual(afterDown, [], 'the offline page asked the server');
    const foreign = proxied.filter((e) => !BROWSER_SERVICE_HOSTS.has(proxiedHost(e)));
    assert.deepEqual(foreign, [], 'requests reached the network');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await closeServer(server);
  }
});

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function statusOf(url) {
  return new Promise((resolve) => {
    http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', () => resolve(0));
  });
}

/** scripts/serve.sh on `port` (its own process group); resolves once the page answers 200. */
async function startServeScript(port) {
  const child = spawn('bash', ['scripts/serve.sh'], {
    cwd: root,
    env: { ...process.env, LOCALSURV_PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let done = false;
  const exited = new Promise((resolve) => child.once('exit', () => resolve((done = true))));
  // setup.sh and build.sh run first: quick when everything is installed and built.
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    if (done) throw new Error(`scripts/serve.sh exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    if ((await statusOf(`http://127.0.0.1:${port}/`)) === 200) break;
    if (Date.now() > deadline) throw new Error(`scripts/serve.sh did not serve in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    output: () => output,
    async stop() {
      if (!done) process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
}

test("the README's serve command: after one visit, with the server stopped, a reload works and runs the example; nothing is downloaded twice", { timeout: 12 * 60_000 }, async () => {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = await startServeScript(port);
  const context = await launch();
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(origin + '/', { waitUntil: 'load' });
    await page.evaluate(() => navigator.serviceWorker.ready);
    // What the service worker fetched to fill its cache, as its own resource timing saw it.
    const [worker] = context.serviceWorkers();
    assert.ok(worker, 'no service worker');
    const fetched = await worker.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => ({ url: e.name, transfer: e.transferSize, body: e.encodedBodySize })),
    );
    // What the page had loaded before the service worker installed: the page,
    // its script, style and engine worker, the engine's glue and wasm. Each
    // cost the service worker headers only (a 304, or nothing from the HTTP
    // cache); a second download would cost its body (1.8 MB for the wasm).
    const assets = fetched.filter((e) => new URL(e.url).pathname.startsWith('/assets/')).map((e) => new URL(e.url).pathname);
    assert.ok(assets.length >= 3, `the page's assets are not cached: ${JSON.stringify(fetched)}`);
    for (const f of ['/', '/localsurv.js', '/localsurv.wasm', ...assets]) {
      const entry = fetched.find((e) => e.url === origin + f);
      assert.ok(entry, `the service worker did not cache ${f}: ${JSON.stringify(fetched)}`);
      assert.ok(entry.transfer < 1024, `${f} was downloaded again (${entry.transfer} bytes): ${JSON.stringify(entry)}`);
    }
    const wasm = fetched.find((e) => e.url === origin + '/localsurv.wasm');
    assert.ok(wasm.body > 100_000, `the wasm entry has no body: ${JSON.stringify(wasm)}`);

    await server.stop();
    assert.notEqual(await statusOf(origin + '/'), 200, 'the server still answers');
    await page.reload({ waitUntil: 'load' });
    assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true, 'the reloaded page is not served by the service worker');
    // Styled: the stylesheet came back from the cache.
    const styled = await page.evaluate(() => {
      const readable = (sheet) => {
        try {
          return sheet.cssRules.length > 0;
        } catch {
          return false; // not loaded from this origin's files: the cache missed it
        }
      };
      return document.styleSheets.length > 0 && [...document.styleSheets].every(readable);
    });
    assert.ok(styled, 'the reloaded page has no stylesheet');
    const status = await runExample(page);
    await page.screenshot({ path: path.join(artifacts, 'offline-served.png'), fullPage: true });
    await assertExampleResults(page, status);
    const foreign = proxied.filter((e) => !BROWSER_SERVICE_HOSTS.has(proxiedHost(e)));
    assert.deepEqual(foreign, [], 'requests reached the network');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await server.stop();
  }
});
