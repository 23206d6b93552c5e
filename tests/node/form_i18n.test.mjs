// The analysis form in Chinese: the form's rules' notices (web/form_rules.js),
// the form's list errors and derived-column definitions (web/spec_form.js),
// and what the derived columns (web/derive_view.js) and subcohorts
// (web/subcohort_view.js) draw. Each text in Chinese has no Latin word but the
// data's own (column names, levels, cell values) and the terms of
// i18n_terms.mjs, and holds the same numbers as in English.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { loadEngine, root, stubGlobals } from './harness.mjs';
import { setLanguage } from '../../web/i18n.js';
import { untranslatedWords } from './i18n_terms.mjs';
import * as rules from '../../web/form_rules.js';
import * as sf from '../../web/spec_form.js';
import { fieldText } from '../../web/analyses/fields.js';
import { renderDerived } from '../../web/derive_view.js';
import { renderSubcohorts } from '../../web/subcohort_view.js';
import { state } from '../../web/page.js';

const engine = await loadEngine();
function describe(bytes, options = {}) {
  engine.load(bytes);
  const r = engine.describe(options);
  assert.ok(r.ok, JSON.stringify(r.error));
  return r.result;
}
const npc = describe(fs.readFileSync(path.join(root, 'public/examples/npc_cohort.csv')));
const paper = JSON.parse(fs.readFileSync(path.join(root, 'public/examples/npc_paper.spec.json'), 'utf8'));
const setGlobal = stubGlobals();

