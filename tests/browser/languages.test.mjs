// The page in each of its languages (web/i18n.js): the bundled example runs
// in English and in Simplified Chinese with the same numbers, nothing shown
// is left untranslated (in Chinese: no Latin word but the data's own, R code
// and the technical terms of tests/node/i18n_terms.mjs; in English: no raw
// translation key), and every view of the page is photographed in both
// languages into test-artifacts/<language>/ (issue 10 §7).
// Needs `bash scripts/build.sh` first (dist/ and build/localsurv).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumSuite, watchErrors } from './support.mjs';
import { untranslatedWords, withoutRCode } from '../node/i18n_terms.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const artifacts = path.join(root, 'test-artifacts');
const npcCsv = path.join(root, 'public/examples/npc_cohort.csv');
const npcSpec = JSON.parse(fs.readFileSync(path.join(root, 'public/examples/npc_paper.spec.json'), 'utf8'));
const WAIT = 30_000;
const TEST_TIMEOUT = 180_000;

const proxied = [];
let origin;
let context;
const browser = chromiumSuite({ dir: dist, required: [path.join(dist, 'index.html')], proxied, wait: WAIT });
after(() => browser.stop());
before(async () => {
  ({ origin, context } = await browser.start());
});

// The data's own words: the file's column names and text values, and the
// names the spec gives (derived columns, subcohorts, levels, labels, the
// cutpoint groups' names), each also split as untranslatedWords splits.
const NAME_KEYS = new Set(['name', 'labels', 'levels', 'none_label', 'column', 'columns', 'values', 'reference', 'variables', 'force']);
function dataWords() {
  const lines = fs.readFileSync(npcCsv, 'utf8').trim().split('\n');
  const words = new Set();
  const add = (s) => {
    words.add(String(s));
    for (const w of String(s).match(/[A-Za-z][A-Za-z0-9.\-–']*[A-Za-z0-9]|[A-Za-z]{2,}/g) ?? []) words.add(w);
  };
  add('npc_cohort.csv');
  lines[0].split(',').forEach(add);
  for (const line of lines.slice(1)) for (const cell of line.split(',')) if (/[A-Za-z]/.test(cell)) add(cell);
  const walk = (node, key) => {
    if (Array.isArray(node)) return node.forEach((v) => walk(v, key));
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, key === 'labels' ? key : k);
      // The cutpoint's groups are named after its column.
      if (key === 'cutpoint' && node.column) add(`${node.column}_group`);
      return;
    }
    if (typeof node === 'string' && NAME_KEYS.has(key)) add(node);
  };
  walk(npcSpec, null);
  return words;
}

// Every text a user can see or hear: visible text nodes, and the title,
// aria-label, placeholder and alt of visible elements, with where each is.
// R code (<code>, <pre>), the spec's JSON text and form values are not text of
// the page.
async function shownTexts(page) {
  return page.evaluate(() => {
    const out = [];
    const skip = (el) => el.closest('code, pre, textarea, script, style, [data-verbatim]');
    const visible = (el) => el.checkVisibility?.({ checkOpacity: true, checkVisibilityCSS: true }) ?? true;
    const where = (el) => {
      const id = el.closest('[id]')?.id;
      return `${el.tagName.toLowerCase()}${id ? ` in #${id}` : ''}`;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent.trim();
      if (!text || !el || skip(el) || !visible(el)) continue;
      // <option>s of a closed select are not drawn, but a user opening it reads them.
      out.push({ text, where: where(el) });
    }
    for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
      if (skip(el) || !visible(el)) continue;
      // Inside role="img" (a figure's graphic, which has its own label) nothing
      // is exposed to assistive technology: the marks' own labels are not read.
      if (el.parentElement?.closest('[role="img"]')) continue;
      for (const a of ['title', 'aria-label', 'placeholder', 'alt']) {
        // A filter's example is the filter language (code), like R code.
        if (a === 'placeholder' && (el.id === 'filter' || /filter$/.test(el.dataset.path ?? el.name ?? ''))) continue;
        const v = el.getAttribute(a);
        if (v) out.push({ text: v, where: `${where(el)} @${a}` });
      }
    }
    out.push({ text: document.title, where: 'title' });
    return out;
  });
}

// Open every <details> so their texts count too.
const openAll = (page) => page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));

async function runExample(page) {
  await page.click('#example-button');
  await page.waitForSelector('#setup-section:not([hidden])', { state: 'visible' });
  await page.click('#run-button');
  await page.waitForFunction(
    () => document.getElementById('run-progress').hidden && document.getElementById('results').children.length > 0 && !document.getElementById('run-button').disabled,
    null,
    { timeout: 120_000 },
  );
}

// The numbers of the results' tables, cell by cell (within a cell a
// translation may put them in another order, so each cell's are sorted).
const tableNumbers = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('#results table td, #results table th')].map((c) =>
      (c.textContent.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g) ?? []).sort().join(' '),
    ),
  );

