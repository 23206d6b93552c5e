// The built page (dist/) in headless Debian Chromium: the bundled example runs
// the paper's whole analysis and a real public dataset (R's lung) runs from
// the form, with the numbers on the page equal to the native CLI's JSON; the
// reproduction link round trip; exports; Excel input; errors; no request
// while a file is analysed; the main flow from the keyboard alone.
// Screenshots of each result view go to test-artifacts/.
// Needs `bash scripts/build.sh` first (dist/ and build/localsurv).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromiumSuite, BROWSER_SERVICE_HOSTS, proxiedHost, watchErrors } from './support.mjs';
import { engineDefault } from '../../web/engine_defaults.js';
import { getPath } from '../../web/spec_form.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const artifacts = path.join(root, 'test-artifacts');
const lungCsv = path.join(root, 'tests/reference/datasets/lung.csv');
const cli = path.join(root, 'build/localsurv');

const WAIT = 20_000; // any single wait on the page
const TEST_TIMEOUT = 90_000; // whole test, so a stuck page fails instead of hanging

const proxied = [];
let origin;
let context;
// Every request the browser makes, across all tests (context-level, so the
// worker's fetches of the engine are seen too).
const requests = [];
const failedResponses = [];

const browser = chromiumSuite({ dir: dist, required: [path.join(dist, 'index.html'), cli], proxied, wait: WAIT });
after(() => browser.stop());
before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  ({ origin, context } = await browser.start());
  context.on('request', (r) => requests.push(r.url()));
  context.on('response', (r) => {
    if (r.status() >= 400) failedResponses.push(`${r.status()} ${r.url()}`);
  });
});

/** Network requests (data:/blob: are not network) that went anywhere but the test server. */
function foreign(urls) {
  return urls.filter((u) => !u.startsWith(origin + '/') && !/^(data|blob):/.test(u));
}