// The data's own words: column names, levels, derived columns' names and labels.
function dataWords(described, spec = {}) {
  const words = new Set();
  const add = (s) => {
    for (const w of String(s).split(/[^A-Za-z0-9.\-–']+/)) if (w) words.add(w);
    // The words untranslatedWords finds in it ("e4" of "<1e4").
    for (const w of String(s).match(/[A-Za-z][A-Za-z0-9.\-–']*[A-Za-z0-9]|[A-Za-z]{2,}/g) ?? []) words.add(w);
    words.add(String(s));
  };
  for (const c of described.columns) {
    add(c.name);
    for (const l of c.levels ?? []) add(l);
  }
  for (const d of spec.derive ?? []) {
    add(d.name);
    for (const l of d.cut?.labels ?? []) add(l);
    for (const v of d.flag?.values ?? []) add(v);
  }
  return words;
}

// The same numbers, in any order (a Chinese sentence may name them in another).
const numbers = (text) => (String(text).match(/\d+(?:\.\d+)?/g) ?? []).sort();

/** fn() in English and in Chinese (English restored after). */
function both(fn) {
  setLanguage('en');
  const en = fn();
  setLanguage('zh-CN');
  try {
    return { en, zh: fn() };
  } finally {
    setLanguage('en');
  }
}

function assertChinese(zh, en, words, what) {
  assert.deepEqual(untranslatedWords(zh, words), [], `${what}: ${zh}`);
  assert.match(zh, /[\u4e00-\u9fff]/, `${what} is in Chinese: ${zh}`);
  assert.deepEqual(numbers(zh), numbers(en), `${what}: the same numbers as in English (${en} | ${zh})`);
}

// rows rows, the ones in `bad` with "unknown" as their time.
function rfsFile(bad, rows = 30) {
  const lines = ['id,note,rfstime,status'];
  for (let i = 1; i <= rows; i++) lines.push(`${i},x,${bad.includes(i) ? 'unknown' : String(100 + 7 * i)},${i % 3 === 0 ? 1 : 0}`);
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

test('the time column\'s notices in Chinese: the cells by line, the count, the values as in the file', () => {
  for (const bad of [[4], [4, 15, 16], Array.from({ length: 13 }, (_, k) => 8 * k + 2)]) {
    const rows = bad.length > 10 ? 120 : 30;
    const d = describe(rfsFile(bad, rows));
    const spec = { version: 1, time: { column: 'rfstime' }, event: { column: 'status', values: [1] } };
    const words = new Set([...dataWords(d), 'unknown']);
    const problem = both(() => rules.timeNotNumbers(spec, d).text);
    assertChinese(problem.zh, problem.en, words, `${bad.length} text cells`);
    assert.ok(problem.zh.includes('“unknown”'), 'the value as in the file');
    const treated = rules.treatAsMissing(spec, 'rfstime', ['unknown']);
    const read = describe(rfsFile(bad, rows), treated.data);
    const note = both(() => rules.timeMissingNote(treated, read).text);
    assertChinese(note.zh, note.en, words, `${bad.length} cells read as missing`);
    if (bad.length > 10) assert.match(note.zh, /仅列出前 10 个，共 13 个/);
  }
  // English is as before (form_rules.test.mjs holds the longer texts).
  const one = rules.timeNotNumbers({ time: { column: 'rfstime' } }, describe(rfsFile([4])));
  assert.equal(one.text, 'rfstime: 1 cell is not numbers — line 5 "unknown". Survival times must be numbers: treat these cells as missing (those rows are left out), or correct the file.');
});

test('the form\'s list errors and derived columns\' definitions in Chinese; a cut accepts 中位数 and the full-width comma', () => {
  const words = dataWords(npc, paper);
  const errors = [
    () => sf.parseList('12, 3x', 'numbers'),
    () => sf.parseBreaks('mean', 50),
    () => sf.parseBreaks('median', undefined),
    () => sf.newDerive({}, 'nonsense', npc),
  ];
  for (const f of errors) {
    const m = both(() => {
      try {
        f();
      } catch (e) {
        return e.message;
      }
      return assert.fail(`no error from ${f}`);
    });
    assertChinese(m.zh, m.en, new Set([...words, '3x', 'mean', 'nonsense', 'cut', 'flag', 'bed', 'eqd2', 'date', 'diff']), 'error');
  }
  setLanguage('zh-CN');
  try {
    assert.deepEqual(sf.parseBreaks('中位数，60', 45), [45, 60]);
    assert.deepEqual(sf.parseList('12，36, 60', 'numbers'), [12, 36, 60]);
    assert.deepEqual(sf.parseList('年龄，岁, sex', 'strings'), ['年龄，岁', 'sex'], 'a name may hold a full-width comma');
  } finally {
    setLanguage('en');
  }
  assert.deepEqual(sf.parseBreaks('median, 60', 45), [45, 60], 'English as before');
  const derives = [...paper.derive, { name: 'eqd', eqd2: { dose: 'bone_rt_dose_gy', fractions: 'bone_rt_fractions' } },
    { name: 'interval', date_diff: { start: 'metastasis_date', end: 'last_followup_date', unit: 'months' } }];
  for (const d of derives) {
    const text = both(() => sf.deriveText(d));
    assertChinese(text.zh, text.en, words, d.name);
  }
  assert.equal(sf.deriveText(paper.derive[3]), '1 when t_stage is T4, else 0');
  setLanguage('zh-CN');
  try {
    assert.equal(sf.deriveText(paper.derive[3]), 't_stage 为 T4 时取 1，否则取 0');
    assert.equal(sf.deriveText(derives.at(-1)), '从 metastasis_date 到 last_followup_date 的时间（月）');
  } finally {
    setLanguage('en');
  }
});

// Every text a user reads or hears under `root`: each text node, placeholders, aria-labels.
function shownTexts(root) {
  const out = [];
  const walk = root.ownerDocument.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  while (walk.nextNode()) if (walk.currentNode.nodeValue.trim()) out.push(walk.currentNode.nodeValue.trim());
  for (const el of root.querySelectorAll('*')) {
    for (const a of ['placeholder', 'aria-label', 'title']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  return out;
}

function dom() {
  const { document } = new JSDOM('<!doctype html><html><body></body></html>').window;
  setGlobal('document', document);
  return document;
}

test('the derived columns\' rows in Chinese: every kind, its fields, options and labels', () => {
  const spec = { ...structuredClone(paper), derive: [...paper.derive, { name: 'eqd', eqd2: { dose: 'bone_rt_dose_gy', fractions: 'bone_rt_fractions' } }, { name: 'interval', date_diff: { start: '', end: '', unit: 'weeks' } }] };
  const draw = () => {
    const document = dom();
    const host = document.createElement('div');
    renderDerived(host, { spec, described: npc, columnsFor: (kind) => rules.columnsFor(kind, spec, npc), onEdit: () => {} });
    return shownTexts(host);
  };
  const { en, zh } = both(draw);
  assert.equal(en.length, zh.length);
  const words = dataWords(npc, spec);
  for (let k = 0; k < zh.length; ++k) assert.deepEqual(untranslatedWords(zh[k], words), [], zh[k]);
  assert.deepEqual(numbers(zh.join(' ')), numbers(en.join(' ')), 'the same numbers');
  const all = zh.join('\n');
  for (const s of ['按切分点分组', '0/1 指示变量', '总剂量（Gy）', '周', '日/月/年', '添加派生列', '派生列 1 名称', '删除派生列 age_group']) assert.ok(all.includes(s), s);
  // English stays as the page tests know it.
  assert.ok(en.includes('derived column 1 name') && en.includes('remove derived column age_group') && en.includes('kind of derived column to add'));
});

test('the subcohorts in Chinese: own covariates and analyses, their counts, the rows not shown', () => {
  const spec = structuredClone(paper);
  spec.subcohorts = [...spec.subcohorts, ...Array.from({ length: 102 }, (_, k) => ({ name: `s${k}`, filter: 'lt == 1' }))];
  const draw = () => {
    const document = dom();
    state.spec = spec;
    state.described = npc;
    const host = document.createElement('div');
    renderSubcohorts(host, { onEdit: () => {}, sync: () => {} });
    // Open the first one's own settings: its covariate ticks are drawn (the analyses are the analyses' area).
    const own = host.querySelector('details');
    own.open = true;
    own.dispatchEvent(new document.defaultView.Event('toggle'));
    for (const a of own.querySelectorAll('.own-analyses')) a.remove();
    // Its summary names the analyses by their titles (the analyses' texts): only the form's words are checked here.
    return { texts: shownTexts(host), summary: own.querySelector('summary').textContent };
  };
  try {
    const { en, zh } = both(draw);
    const words = dataWords(npc, spec);
    for (const s of spec.subcohorts) for (const w of s.name.split(/\s+/)) words.add(w);
    const titles = /(（[^（]*自有分析：)[^）]*/;
    assert.match(zh.summary, /^自有协变量与分析（\d+ 个自有协变量；自有分析：/);
    for (const text of zh.texts) assert.deepEqual(untranslatedWords(text.replace(titles, '$1'), words), [], text);
    assert.deepEqual(numbers(zh.texts.join(' ').replace(titles, '$1')), numbers(en.texts.join(' ').replace(/(\(.*own analyses: )[^)]*/, '$1')));
    const all = zh.texts.join('\n');
    for (const s of ['亚队列 1 名称', '亚队列 1：自有协变量', '亚队列 1：纳入 sex', '使用自有分析（否则沿用全队列的）', '……另有 5 个亚队列未在此显示']) assert.ok(all.includes(s), s);
    assert.ok(en.texts.join('\n').includes('…and 5 more subcohorts, not shown here'));
  } finally {
    state.spec = null;
    state.described = null;
  }
});

test('a field\'s text: a key in the page\'s language, a function called when drawn, any other text as it is', () => {
  const { en, zh } = both(() => [fieldText('form.none'), fieldText(() => fieldText('form.choose')), fieldText('CI type'), fieldText('log-log')]);
  assert.deepEqual(en, ['(none)', '(choose)', 'CI type', 'log-log']);
  assert.deepEqual(zh, ['（无）', '（请选择）', 'CI type', 'log-log']);
});
