// Failures on the page (issue 8, points 5 and 6), in headless Debian
// Chromium on the built page (dist/): an analysis that cannot be computed
// shows its message, in the user's words, in its own place while every other
// analysis renders (and the report and R script still work); an event column
// coded 1/2 with the event value 1 is confirmed before the run.
// Needs `bash scripts/build.sh` first (dist/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromiumSuite, watchErrors } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const fixtures = path.join(root, 'tests/fixtures/degenerate');
const cohortCsv = path.join(fixtures, 'cohort.csv');
const { base, cases } = JSON.parse(fs.readFileSync(path.join(fixtures, 'cases.json'), 'utf8'));
const lungCsv = path.join(root, 'tests/reference/datasets/lung.csv');
const WAIT = 20_000;
const TEST_TIMEOUT = 90_000;

let context;
let origin;

const browser = chromiumSuite({ dir: dist, required: [path.join(dist, 'index.html')], wait: WAIT });
before(async () => ({ context, origin } = await browser.start()));
after(() => browser.stop());

async function openWith(csv) {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(origin + '/', { waitUntil: 'load' });
  await page.setInputFiles('#file-input', csv);
  await page.waitForSelector('#setup-section:not([hidden])', { state: 'visible' });
  return { page, errors };
}

// A run starts from a blank status, so an earlier "Done" is never taken for this run's.
async function clickRun(page) {
  await page.evaluate(() => {
    document.getElementById('run-status').textContent = '';
  });
  await page.click('#run-button');
}

async function waitForDone(page) {
  await page.waitForFunction(() => /^(Done|The analysis stopped)/.test(document.getElementById('run-status')?.textContent ?? ''));
  const status = await page.textContent('#run-status');
  assert.match(status, /^Done: /);
  return status;
}

async function save(page, locator) {
  const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  return fs.readFileSync(await dl.path(), 'utf8');
}

test('a failed analysis shows its message in its own block; the others render', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openWith(cohortCsv);
  try {
    const spec = {
      time: 'time',
      event: 'status',
      group: 'lt',
      covariates: ['age', 'blank'],
      analyses: { km: {}, logrank: {}, cox: {}, table1: {}, matching: {}, cutpoint: { column: 'const' } },
    };
    await page.click('#spec-details summary');
    await page.fill('#spec-text', JSON.stringify(spec));
    await page.click('#spec-apply');
    await clickRun(page);
    const status = await waitForDone(page);
    assert.match(status, /could not be computed: see the messages in their sections/);
    // Matching failed as a whole: its message names the column and the remedy, in its place.
    const matching = page.locator('#result-0 .analysis-error[data-analysis="matching"]');
    assert.match(await matching.textContent(), /Not computed: propensity-score matching: 'blank' has no value in any of the 40 patients of the cohort; leave it out of the covariates/);
    assert.doesNotMatch(await page.textContent('#result-0'), /cross_tabulate|levels must number/);
    // The Cox models of 'blank' failed; the others are in the table.
    const cox = await page.textContent('#card-main-cox');
    assert.match(cox, /blank.*not computed/);
    assert.match(cox, /Univariate model of blank not fitted: the Cox model of blank: 'blank' has no value/);
    assert.match(await page.textContent('#result-0 .analysis-error[data-analysis="cox"]'), /'blank' has no value/);
    // maxstat failed on a constant column: its row, its message, R's wording on demand; the median stands.
    const cut = page.locator('#result-0 .analysis-error[data-analysis="cutpoint"]');
    assert.match(await cut.textContent(), /every patient has the same value \(5\), so there is nothing to cut; choose another column/);
    assert.match(await cut.locator('details').textContent(), /In R's words.*minprop too large/s);
    assert.match(await page.textContent('#card-main-cutpoint'), /Maximally selected log-rank \(maxstat\)\s*not computed/);
    assert.match(await page.textContent('#card-main-cutpoint'), /Median\s*5/);
    // Everything else renders.
    for (const id of ['#fig-main-km', '#card-main-km', '#card-main-logrank', '#card-main-table1'])
      assert.equal(await page.locator(id).count(), 1, id);
    assert.equal(await page.locator('#result-0 .warning:has-text("Not shown")').count(), 0);
    fs.mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'test-artifacts/results-with-errors.png'), fullPage: true });
    // The report carries the messages; the R script is still written.
    const report = await save(page, page.locator('#report-button'));
    assert.ok(report.includes("&#39;blank&#39; has no value") || report.includes("'blank' has no value"));
    assert.match(await save(page, page.locator('#rscript-button')), /library\(survival\)/);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

