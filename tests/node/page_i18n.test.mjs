// The page's own messages in Chinese (web/locales/*/page.js): a broken or
// refused reproduction link, what a link will run, the file check, where an
// error is, and the HTML report. Every word is Chinese, a term (HR, JSON…) or
// the data's own; the numbers are those of the English text; a message made
// before a language switch is said in the new language when read again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { setLanguage } from '../../web/i18n.js';
import { decodeShare, encodeShare, parseSpecJson, runPlan, checkFingerprint, sha256Hex } from '../../web/share.js';
import { buildReport } from '../../web/report.js';
import { untranslatedWords } from './i18n_terms.mjs';

const numbers = (s) => String(s).match(/\d+(?:,\d{3})*/g) ?? [];
const CJK = /[\u4e00-\u9fff]/;

// fn() in English and in Chinese; restores English.
async function both(fn) {
  setLanguage('en');
  const en = await fn();
  setLanguage('zh-CN');
  try {
    return { en, zh: await fn() };
  } finally {
    setLanguage('en');
  }
}

// The error thrown, as {code, message} read in the language of the moment.
async function errorOf(promiseOrFn) {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    return { code: e.code, message: e.message };
  }
  assert.fail('expected an error');
}
const errorObject = async (promise) => promise.then(() => assert.fail('expected an error'), (e) => e);

const sha = 'ab'.repeat(32);
const good = await encodeShare({ spec: { version: 1, analyses: { km: {} } }, sha256: sha, size: 10 });
const [, packed] = good.slice(1).split('.');

// Links broken in each way the link's reader names; data: the link's own parts.
const BROKEN = [
  ['', 'empty'],
  ['#results', 'prefix'],
  [`#ls2.${packed}.${sha}.10`, 'version'],
  [`#ls0.${packed}.${sha}.10`, 'version'],
  [`#ls1.${packed}.${sha}`, 'parts'],
  [`#ls1.${packed}=.${sha}.10`, 'base64'],
  [`#ls1.${packed}.${sha.slice(0, 63)}.10`, 'hash'],
  [`#ls1.${packed}.${sha.slice(0, 63)}g.10`, 'hash'],
  [`#ls1.${packed}.${sha}.12kB`, 'size'],
  [`#ls1.AAAA.${sha}.10`, 'deflate'],
];

test('a broken link\'s message in Chinese: Chinese words, the same numbers, the same code', async () => {
  for (const [fragment, code] of BROKEN) {
    const { en, zh } = await both(() => errorOf(decodeShare(fragment)));
    assert.equal(zh.code, code, fragment);
    assert.equal(en.code, code, fragment);
    assert.ok(CJK.test(zh.message), zh.message);
    // "12kB" is the link's own text, quoted back; "#ls1." how a link starts.
    assert.deepEqual(untranslatedWords(zh.message, new Set(['kB', '12kB', 'ls1'])), [], zh.message);
    // The English names the hexadecimal digits (0-9, a-f); the Chinese says 十六进制.
    assert.deepEqual(numbers(zh.message), numbers(en.message.replace('(0-9, a-f)', '')), `${en.message}\n${zh.message}`);
  }
});

test('a message made in English is said in Chinese once the page switches (and back)', async () => {
  setLanguage('en');
  const e = await errorObject(decodeShare(`#ls1.${packed}.${sha}`));
  assert.match(e.message, /^This link is incomplete/);
  setLanguage('zh-CN');
  try {
    assert.match(e.message, /^此链接不完整/);
  } finally {
    setLanguage('en');
  }
  assert.match(e.message, /^This link is incomplete/);
});

test('a spec of the wrong shape or size, in Chinese, names the field as it is spelled', async () => {
  const cases = [
    ['{"analyses": []}', 'shape', ['analyses']],
    ['{"covariates": [1]}', 'shape', ['covariates', 'column']],
    ['{"labels": {"levels": {"sex": 3}}}', 'shape', ['labels.levels.sex']],
    ['{"data": {"column_types": {"age": 1}}}', 'shape', ['data.column_types.age', 'numeric', 'categorical']],
    ['{"subcohorts": [3]}', 'shape', ['subcohorts', 'name', 'filter']],
    ['{"analyses": {"km": {"times": [1, "x"]}}}', 'shape', ['analyses.km.times']],
    ['{"toString": 1}', 'shape', ['toString']],
    [`{"filter": "${'x'.repeat(100_001)}"}`, 'length', ['filter']],
    ['[1]', 'spec', []],
    ['{"a":', 'json', []],
    [`{"a":${'['.repeat(40)}${']'.repeat(40)}}`, 'depth', []],
  ];
  for (const [text, code, words] of cases) {
    for (const what of ['page.share.what_spec', 'page.share.what_link']) {
      const { en, zh } = await both(() => errorOf(() => parseSpecJson(text, what)));
      assert.equal(zh.code, code, text.slice(0, 60));
      // The spec's own words (its fields as spelled) are left out of the check.
      const own = words.reduce((m, w) => m.replaceAll(w, ' '), zh.message);
      assert.deepEqual(untranslatedWords(own), [], zh.message);
      assert.ok(CJK.test(zh.message), zh.message);
      assert.deepEqual(numbers(zh.message), numbers(en.message), `${en.message}\n${zh.message}`);
    }
  }
});

