// Issue 10 §4, the analysis form: switching the page's language redraws the
// form (its analyses' sections, covariates, derived columns, subcohorts, the
// file's preview) in the new language and loses nothing the user set. In
// headless Debian Chromium on the built page (dist/): the example, a few
// settings changed (an analysis option, a derived column, a subcohort's own
// analysis, a display name), Chinese and back: the analysis spec is the same
// text, every field shows its value, the form's labels are Chinese, and the
// run works after the switch.
// Needs `bash scripts/build.sh` first (dist/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumSuite, watchErrors, openExample } from './support.mjs';
import { untranslatedWords } from '../node/i18n_terms.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const artifacts = path.join(root, 'test-artifacts');
const WAIT = 20_000;
const TEST_TIMEOUT = 120_000;

let context;
let origin;
const browser = chromiumSuite({ dir: dist, required: [path.join(dist, 'index.html')], wait: WAIT });
before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  ({ context, origin } = await browser.start());
});
after(() => browser.stop());

const npcCsv = fs.readFileSync(path.join(root, 'public/examples/npc_cohort.csv'), 'utf8');

// The example's own words: its column names and cell values (levels), and
// the names the test gives.
function dataWords(extra) {
  const [header, ...lines] = npcCsv.trim().split('\n');
  const words = new Set();
  const add = (s) => {
    words.add(s);
    for (const w of s.split(/[^A-Za-z0-9.\-–']+/)) if (w) words.add(w);
    // The words untranslatedWords finds in it ("e4" of "<1e4").
    for (const w of String(s).match(/[A-Za-z][A-Za-z0-9.\-–']*[A-Za-z0-9]|[A-Za-z]{2,}/g) ?? []) words.add(w);
  };
  for (const s of extra) add(s);
  for (const name of header.split(',')) add(name);
  for (const line of lines) for (const cell of line.split(',')) if (/[A-Za-z]/.test(cell)) add(cell);
  return words;
}

// The form's own texts (not the analyses' sections, which are the analyses'
// texts, nor the data's values in inputs): every text node, placeholder,
// aria-label and option of the covariates, derived columns, subcohorts, the
// group's names and the file's preview header.
function formTexts(page) {
  return page.evaluate(() => {
    const out = [];
    for (const id of ['covariates', 'derived', 'subcohorts', 'group-names', 'preview']) {
      const host = document.getElementById(id);
      const walk = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
      const skip = (n) => n.parentElement.closest('.own-analyses, summary, #preview tbody, #preview thead tr:first-child');
      while (walk.nextNode()) if (walk.currentNode.nodeValue.trim() && !skip(walk.currentNode)) out.push(walk.currentNode.nodeValue.trim());
      for (const el of host.querySelectorAll('[placeholder], [aria-label]')) {
        if (el.closest('.own-analyses')) continue;
        for (const a of ['placeholder', 'aria-label']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
      }
    }
    return out;
  });
}

// What each field of the form shows: its value (or checked state) by its path or label.
function fieldValues(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#setup-form input, #setup-form select, #setup-form textarea')]
      .filter((el) => el.id !== 'language')
      .map((el) => [el.dataset.path ?? el.id ?? '', el.type === 'checkbox' ? el.checked : el.value, el.disabled]),
  );
}

async function specText(page) {
  return page.inputValue('#spec-text');
}

async function switchTo(page, code) {
  await page.selectOption('#language', code);
  await page.waitForFunction((c) => document.documentElement.lang === c, code);
}

test('the form in Chinese and back: the spec and every field are unchanged, the labels are Chinese, and the run works', { timeout: TEST_TIMEOUT }, async () => {
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await openExample(page, origin + '/');

    // A few settings: an analysis option, a derived column renamed and one
    // added with its own α/β, a subcohort's own analysis option, a group's display name.
    await page.selectOption('[data-path="analyses.km.conf_type"] >> nth=0', 'log-log');
    await page.fill('[aria-label="derived column 1 name"]', 'age_cat');
    await page.locator('[aria-label="derived column 1 name"]').dispatchEvent('change');
    await page.selectOption('[aria-label="kind of derived column to add"]', 'eqd2');
    await page.click('#add-derive');
    const n = await page.locator('#derived .derive-row').count();
    await page.fill(`[aria-label="derived column ${n}: alpha/beta (Gy)"]`, '3');
    await page.locator(`[aria-label="derived column ${n}: alpha/beta (Gy)"]`).dispatchEvent('change');
    const third = page.locator('#subcohorts .subcohort-own').nth(2);
    await third.locator('summary').click();
    await third.locator('input[data-path="analyses.matching.caliper"]').fill('0.02');
    await third.locator('input[data-path="analyses.matching.caliper"]').dispatchEvent('change');
    await page.fill('[aria-label="lt shown as"]', 'Local therapy');
    await page.locator('[aria-label="lt shown as"]').dispatchEvent('change');

    const spec = await specText(page);
    const parsed = JSON.parse(spec);
    assert.equal(parsed.analyses.km.conf_type, 'log-log');
    assert.equal(parsed.derive[0].name, 'age_cat');
    assert.equal(parsed.derive.at(-1).eqd2.alpha_beta, 3);
    assert.equal(parsed.subcohorts[2].analyses.matching.caliper, 0.02);
    assert.equal(parsed.labels.columns.lt, 'Local therapy');
    const fields = await fieldValues(page);
    const sections = await page.locator('#analyses [data-path]').count();

    await switchTo(page, 'zh-CN');
    assert.equal(await specText(page), spec, 'the spec is the same text in Chinese');
    assert.deepEqual(await fieldValues(page), fields, 'every field shows the same value in Chinese');
    assert.equal(await page.locator('#analyses [data-path]').count(), sections, 'the analyses\' sections are drawn once, not twice');
    assert.equal(await third.evaluate((d) => d.open), true, 'the open subcohort stays open');
    // The form's labels are Chinese; only the data's words and the terms stay Latin.
    assert.match(await page.textContent('#covariates thead'), /纳入.*列.*类型.*参照水平/);
    assert.match(await page.textContent('#covariates'), /age_cat （派生：age 按 45 切分）/);
    assert.match(await page.textContent('#derived'), /按切分点分组.*0\/1 指示变量.*BED.*EQD2/s);
    assert.equal(await page.locator('[aria-label="派生列 1 名称"]').inputValue(), 'age_cat');
    assert.equal(await page.locator(`[aria-label="派生列 ${n}：α/β（Gy）"]`).inputValue(), '3');
    assert.match(await third.locator('summary').textContent(), /^自有协变量与分析（13 个自有协变量；自有分析：/);
    assert.equal(await page.locator('[aria-label="亚队列 3：自有分析"]').isChecked(), true);
    assert.equal(await third.locator('input[data-path="analyses.matching.caliper"]').inputValue(), '0.02');
    assert.equal(await page.locator('[aria-label="lt 显示为"]').inputValue(), 'Local therapy');
    assert.equal(await page.locator('[data-path="analyses.cox.strata"] >> nth=0').evaluate((s) => s.options[0].textContent), '（无）');
    assert.equal(await page.locator('#preview thead select >> nth=0').evaluate((s) => s.options[1].textContent), '数值型');
    // The spec's own names: derived columns, their labels, subcohorts, display names.
    const words = dataWords([
      ...parsed.derive.flatMap((d) => [d.name, ...(d.cut?.labels ?? []), ...(d.flag?.values ?? [])]),
      ...parsed.subcohorts.map((x) => x.name),
      ...Object.values(parsed.labels.columns),
    ]);
    const zh = await formTexts(page);
    assert.ok(zh.length > 200, `the form's texts were read (${zh.length})`);
    for (const text of zh) assert.deepEqual(untranslatedWords(text, words), [], `untranslated in the form: ${text}`);
    await page.screenshot({ path: path.join(artifacts, 'form-zh-CN.png'), fullPage: true });

    // The run works after the switch; the switch itself left no result stale.
    await page.click('#run-button');
    await page.waitForFunction(() => document.querySelectorAll('#results table').length > 0 && !document.getElementById('run-button').disabled, null, { timeout: 60_000 });
    assert.notEqual(await page.getAttribute('#run-status', 'class'), 'error', await page.textContent('#run-status'));
    assert.equal(await specText(page), spec, 'a run does not change the spec');

    await switchTo(page, 'en');
    assert.equal(await specText(page), spec, 'the spec is the same text back in English');
    assert.deepEqual(await fieldValues(page), fields, 'every field shows the same value back in English');
    assert.equal(await page.locator('#analyses [data-path]').count(), sections);
    assert.match(await page.textContent('#covariates thead'), /include.*column.*type.*reference level/);
    assert.match(await page.textContent('#covariates'), /age_cat \(derived: cut of age at 45\)/);
    assert.equal(await page.locator('[aria-label="derived column 1 name"]').inputValue(), 'age_cat');
    assert.match(await third.locator('summary').textContent(), /^Own covariates and analyses \(13 own covariates; own analyses: /);
    assert.equal(await page.isHidden('#results-stale'), true, 'switching the language does not make the results stale');
    assert.ok((await page.locator('#results table').count()) > 0, 'the results are still shown');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
