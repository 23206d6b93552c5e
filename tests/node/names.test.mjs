// Display names (spec.labels, web/names.js): every table of the page calls a
// column and its levels by them, the R script is the same with or without
// them (it keeps the file's names), the engine's numbers are the same, and a
// column named like an Object.prototype member is just a name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, datasetPath } from './harness.mjs';
import { scriptOf } from './rscript_support.mjs';
import { analysisBlocks, blockModels, toCsv, toTsv, toClipboardHtml } from '../../web/tables.js';
import { displayNames, withColumnName, withLevelNames, groupLevelText } from '../../web/names.js';

const base = {
  version: 1,
  time: { column: 'time', unit: 'days' },
  event: { column: 'status', values: [2] },
  group: { column: 'sex' },
  covariates: ['age', { column: 'ph.ecog', type: 'factor' }],
  analyses: { table1: {}, km: { times: [365] }, logrank: {}, cox: {}, subgroups: { variables: ['ph.ecog'] }, matching: {} },
};
const labels = {
  columns: { sex: 'Sex', 'ph.ecog': 'ECOG performance status', age: 'Age (years)' },
  levels: { sex: { 1: 'Male', 2: 'Female' }, 'ph.ecog': { 0: 'Asymptomatic', 1: 'Symptomatic' } },
};

function run(spec) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'names-')), 'spec.json');
  fs.writeFileSync(file, JSON.stringify(spec));
  const out = runCli(datasetPath('lung'), file);
  assert.equal(out.status, 0, out.stdout.slice(0, 300));
  return JSON.parse(out.stdout).result;
}

const labelCells = (result) =>
  analysisBlocks(result).flatMap((b) => blockModels(b)).flatMap((m) => [m.title, ...m.columns.map((c) => c.label), ...m.rows.map((r) => r.cells[0])]);

test('every table calls the columns and levels by their display names; the numbers are the same', () => {
  const plain = run(base);
  const named = run({ ...base, labels });
  // The engine's result is the same, apart from the spec it echoes.
  const { labels: echoed, ...spec } = named.spec;
  assert.deepEqual(echoed, labels);
  assert.deepEqual({ ...named, spec }, plain);

  const cells = labelCells(named);
  const text = cells.join('\n');
  // Group columns and curves: "Sex: Male" (R: survfit(Surv(time, status) ~ sex) strata sex=1, sex=2).
  assert.ok(cells.some((c) => /^Sex: Male \(n = 138\)$/.test(c)), 'Table 1 group column');
  assert.ok(cells.includes('Sex: Female'), 'KM rows');
  // Table 1 and the Cox table: variables and levels.
  for (const c of ['ECOG performance status', 'Asymptomatic', 'Symptomatic', 'Age (years)']) assert.ok(cells.includes(c), c);
  assert.ok(cells.includes('ECOG performance status') && text.includes('Symptomatic vs Asymptomatic'), 'Cox levels vs the reference');
  // The log-rank comparison and the subgroups.
  assert.ok(cells.some((c) => c.startsWith('Sex (2 groups)')), text);
  // No row is called by the file's name any more where a display name is given.
  for (const raw of ['ph.ecog', 'sex = 1', 'sex = 2']) assert.ok(!cells.includes(raw), raw);
  // Without names, the file's names as before.
  const plainCells = labelCells(plain);
  assert.ok(plainCells.includes('ph.ecog') && plainCells.includes('sex = 1'));
});

test('the R script is the same with or without display names: it keeps the file\'s names', () => {
  assert.equal(scriptOf({ ...base, labels }), scriptOf(base));
});

test('names: read by own keys, set and cleared; a column called "__proto__" or "toString" is a name', () => {
  const spec = JSON.parse('{"labels": {"columns": {"__proto__": "Proto", "toString": "T"}, "levels": {"__proto__": {"constructor": "C"}}}}');
  const n = displayNames(spec);
  assert.equal(n.column('__proto__'), 'Proto');
  assert.equal(n.column('toString'), 'T');
  assert.equal(n.column('valueOf'), 'valueOf');
  assert.equal(n.level('__proto__', 'constructor'), 'C');
  assert.equal(n.level('x', 'hasOwnProperty'), 'hasOwnProperty');
  assert.equal(groupLevelText(n, '__proto__', 'constructor'), 'Proto: C');
  assert.equal(groupLevelText(n, 'lt', '0'), 'lt = 0');
  let s = withColumnName({ version: 1 }, 'lt', 'Local therapy');
  s = withLevelNames(s, 'lt', { 0: 'No', 1: 'Yes' });
  assert.deepEqual(s.labels, { columns: { lt: 'Local therapy' }, levels: { lt: { 0: 'No', 1: 'Yes' } } });
  assert.equal(groupLevelText(displayNames(s), 'lt', '1'), 'Local therapy: Yes');
  s = withLevelNames(s, 'lt', { 0: '', 1: '' });
  s = withColumnName(s, 'lt', '');
  assert.equal('labels' in s, false);
  const proto = withColumnName({}, '__proto__', 'P');
  assert.equal(Object.getPrototypeOf(proto.labels.columns), Object.prototype);
  assert.equal(displayNames(proto).column('__proto__'), 'P');
});

// A display name comes from a link as much as a column name does: one shaped
// like a spreadsheet formula reaches the table exports only through
// spreadsheetCell, so Excel reads it as text (see hostile_table.mjs for names
// that come from the file).
test('display names shaped like spreadsheet formulas stay text in the CSV, TSV and clipboard exports', () => {
  const hostile = {
    columns: { age: '=HYPERLINK("http://evil.example","Age")', 'ph.ecog': '@SUM(1+1)' },
    levels: { sex: { 1: '+cmd|\' /C calc\'!A0', 2: '-2+3' }, 'ph.ecog': { 0: ' =1+1' } },
  };
  const models = analysisBlocks(run({ ...base, labels: hostile })).flatMap((b) => blockModels(b));
  const csv = models.map((m) => toCsv(m)).join('');
  const tsv = models.map((m) => toTsv(m)).join('');
  const html = models.map((m) => toClipboardHtml(m)).join('');
  // Every cell of the CSV that carries a name starts with the apostrophe.
  const cells = csv.split(/\r\n/).flatMap((line) => line.match(/("(?:[^"]|"")*"|[^,]*)/g) ?? []).map((c) => c.replace(/^"|"$/g, '').replace(/""/g, '"'));
  const named = cells.filter((c) => /HYPERLINK|@SUM|cmd\||-2\+3|=1\+1/.test(c));
  assert.ok(named.length > 5, `the names are in the tables: ${named.length}`);
  for (const c of named) assert.ok(/^'/.test(c) || !/^\s*[=+\-@]/.test(c), `formula-shaped cell left live: ${c}`);
  for (const line of tsv.split('\r\n')) for (const c of line.split('\t')) assert.ok(!/^\s*[=+@]/.test(c) && !/^\s*-2\+3/.test(c), `TSV: ${c}`);
  assert.ok(!/>\s*[=+@]/.test(html.replace(/<th[^>]*>|<td[^>]*>/g, '>')), 'clipboard HTML cells');
  assert.ok(!html.includes('"http://evil.example"'), 'the name is escaped in the clipboard HTML');
});