const RAW_KEY = /\b(?:page|form|analyses|figures|engine)\.[a-z_]+(?:\.[a-z_0-9]+)*\b/;

async function photograph(page, lang, name, selector = null) {
  const dir = path.join(artifacts, lang);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  if (selector) await page.locator(selector).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
}

const numbers = {};

for (const lang of ['en', 'zh-CN']) {
  test(`${lang}: the example runs, nothing shown is untranslated, and every view is photographed`, { timeout: TEST_TIMEOUT }, async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(`${origin}/#&lang=${lang}`, { waitUntil: 'load' });
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal(await page.inputValue('#language'), lang);
      await photograph(page, lang, 'landing');
      // The thumbnail (an image, so not text of the page) is drawn in the page's language too.
      const thumb = await page.evaluate(() => document.getElementById('thumb-image').src);
      const svg = /^data:image\/svg\+xml;base64,/.test(thumb) ? Buffer.from(thumb.split(',')[1], 'base64').toString('utf8') : decodeURIComponent(thumb.slice(thumb.indexOf(',') + 1));
      const thumbTexts = [...svg.matchAll(/<text[^>]*>([^<]+)</g)].map((m) => m[1]);
      assert.ok(thumbTexts.length > 3, `the thumbnail's texts: ${thumb.slice(0, 80)}`);
      if (lang === 'en') assert.ok(thumbTexts.some((x) => /Survival/.test(x)), thumbTexts.join(' | '));
      else for (const x of thumbTexts) assert.deepEqual(untranslatedWords(withoutRCode(x), dataWords()), [], `thumbnail: ${x}`);
      await runExample(page);
      await openAll(page);
      const shown = await shownTexts(page);
      const allowed = dataWords();
      const bad = [];
      for (const { text, where } of shown) {
        if (RAW_KEY.test(text)) bad.push(`raw key: "${text}" (${where})`);
        if (lang !== 'en') {
          const words = untranslatedWords(withoutRCode(text), allowed);
          if (words.length) bad.push(`${words.join(' ')} in "${text.slice(0, 160)}" (${where})`);
        }
      }
      assert.deepEqual(bad, [], `untranslated text in ${lang}`);
      numbers[lang] = await tableNumbers(page);
      assert.ok(numbers[lang].join(' ').split(' ').length > 1000, 'the tables hold the numbers');

      // The views: data and form, each result block, the subcohorts compared, exports.
      await photograph(page, lang, 'data', '#data-section');
      await photograph(page, lang, 'analysis-form', '#setup-section');
      const blocks = await page.locator('#results > *').count();
      for (let i = 0; i < blocks; i++) await photograph(page, lang, `results-${String(i).padStart(2, '0')}`, `#results > :nth-child(${i + 1})`);
      await photograph(page, lang, 'results-top', '#results-section > .export-row');
      await photograph(page, lang, 'page', null);
      const link = page.url();
      // An error, as a user meets one: a filter the engine cannot read.
      await page.fill('#filter', 'age >>> 3');
      await page.dispatchEvent('#filter', 'change');
      await page.click('#run-button');
      await page.waitForFunction(() => document.getElementById('run-status').className === 'error', null, { timeout: WAIT });
      await photograph(page, lang, 'error', '#results-section');
      if (lang !== 'en') {
        const status = await page.textContent('#run-status');
        // Names in quotes (“filter”, a column) are the spec's and the file's own.
        assert.deepEqual(untranslatedWords(withoutRCode(status.replace(/“[^”]*”/g, ' ')), allowed), [], `error message: ${status}`);
      }
      // The reproduction link, opened by a reviewer: the file is checked and the run waits for a confirmation.
      assert.ok(link.endsWith(`&lang=${lang}`), link);
      const reviewer = await context.newPage();
      const reviewerErrors = watchErrors(reviewer);
      try {
        await reviewer.goto(link, { waitUntil: 'load' });
        await reviewer.click('#example-button');
        await reviewer.waitForSelector('#share-confirm:not([hidden])', { state: 'visible' });
        await photograph(reviewer, lang, 'link-confirm', 'header.masthead');
        if (lang !== 'en') {
          for (const id of ['share-status', 'share-plan']) {
            const text = await reviewer.textContent(`#${id}`);
            assert.deepEqual(untranslatedWords(withoutRCode(text), allowed), [], `#${id}: ${text}`);
          }
        }
        assert.deepEqual(reviewerErrors, []);
      } finally {
        await reviewer.close();
      }
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
}

test('the numbers are the same in both languages', () => {
  assert.ok(numbers.en && numbers['zh-CN'], 'both languages ran');
  assert.deepEqual(numbers['zh-CN'], numbers.en);
});
