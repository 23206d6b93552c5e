// The engine's own messages in the page's language (web/engine_text.js with
// web/locales/*/engine.js): every message the engine writes on the example,
// the committed specs, the degenerate cases and a set of common mistakes
// (bad specs, bad CSVs, bad filters) is matched by a template, its Chinese has
// no untranslated word and carries the data (columns, levels, numbers)
// unchanged; plus the matcher's own rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, runCli, specCases, datasetPath, loadEngine } from './harness.mjs';
import { setLanguage, language } from '../../web/i18n.js';
import {
  engineMessage,
  isTranslatedEngineMessage,
  parseEngineMessage,
  conventionLabel,
  listItems,
} from '../../web/engine_text.js';
import { MESSAGES } from '../../web/locales/index.js';
import { untranslatedWords } from './i18n_terms.mjs';

// Engine messages of a result or envelope: warnings (objects or texts), the
// errors of parts ({error: {message}}) and of the run; convention keys.
function collect(doc, into) {
  const walk = (node, key) => {
    if (Array.isArray(node)) {
      for (const x of node) {
        if (typeof x === 'string' && key === 'warnings') into.messages.add(x);
        else walk(x, key);
      }
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'message' && typeof v === 'string') into.messages.add(v);
        else if (k === 'conventions' && v && typeof v === 'object') {
          for (const [c, value] of Object.entries(v)) {
            into.conventions.add(c);
            if (typeof value === 'string') into.values.add(`${c}\u0000${value}`);
          }
        } else walk(v, k);
      }
    }
  };
  walk(doc, '');
}

