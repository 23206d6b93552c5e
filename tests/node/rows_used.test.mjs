// The top of the results says how many rows each model used (web/rows_used.js):
// the cohort, then every model that used fewer rows than its cohort, with the
// columns whose missing values left rows out. Counts are checked against the
// data file itself, not against the engine's own report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { datasetPath, runCli, root } from './harness.mjs';
import { rowsHeadline, fewerText } from '../../web/rows_used.js';
import { setLanguage } from '../../web/i18n.js';
import { untranslatedWords } from './i18n_terms.mjs';

function readCsv(name) {
  const [header, ...lines] = fs.readFileSync(datasetPath(name), 'utf8').trim().split('\n');
  const cols = header.split(',').map((h) => h.replace(/"/g, ''));
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v.replace(/"/g, '')])));
}
const missing = (v) => v === '' || v === 'NA';

function run(dataset, spec) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rows-used-')), 'spec.json');
  fs.writeFileSync(file, JSON.stringify(spec));
  const out = runCli(datasetPath(dataset), file);
  assert.equal(out.status, 0, out.stdout);
  return JSON.parse(out.stdout).result;
}

test('colon: the multivariable Cox on fewer rows is named, with the columns responsible', () => {
  const spec = JSON.parse(fs.readFileSync(path.join(root, 'tests/specs/colon.basic.json'), 'utf8'));
  const h = rowsHeadline(run('colon', spec));
  const rows = readCsv('colon');
  // R: nrow(colon[colon$etype == 2, ]) = 929; coxph(Surv(time, status) ~ rx + sex + age + obstruct +
  // perfor + adhere + nodes + factor(differ) + factor(extent) + surg, colon[colon$etype == 2, ])$n = 888.
  assert.equal(rows.length, 929);
  const noNodes = rows.filter((r) => missing(r.nodes)).length;
  const noDifferOnly = rows.filter((r) => !missing(r.nodes) && missing(r.differ)).length;
  assert.equal(929 - noNodes - noDifferOnly, 888);
  assert.match(h.status, /^Done: 929 of 929 rows in the cohort; 452 events\. 3 models used fewer rows \(listed below\)\.$/);
  const multi = h.fewer.find((f) => /~ rx \+ sex/.test(f.label));
  assert.ok(multi, JSON.stringify(h.fewer));
  assert.deepEqual([multi.used, multi.available], [888, 929]);
  assert.deepEqual(multi.missing, [['nodes', noNodes], ['differ', noDifferOnly]]);
  assert.equal(fewerText(multi), `${multi.label}: 888 of 929 rows; 41 left out for missing values (nodes ${noNodes}, differ ${noDifferOnly})`);
  // The univariate fits of the columns with missing values are there too; those without are not.
  assert.deepEqual(h.fewer.map((f) => f.label.replace(/^Cox Surv\(time, event\) ~ /, '')).sort(), [
    'differ',
    'nodes',
    'rx + sex + age + obstruct + perfor + adhere + nodes + differ + extent + surg',
  ]);
});

test('pbc: rows the cohort leaves out (no treatment) are said with the column; a subcohort\'s models are named with it', () => {
  const rows = readCsv('pbc');
  const noTrt = rows.filter((r) => missing(r.trt)).length;
  const spec = {
    version: 1,
    time: { column: 'time', unit: 'days' },
    event: { column: 'status', values: [2] },
    group: { column: 'trt' },
    covariates: ['age', 'chol'],
    analyses: { cox: {} },
    subcohorts: [{ name: 'women', filter: 'sex == "f"' }],
  };
  const h = rowsHeadline(run('pbc', spec));
  const withTrt = rows.filter((r) => !missing(r.trt));
  assert.equal(h.status.startsWith(`Done: ${withTrt.length} of ${rows.length} rows in the cohort; ${noTrt} left out for missing values (trt ${noTrt}); `), true, h.status);
  const noChol = withTrt.filter((r) => missing(r.chol)).length;
  const women = withTrt.filter((r) => r.sex === 'f');
  const womenNoChol = women.filter((r) => missing(r.chol)).length;
  assert.ok(noChol > 0 && womenNoChol > 0);
  const texts = h.fewer.map(fewerText);
  assert.ok(texts.includes(`Cox Surv(time, event) ~ trt + age + chol: ${withTrt.length - noChol} of ${withTrt.length} rows; ${noChol} left out for missing values (chol ${noChol})`), texts.join('\n'));
  assert.ok(texts.includes(`subcohort women: Cox Surv(time, event) ~ trt + age + chol: ${women.length - womenNoChol} of ${women.length} rows; ${womenNoChol} left out for missing values (chol ${womenNoChol})`), texts.join('\n'));
});

test('nothing left out: one sentence says so, and one event is "1 event"', () => {
  const result = {
    cohort: { rows_available: 2, rows_used: 2, rows_dropped: 0, dropped_for_missing: {}, events: 1 },
    results: { cox: { univariate: [{ formula: 'Surv(t, e) ~ x', rows: { rows_available: 2, rows_used: 2, rows_dropped: 0, dropped_for_missing: {} } }] } },
  };
  assert.deepEqual(rowsHeadline(result), {
    status: 'Done: 2 of 2 rows in the cohort; 1 event. No model left out further rows.',
    summary: '2 of 2 rows in the cohort; 1 event. No model left out further rows.',
    fewer: [],
  });
});

// The same sentences in Chinese: every word Chinese or the data's own (columns,
// the subcohort's name, the model's formula), the numbers those of English.
test('in Chinese: the headline and each model\'s line, with the same numbers', () => {
  const spec = JSON.parse(fs.readFileSync(path.join(root, 'tests/specs/colon.basic.json'), 'utf8'));
  const result = run('colon', { ...spec, subcohorts: [{ name: 'women', filter: 'sex == 0' }] });
  const numbers = (s) => s.match(/\d+/g);
  const english = rowsHeadline(result);
  setLanguage('zh-CN');
  try {
    const zh = rowsHeadline(result);
    assert.match(zh.status, /^完成：队列 929 行中使用 929 行；452 个事件。\d+ 个模型使用的行数更少（见下方列表）。$/);
    assert.deepEqual(numbers(zh.status), numbers(english.status));
    assert.equal(zh.fewer.length, english.fewer.length);
    const data = new Set([...Object.keys(result.data?.column_names ?? {}), 'women', 'Cox', 'Surv', 'time', 'event', 'rx', 'sex', 'age', 'obstruct', 'perfor', 'adhere', 'nodes', 'differ', 'extent', 'surg']);
    zh.fewer.forEach((f, i) => {
      const line = fewerText(f);
      assert.deepEqual(untranslatedWords(line, data), [], line);
      assert.deepEqual(numbers(line), numbers(fewerText(english.fewer[i])), line);
    });
    assert.ok(zh.fewer.some((f) => fewerText(f).startsWith('亚队列 women：')), zh.fewer.map(fewerText).join('\n'));
    assert.ok(zh.fewer.some((f) => /：929 行中使用 888 行；41 行因缺失值被剔除（nodes \d+，differ \d+）$/.test(fewerText(f))), zh.fewer.map(fewerText).join('\n'));
    assert.deepEqual(untranslatedWords(zh.status), []);
    // Chinese has one plural form: "1 个事件".
    assert.equal(rowsHeadline({ cohort: { rows_available: 2, rows_used: 2, rows_dropped: 0, events: 1 }, results: {} }).status, '完成：队列 2 行中使用 2 行；1 个事件。没有模型再剔除其他行。');
  } finally {
    setLanguage('en');
  }
});
