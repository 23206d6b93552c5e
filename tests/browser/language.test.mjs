// The page's language in the built page (dist/), in headless Debian Chromium:
// the switch changes <html lang> and the page's texts to Chinese, says the
// status lines already shown again in Chinese (same numbers), is kept for the
// next visit, and rides in the reproduction link (&lang=zh-CN), so the link
// opens in Chinese in a fresh browser and still checks the file; a browser
// whose language is Chinese opens the page in Chinese.
// Needs `bash scripts/build.sh` first (dist/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumSuite, watchErrors } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');

const WAIT = 20_000;
const TEST_TIMEOUT = 120_000;
const required = [path.join(dist, 'index.html')];
const paperSpec = JSON.parse(fs.readFileSync(path.join(root, 'public/examples/npc_paper.spec.json'), 'utf8'));
// The example's outcome and group with a short run: KM, log-rank and Cox.
const spec = { ...paperSpec, analyses: { km: {}, logrank: {}, cox: {} }, subcohorts: [] };

const browser = chromiumSuite({ dir: dist, required, wait: WAIT });
let origin;
let context;
before(async () => {
  ({ origin, context } = await browser.start());
});
after(() => browser.stop());

const text = (page, selector) => page.textContent(selector);
const numbers = (s) => String(s).match(/\d+(?:,\d{3})*(?:\.\d+)?/g) ?? [];

async function openPage(ctx, url) {
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}

/** The page's static texts in Chinese: headings, a button, a hint, a placeholder, the title. */
async function assertChinese(page) {
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await page.inputValue('#language'), 'zh-CN');
  assert.equal((await text(page, '#data-heading')).trim(), '1. 数据');
  assert.equal((await text(page, '#setup-heading')).trim(), '2. 分析');
  assert.equal((await text(page, '#results-heading')).trim(), '3. 结果');
  assert.equal((await text(page, '#run-button')).trim(), '运行分析');
  assert.match(await page.title(), /在浏览器中完成生存分析/);
  assert.match(await text(page, '#privacy'), /您的数据始终留在本机/);
  assert.match(await page.getAttribute('#filter', 'placeholder'), /^例如 age >= 18/);
  assert.match(await text(page, '#subcohorts-hint'), /运算符：== !=/);
}

async function assertEnglish(page) {
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal((await text(page, '#data-heading')).trim(), '1. Data');
  assert.equal((await text(page, '#run-button')).trim(), 'Run analysis');
  assert.match(await page.title(), /survival analysis in your browser/);
}