const WORD = /[A-Za-z][A-Za-z0-9.\-–']*[A-Za-z0-9]|[A-Za-z]{2,}/g;

// The spec's option names (a field such as 'subcohorts[0].filter' names one
// the spec lacks).
const SPEC_KEYS = new Set(
  [...fs.readFileSync(path.join(root, 'core/io/spec.cpp'), 'utf8').matchAll(/"([a-z][a-z0-9_]*)"/g)].flatMap((m) => m[1].split('_')),
);

// Words of the data a run saw: the file's cells and the spec's texts.
function dataWords(csvText, spec) {
  const words = new Set();
  const add = (s) => {
    for (const w of String(s).match(WORD) ?? []) words.add(w);
    for (const w of String(s).match(/[A-Za-z0-9]+/g) ?? []) words.add(w);
  };
  add(csvText);
  add(JSON.stringify(spec));
  return words;
}

const lung = datasetPath('lung');
const small = {
  version: 1,
  time: { column: 'time' },
  event: { column: 'status', values: [2] },
  group: { column: 'sex' },
  covariates: ['age'],
  analyses: { km: {} },
};
const withSpec = (patch) => ({ ...small, ...patch });
const header = 'time,status,sex,age\n';

// Common mistakes: [what, spec (object or raw text), CSV text or null for lung].
const MISTAKES = [
  ['misspelt time column', withSpec({ time: { column: 'tiem' } }), null],
  ['event value that is not a number', withSpec({ event: { column: 'status', values: ['dead'] } }), null],
  ['event value that never occurs', withSpec({ event: { column: 'status', values: [7] } }), null],
  ['event value 1 on 1/2 coding', withSpec({ event: { column: 'status', values: [1] } }), null],
  ['filter cut short', withSpec({ filter: 'age >' }), null],
  ['filter on an unknown column', withSpec({ filter: 'agex > 3' }), null],
  ['filter with =', withSpec({ filter: 'age = 3' }), null],
  ['filter comparing numbers with text', withSpec({ filter: "age > 'a'" }), null],
  ['filter comparing text with <', withSpec({ filter: "sex < 'a'", data: { column_types: { sex: 'categorical' } } }), null],
  ['filter keeping nobody', withSpec({ filter: 'age > 1000' }), null],
  ['filter with an unclosed parenthesis', withSpec({ filter: '(age > 3' }), null],
  ['filter with a trailing word', withSpec({ filter: 'age > 3 xyz' }), null],
  ['filter with is but no missing', withSpec({ filter: 'age is 3' }), null],
  ['filter with in but no list', withSpec({ filter: 'age in 3' }), null],
  ['filter with an unknown character', withSpec({ filter: 'age # 3' }), null],
  ['filter with an unclosed quote', withSpec({ filter: "sex == 'a" }), null],
  ['filter with a hexadecimal number', withSpec({ filter: 'age > 0x10' }), null],
  ['filter with a bad list', withSpec({ filter: 'age in (1 2)' }), null],
  ['filter without an operator', withSpec({ filter: 'age 3' }), null],
  ['filter starting with a number', withSpec({ filter: '3 > age' }), null],
  ['subcohort filter keeping nobody', withSpec({ subcohorts: [{ name: 'old', filter: 'age > 1000' }] }), null],
  ['unknown confidence type', withSpec({ analyses: { km: { conf_type: 'foo' } } }), null],
  ['unknown analysis', withSpec({ analyses: { kmx: {} } }), null],
  ['confidence level out of range', withSpec({ analyses: { km: { conf_int: 2 } } }), null],
  ['times that are negative', withSpec({ analyses: { km: { times: [-1] } } }), null],
  ['unknown version', withSpec({ version: 2 }), null],
  ['column name that is a number', withSpec({ time: { column: 5 } }), null],
  ['unknown ties', withSpec({ analyses: { cox: { ties: 'foo' } } }), null],
  ['spec that is not JSON', '{not json', null],
  ['spec that is a list', '[]', null],
  ['covariate named twice', withSpec({ covariates: ['age', 'age'] }), null],
  ['covariate that is the time', withSpec({ covariates: ['time'] }), null],
  ['matching ratio out of range', withSpec({ analyses: { matching: { ratio: 50 } } }), null],
  ['matching caliper negative', withSpec({ analyses: { matching: { caliper: -1 } } }), null],
  ['rounds too many', withSpec({ analyses: { matching: { ratio: 20, rounds: 20 } } }), null],
  ['cutpoint without a column', withSpec({ analyses: { cutpoint: {} } }), null],
  ['cutpoint replicates too few', withSpec({ analyses: { cutpoint: { column: 'age', replicates: 5 } } }), null],
  ['cutpoint matching without a reference', withSpec({ analyses: { cutpoint: { column: 'age', groups: { match: true } } } }), null],
  ['cutpoint value missing', withSpec({ analyses: { cutpoint: { column: 'age', groups: { use: 'value' } } } }), null],
  ['group level that is not declared', withSpec({ group: { column: 'sex', levels: ['1', '9'] } }), null],
  ['unknown reference level', withSpec({ group: { column: 'sex', reference: '9' } }), null],
  ['time column that is text', withSpec({ time: { column: 'time' }, data: { column_types: { time: 'categorical' } } }), null],
  ['column_types on an unknown column', withSpec({ data: { column_types: { zz: 'numeric' } } }), null],
  ['column_types with an unknown type', withSpec({ data: { column_types: { age: 'number' } } }), null],
  ['missing_values on an unknown column', withSpec({ data: { missing_values: { zz: ['x'] } } }), null],
  ['log-rank with nothing to compare', withSpec({ group: undefined, analyses: { logrank: {} } }), null],
  ['Cox with nothing to fit', withSpec({ group: undefined, covariates: [], analyses: { cox: {} } }), null],
  ['propensity model without a group', withSpec({ group: undefined, analyses: { logistic: {} } }), null],
  ['propensity model without covariates', withSpec({ covariates: [], analyses: { logistic: {} } }), null],
  ['Table 1 without covariates', withSpec({ covariates: [], analyses: { table1: {} } }), null],
  ['Cox force on an unknown term', withSpec({ analyses: { cox: { force: ['zz'] } } }), null],
  ['display name of an unknown column', withSpec({ labels: { columns: { zz: 'Z' } } }), null],
  ['display name that is empty', withSpec({ labels: { columns: { age: '' } } }), null],
  ['derived column without a name', withSpec({ derive: [{ cut: { column: 'age', breaks: [60] } }] }), null],
  ['derived column that exists', withSpec({ derive: [{ name: 'age', cut: { column: 'age', breaks: [60] } }] }), null],
  ['derived cut with decreasing breaks', withSpec({ derive: [{ name: 'ag', cut: { column: 'age', breaks: [60, 50] } }] }), null],
  ['derived cut with too few labels', withSpec({ derive: [{ name: 'ag', cut: { column: 'age', breaks: [60], labels: ['a'] } }] }), null],
  ['derived column with two kinds', withSpec({ derive: [{ name: 'x', cut: { column: 'age', breaks: [60] }, flag: { column: 'sex' } }] }), null],
  ['derived BED without fractions', withSpec({ derive: [{ name: 'b', bed: { dose: 'age' } }] }), null],
  ['derived BED with alpha/beta 0', withSpec({ derive: [{ name: 'b', bed: { dose: 'age', fractions: 'inst', alpha_beta: 0 } }] }), null],
  ['derived BED with 0 fractions', withSpec({ derive: [{ name: 'b', bed: { dose: 'age', fractions: 'inst' } }] }), `time,status,sex,age,inst\n1,2,1,60,0\n`],
  ['derived date difference with an unknown unit', withSpec({ derive: [{ name: 'd', date_diff: { start: 'a', end: 'b', unit: 'decades' } }] }), null],
  ['derived date difference with an unknown format', withSpec({ derive: [{ name: 'd', date_diff: { start: 'a', end: 'b', format: 'ydm' } }] }), null],
  ...[
    ['end before start', '2019-03-12,2019-03-01'],
    ['not a date', '2019-03-12,soon'],
    ['two-digit year', '2019-03-12,12/03/19'],
    ['month name', '2019-03-12,12 Mars 2019'],
    ['impossible day', '2019-03-12,2019-02-30'],
    ['leap year', '2019-03-12,2019-02-29'],
    ['month 13', '2019-03-12,2019-13-01'],
    ['ambiguous order', '03/04/2019,05/06/2019'],
    ['mixed order', '13/04/2019,04/13/2019'],
    ['bad hour', '2019-03-12,2019-03-13 25:00'],
    ['numbers', '43500,43600'],
  ].map(([what, row]) => [
    `derived date difference: ${what}`,
    withSpec({ time: { column: 'd' }, derive: [{ name: 'd', date_diff: { start: 'a', end: 'b' } }] }),
    `a,b,status,sex,age\n${row},2,1,60\n2019-01-01,2019-06-01,1,2,50\n`,
  ]),
  ['date times of day', withSpec({ time: { column: 'd' }, derive: [{ name: 'd', date_diff: { start: 'a', end: 'b' } }] }),
    'a,b,status,sex,age\n2019-03-12 10:00,2019-04-12 11:00,2,1,60\n2019-01-01,2019-06-01,1,2,50\n'],
  ['subcohort filter that does not parse', withSpec({ subcohorts: [{ name: 'bad', filter: 'age >' }] }), null],
  ['subcohort without a filter', withSpec({ subcohorts: [{ name: 'bad' }] }), null],
  ['unit unknown', withSpec({ time: { column: 'time', unit: 'decades' } }), null],
  ['reference group filter that does not parse', withSpec({ analyses: { cutpoint: { column: 'age', groups: { none: 'inst >', match: true } } } }), null],
  ['reference group holding everybody', withSpec({ analyses: { cutpoint: { column: 'age', groups: { none: 'age > 0', match: true } } } }), null],
  ['cutpoint on a text column', withSpec({ analyses: { cutpoint: { column: 'sex', groups: { use: 'value', value: 1 } } }, data: { column_types: { sex: 'categorical' } } }), null],
  ['caliper on a two-valued score', withSpec({ covariates: ['inst'], analyses: { matching: { caliper: 0.2 } } }),
    'time,status,sex,inst\n1,2,1,0\n2,1,2,1\n3,2,1,1\n4,1,2,0\n5,2,1,0\n6,1,2,1\n7,2,1,1\n8,1,2,0\n'],
  ['strata without a group', withSpec({ group: undefined, analyses: { logrank: { by: ['inst'], strata: 'inst' } } }), null],
  ['score covariate not a covariate', withSpec({ analyses: { matching: { score_covariates: ['inst'] } } }), null],
  ['select_p without univariate', withSpec({ analyses: { cox: { select_p: 0.1, univariate: false } } }), null],
  ['filter nested too deep', withSpec({ filter: `${'('.repeat(120)}age > 1${')'.repeat(120)}` }), null],
  ['log-rank by an identifier', withSpec({ analyses: { logrank: { by: ['id'] } } }), null],
  ['cutpoint on a column with three values', withSpec({ analyses: { cutpoint: { column: 'ph.ecog', minprop: 0.4, maxprop: 0.6 } } }), null],
  ['exact Wilcoxon on large groups', withSpec({ covariates: ['age'], analyses: { table1: { exact: 'on' } } }), null],
  ['subcohort filter keeping nobody of the filtered cohort', withSpec({ filter: 'age > 50', subcohorts: [{ name: 'old', filter: 'age > 1000' }] }), null],
  ['no complete row', small, `${header},2,1,3\n,1,2,4\n`],
  ['no complete row after the filter', withSpec({ filter: 'age > 3' }), `${header},2,1,3\n,1,2,4\n5,1,1,1\n`],
  ['text covariate declared numeric', withSpec({ covariates: [{ column: 'grade', type: 'numeric' }], analyses: { cox: {} } }),
    'time,status,sex,grade\n1,2,1,G1\n2,1,2,G2\n3,2,1,G1\n4,1,2,G3\n'],
  ['header only', small, header],
  ['empty file', small, ''],
  ['short line', small, `${header}1,2,1\n`],
  ['column named twice', small, 'time,status,sex,time\n1,2,1,3\n'],
  ['column without a name', small, 'time,,sex,age\n1,2,1,3\n'],
  ['unterminated quote', small, `${header}"1,2,1,3\n`],
  ['negative time', small, `${header}-1,2,1,3\n5,1,2,4\n`],
  ['missing event', small, `${header}1,,1,3\n5,1,2,4\n`],
  ['text in the time column', small, `${header}abc,2,1,3\n5,1,2,4\n`],
  ['infinite time', small, `${header}inf,2,1,3\n5,1,2,4\n`],
  ['not UTF-8', small, Buffer.from([...Buffer.from(`${header}1,2,1,`), 0xff, 0x0a])],
  ['NUL byte', small, `${header}1,2,1,\u0000\n`],
  ['numeric column with text', withSpec({ data: { column_types: { age: 'numeric' } } }), `${header}1,2,1,abc\n5,1,2,4\n`],
  ['no events', withSpec({ analyses: { km: {}, cox: {}, logrank: {} } }), `${header}1,1,1,3\n5,1,2,4\n6,1,1,5\n`],
];

const specs = [];
const found = { messages: new Set(), conventions: new Set(), values: new Set() };
const wordsOf = new Map(); // message -> the data words of its run

function run(name, dataFile, specFile, spec, csvText) {
  const out = runCli(dataFile, specFile);
  assert.ok(out.stdout.startsWith('{'), `${name}: the CLI printed no JSON (${out.stdout.slice(0, 200)})`);
  const doc = JSON.parse(out.stdout);
  const mine = { messages: new Set(), conventions: new Set(), values: new Set() };
  collect(doc, mine);
  const words = dataWords(csvText, spec);
  for (const m of mine.messages) {
    found.messages.add(m);
    wordsOf.set(m, new Set([...(wordsOf.get(m) ?? []), ...words]));
  }
  for (const c of mine.conventions) found.conventions.add(c);
  for (const v of mine.values) found.values.add(v);
  specs.push(name);
  return doc;
}

test('collect the engine messages of the example, the committed specs, the degenerate cases and common mistakes', async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-text-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const read = (f) => fs.readFileSync(f, 'utf8');
  const ex = path.join(root, 'public/examples');
  const exSpec = path.join(ex, 'npc_paper.spec.json');
  run('example', path.join(ex, 'npc_cohort.csv'), exSpec, JSON.parse(read(exSpec)), read(path.join(ex, 'npc_cohort.csv')));
  for (const c of specCases()) {
    run(c.name, datasetPath(c.dataset), c.specFile, JSON.parse(read(c.specFile)), read(datasetPath(c.dataset)));
  }
  const dir = path.join(root, 'tests/fixtures/degenerate');
  const { base, cases } = JSON.parse(read(path.join(dir, 'cases.json')));
  for (const c of cases) {
    const spec = { ...base, ...c.spec };
    const specFile = path.join(tmp, 'spec.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    run(c.name, path.join(dir, c.data), specFile, spec, read(path.join(dir, c.data)));
  }
  const errors = [];
  for (const [what, spec, csv] of MISTAKES) {
    const specFile = path.join(tmp, 'spec.json');
    fs.writeFileSync(specFile, typeof spec === 'string' ? spec : JSON.stringify(spec));
    let dataFile = lung;
    if (csv !== null) {
      dataFile = path.join(tmp, 'data.csv');
      fs.writeFileSync(dataFile, csv);
    }
    const doc = run(what, dataFile, specFile, spec, csv === null ? read(lung) : String(csv));
    if (doc.ok === false) errors.push(doc.error.message);
    else {
      const all = { messages: new Set(), conventions: new Set(), values: new Set() };
      collect(doc, all);
      assert.ok(all.messages.size > 0, `${what}: the mistake gives neither an error nor a warning`);
    }
  }
  // The CSV problems the page shows before a run (describe), from the wasm engine.
  const engine = await loadEngine();
  for (const [, , csv] of MISTAKES.filter(([, , csv]) => csv !== null)) {
    engine.load(typeof csv === 'string' ? new TextEncoder().encode(csv) : new Uint8Array(csv));
    const env = engine.describe({});
    if (env.ok === false) {
      found.messages.add(env.error.message);
      wordsOf.set(env.error.message, dataWords(String(csv), {}));
    }
  }
  assert.ok(errors.length >= 70, `the mistakes give run errors (${errors.length})`);
  assert.ok(found.messages.size >= 150, `messages collected: ${found.messages.size}`);
});

// The data a parse carries: every non-message placeholder value (a list's items).
function dataOf(parsed, out = []) {
  for (const [name, value] of Object.entries(parsed.values)) {
    if (name.startsWith('msg')) dataOf(value, out);
    else if (name.startsWith('list')) out.push(...listItems(value).map((v) => v.replace(/^'([\s\S]*)'$/, '$1')));
    else out.push(value);
  }
  return out;
}

// A scope that the generic "{name}: {msg}" template keeps as it is, and a
// spec field, must be data (words of the file or the spec), not English text
// that a general template swallowed.
function namedScopes(parsed, out = []) {
  if (parsed.name === 'named') out.push(parsed.values.name);
  if (typeof parsed.values.field === 'string') out.push(parsed.values.field);
  for (const [name, value] of Object.entries(parsed.values)) if (name.startsWith('msg')) namedScopes(value, out);
  return out;
}

test('every collected engine message has a template, and its Chinese is Chinese with the data unchanged', () => {
  assert.ok(found.messages.size > 0, 'the collecting test ran first');
  const before = language();
  const failures = [];
  try {
    setLanguage('zh-CN');
    for (const message of [...found.messages].sort()) {
      if (!isTranslatedEngineMessage(message)) {
        failures.push(`no template: ${message}`);
        continue;
      }
      const parsed = parseEngineMessage(message);
      const zh = engineMessage(message);
      const data = dataOf(parsed);
      // Words as untranslatedWords splits them (rt_primary -> rt, primary).
      const allowed = new Set(data.flatMap((d) => [d, ...(d.match(WORD) ?? []), ...(d.match(/[A-Za-z0-9]+/g) ?? [])]));
      const words = untranslatedWords(zh, allowed);
      if (words.length) failures.push(`untranslated ${JSON.stringify(words)}: ${message} -> ${zh}`);
      for (const d of data) if (!zh.includes(d)) failures.push(`data "${d}" lost: ${message} -> ${zh}`);
      for (const scope of namedScopes(parsed)) {
        const foreign = untranslatedWords(scope, new Set([...(wordsOf.get(message) ?? []), ...SPEC_KEYS]));
        if (foreign.length) failures.push(`scope "${scope}" is not data ${JSON.stringify(foreign)}: ${message}`);
      }
      assert.notEqual(zh, message, `not translated: ${message}`);
      // ENGINE_TEXT_DUMP=1 prints each message with its Chinese, to read them.
      if (process.env.ENGINE_TEXT_DUMP) console.log(`${message}\n  -> ${zh}`);
    }
  } finally {
    setLanguage(before);
  }
  assert.deepEqual(failures, []);
});

test('every convention the analyses write has a name in both languages', () => {
  assert.ok(found.conventions.size >= 30, `conventions collected: ${found.conventions.size}`);
  const before = language();
  try {
    for (const key of found.conventions) {
      assert.ok(Object.hasOwn(MESSAGES.en, `engine.convention.${key}`), `no name for the convention "${key}"`);
      setLanguage('en');
      assert.equal(conventionLabel(key), key, 'English names a convention by its key');
      setLanguage('zh-CN');
      assert.deepEqual(untranslatedWords(conventionLabel(key)), [], `${key}: ${conventionLabel(key)}`);
    }
    assert.equal(conventionLabel('no_such_convention'), 'no_such_convention');
  } finally {
    setLanguage(before);
  }
});

// Conventions whose values are prose (not R calls, formulas or option names).
const PROSE = ['algorithm', 'balanced', 'caliper', 'categorical', 'df', 'distance', 'factors', 'missing', 'numeric', 'rows', 'std_err', 'timefix', 'variance', 'youden'];

test('the prose values of the conventions are translated; R calls stay as written', () => {
  const before = language();
  const failures = [];
  try {
    setLanguage('zh-CN');
    for (const entry of found.values) {
      const [key, value] = entry.split('\u0000');
      if (!PROSE.includes(key)) continue;
      const parsed = parseEngineMessage(value);
      if (!parsed) {
        failures.push(`${key}: no template: ${value}`);
        continue;
      }
      const zh = engineMessage(value);
      const allowed = new Set(dataOf(parsed).flatMap((d) => [d, ...(d.match(WORD) ?? []), ...(d.match(/[A-Za-z0-9]+/g) ?? [])]));
      const words = untranslatedWords(zh, allowed);
      if (words.length) failures.push(`${key}: untranslated ${JSON.stringify(words)}: ${value} -> ${zh}`);
      if (process.env.ENGINE_TEXT_DUMP) console.log(`${value}\n  -> ${zh}`);
    }
    // An R call is no message: it is shown as the engine wrote it.
    const call = 'coxph(Surv(time, event) ~ terms, ties = "efron")';
    assert.equal(engineMessage(call), call);
  } finally {
    setLanguage(before);
  }
  assert.deepEqual(failures, []);
});

test('engineMessage: English as written, recursion, lists, literal data, unmatched text unchanged', () => {
  const before = language();
  try {
    const nested =
      "interaction (main-effects model): the hazard ratio of stage = II and stage = III may each be infinite (for example, a level in which no patient, or every patient, has the event): their hazard ratio, confidence interval and Wald p are not reliable (the model's likelihood-ratio test, in the result JSON, still is)";
    setLanguage('en');
    assert.equal(engineMessage(nested), nested, 'English returns the text as is');
    assert.equal(engineMessage(undefined), '');

    setLanguage('zh-CN');
    // A scope and its message are each translated; the list is joined in Chinese.
    const zh = engineMessage(nested);
    assert.ok(zh.startsWith('交互作用（主效应模型）：stage = II 和 stage = III 的风险比'), zh);
    assert.equal(parseEngineMessage(nested).name, 'scoped');
    // Three levels deep: scope, model of an outcome, message and remedy.
    assert.equal(
      engineMessage("the propensity model of treatment (lt): 'one' has a single value ('F') among the 40 patients it uses, so it has nothing to estimate; leave it out of the covariates"),
      '治疗分组（lt）的倾向性评分模型：“one”在其使用的 40 例患者中只有一个取值（“F”），无可估计；请将其从协变量中移除',
    );
    // Hostile data: placeholders and regular-expression characters are copied literally.
    for (const hostile of ['{x}', '{msg}', '$&', '.*', '(a|b)+', "a': b", '\\1', '$1$2']) {
      const message = `column '${hostile}' is not in the data (columns: ${hostile}, b)`;
      assert.ok(isTranslatedEngineMessage(message), message);
      assert.equal(engineMessage(message), `列“${hostile}”不在数据中（现有列：${hostile}, b）`);
    }
    assert.equal(
      engineMessage("group '{level}': no events; survival stays at 1 and no quantile (median) is reached"),
      '组“{level}”：无事件：生存率始终为 1，未达到任何分位数（中位数）',
    );
    // The page's own envelopes around the engine (web/client.js, web/engine.js).
    assert.equal(engineMessage('the analysis engine stopped: out of memory'), '分析引擎已停止运行：out of memory');
    assert.equal(engineMessage('cancelled'), '已取消');
    // Unmatched text (a newer engine's message) is returned unchanged.
    for (const unknown of ['a message no template knows', 'foo: bar', '', 'group \'x\': something new']) {
      assert.equal(isTranslatedEngineMessage(unknown), false, unknown);
      assert.equal(engineMessage(unknown), unknown);
    }
    // A general template does not swallow a text whose part is not a message.
    assert.equal(engineMessage('inst = 3: something new'), 'inst = 3: something new');
    // A data list keeps its items; quoted items get Chinese quotes.
    assert.deepEqual(listItems('a, b and c'), ['a', 'b', 'c']);
    assert.deepEqual(listItems('a'), ['a']);
    assert.equal(
      engineMessage("propensity-score matching: 'x' and 'y' have no value in any of the 12 patients of the cohort; leave it out of the covariates"),
      '倾向性评分匹配：“x”和“y”在队列的 12 例患者中均无取值；请将其从协变量中移除',
    );
  } finally {
    setLanguage(before);
  }
});

test('every template of the catalog is reachable and unambiguous in its own words', () => {
  // A template's English with sample data parses back to that template
  // (so no other template shadows it), except generic parts.
  const sample = (name) => (name.startsWith('list') ? 'a1 and b1' : `v${name.length}`);
  const before = language();
  try {
    setLanguage('zh-CN');
    for (const [key, english] of Object.entries(MESSAGES.en)) {
      if (!key.startsWith('engine.msg.')) continue;
      if (/\{msg/.test(english)) continue; // composed: covered by the collected messages
      const text = english.replace(/\{(\w+)\}/g, (_, n) => sample(n));
      const parsed = parseEngineMessage(text);
      assert.ok(parsed, `${key} does not match its own wording`);
      assert.equal(parsed.key, key, `${key} is shadowed by ${parsed.key}: ${text}`);
    }
  } finally {
    setLanguage(before);
  }
});