test('what a link will run, in Chinese, with the counts of the English plan', async () => {
  const spec = {
    analyses: { km: {}, followup: { enabled: false }, matching: { rounds: 12 }, cutpoint: { column: 'bed', pmethod: 'condmc', replicates: 1_000_000 }, constructor: {} },
    subcohorts: [{ name: 'a', filter: 'x == 1' }, { name: 'b', filter: 'x == 2', analyses: { km: {} } }],
  };
  const { en, zh } = await both(() => runPlan(spec));
  assert.deepEqual(zh.analyses, en.analyses);
  assert.equal(
    zh.text,
    '将在全队列上运行 4 项分析（Kaplan–Meier，倾向性评分匹配，最佳截断值，“constructor”），并在 2 个亚队列中的每一个上运行（共 3 个队列；其中 1 个亚队列有各自的分析）。每个队列：匹配最多重复 12 轮；最佳截断值的 P 值使用 1,000,000 次 Monte Carlo 模拟。',
  );
  assert.deepEqual(numbers(zh.text), numbers(en.text));
  const none = await both(() => runPlan({ analyses: {} }));
  assert.equal(none.zh.text, '不会在全队列上运行任何分析（未启用任何分析）。');
  const all = await both(() => runPlan({ analyses: Object.fromEntries(['table1', 'km', 'followup', 'logrank', 'cox', 'logistic', 'matching', 'subgroups', 'cutpoint'].map((k) => [k, {}])) }));
  assert.deepEqual(untranslatedWords(all.zh.text), [], all.zh.text);
});

test('the file check against a link, in Chinese: the sizes and the fingerprint as in English', async () => {
  const bytes = new TextEncoder().encode('a,b\n1,2\n');
  const right = { sha256: await sha256Hex(bytes), size: bytes.length };
  for (const expected of [right, { ...right, size: 1234 }, { ...right, sha256: sha }]) {
    const check = await checkFingerprint(expected, bytes);
    const { en, zh } = await both(() => check.message);
    assert.ok(CJK.test(zh), zh);
    assert.deepEqual(untranslatedWords(zh.replace(right.sha256.slice(0, 12), ' ')), [], zh);
    assert.deepEqual(numbers(zh), numbers(en));
  }
});

test('the HTML report in Chinese: <html lang>, its own texts Chinese, the numbers and the spec unchanged', async () => {
  const { document } = new JSDOM('<!doctype html><div id="r"></div><div id="w"></div>').window;
  const result = {
    localsurv: { version: '0.9.0' },
    data: { rows: 7874, columns: 12 },
    cohort: { rows_available: 7874, rows_used: 7874, rows_dropped: 0, events: 2165 },
    results: {},
    spec: { version: 1, time: { column: 'futime', unit: 'days' } },
  };
  const make = () =>
    buildReport({ result, resultsElement: document.getElementById('r'), warningsElement: document.getElementById('w'), fileName: 'flchain.csv', figureToSvg: () => '', date: new Date(Date.UTC(2026, 0, 2)) });
  const { en, zh } = await both(make);
  const read = (html) => new JSDOM(html).window.document;
  const [e, z] = [read(en), read(zh)];
  assert.equal(e.documentElement.lang, 'en');
  assert.equal(z.documentElement.lang, 'zh-CN');
  assert.equal(z.querySelector('pre').textContent, e.querySelector('pre').textContent, 'the spec is the same JSON');
  z.querySelector('pre').remove();
  e.querySelector('pre').remove();
  const text = z.body.textContent;
  assert.match(text, /数据文件：flchain\.csv — 7874 行，12 列。/);
  assert.match(text, /队列 7874 行中使用 7874 行；2165 个事件。/);
  assert.match(z.title, /分析报告/);
  assert.deepEqual(untranslatedWords(`${z.title} ${text}`, new Set(['flchain.csv', 'flchain', 'csv'])), [], text);
  assert.deepEqual(numbers(text).sort(), numbers(e.body.textContent).sort());
});

test('where an error is, in Chinese (the sheet row of an Excel file, the column, the field); the numbers as in English', async () => {
  const { state, describeError } = await import('../../web/page.js');
  const before = { rows: state.sheetRowByLine, sheet: state.sheet };
  state.sheetRowByLine = { 5: 7 };
  state.sheet = 'Data';
  try {
    const errors = [{ message: 'x', line: 5, column: 3, field: 'analyses.km.times' }, { message: 'x', line: 9 }];
    for (const error of errors) {
      const { en, zh } = await both(() => describeError(error));
      assert.deepEqual(untranslatedWords(zh, new Set(['x', 'Data', 'analyses.km.times'])), [], zh);
      assert.deepEqual(numbers(zh), numbers(en));
    }
    assert.equal((await both(() => describeError(errors[0]))).zh, 'x（工作表“Data”第 7 行，第 3 列，字段“analyses.km.times”）');
  } finally {
    state.sheetRowByLine = before.rows;
    state.sheet = before.sheet;
  }
});

test('a status line said as a function of what it reports is said again in the new language; a fixed text is left as it is', async () => {
  const { setStatus, resay } = await import('../../web/page.js');
  const { t } = await import('../../web/i18n.js');
  const { document } = new JSDOM('<!doctype html><p id="a"></p><p id="b"></p>').window;
  const [a, b] = [document.getElementById('a'), document.getElementById('b')];
  setLanguage('en');
  try {
    setStatus(a, () => t('page.run.running'));
    setStatus(b, () => t('page.run.cancelled'), 'ok');
    setStatus(b, 'fixed');
    assert.equal(a.textContent, 'Running…');
    setLanguage('zh-CN');
    resay();
    assert.equal(a.textContent, '正在运行…');
    assert.equal(b.textContent, 'fixed');
    assert.equal(b.className, '');
  } finally {
    setLanguage('en');
    resay();
  }
  assert.equal(a.textContent, 'Running…');
});