test('the switch gives the Chinese page, says the shown status lines again, and is kept after a reload; the link carries &lang=zh-CN and opens in Chinese in a fresh browser, still checking the file', { timeout: TEST_TIMEOUT }, async () => {
  const { page, errors } = await openPage(context, `${origin}/`);
  let link;
  try {
    await assertEnglish(page);
    // The example with a short analysis, run in English.
    await page.click('#example-button');
    await page.waitForFunction(() => /rows, \d+ columns/.test(document.getElementById('data-status')?.textContent ?? ''));
    const dataEnglish = await text(page, '#data-status');
    await page.evaluate(() => { document.getElementById('spec-details').open = true; });
    await page.fill('#spec-text', JSON.stringify(spec));
    await page.click('#spec-apply');
    await page.waitForFunction(() => document.getElementById('spec-status')?.textContent === 'Applied.');
    await page.click('#run-button');
    await page.waitForFunction(() => /^(Done|The analysis stopped)/.test(document.getElementById('run-status')?.textContent ?? ''), null, { timeout: 60_000 });
    const runEnglish = await text(page, '#run-status');
    assert.match(runEnglish, /^Done: /);
    await page.click('#share-button');
    await page.waitForFunction(() => document.getElementById('share-copied')?.textContent);
    assert.match(await text(page, '#share-copied'), /^(Reproduction link copied\.|Copy this link: http)/);
    const navEnglish = await page.$$eval('#results-nav a', (as) => as.map((a) => a.textContent));
    assert.deepEqual(navEnglish, ['Whole cohort']);

    await page.selectOption('#language', 'zh-CN');
    await assertChinese(page);
    // What was already said, said again in Chinese with the same numbers.
    const dataChinese = await text(page, '#data-status');
    assert.match(dataChinese, /^npc_cohort\.csv（示例）：\d+ 行，\d+ 列。$/);
    assert.deepEqual(numbers(dataChinese), numbers(dataEnglish));
    const runChinese = await text(page, '#run-status');
    assert.match(runChinese, /^完成：队列 \d+ 行中使用 \d+ 行/);
    assert.deepEqual(numbers(runChinese), numbers(runEnglish));
    assert.match(await text(page, '#share-copied'), /^(已复制复现链接。|请复制此链接：http)/);
    assert.match(await text(page, '#share-status'), /^(已复制复现链接。|请复制此链接：http)/);
    assert.equal(await text(page, '#spec-status'), '已应用。');
    assert.deepEqual(await page.$$eval('#results-nav a', (as) => as.map((a) => a.textContent)), ['全队列']);
    assert.equal((await text(page, '#result-0 h3')).trim(), '全队列');
    // The link: the address after the run, with the language now chosen.
    link = await page.evaluate(() => location.href);
    assert.match(link, /#ls1\.[^&]+&lang=zh-CN$/);
    // The HTML report is written in the page's language.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-button')]);
    const report = fs.readFileSync(await download.path(), 'utf8');
    assert.match(report, /<html lang="zh-CN">/);
    assert.match(report, /<h1>LocalSurv 分析报告<\/h1>/);

    // Kept for the next visit (this browser's storage), without the link.
    await page.goto(`${origin}/`, { waitUntil: 'load' });
    await assertChinese(page);
    // And back: English again, and kept.
    await page.selectOption('#language', 'en');
    await assertEnglish(page);
    await page.reload({ waitUntil: 'load' });
    await assertEnglish(page);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }

  // A fresh browser (no stored choice, English browser language) opens the
  // link in Chinese, and the link still restores and checks the file.
  const fresh = chromiumSuite({ dir: dist, required, wait: WAIT, profilePrefix: 'localsurv-language-' });
  try {
    const other = await fresh.start();
    const { page: linked, errors: linkedErrors } = await openPage(other.context, link.replace(origin, other.origin));
    await assertChinese(linked);
    await linked.waitForFunction(() => /^此链接用于复现一项分析/.test(document.getElementById('share-status')?.textContent ?? ''));
    await linked.click('#example-button');
    await linked.waitForFunction(() => /^此文件正是生成链接时所用的文件/.test(document.getElementById('share-status')?.textContent ?? ''));
    await linked.waitForSelector('#share-confirm:not([hidden])');
    const planChinese = await text(linked, '#share-plan');
    assert.match(planChinese, /^将在全队列上运行 \d+ 项分析（.*Kaplan–Meier.*对数秩检验.*Cox 回归.*）。$/);
    assert.equal(await linked.isDisabled('#run-button'), false);
    assert.deepEqual(JSON.parse(await linked.inputValue('#spec-text')).analyses.cox != null, true);
    // A switch now says the link's lines in English.
    await linked.selectOption('#language', 'en');
    assert.match(await text(linked, '#share-status'), /^This is the file the link was made with/);
    const planEnglish = await text(linked, '#share-plan');
    assert.match(planEnglish, /^It runs \d+ analyses \(.*Kaplan–Meier.*log-rank test.*Cox models.*\) on the whole cohort\.$/);
    assert.deepEqual(numbers(planEnglish), numbers(planChinese));
    assert.match(await linked.evaluate(() => location.hash), /&lang=en$/);
    assert.deepEqual(linkedErrors, []);
  } finally {
    await fresh.stop();
  }
});

test('a browser whose language is Chinese opens the page in Chinese; a link\'s &lang=en wins over it', { timeout: TEST_TIMEOUT }, async () => {
  const zh = chromiumSuite({ dir: dist, required, wait: WAIT, profilePrefix: 'localsurv-zh-', contextOptions: { locale: 'zh-CN' } });
  try {
    const s = await zh.start();
    const { page, errors } = await openPage(s.context, `${s.origin}/`);
    assert.deepEqual(await page.evaluate(() => navigator.languages), ['zh-CN']);
    await assertChinese(page);
    await page.goto(`${s.origin}/#&lang=en`, { waitUntil: 'load' });
    await page.reload({ waitUntil: 'load' });
    await assertEnglish(page);
    assert.deepEqual(errors, []);
  } finally {
    await zh.stop();
  }
});