/** A fresh page that records its console errors and uncaught exceptions. */
async function openPage() {
  const page = await context.newPage();
  const errors = watchErrors(page);
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

function runCli(spec, csv = lungCsv) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-spec-'));
  try {
    const specFile = path.join(dir, 'spec.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const out = JSON.parse(execFileSync(cli, [csv, specFile], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    assert.equal(out.ok, true, `CLI failed: ${JSON.stringify(out.error)}`);
    return out.result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}


const npcCsv = path.join(root, 'public/examples/npc_cohort.csv');
const npcSpec = JSON.parse(fs.readFileSync(path.join(root, 'public/examples/npc_paper.spec.json'), 'utf8'));
const f3 = (x) => Number(x).toFixed(3);
const fP = (p) => (p < 0.001 ? '<0.001' : p.toFixed(3));
/** The HR cell as journals print it: "0.634 (0.531–0.757)". */
const hrCell = (c, i) => `${f3(c.hr[i])} (${f3(c.lower[i])}–${f3(c.upper[i])})`;

/** Rows of a CSV file without quoted fields, as objects keyed by the header. */
function csvRows(file) {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
}

async function runAndWait(page) {
  await page.click('#run-button');
  return waitForResults(page);
}

async function specOnPage(page) {
  return JSON.parse(await page.inputValue('#spec-text'));
}

test('the first screen says what LocalSurv is, keeps the privacy statement, and shows a real result of the example', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    await page.setViewportSize({ width: 1280, height: 800 });
    const lede = (await page.locator('.lede').allTextContents()).join(' ').replace(/\s+/g, ' ');
    for (const words of ['Table 1', 'Kaplan–Meier', 'Cox', 'propensity-score matching', 'forest plot', 'equals R', 'offline', 'reproduction link'])
      assert.ok(lede.includes(words), `the first lines name ${words}: ${lede}`);
    assert.match(await page.textContent('#privacy'), /never uploaded/);
    // The thumbnail is drawn from the engine's result for the example (scripts/thumbnail.mjs) and loads under the page's policy.
    const img = page.locator('.thumb img');
    await page.waitForFunction(() => document.querySelector('.thumb img')?.complete);
    assert.ok((await img.evaluate((i) => i.naturalWidth)) > 0, 'the thumbnail is displayed');
    const src = await img.getAttribute('src');
    assert.match(src, /^data:image\/svg\+xml/);
    const svg = src.includes(';base64,') ? Buffer.from(src.split(',')[1], 'base64').toString('utf8') : decodeURIComponent(src.split(',')[1]);
    const km = runCli(npcSpec, npcCsv).results.km.by_group;
    for (const g of km) assert.ok(svg.includes(`median lt = ${g.stratum} ${g.median.estimate.toFixed(1)} months`), `median of lt = ${g.stratum}`);
    // Everything above the fold: what it is, the data step and the example button.
    const box = await page.locator('#example-button').boundingBox();
    assert.ok(box && box.y + box.height <= 800, `the example button is on the first screen (y = ${box?.y})`);
    await page.screenshot({ path: path.join(artifacts, 'landing.png') });
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('the bundled example runs the paper analysis; tables and figures show the CLI numbers', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    assert.equal(await page.isHidden('#setup-section'), true, 'setup visible before any data');
    await page.click('#example-button');
    await waitForSetup(page);
    assert.match(await page.textContent('#data-status'), /^npc_cohort\.csv \(example\): 2041 rows, 30 columns\.$/);
    assert.deepEqual(await specOnPage(page), npcSpec, 'the example loads the paper spec');
    await page.screenshot({ path: path.join(artifacts, 'example-setup.png'), fullPage: true });
    const status = await runAndWait(page);
    const cliResult = runCli(npcSpec, npcCsv);
    assert.equal(status, `Done: 2041 of 2041 rows in the cohort; ${cliResult.cohort.events} events. 2 models used fewer rows (listed below).`);
    // Which: the bone-only subcohort's cutpoint of the derived BED (6 rows without radiotherapy dose).
    const boneCut = cliResult.subcohorts.find((s) => s.name === 'Bone-only metastasis').results.cutpoint;
    assert.deepEqual(await page.locator('#rows-fewer li').allTextContents(), [
      `subcohort Bone-only metastasis: cutpoint: ${boneCut.rows.rows_used} of ${boneCut.rows.rows_available} rows; ${boneCut.rows.rows_dropped} left out for missing values (bed ${boneCut.rows.dropped_for_missing.bed})`,
      `subcohort Bone-only metastasis: cutpoint groups: ${boneCut.groups.rows.rows_used} of ${boneCut.groups.rows.rows_available} rows; ${boneCut.groups.rows.rows_dropped} left out for missing values (bed ${boneCut.groups.rows.dropped_for_missing.bed})`,
    ]);
    assert.ok(boneCut.rows.rows_dropped > 0);
    // Table 3: every multivariable HR (95% CI) and the LT univariate one.
    const coxText = await page.textContent('#card-main-cox');
    const mv = cliResult.results.cox.multivariable.coefficients;
    mv.name.forEach((n, i) => assert.ok(coxText.includes(hrCell(mv, i)), `${n}: ${hrCell(mv, i)} not in the Cox table`));
    const uni = cliResult.results.cox.univariate[0].coefficients;
    assert.ok(coxText.includes(hrCell(uni, 0)), 'univariate LT HR');
    assert.ok(coxText.includes('z = qnorm(0.975) = 1.95996') && !coxText.includes('z(0.95)'), 'the CI footnote states z');
    // The PH test (cox.zph) next to the Cox table: each term's and the global p.
    const phText = await page.textContent('#card-main-cox-ph');
    for (const t of cliResult.results.cox.multivariable.ph_test.by_term)
      assert.ok(phText.includes(`${t.term === 'GLOBAL' ? 'Global (all terms)' : t.term}${t.statistic.toFixed(3)}${t.df}${t.p < 0.001 ? '<0.001' : t.p.toFixed(3)}`), `PH test row ${t.term}`);
    // Figure 2: KM with the log-rank p, the number at risk under the axis.
    const km = page.locator('#fig-main-km figure');
    await km.waitFor();
    const groups = cliResult.results.km.by_group;
    assert.equal(groups.length, 2);
    assert.equal(await km.locator('.ls-km-curve').count(), groups.length, 'one KM curve per group');
    // The number at risk under each x-axis tick t, group by group, is R's
    // summary(survfit(Surv(os_months, death == 1) ~ lt, npc), times = t)$n.risk:
    // the rows of that group with os_months >= t, counted here from the CSV.
    const ticks = (await km.locator('[aria-label="x-axis tick label"] text').allTextContents()).map(Number);
    assert.ok(ticks.length >= 4 && ticks[0] === 0, `x-axis ticks: ${ticks}`);
    const cohort = csvRows(npcCsv);
    const expectedAtRisk = groups.flatMap((g) =>
      ticks.map((t) => String(cohort.filter((r) => r.lt === g.stratum && Number(r.os_months) >= t).length)));
    assert.deepEqual(await km.locator('.ls-risk-n text').allTextContents(), expectedAtRisk, 'numbers at risk');
    const lrP = cliResult.results.logrank.by_group.p;
    const kmText = await km.textContent();
    assert.ok(lrP < 0.001 ? /p\s*<\s*0\.001/.test(kmText) : kmText.includes(lrP.toFixed(3)), `log-rank p on the KM plot: ${kmText.slice(0, 200)}`);
    // Matching rounds and the matched Cox HR.
    const rounds = cliResult.results.matching.rounds;
    assert.equal(await page.locator('#card-main-rounds tbody tr').count(), rounds.length);
    const post = cliResult.results.matching.matched_outcome.cox.coefficients;
    assert.ok((await page.textContent('#card-main-matched-outcome')).includes(hrCell(post, 0)), 'matched HR');
    // Subgroup forest and its interaction p; three subcohorts, Figure 5 groups.
    // One forest row per level of every subgroup variable, with its n (events).
    const subgroupLevels = cliResult.results.subgroups.variables.flatMap((v) => v.levels);
    assert.equal(subgroupLevels.length, 30);
    const forest = page.locator('#fig-main-forest');
    // In the order the spec declares each covariate's levels (the engine sorts them).
    const declared = (v) => npcSpec.covariates.find((c) => c.column === v.variable).levels;
    const inSpecOrder = cliResult.results.subgroups.variables.flatMap((v) => [...v.levels].sort((a, b) => declared(v).indexOf(a.level) - declared(v).indexOf(b.level)));
    assert.deepEqual((await forest.locator('.ls-forest-level text').allTextContents()).map((t) => t.trim()), inSpecOrder.map((l) => l.level), 'forest rows');
    const forestN = await forest.locator('.ls-forest-n text').allTextContents();
    for (const l of subgroupLevels) assert.ok(forestN.includes(`${l.n} (${l.nevent})`), `forest n (events) of ${l.level}: ${forestN}`);
    // The whole cohort, three subcohorts, and the subcohorts compared (Figure 4d).
    assert.equal(await page.locator('#results-nav a').count(), 5);
    const bone = cliResult.subcohorts[2].results.cutpoint.groups.cox.coefficients;
    assert.ok((await page.textContent('#result-3')).includes(hrCell(bone, 1)), 'BED > 60 HR in the bone-only block');
    for (let i = 0; i < 4; ++i) await page.locator(`#result-${i}`).screenshot({ path: path.join(artifacts, `results-example-block${i}.png`) });
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('each analysis\'s form section and its rules on the page: defaults shown, subgroup variables, the cutpoint value, group toggles', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    await page.setInputFiles('#file-input', lungCsv);
    await waitForSetup(page);
    // One section per analysis with a form, in the registry's order; follow-up sits in Kaplan–Meier's.
    const sections = await page.$$eval('#analyses .analysis', (divs) => divs.map((d) => [...d.querySelectorAll('[data-toggle]')].map((b) => b.dataset.toggle).join('+')));
    assert.deepEqual(sections, ['table1', 'km+followup', 'logrank', 'cox', 'matching', 'subgroups', 'cutpoint']);
    // Before any run the engine's defaults show (R: MatchIt ratio 1, no caliper; BED alpha/beta 10).
    assert.equal(await page.getAttribute('input[data-path="analyses.matching.ratio"]', 'placeholder'), '1');
    assert.equal(await page.getAttribute('input[data-path="analyses.matching.caliper"]', 'placeholder'), '0 = none');
    await page.selectOption('[aria-label="kind of derived column to add"]', 'bed');
    await page.click('#add-derive');
    assert.equal(await page.inputValue('[aria-label="derived column 1: alpha/beta (Gy)"]'), '10');
    await page.click('[aria-label="remove derived column bed"]');
    assert.equal((await specOnPage(page)).derive, undefined);
    assert.equal(await page.isChecked('input[data-path="analyses.table1.yates"]'), true);
    await page.selectOption('#group-column', 'sex');
    for (const c of ['age', 'ph.ecog']) await page.check(`input[name=covariate][value="${c}"]`);
    // Options the form used to leave to the JSON: the test's rho (written as a number), the Cox strata.
    assert.equal(await page.inputValue('select[data-path="analyses.logrank.rho"]'), '0');
    assert.equal(await page.inputValue('select[data-path="analyses.cox.strata"]'), '');
    assert.equal(await page.isChecked('input[data-path="analyses.cox.univariate"]'), true);
    assert.equal(await page.getAttribute('input[data-path="analyses.cutpoint.minprop"]', 'placeholder'), '0.1');
    await page.selectOption('select[data-path="analyses.logrank.rho"]', '1');
    assert.equal((await specOnPage(page)).analyses.logrank.rho, 1);
    await page.selectOption('select[data-path="analyses.logrank.rho"]', '0');
    await page.selectOption('select[data-path="analyses.cox.strata"]', 'ph.ecog');
    assert.equal((await specOnPage(page)).analyses.cox.strata, 'ph.ecog');
    await page.selectOption('select[data-path="analyses.cox.strata"]', '');
    assert.equal((await specOnPage(page)).analyses.cox.strata, undefined);
    // Subgroups switched on: the covariates with a few levels, not age.
    await page.check('input[data-toggle="subgroups"]');
    assert.deepEqual((await specOnPage(page)).analyses.subgroups.variables, ['ph.ecog']);
    // The cutpoint's value is asked for only when the groups are cut at a value, and goes with it.
    await page.check('input[data-toggle="cutpoint"]');
    const value = 'input[data-path="analyses.cutpoint.groups.value"]';
    assert.equal(await page.isDisabled(value), true);
    await page.selectOption('select[data-path="analyses.cutpoint.groups.use"]', 'value');
    assert.equal(await page.isDisabled(value), false);
    await page.fill(value, '60');
    await page.locator(value).dispatchEvent('change');
    assert.deepEqual((await specOnPage(page)).analyses.cutpoint.groups, { use: 'value', value: 60 });
    await page.selectOption('select[data-path="analyses.cutpoint.groups.use"]', 'median');
    assert.deepEqual((await specOnPage(page)).analyses.cutpoint.groups, { use: 'median' });
    assert.equal(await page.isDisabled(value), true);
    // No group: what compares groups goes off; Cox stays for its covariates.
    await page.check('input[data-toggle="matching"]');
    await page.selectOption('#group-column', '');
    const analyses = (await specOnPage(page)).analyses;
    assert.equal(analyses.matching, undefined);
    assert.equal(analyses.subgroups, undefined);
    assert.ok(analyses.cox && analyses.cutpoint);
    assert.equal(await page.isChecked('input[data-toggle="matching"]'), false);
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('the example\'s form: every covariate ticked, derived columns and subcohorts\' own covariates and analyses edited in the form; the run equals the CLI', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    await page.click('#example-button');
    await waitForSetup(page);
    // All 15 covariates are ticked, the 5 derived ones with their definition.
    const ticked = await page.$$eval('input[name=covariate]:checked', (boxes) => boxes.map((b) => b.value));
    assert.deepEqual([...ticked].sort(), npcSpec.covariates.map((t) => t.column).sort());
    assert.match(await page.textContent('#covariates'), /age_group \(derived: cut of age at 45\)/);
    assert.match(await page.textContent('#covariates'), /t4 \(derived: 1 when t_stage is T4, else 0\)/);
    // Every derived column is in the form, none as "see the JSON".
    assert.equal(await page.locator('#derived .derive-row').count(), npcSpec.derive.length);
    assert.doesNotMatch(await page.textContent('#setup-form'), /see the JSON\)/);
    // Rename a derived column: every use follows.
    await page.fill('[aria-label="derived column 1 name"]', 'age_cat');
    await page.locator('[aria-label="derived column 1 name"]').dispatchEvent('change');
    let spec = await specOnPage(page);
    assert.equal(spec.derive[0].name, 'age_cat');
    assert.ok(!JSON.stringify(spec).includes('"age_group"'));
    // Add an EQD2 column: the dose and fractions columns are found by name.
    await page.selectOption('[aria-label="kind of derived column to add"]', 'eqd2');
    await page.click('#add-derive');
    spec = await specOnPage(page);
    assert.deepEqual(spec.derive.at(-1), { name: 'eqd2', eqd2: { dose: 'bone_rt_dose_gy', fractions: 'bone_rt_fractions', alpha_beta: 10 } });
    // Change its alpha/beta, then remove it.
    const ab = `[aria-label="derived column ${spec.derive.length}: alpha/beta (Gy)"]`;
    await page.fill(ab, '3');
    await page.locator(ab).dispatchEvent('change');
    assert.equal((await specOnPage(page)).derive.at(-1).eqd2.alpha_beta, 3);
    await page.click('[aria-label="remove derived column eqd2"]');
    assert.equal((await specOnPage(page)).derive.length, npcSpec.derive.length);

    // Subcohorts: the bone-only one's own analyses (its BED cutpoint at 60) are in the form.
    const own = page.locator('#subcohorts .subcohort-own');
    assert.match(await own.nth(2).locator('summary').textContent(), /13 own covariates; own analyses: Kaplan–Meier, Log-rank/);
    await own.nth(2).locator('summary').click();
    assert.equal(await page.isChecked('[aria-label="subcohort 3: own analyses"]'), true);
    const third = own.nth(2);
    assert.equal(await third.locator('input[data-toggle="cutpoint"]').isChecked(), true);
    assert.equal(await third.locator('input[data-toggle="subgroups"]').isChecked(), false);
    assert.equal(await third.locator('input[data-path="analyses.cutpoint.groups.value"]').inputValue(), '60');
    // Its matching caliper edited here is its own: the whole cohort's stays.
    await third.locator('input[data-path="analyses.matching.caliper"]').fill('0.02');
    await third.locator('input[data-path="analyses.matching.caliper"]').dispatchEvent('change');
    spec = await specOnPage(page);
    assert.equal(spec.subcohorts[2].analyses.matching.caliper, 0.02);
    assert.equal(spec.analyses.matching.caliper, 0.01);
    // Its covariates: untick one; the others keep their description (type, levels).
    await page.uncheck('[aria-label="subcohort 3: include bone_multiple"]');
    spec = await specOnPage(page);
    assert.deepEqual(spec.subcohorts[2].covariates, npcSpec.subcohorts[2].covariates.filter((t) => t.column !== 'bone_multiple').map((t) => (t.column === 'age_group' ? { ...t, column: 'age_cat' } : t)));
    // The first subcohort goes back to the whole cohort's covariates.
    await own.nth(0).locator('summary').click();
    await page.uncheck('[aria-label="subcohort 1: own covariates"]');
    spec = await specOnPage(page);
    assert.equal(spec.subcohorts[0].covariates, undefined);
    assert.ok(spec.subcohorts[0].analyses);
    // A new subcohort takes its own analyses: a copy of the study's, then Table 1 off.
    await page.click('#add-subcohort');
    await page.fill('[aria-label="subcohort 4 filter"]', 'age >= 60');
    await page.locator('[aria-label="subcohort 4 filter"]').dispatchEvent('change');
    await own.nth(3).locator('summary').click();
    await page.check('[aria-label="subcohort 4: own analyses"]');
    await own.nth(3).locator('input[data-toggle="table1"]').uncheck();
    spec = await specOnPage(page);
    const { table1, ...rest } = npcSpec.analyses;
    assert.ok(table1);
    assert.deepEqual(Object.keys(spec.subcohorts[3].analyses).sort(), Object.keys(rest).sort());
    // The whole cohort's Table 1 stays on.
    assert.deepEqual(spec.analyses.table1, npcSpec.analyses.table1);
    // Keep the run quick: no subgroups and one matching round anywhere.
    spec.analyses = { km: spec.analyses.km, cox: spec.analyses.cox, matching: { caliper: 0.01 } };
    for (const s of spec.subcohorts) if (s.analyses) { delete s.analyses.subgroups; if (s.analyses.matching) s.analyses.matching.rounds = 1; if (s.analyses.cutpoint) delete s.analyses.cutpoint.groups.match; }
    await page.click('#spec-details summary');
    await page.fill('#spec-text', JSON.stringify(spec));
    await page.click('#spec-apply');
    await page.waitForFunction(() => document.getElementById('spec-status')?.textContent === 'Applied.');
    await runAndWait(page);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#json-button')]);
    const result = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
    assert.deepEqual(result, runCli(spec, npcCsv));
    // What the form set is what ran: the new subcohort without Table 1, the bone-only one on its 12 covariates.
    assert.equal(result.subcohorts[3].results.table1, undefined);
    assert.ok(result.subcohorts[3].results.km);
    assert.equal(result.spec.subcohorts[2].covariates.length, 12);
    assert.equal(result.spec.subcohorts[2].analyses.matching.caliper, 0.02);
    await page.screenshot({ path: path.join(artifacts, 'form-derived-subcohorts.png'), fullPage: true });
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('R\'s lung data from the form: columns, covariates, Breslow ties; page = CLI for the page\'s spec', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    await page.setInputFiles('#file-input', lungCsv);
    await waitForSetup(page);
    assert.match(await page.textContent('#data-status'), /^lung\.csv: 228 rows, 11 columns\.$/);
    assert.equal(await page.inputValue('#time-column'), 'time');
    // Time from a column: the date fields are out of sight until asked for.
    assert.equal(await page.isVisible('#date-start'), false);
    await page.selectOption('#time-source', 'dates');
    assert.equal(await page.isVisible('#date-start'), true);
    assert.equal(await page.isVisible('#time-column'), false);
    await page.selectOption('#time-source', 'column');
    await page.selectOption('#time-column', 'time');
    assert.equal(await page.inputValue('#time-column'), 'time');
    assert.equal(await page.inputValue('#event-column'), 'status');
    assert.equal(await page.inputValue('#event-value'), '2');
    await page.selectOption('#group-column', 'sex');
    for (const c of ['age', 'ph.ecog', 'wt.loss']) await page.check(`input[name=covariate][value="${c}"]`);
    await page.focus('select[aria-label="type of ph.ecog"]');
    await page.selectOption('select[aria-label="type of ph.ecog"]', 'factor');
    // The rows are rebuilt after each change; focus stays on the control used.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'type of ph.ecog');
    await page.selectOption('select[data-path="analyses.cox.ties"]', 'breslow');
    await page.fill('input[data-path="analyses.km.times"]', '180, 365, 730');
    await page.locator('input[data-path="analyses.km.times"]').dispatchEvent('change');
    await page.check('input[data-toggle="cutpoint"]');
    await page.selectOption('select[data-path="analyses.cutpoint.column"]', 'age');
    const spec = await specOnPage(page);
    assert.equal(spec.analyses.cox.ties, 'breslow');
    assert.deepEqual(spec.covariates.map((t) => t.column), ['age', 'ph.ecog', 'wt.loss']);
    await runAndWait(page);
    const cliResult = runCli(spec);
    const coxText = await page.textContent('#card-main-cox');
    for (const fit of [...cliResult.results.cox.univariate, cliResult.results.cox.multivariable]) {
      const c = fit.coefficients;
      c.name.forEach((n, i) => assert.ok(coxText.includes(hrCell(c, i)), `${n}: ${hrCell(c, i)}`));
    }
    // R: coxph(Surv(time, status == 2) ~ sex, lung, ties = "breslow") HR 0.588.
    assert.equal(f3(cliResult.results.cox.univariate[0].coefficients.hr[0]), '0.588');
    const kmText = await page.textContent('#card-main-km');
    assert.ok(kmText.includes(cliResult.results.km.by_group[0].n.toString()));
    assert.ok(await page.locator('#card-main-table1').count(), 'Table 1 came on with the covariates');
    // "Show times in" years: the KM table's median converts (R: median days / 365.25).
    await page.selectOption('#display-unit', 'years');
    const medianYears = (cliResult.results.km.by_group[0].median.estimate / 365.25).toFixed(2);
    assert.ok((await page.textContent('#card-main-km')).includes(medianYears), `median ${medianYears} years`);
    // Rows used per analysis: wt.loss is missing for 14 patients (R: sum(is.na(lung$wt.loss))).
    const rowsText = await page.textContent('#result-0 .rows-used');
    const mvRows = cliResult.results.cox.multivariable.rows;
    assert.equal(mvRows.dropped_for_missing['wt.loss'], 14);
    assert.ok(rowsText.includes('wt.loss: 14'), rowsText.slice(0, 300));
    await page.screenshot({ path: path.join(artifacts, 'results-lung.png'), fullPage: true });
    // The maxstat cutpoint of age, one click from being a covariate cut.
    const cut = cliResult.results.cutpoint.maxstat.cutpoint;
    await page.click(`button:has-text("Use age cut at ${cut}")`);
    const after = await specOnPage(page);
    assert.deepEqual(after.derive.find((d) => d.name === 'age_cut').cut.breaks, [cut]);
    assert.ok(after.covariates.some((t) => t.column === 'age_cut'));
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('display names typed in the form are used in tables, figures and exports, kept in the link, and not in the R script', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    await page.setInputFiles('#file-input', lungCsv);
    await waitForSetup(page);
    await page.selectOption('#group-column', 'sex');
    await page.check('input[name=covariate][value="ph.ecog"]');
    await page.selectOption('[aria-label="type of ph.ecog"]', 'factor');
    const type = async (sel, text) => {
      await page.fill(sel, text);
      await page.locator(sel).dispatchEvent('change');
    };
    await type('[aria-label="sex shown as"]', 'Sex');
    await type('[aria-label="sex level names"]', 'Male, Female');
    await type('[aria-label="ph.ecog shown as"]', 'ECOG <b>PS</b>');
    // A wrong count of level names is refused with the levels named; nothing changes.
    await page.fill('[aria-label="ph.ecog level names"]', 'only one');
    await page.locator('[aria-label="ph.ecog level names"]').dispatchEvent('change');
    assert.match(await page.locator('[aria-label="ph.ecog level names"]').evaluate((el) => el.validationMessage), /^Give 4 names, one per level in this order: 0, 1, 2, 3/);
    await type('[aria-label="ph.ecog level names"]', 'Asymptomatic, , , ');
    const spec = await specOnPage(page);
    assert.deepEqual(spec.labels, { columns: { sex: 'Sex', 'ph.ecog': 'ECOG <b>PS</b>' }, levels: { sex: { 1: 'Male', 2: 'Female' }, 'ph.ecog': { 0: 'Asymptomatic' } } });
    await runAndWait(page);
    // Tables and figures: the names, as text (the markup in a name is not markup).
    const t1 = await page.textContent('#card-main-table1');
    assert.ok(t1.includes('Sex: Male (n = 138)') && t1.includes('ECOG <b>PS</b>') && t1.includes('Asymptomatic'), t1.slice(0, 400));
    assert.equal(await page.locator('#card-main-table1 b').count(), 0);
    const cox = await page.textContent('#card-main-cox');
    assert.ok(cox.includes('1 vs Asymptomatic'), cox.slice(0, 400));
    const km = (await page.locator('#fig-main-km svg text').allTextContents()).join(' | ');
    assert.ok(km.includes('Sex: Male') && km.includes('Sex: Female'), `the KM legend: ${km.slice(0, 300)}`);
    // Exports: a table's CSV and the figure's SVG carry the names; the R script and the result keep the file's.
    const save = async (locator) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
      return fs.readFileSync(await dl.path(), 'utf8');
    };
    assert.ok((await save(page.locator('#card-main-table1 button', { hasText: 'CSV' }))).includes('Sex: Female'));
    assert.ok((await save(page.locator('#fig-main-km button', { hasText: 'SVG' }))).includes('Sex: Female'));
    const r = await save(page.locator('#rscript-button'));
    assert.ok(!r.includes('Asymptomatic') && !r.includes('Sex: ') && r.includes('ph.ecog'));
    // The link carries them: a fresh page with the same file shows the same names.
    await page.click('#share-button');
    const link = await page.evaluate(() => location.href);
    const again = await context.newPage();
    try {
      await again.goto(link);
      await again.setInputFiles('#file-input', lungCsv);
      await again.waitForFunction(() => /^This is the file the link was made with/.test(document.getElementById('share-status')?.textContent ?? ''));
      assert.deepEqual((await specOnPage(again)).labels, spec.labels);
      assert.equal(await again.inputValue('[aria-label="sex shown as"]'), 'Sex');
      assert.equal(await again.inputValue('[aria-label="sex level names"]'), 'Male, Female');
    } finally {
      await again.close();
    }
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('survival past a group\'s last follow-up reads "not estimable"; time labels in the display unit (lung, default times)', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    await page.setInputFiles('#file-input', lungCsv);
    await waitForSetup(page);
    await page.selectOption('#group-column', 'sex');
    const spec = await specOnPage(page);
    // The form's default times in days: whole years of 365.25 days.
    assert.deepEqual(spec.analyses.km.times, [365, 1096, 1826]);
    await runAndWait(page);
    const cliResult = runCli(spec);
    const headers = async () => (await page.locator('#card-main-km thead th').allTextContents()).map((t) => t.trim());
    const survivalHeaders = ['1-year survival, % (95% CI)', '3-year survival, % (95% CI)', '5-year survival, % (95% CI)'];
    assert.deepEqual((await headers()).slice(4), survivalHeaders);
    const cells = async () => page.locator('#card-main-km tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
    const curves = [cliResult.results.km.overall, ...cliResult.results.km.by_group];
    const check = async (unit, end) => {
      const rows = await cells();
      assert.equal(rows.length, curves.length);
      let beyond = 0;
      curves.forEach((c, r) => {
        const last = c.table.time.at(-1);
        c.at_times.time.forEach((t, k) => {
          if (t <= last) return assert.match(rows[r][4 + k], /^\d+\.\d \(/);
          beyond++;
          // R's carried-forward value stays in the JSON, with nobody at risk.
          assert.equal(c.at_times.n_risk[k], 0);
          assert.equal(rows[r][4 + k], `not estimable (follow-up ends at ${end(last)} ${unit})`);
        });
      });
      assert.equal(beyond, 6, 'lung: nobody is followed to 3 years');
    };
    await check('days', (x) => x);
    const legend = await page.locator('#fig-main-km figure').textContent();
    assert.ok(legend.includes(`5-year not estimable (follow-up ends at ${cliResult.results.km.by_group[1].table.time.at(-1)} days)`), legend.slice(0, 400));
    await page.selectOption('#display-unit', 'years');
    assert.deepEqual((await headers()).slice(4), survivalHeaders);
    await check('years', (x) => Number((x / 365.25).toFixed(2)));
    const shown = await page.textContent('#result-0');
    assert.ok(!/\d\.\d{3,}-(year|month|day)/.test(shown), 'no unrounded time label');
    await page.locator('#card-main-km').screenshot({ path: path.join(artifacts, 'km-not-estimable-lung.png') });
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('every select of the form shows a choice, the engine\'s default when the spec leaves it out; the spec written is unchanged', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    const optionSelects = 'select[data-path]:not(.col-select)';
    // Selects that would render blank: no option selected, or one without a label.
    const blank = () => page.$$eval('#setup-section select', (sels) => sels.filter((s) => s.selectedIndex < 0 || !s.options[s.selectedIndex].textContent.trim()).map((s) => s.id || s.dataset.path || s.getAttribute('aria-label')));
    const shown = () => page.$$eval(optionSelects, (sels) => sels.map((s) => [s.dataset.path, s.value]));
    await page.click('#example-button');
    await waitForSetup(page);
    assert.deepEqual(await blank(), []);
    const echo = runCli(npcSpec, npcCsv).spec;
    const values = await shown();
    assert.ok(values.length >= 12, `${values.length} option selects`);
    // The cutpoint's groups: '' = "no groups" while the spec forms none.
    const expected = (spec, p) => (p.endsWith('cutpoint.groups.use') && !getPath(spec, 'analyses.cutpoint.groups') ? '' : String(getPath(spec, p) ?? engineDefault(p)));
    for (const [p, v] of values) assert.equal(v, expected(echo, p), p);
    // Shown, not written: the example's spec is the file's, and a run echoes the CLI's spec.
    assert.deepEqual(await specOnPage(page), npcSpec);
    await runAndWait(page);
    assert.deepEqual(await specOnPage(page), npcSpec);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#json-button').click()]);
    assert.deepEqual(JSON.parse(fs.readFileSync(await dl.path(), 'utf8')).spec, echo);
    // A file's default spec names none of these options: the shown defaults stay the engine's to apply.
    await page.setInputFiles('#file-input', lungCsv);
    await waitForSetup(page);
    await page.selectOption('#group-column', 'sex');
    for (const a of ['matching', 'cutpoint', 'subgroups', 'table1']) await page.check(`input[data-toggle="${a}"]`);
    assert.deepEqual(await blank(), []);
    const spec = await specOnPage(page);
    const lungShown = await shown();
    assert.ok(lungShown.length >= 12, `${lungShown.length} option selects`);
    for (const [p, v] of lungShown) {
      assert.equal(getPath(spec, p), undefined, `${p} written without a choice`);
      assert.equal(v, expected(spec, p), p);
    }
    assert.deepEqual(lungShown.filter(([, v]) => v === '').map(([p]) => p), ['analyses.cutpoint.groups.use']);
    // Groups by: a value forms the groups; "no groups" takes the groups out of the spec again.
    const use = 'select[data-path="analyses.cutpoint.groups.use"]';
    await page.selectOption(use, 'median');
    assert.deepEqual((await specOnPage(page)).analyses.cutpoint.groups, { use: 'median' });
    await page.selectOption(use, '');
    assert.equal((await specOnPage(page)).analyses.cutpoint.groups, undefined);
    assert.equal(await page.inputValue(use), '');
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('Table 1 shows a 0/1 column as n (%) by default, and as mean (SD) once "0/1 columns" says so (the example\'s chemo read as auto)', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    await page.click('#example-button');
    await waitForSetup(page);
    const binary = 'select[data-path="analyses.table1.binary"]';
    assert.equal(await page.inputValue(binary), engineDefault('analyses.table1.binary'));
    assert.equal(engineDefault('analyses.table1.binary'), 'counts');
    // chemo is declared a factor in the paper spec: as "auto" it is a plain 0/1 column.
    await page.selectOption('select[aria-label="type of chemo"]', 'auto');
    const spec = await specOnPage(page);
    assert.equal(spec.covariates.find((t) => t.column === 'chemo').type, undefined);
    const rowsOf = () => page.$$eval('#table-main-table1 tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    const after = (rows, label, n) => rows.slice(rows.findIndex((r) => r[0] === label), rows.findIndex((r) => r[0] === label) + 1 + n);
    await runAndWait(page);
    const cli = runCli(spec, npcCsv).results.table1.variables.find((v) => v.variable === 'chemo');
    assert.equal(cli.binary, true);
    const cell = (s, j) => `${s.counts[j]} (${s.percent[j].toFixed(1)})`;
    const fisher = !(cli.tests.chisq.min_expected >= 5);
    assert.deepEqual(after(await rowsOf(), 'chemo', 2), [
      ['chemo', '', '', '', fP(fisher ? cli.tests.fisher.p : cli.tests.chisq.p), fisher ? "Fisher's exact" : 'χ² (Yates)'],
      ['0', cell(cli.overall, 0), cell(cli.by_group[0], 0), cell(cli.by_group[1], 0), '', ''],
      ['1', cell(cli.overall, 1), cell(cli.by_group[0], 1), cell(cli.by_group[1], 1), '', ''],
    ]);
    assert.ok((await page.textContent('#table-main-table1 tfoot')).includes('Columns holding only 0 and 1, shown as n (%): chemo ('), 'the note names the 0/1 column');
    await page.locator('#card-main-table1').screenshot({ path: path.join(artifacts, 'table1-binary-counts.png') });
    // Switched to numbers: mean (SD) and median (IQR) with the t and Wilcoxon tests.
    await page.selectOption(binary, 'numeric');
    const numericSpec = await specOnPage(page);
    assert.equal(numericSpec.analyses.table1.binary, 'numeric');
    await runAndWait(page);
    const num = runCli(numericSpec, npcCsv).results.table1.variables.find((v) => v.variable === 'chemo');
    assert.equal(num.type, 'numeric');
    const rows = after(await rowsOf(), 'chemo', 2);
    assert.deepEqual(rows.map((r) => r[0]), ['chemo', 'Mean (SD)', 'Median (IQR)']);
    assert.deepEqual(rows[1].slice(4), [fP(num.tests.t.p), 'Welch t']);
    assert.ok(!(await page.textContent('#table-main-table1 tfoot')).includes('Columns holding only 0 and 1'));
    assert.equal(await page.inputValue(binary), 'numeric');
    await page.locator('#card-main-table1').screenshot({ path: path.join(artifacts, 'table1-binary-numeric.png') });
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('time from two date columns (the example\'s metastasis and last follow-up dates)', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    await page.click('#example-button');
    await waitForSetup(page);
    await page.selectOption('#time-source', 'dates');
    await page.selectOption('#date-start', 'metastasis_date');
    await page.selectOption('#date-end', 'last_followup_date');
    const spec = await specOnPage(page);
    assert.deepEqual(spec.derive[0], { name: 'time_from_dates', date_diff: { start: 'metastasis_date', end: 'last_followup_date', unit: 'months', format: 'auto' } });
    assert.equal(spec.time.column, 'time_from_dates');
    await runAndWait(page);
    const cliResult = runCli(spec, npcCsv);
    // Months from the dates agree with os_months to 0.05 (docs/synthetic_cohort.md): same 5-year OS to ~0.1%.
    const km = cliResult.results.km.by_group;
    assert.ok(Math.abs(km[0].at_times.surv[2] - runCli(npcSpec, npcCsv).results.km.by_group[0].at_times.surv[2]) < 0.01);
    const text = await page.textContent('#card-main-km');
    assert.ok(text.includes(`${(100 * km[0].at_times.surv[2]).toFixed(1)}`), 'the page shows the date-based 5-year OS');
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('the reproduction link restores the analysis, checks the file, and reproduces the numbers', { timeout: TEST_TIMEOUT }, async () => {
  const first = await openPage();
  let link;
  let table;
  try {
    await first.page.setInputFiles('#file-input', lungCsv);
    await waitForSetup(first.page);
    await first.page.selectOption('#group-column', 'sex');
    await first.page.check('input[name=covariate][value="age"]');
    await runAndWait(first.page);
    link = first.page.url();
    // The page's language rides after the link's parts (web/i18n.js).
    assert.match(link, /#ls1\.[A-Za-z0-9_-]+\.[0-9a-f]{64}\.\d+&lang=en$/);
    table = await first.page.textContent('#card-main-cox');
    assertNoErrors(first.errors);
  } finally {
    await first.page.close();
  }
  assert.ok(!link.includes('lung'), 'the link names no file');
  const second = await openPage();
  try {
    await second.page.goto(link);
    assert.match(await second.page.textContent('#share-status'), /reproduces an analysis/);
    await second.page.setInputFiles('#file-input', lungCsv);
    // The link restores the settings and waits for the user to confirm the run.
    await second.page.waitForSelector('#share-confirm:not([hidden])');
    assert.match(await second.page.textContent('#share-status'), /its settings are restored below\. Nothing has run yet\./);
    assert.equal(await second.page.isHidden('#results-section'), true, 'the link ran before it was confirmed');
    await second.page.click('#share-run');
    await waitForResults(second.page);
    assert.equal(await second.page.textContent('#card-main-cox'), table);
    await second.page.screenshot({ path: path.join(artifacts, 'share-restored.png'), fullPage: false });
    assertNoErrors(second.errors);
  } finally {
    await second.page.close();
  }
  const third = await openPage();
  try {
    await third.page.goto(link);
    const original = fs.readFileSync(lungCsv, 'utf8');
    const changed = original.replace('\n1,3,306,', '\n1,3,307,');
    assert.notEqual(changed, original);
    await third.page.setInputFiles('#file-input', { name: 'lung.csv', mimeType: 'text/csv', buffer: Buffer.from(changed) });
    await waitForSetup(third.page);
    assert.match(await third.page.textContent('#share-status'), /different/i);
    assert.equal(await third.page.getAttribute('#share-status', 'class'), 'error');
    assert.equal(await third.page.isHidden('#results-section'), true, 'a different file must not run by itself');
    assertNoErrors(third.errors);
  } finally {
    await third.page.close();
  }
});

test('a link that sets column types reads the file that way before anything runs', { timeout: TEST_TIMEOUT }, async () => {
  const first = await openPage();
  let link;
  try {
    await first.page.setInputFiles('#file-input', lungCsv);
    await waitForSetup(first.page);
    const spec = { ...(await specOnPage(first.page)), data: { column_types: { 'ph.ecog': 'categorical' } }, group: { column: 'sex' } };
    await first.page.click('#spec-details summary');
    await first.page.fill('#spec-text', JSON.stringify(spec));
    await first.page.click('#spec-apply');
    assert.equal(await first.page.textContent('#spec-status'), 'Applied.');
    await runAndWait(first.page);
    link = first.page.url();
    assertNoErrors(first.errors);
  } finally {
    await first.page.close();
  }
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(link);
    await page.setInputFiles('#file-input', lungCsv);
    await page.click('#share-run');
    await waitForResults(page);
    const label = await page.textContent('select[aria-label="type of column ph.ecog"] option[value=""]');
    assert.match(label, /^categorical/);
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('exports: table CSV, figure SVG and 300-dpi PNG, the HTML report and the R script', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    await page.click('#example-button');
    await waitForSetup(page);
    await runAndWait(page);
    const save = async (locator) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
      return { name: dl.suggestedFilename(), bytes: fs.readFileSync(await dl.path()) };
    };
    const csv = await save(page.locator('#card-main-cox button', { hasText: 'CSV' }));
    assert.match(csv.name, /\.csv$/);
    const csvText = csv.bytes.toString('utf8');
    assert.ok(csvText.startsWith('\uFEFF'), 'BOM for Excel');
    assert.match(csvText, /HR \(95% CI\)/);
    const svg = await save(page.locator('#fig-main-km button', { hasText: 'SVG' }));
    const svgText = svg.bytes.toString('utf8');
    assert.match(svgText, /^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svgText.includes('ls-risk-n'), 'the risk table is in the SVG');
    const png = await save(page.locator('#fig-main-km button', { hasText: 'PNG' }));
    assert.deepEqual([...png.bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    const phys = png.bytes.indexOf(Buffer.from('pHYs'));
    assert.ok(phys > 0, 'pHYs chunk');
    assert.equal(png.bytes.readUInt32BE(phys + 4), 11811, '300 dpi');
    assert.equal(png.bytes.readUInt32BE(16), 2100, '7 inches at 300 dpi');
    const report = await save(page.locator('#report-button'));
    const html = report.bytes.toString('utf8');
    assert.ok(html.startsWith('<!doctype html>'));
    assert.ok(!/<script|<link|src="http/i.test(html), 'self-contained, no scripts or external files');
    assert.ok((html.match(/<svg/g) ?? []).length >= 10, 'figures inlined');
    assert.ok(html.includes('os_months') && html.includes('Analysis spec'), 'the spec is in the report');
    assert.ok(html.includes('<p>2041 of 2041 rows in the cohort;') && html.includes('<li>subcohort Bone-only metastasis: cutpoint: '), 'the rows each model used are in the report');
    const rs = await save(page.locator('#rscript-button'));
    const r = rs.bytes.toString('utf8');
    for (const needle of ['library(survival)', 'coxph(', 'matchit(', 'survfit(', 'npc_cohort.csv']) assert.ok(r.includes(needle), needle);
    // The whole result the page computed equals the CLI's, number for number.
    const json = await save(page.locator('#json-button'));
    assert.deepEqual(JSON.parse(json.bytes.toString('utf8')), runCli(npcSpec, npcCsv));
    fs.writeFileSync(path.join(artifacts, 'report-example.html'), html);
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('Excel input with a sheet chooser; a ragged CSV and a bad filter give messages naming the place', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    await page.setInputFiles('#file-input', path.join(root, 'tests/fixtures/lung.xlsx'));
    await waitForSetup(page);
    assert.match(await page.textContent('#data-status'), /^lung\.xlsx \[.+\]: 228 rows, 11 columns\.$/);
    // The sheet as CSV, for the R script, is the engine's input byte for byte: lung.csv.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#csv-download')]);
    assert.ok(fs.readFileSync(await dl.path()).equals(fs.readFileSync(lungCsv)));
    await page.setInputFiles('#file-input', path.join(root, 'tests/fixtures/cohort.xlsx'));
    await page.waitForSelector('#sheet-chooser:not([hidden])');
    assert.ok((await page.locator('#sheet-select option').count()) >= 2);

    await page.setInputFiles('#file-input', { name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from('time,status,age\n5,1,60\n7,0\n9,1,70\n') });
    await page.waitForSelector('#data-status.error');
    assert.match(await page.textContent('#data-status'), /^Could not read ragged\.csv: .*line 3/);
    assert.equal(await page.isHidden('#setup-section'), true);
    await page.screenshot({ path: path.join(artifacts, 'ragged-error.png'), fullPage: true });

    await page.setInputFiles('#file-input', lungCsv);
    await waitForSetup(page);
    await page.fill('#filter', 'age >> 50');
    await page.locator('#filter').dispatchEvent('change');
    await page.click('#run-button');
    await page.waitForSelector('#run-status.error');
    assert.match(await page.textContent('#run-status'), /filter/i);
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('no request at all while a file is analysed, and none ever leaves the test server', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  try {
    // The engine loads right after the page; wait for it and for the service worker.
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => navigator.serviceWorker?.ready);
    await page.waitForLoadState('networkidle');
    assert.ok(requests.some((u) => u.endsWith('/localsurv.wasm')), 'the engine was fetched with the page');
    const start = requests.length;
    await page.setInputFiles('#file-input', lungCsv);
    await waitForSetup(page);
    await page.selectOption('#group-column', 'sex');
    await page.check('input[name=covariate][value="age"]');
    await runAndWait(page);
    await page.locator('#fig-main-km figure').waitFor();
    assert.deepEqual(requests.slice(start), [], 'requests while analysing a file');
    assert.deepEqual(foreign(requests), []);
    assert.deepEqual(proxied.filter((e) => !BROWSER_SERVICE_HOSTS.has(proxiedHost(e))), []);
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('the main flow works from the keyboard alone', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  const tabTo = async (id, max = 600) => {
    for (let i = 0; i < max; ++i) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((want) => document.activeElement?.id === want, id)) return;
    }
    assert.fail(`Tab never reached #${id}`);
  };
  try {
    await tabTo('example-button');
    await page.keyboard.press('Enter');
    await waitForSetup(page);
    // The skip link, next after the example button, jumps past the column
    // types and the form's fields to Run.
    await tabTo('skip-to-run', 3);
    const skipVisible = await page.evaluate(() => document.activeElement.getBoundingClientRect().width > 0 && document.activeElement.getBoundingClientRect().left >= 0);
    assert.ok(skipVisible, 'the focused skip link is visible');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'run-button');
    assert.equal(await page.evaluate(() => location.hash), '', 'the skip link left the fragment (the reproduction link) alone');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is visible');
    await page.keyboard.press('Enter');
    await waitForResults(page);
    // After the run, focus is on the results.
    await page.waitForFunction(() => document.activeElement?.id === 'results-heading');
    await tabTo('share-button', 3);
    await page.keyboard.press('Enter');
    // Confirmed next to the button, in a status region screen readers announce.
    await page.waitForFunction(() => document.getElementById('share-copied')?.textContent);
    assert.match(await page.textContent('#share-copied'), /^(Reproduction link copied\.|Copy this link: http)/);
    assert.equal(await page.getAttribute('#share-copied', 'role'), 'status');
    assert.equal(await page.getAttribute('#share-button', 'aria-describedby'), 'share-copied');
    await page.screenshot({ path: path.join(artifacts, 'keyboard-flow.png') });
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});

test('results of an earlier run are marked out of date once a setting changes, current again when it is undone or rerun, and cleared by a failed run', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage();
  // A blank status first, so an earlier "Done" is never taken for this run's.
  const rerun = async () => {
    await page.evaluate(() => {
      document.getElementById('run-status').textContent = '';
    });
    return runAndWait(page);
  };
  const stale = () => page.evaluate(() => ({ banner: !document.getElementById('results-stale').hidden, dimmed: document.getElementById('results').classList.contains('stale') }));
  try {
    await page.click('#example-button');
    await waitForSetup(page);
    assert.match(await rerun(), /^Done: /);
    assert.deepEqual(await stale(), { banner: false, dimmed: false });
    const ties = 'select[data-path="analyses.cox.ties"]';
    await page.selectOption(ties, 'breslow');
    assert.deepEqual(await stale(), { banner: true, dimmed: true }, 'a changed setting marks the results');
    assert.match(await page.textContent('#results-stale'), /^Out of date: /);
    await page.screenshot({ path: path.join(artifacts, 'results-out-of-date.png') });
    // Back to what ran: current again.
    await page.selectOption(ties, 'efron');
    assert.deepEqual(await stale(), { banner: false, dimmed: false }, 'undoing the change');
    await page.selectOption(ties, 'breslow');
    assert.match(await rerun(), /^Done: /);
    assert.deepEqual(await stale(), { banner: false, dimmed: false }, 'after the rerun');
    assert.match(await page.textContent('#card-main-cox'), /ties: breslow/);
    // A run that fails leaves no results of an earlier run on the page.
    await page.fill('#filter', 'age > 1000');
    await page.locator('#filter').dispatchEvent('change');
    assert.deepEqual(await stale(), { banner: true, dimmed: true });
    await page.evaluate(() => {
      document.getElementById('run-status').textContent = '';
    });
    await page.click('#run-button');
    await page.waitForFunction(() => /^(Done|The analysis stopped)/.test(document.getElementById('run-status')?.textContent ?? ''));
    assert.match(await page.textContent('#run-status'), /^The analysis stopped: .*keeps none of the 2041 rows/);
    assert.equal(await page.locator('#results > *').count(), 0, 'results of the earlier run still shown');
    assert.equal(await page.locator('#results-nav > *').count(), 0);
    assert.deepEqual(await stale(), { banner: false, dimmed: false });
    assertNoErrors(errors);
  } finally {
    await page.close();
  }
});
