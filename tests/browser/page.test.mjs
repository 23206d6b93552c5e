// The built page (dist/) in headless Debian Chromium: the lung analysis shows
// the same Cox numbers as the native CLI, the example and error paths work,
// nothing leaves the machine, and the main flow works from the keyboard.
// Needs `bash scripts/build.sh` first (dist/ and build/localsurv).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const artifacts = path.join(root, 'test-artifacts');
const lungCsv = path.join(root, 'tests/reference/datasets/lung.csv');
const cli = path.join(root, 'build/localsurv');

const WAIT = 20_000; // any single wait on the page
const TEST_TIMEOUT = 90_000; // whole test, so a stuck page fails instead of hanging

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function startServer() {
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(dist, path.normalize(rel));
    if (!file.startsWith(dist + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// Chromium sends everything not on loopback to this proxy, which records and
// refuses it: a second witness for requests Playwright's events do not show
// (e.g. the browser's own favicon fetch) or that would leave the machine.
function startRecordingProxy(log) {
  const proxy = http.createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  proxy.on('connect', (req, socket) => {
    log.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  return new Promise((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(0, '127.0.0.1', () => resolve(proxy));
  });
}

function closeServer(s) {
  if (!s) return undefined;
  s.closeAllConnections();
  return new Promise((resolve) => s.close(resolve));
}

let server;
let proxy;
const proxied = [];
let origin;
let context;
let userDataDir;
// Every request the browser makes, across all tests (context-level, so the
// worker's fetches of the engine are seen too).
const requests = [];
const failedResponses = [];

before(async () => {
  for (const f of [path.join(dist, 'index.html'), cli])
    assert.ok(fs.existsSync(f), `${path.relative(root, f)} is missing: run bash scripts/build.sh first`);
  fs.mkdirSync(artifacts, { recursive: true });
  server = await startServer();
  origin = `http://127.0.0.1:${server.address().port}`;
  proxy = await startRecordingProxy(proxied);
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      // Loopback (the test server) stays direct: Chromium never proxies it.
      `--proxy-server=http://127.0.0.1:${proxy.address().port}`,
    ],
    viewport: { width: 1200, height: 900 },
    timeout: 30_000,
  });
  context.setDefaultTimeout(WAIT);
  context.on('request', (r) => requests.push(r.url()));
  context.on('response', (r) => {
    if (r.status() >= 400) failedResponses.push(`${r.status()} ${r.url()}`);
  });
});

after(async () => {
  await context?.close().catch(() => {});
  await closeServer(server);
  await closeServer(proxy);
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

// The browser's own service traffic, not the page's: Debian's /usr/bin/chromium
// wrapper (/etc/chromium.d) exports Google API keys and adds
// --enable-remote-extensions, so Chromium checks extension updates and signs in
// to GAIA whatever the page does. The proxy refuses these too; they are only
// exempt from the assertion, by exact host (fonts.googleapis.com etc. still fail).
const BROWSER_SERVICE_HOSTS = new Set(['update.googleapis.com', 'accounts.google.com']);

function proxiedHost(entry) {
  const [method, target] = entry.split(' ');
  return method === 'CONNECT' ? target.replace(/:\d+$/, '') : new URL(target).hostname;
}

/** Network requests (data:/blob: are not network) that went anywhere but the test server. */
function foreign(urls) {
  return urls.filter((u) => !u.startsWith(origin + '/') && !/^(data|blob):/.test(u));
}

/** A fresh page that records its console errors and uncaught exceptions. */
async function openPage() {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} [${m.location().url}]`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('crash', () => errors.push('page crashed'));
  await page.goto(origin + '/', { waitUntil: 'load' });
  return { page, errors };
}

function assertNoErrors(errors) {
  // Chromium's "Failed to load resource" message omits the URL; the responses say which.
  assert.deepEqual(errors, [], `failed responses so far: ${JSON.stringify(failedResponses)}`);
}

async function waitForSetup(page) {
  await page.waitForSelector('#setup-section:not([hidden])', { state: 'visible' });
}

/** Waits until the run finishes; returns the status text (which must say Done). */
async function waitForResults(page) {
  await page.waitForFunction(
    () => {
      const s = document.getElementById('run-status');
      return s && s.textContent && !s.textContent.startsWith('Running');
    },
    null,
    { timeout: WAIT },
  );
  const status = await page.textContent('#run-status');
  assert.match(status, /^Done: /, `the run did not finish: ${status}`);
  return status;
}

/** #cox-table as [{model, term, hr, ci, p}]. */
async function coxRows(page) {
  return page.$$eval('#cox-table tbody tr', (trs) =>
    trs.map((tr) => {
      const [model, term, hr, ci, p] = [...tr.cells].map((c) => c.textContent);
      return { model, term, hr, ci, p };
    }),
  );
}

function runCli(spec) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-spec-'));
  try {
    const specFile = path.join(dir, 'spec.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const out = JSON.parse(execFileSync(cli, [lungCsv, specFile], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    assert.equal(out.ok, true, `CLI failed: ${JSON.stringify(out.error)}`);
    return out.result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// What the page displays (web/format.js), restated so a change there is noticed.
const fmt3 = (x) => (x == null || Number.isNaN(x) ? 'NA' : Number(x).toFixed(3));
const fmtP = (p) => (p == null || Number.isNaN(p) ? 'NA' : p < 0.001 ? '<0.001' : p.toFixed(3));

/** The rows #cox-table should show for a CLI result, in the page's order. */
function expectedCoxRows(cox) {
  const rows = [];
  const fits = [...cox.univariate.map((f) => ['univariate', f]), ...(cox.multivariable ? [['multivariable', cox.multivariable]] : [])];
  for (const [model, f] of fits) {
    const c = f.coefficients;
    c.name.forEach((term, i) =>
      rows.push({ model, term, hr: fmt3(c.hr[i]), ci: `${fmt3(c.lower[i])}–${fmt3(c.upper[i])}`, p: fmtP(c.p[i]) }),
    );
  }
  return rows;
}

// The spec app.js buildSpec() sends for the choices made in test 1.
const lungSpec = (ties) => ({
  version: 1,
  time: { column: 'time', unit: 'days' },
  event: { column: 'status', values: ['2'] },
  group: { column: 'sex' },
  covariates: ['age', 'ph.ecog', 'ph.karno', 'wt.loss'].map((column) => ({ column })),
  analyses: { km: { conf_type: 'log' }, followup: {}, logrank: {}, cox: { ties } },
});

async function assertKmPlot(page) {
  const paths = await page.locator('#km-plot svg path').count();
  assert.ok(paths >= 2, `expected the KM plot's svg to have path elements, found ${paths}`);
  // Time must be a linear axis (a few round ticks, positions proportional to
  // their values), not one evenly spaced tick per distinct time.
  const ticks = await page.$$eval('#km-plot svg [aria-label="x-axis tick label"] text', (ts) =>
    ts.map((t) => {
      const r = t.getBoundingClientRect();
      return { value: Number(t.textContent.replace(/[,\u2212]/g, (c) => (c === ',' ? '' : '-'))), x: r.left + r.width / 2 };
    }),
  );
  assert.ok(ticks.length >= 3 && ticks.length <= 20, `x axis has ${ticks.length} tick labels`);
  assert.ok(ticks.every((t) => Number.isFinite(t.value)), `non-numeric x tick: ${JSON.stringify(ticks)}`);
  const scale = (ticks.at(-1).x - ticks[0].x) / (ticks.at(-1).value - ticks[0].value);
  assert.ok(scale > 0, 'x ticks not increasing');
  for (const t of ticks)
    assert.ok(Math.abs(ticks[0].x + (t.value - ticks[0].value) * scale - t.x) < 1.5, `x axis not linear at ${t.value}: ${JSON.stringify(ticks)}`);
}

test('lung via the file input: Cox HRs/CIs, log-rank p and KM plot match the CLI', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    await page.setInputFiles('#file-input', lungCsv);
    await waitForSetup(page);
    assert.match(await page.textContent('#data-status'), /^lung\.csv: 228 rows, 11 columns\.$/);

    await page.selectOption('#time-column', 'time');
    await page.selectOption('#time-unit', 'days');
    await page.selectOption('#event-column', 'status');
    await page.selectOption('#event-value', '2');
    await page.selectOption('#group-column', 'sex');
    for (const c of ['age', 'ph.ecog', 'ph.karno', 'wt.loss']) await page.check(`input[name=covariate][value="${c}"]`);
    await page.selectOption('#ties', 'efron');
    await page.click('#run-button');
    await waitForResults(page);
    await page.screenshot({ path: path.join(artifacts, 'results-lung.png'), fullPage: true });

    const cliResult = runCli(lungSpec('efron'));
    const cox = cliResult.results.cox;
    const shown = await coxRows(page);

    // The row the brief singles out: sex2 in the multivariable model.
    const sex2 = shown.find((r) => r.model === 'multivariable' && r.term === 'sex2');
    assert.ok(sex2, `no multivariable sex2 row in ${JSON.stringify(shown)}`);
    const m = cox.multivariable.coefficients;
    const i = m.name.indexOf('sex2');
    assert.ok(i >= 0, 'CLI multivariable has no sex2');
    assert.equal(sex2.hr, fmt3(m.hr[i]));
    assert.equal(sex2.ci, `${fmt3(m.lower[i])}–${fmt3(m.upper[i])}`);
    // R: coxph(Surv(time, status == 2) ~ sex + age + ph.ecog + ph.karno + wt.loss, lung) gives HR 0.532.
    assert.equal(sex2.hr, '0.532');

    // Every univariate and multivariable row, as displayed.
    const univariate = shown.filter((r) => r.model === 'univariate');
    assert.deepEqual(
      univariate.map((r) => r.term),
      ['sex2', 'age', 'ph.ecog', 'ph.karno', 'wt.loss'],
    );
    assert.deepEqual(shown, expectedCoxRows(cox));
    assert.match(await page.textContent('#cox-table caption'), /ties = efron/);
    // Rows used per model: the multivariable fit drops incomplete rows (R: n = 213, 151 events).
    const nCells = await page.$$eval('#cox-table tbody tr', (trs) => trs.map((tr) => tr.cells[5].textContent));
    assert.equal(nCells[nCells.length - 1], '213 (151)');
    assert.equal(nCells[0], '228 (165)');

    const lr = cliResult.results.logrank.by_group;
    const pText = await page.textContent('#logrank-p');
    assert.equal(pText, `χ² = ${fmt3(lr.statistic)}, df = ${lr.df}, p = ${fmtP(lr.p)}`);
    assert.equal(pText, 'χ² = 10.327, df = 1, p = 0.001');

    await assertKmPlot(page);
    assert.equal(await page.locator('#km-table tbody tr').count(), 2);
    assert.ok((await page.locator('#conventions tbody tr').count()) > 0, 'no conventions shown');
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('the example button loads lung.csv and shows the preview and setup', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    assert.equal(await page.isHidden('#setup-section'), true, 'setup visible before any data');
    await page.click('#example-button');
    await waitForSetup(page);
    assert.match(await page.textContent('#data-status'), /^lung\.csv \(example\): 228 rows, 11 columns\.$/);
    const headers = await page.$$eval('#preview thead th', (ths) => ths.map((th) => th.textContent));
    assert.equal(headers.length, 11);
    assert.match(headers[2], /^time \(numeric/);
    assert.ok((await page.locator('#preview tbody tr').count()) > 0, 'empty preview');
    // The column guesses the page makes for R's lung data.
    assert.equal(await page.inputValue('#time-column'), 'time');
    assert.equal(await page.inputValue('#event-column'), 'status');
    assert.equal(await page.inputValue('#event-value'), '2');
    assert.equal(await page.locator('input[name=covariate]').count(), 11);
    await page.screenshot({ path: path.join(artifacts, 'example-setup.png'), fullPage: true });
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('a ragged CSV row is reported with its line, and a good file then loads', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    await page.setInputFiles('#file-input', {
      name: 'ragged.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('time,status,age\n5,1,60\n7,0\n9,1,70\n'),
    });
    await page.waitForSelector('#data-status.error');
    const status = await page.textContent('#data-status');
    assert.match(status, /^Could not read ragged\.csv: /);
    assert.match(status, /line 3/);
    assert.equal(await page.isHidden('#setup-section'), true, 'setup shown for a file that failed');
    await page.screenshot({ path: path.join(artifacts, 'ragged-error.png'), fullPage: true });

    await page.setInputFiles('#file-input', lungCsv);
    await waitForSetup(page);
    assert.match(await page.textContent('#data-status'), /^lung\.csv: 228 rows/);
    assert.equal(await page.getAttribute('#data-status', 'class'), '');
    await page.selectOption('#group-column', 'sex');
    await page.click('#run-button');
    await waitForResults(page);
    await assertKmPlot(page);
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('no request leaves the test server, and no console or page errors, in a whole flow', { timeout: TEST_TIMEOUT }, async (t) => {
  const start = requests.length;
  const { page, errors } = await openPage();
  try {
    await page.click('#example-button');
    await waitForSetup(page);
    await page.selectOption('#group-column', 'sex');
    await page.check('input[name=covariate][value="age"]');
    await page.click('#run-button');
    await waitForResults(page);
    await assertKmPlot(page);
    await page.screenshot({ path: path.join(artifacts, 'results-example.png'), fullPage: true });
    const mine = requests.slice(start);
    // The monitor must see the worker's fetches, or an empty list proves nothing.
    assert.ok(mine.some((u) => u.endsWith('/localsurv.wasm')), `engine fetch not seen in ${JSON.stringify(mine)}`);
    assert.ok(mine.some((u) => u.endsWith('/examples/lung.csv')), 'example fetch not seen');
    assert.deepEqual(foreign(mine), []);
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
  // And across every test run so far in this file, as seen by Playwright and
  // by the proxy every off-machine request would have to go through.
  assert.deepEqual(foreign(requests), []);
  const browserOwn = proxied.filter((e) => BROWSER_SERVICE_HOSTS.has(proxiedHost(e)));
  if (browserOwn.length) t.diagnostic(`refused ${browserOwn.length} requests of Chromium's own to ${[...new Set(browserOwn.map(proxiedHost))].join(', ')}`);
  assert.deepEqual(proxied.filter((e) => !BROWSER_SERVICE_HOSTS.has(proxiedHost(e))), []);

  // The proxy witness works: a deliberate off-machine fetch reaches it.
  const canary = await context.newPage();
  try {
    await canary.goto(origin + '/', { waitUntil: 'load' });
    await canary.evaluate(() => fetch('http://canary.invalid/x').catch(() => {}));
    assert.ok(proxied.some((r) => r.includes('canary.invalid')), `proxy saw ${JSON.stringify(proxied)}`);
  } finally {
    await canary.close();
    proxied.length = 0;
    requests.length = 0;
  }
});

test('the main flow works with the keyboard alone', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  const focused = () => page.evaluate(() => {
    const a = document.activeElement;
    return a ? a.id || `${a.tagName.toLowerCase()}[${a.name || ''}=${a.value || ''}]` : '';
  });
  /** Presses Tab until `want` (an id or a predicate on focused()) has focus. */
  async function tabTo(want, limit = 40) {
    const seen = [];
    for (let n = 0; n < limit; n++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      seen.push(f);
      if (typeof want === 'function' ? want(f) : f === want) return;
    }
    assert.fail(`Tab never reached ${want}; focus went through ${seen.join(' → ')}`);
  }
  try {
    await tabTo('example-button');
    await page.keyboard.press('Enter');
    await waitForSetup(page);

    // Choices by keyboard: group by typing its name, ties with an arrow key,
    // one covariate with Space.
    await tabTo('group-column');
    await page.keyboard.type('sex');
    assert.equal(await page.inputValue('#group-column'), 'sex');
    await tabTo('ties');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.inputValue('#ties'), 'breslow');
    await tabTo((f) => f === 'input[covariate=age]');
    await page.keyboard.press('Space');
    assert.equal(await page.isChecked('input[name=covariate][value="age"]'), true);
    await tabTo('run-button');
    await page.keyboard.press('Space');
    await waitForResults(page);
    await page.screenshot({ path: path.join(artifacts, 'results-keyboard.png'), fullPage: true });

    assert.match(await page.textContent('#cox-table caption'), /ties = breslow/);
    const cli = runCli({
      ...lungSpec('breslow'),
      covariates: [{ column: 'age' }],
    });
    assert.deepEqual(await coxRows(page), expectedCoxRows(cli.results.cox));
    await assertKmPlot(page);

    // Enter on the focused run button submits too.
    await page.focus('#run-button');
    await page.evaluate(() => { document.getElementById('run-status').textContent = ''; });
    await page.keyboard.press('Enter');
    await waitForResults(page);
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});