// The CLI's result for a spec: the messages the page must show.
function cliResult(csv, spec) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-spec-'));
  try {
    fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
    return JSON.parse(execFileSync(path.join(root, 'build/localsurv'), [csv, path.join(dir, 'spec.json')], { encoding: 'utf8' })).result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('every degenerate case: each error in its analysis\'s block, every other analysis shown', { timeout: 4 * TEST_TIMEOUT }, async () => {
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(origin + '/', { waitUntil: 'load' });
    for (const c of cases) {
      const csv = path.join(fixtures, c.data);
      // The file is read (and its default spec applied) before the case's spec goes in.
      await page.evaluate(() => {
        document.getElementById('data-status').textContent = '';
        document.getElementById('file-input').value = ''; // the same file again is a new choice
      });
      await page.setInputFiles('#file-input', csv);
      await page.waitForFunction(() => / rows, \d+ columns\.$/.test(document.getElementById('data-status').textContent));
      const spec = { ...base, ...c.spec };
      if (!(await page.isVisible('#spec-text'))) await page.click('#spec-details summary');
      await page.fill('#spec-text', JSON.stringify(spec));
      await page.click('#spec-apply');
      await clickRun(page);
      await waitForDone(page);
      const expected = cliResult(csv, spec).results;
      for (const where of Object.keys(c.errors)) {
        const [analysis, ...rest] = where.split('.');
        const message = rest.reduce((n, k) => n[k], expected[analysis]).error.message;
        const block = page.locator(`#result-0 .analysis-error[data-analysis="${analysis}"]`);
        assert.equal(await block.count(), 1, `${c.name}: ${where} has a block`);
        assert.ok((await block.textContent()).includes(message), `${c.name}: ${where}: ${message}`);
      }
      // An analysis that stands shows a table or a figure of its own.
      const cards = { km: '#card-main-km', followup: '#card-main-followup', logrank: '#card-main-logrank', cox: '#card-main-cox', table1: '#card-main-table1', subgroups: '#card-main-subgroups', cutpoint: '#card-main-cutpoint' };
      for (const [analysis, id] of Object.entries(cards))
        if (expected[analysis] && !expected[analysis].error) assert.equal(await page.locator(id).count(), 1, `${c.name}: ${analysis}`);
      if (expected.matching && !expected.matching.error) assert.equal(await page.locator('#card-main-rounds').count(), 1, `${c.name}: matching`);
      assert.equal(await page.locator('#result-0 .warning:has-text("Not shown")').count(), 0, c.name);
    }
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('event coded 1/2 (R\'s lung) with the event value 1: the page asks before the run', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openWith(lungCsv);
  try {
    await page.selectOption('#event-value', '1');
    await clickRun(page);
    const ask = page.locator('#event-confirm');
    await ask.waitFor();
    assert.match(await ask.textContent(), /Column 'status' holds 1 and 2 .* every 2 would be counted as censored/);
    assert.equal(await page.isHidden('#results-section'), true, 'nothing ran yet');
    // Cancel: nothing runs.
    await ask.locator('button', { hasText: 'Cancel' }).click();
    assert.equal(await page.locator('#event-confirm').count(), 0);
    assert.equal(await page.isHidden('#results-section'), true);
    // "Count 2 as the event" sets the value and runs.
    await clickRun(page);
    await page.locator('#event-confirm button', { hasText: 'Count 2 as the event' }).click();
    await waitForDone(page);
    assert.equal(await page.inputValue('#event-value'), '2');
    assert.deepEqual(JSON.parse(await page.inputValue('#spec-text')).event.values, ['2']);
    assert.doesNotMatch(await page.textContent('#warnings'), /counted as censored/);
    // Keeping 1 runs as asked, says so among the warnings, and is not asked again.
    await page.selectOption('#event-value', '1');
    await clickRun(page);
    await page.locator('#event-confirm button', { hasText: 'Run with 1 as the event' }).click();
    await waitForDone(page);
    assert.match(await page.textContent('#warnings'), /every 2 is counted as censored/);
    await clickRun(page);
    await waitForDone(page);
    assert.equal(await page.locator('#event-confirm').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
