// The form's spec helpers (web/spec_form.js): the guesses for a fresh file,
// and covariate / cut / BED edits, each checked by running the spec they
// produce through the wasm engine (the same engine the page uses).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadEngine, datasetPath, root } from './harness.mjs';
import * as sf from '../../web/spec_form.js';

const engine = await loadEngine();
const npc = fs.readFileSync(path.join(root, 'public/examples/npc_cohort.csv'));

function describe(bytes) {
  engine.load(bytes);
  const r = engine.describe({});
  assert.ok(r.ok);
  return r.result;
}

test('guesses for the bundled cohort and for R\'s lung data', () => {
  const g = sf.guessSetup(describe(npc));
  assert.deepEqual(g, { time: 'os_months', event: 'death', eventValue: '1', group: 'lt', unit: 'months' });
  const lung = sf.guessSetup(describe(fs.readFileSync(datasetPath('lung'))));
  assert.equal(lung.time, 'time');
  assert.equal(lung.event, 'status');
  assert.equal(lung.eventValue, '2'); // the larger code of 1/2, as survival codes death
});

test('the default spec of a fresh file runs, with 1/3/5-year rates in its unit', () => {
  const d = describe(npc);
  const spec = sf.defaultSpec(d);
  assert.deepEqual(spec.analyses.km.times, [12, 36, 60]);
  const r = engine.run(spec);
  assert.ok(r.ok, JSON.stringify(r.error));
  assert.equal(r.result.cohort.rows_used, 2041);
  assert.deepEqual(r.result.cohort.group_levels, ['0', '1']);
});

test('covariate rows: include, reference level and a cut at 45 make R\'s cut(right = FALSE)', () => {
  const d = describe(npc);
  let spec = sf.defaultSpec(d);
  const rows = sf.covariateRows(spec, d);
  assert.ok(!rows.some((r) => ['os_months', 'death', 'lt'].includes(r.column)), 'outcome and group are not covariates');
  const set = (col, patch) => { const i = rows.findIndex((r) => r.column === col); rows[i] = { ...rows[i], ...patch }; };
  set('age', { included: true, breaks: [45] });
  set('sex', { included: true, reference: 'Female' });
  spec = sf.applyCovariateRows(spec, rows);
  assert.deepEqual(spec.derive, [{ name: 'age_cut', cut: { column: 'age', breaks: [45], labels: ['<45', '>=45'], right: false } }]);
  assert.deepEqual(spec.covariates, [{ column: 'sex', reference: 'Female' }, { column: 'age_cut', type: 'factor', levels: ['<45', '>=45'] }].sort((a, b) => rows.findIndex((r) => r.column === a.column.replace('_cut', '')) - rows.findIndex((r) => r.column === b.column.replace('_cut', ''))));
  // Read back: the same rows.
  const again = sf.covariateRows(spec, d);
  assert.deepEqual(again.find((r) => r.column === 'age'), { ...rows.find((r) => r.column === 'age'), type: 'factor' });
  const r = engine.run(spec);
  assert.ok(r.ok, JSON.stringify(r.error));
  const names = r.result.results.cox.univariate.flatMap((f) => f.coefficients.name);
  assert.ok(names.includes('age_cut>=45'), names.join());
  assert.ok(names.includes('sexMale'), 'Female as reference gives a sexMale coefficient');
  // Uncut: the derive goes away.
  set('age', { breaks: [] });
  assert.equal(sf.applyCovariateRows(spec, rows).derive, undefined);
});

test('"median" as a cut point is the column median the engine reports (R: median(d$age) = 44, median(d$bone_rt_dose_gy, na.rm = TRUE) = 50)', () => {
  const d = describe(npc);
  const age = d.columns.find((c) => c.name === 'age');
  assert.equal(age.median, 44);
  assert.equal(d.columns.find((c) => c.name === 'bone_rt_dose_gy').median, 50);
  const ages = fs.readFileSync(path.join(root, 'public/examples/npc_cohort.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[2])).sort((a, b) => a - b);
  const n = ages.length;
  assert.equal(age.median, n % 2 ? ages[(n - 1) / 2] : (ages[n / 2 - 1] + ages[n / 2]) / 2);
  assert.deepEqual(sf.parseBreaks('median, 60', age.median), [age.median, 60]);
  assert.throws(() => sf.parseBreaks('mean', age.median), /"mean" is not a number \(or "median"\)/);
  assert.throws(() => sf.parseBreaks('median', undefined), /no median/);
});

test('cut labels for several breaks; a bad number in a list is named', () => {
  assert.deepEqual(sf.cutLabels([40, 60]), ['<40', '40-<60', '>=60']);
  assert.deepEqual(sf.parseList('12, 36,60', 'numbers'), [12, 36, 60]);
  assert.throws(() => sf.parseList('12, 3x', 'numbers'), /"3x" is not a number/);
  assert.deepEqual(sf.parseList(' a , b ', 'strings'), ['a', 'b']);
});

test('BED derive and paths', () => {
  const d = describe(npc);
  // A new BED column finds the dose and fractions columns by name, alpha/beta the engine's 10.
  const bed = sf.newDerive(sf.defaultSpec(d), 'bed', d);
  assert.deepEqual(bed, { name: 'bed', bed: { dose: 'bone_rt_dose_gy', fractions: 'bone_rt_fractions', alpha_beta: 10 } });
  let spec = sf.setDerive(sf.defaultSpec(d), null, bed);
  sf.setPath(spec, 'analyses.cutpoint.column', 'bed');
  sf.setPath(spec, 'filter', 'bone_met == 1');
  assert.equal(sf.getPath(spec, 'analyses.cutpoint.column'), 'bed');
  const r = engine.run(spec);
  assert.ok(r.ok, JSON.stringify(r.error));
  assert.ok(Number.isFinite(r.result.results.cutpoint.maxstat.cutpoint));
  // Removed: the cutpoint that used it no longer names it.
  spec = sf.setDerive(spec, 'bed', null);
  assert.equal(spec.derive, undefined);
  assert.equal(sf.getPath(spec, 'analyses.cutpoint.column'), undefined);
  sf.setPath(spec, 'filter', '');
  assert.equal('filter' in spec, false);
});

test('a derived column removed leaves no option naming it (lists and single columns, subcohorts too); renamed, every option follows', () => {
  const flag = { name: 'f', flag: { column: 'x', values: ['1'] } };
  const uses = (c) => ({
    cox: { force: [c, 'age'], strata: c, cluster: c },
    logrank: { strata: c, by: [c] },
    subgroups: { variables: [c, 'age'] },
    matching: { exact: [c], score_covariates: [c] },
    cutpoint: { column: c },
  });
  const spec = { version: 1, derive: [flag], covariates: ['f', 'age'], analyses: uses('f'), subcohorts: [{ name: 's', filter: 'age > 1', covariates: ['f'], analyses: uses('f') }] };
  const renamed = sf.setDerive(spec, 'f', { ...flag, name: 'g' });
  assert.deepEqual(renamed.analyses, uses('g'));
  assert.deepEqual(renamed.subcohorts[0].analyses, uses('g'));
  assert.deepEqual(renamed.covariates, ['g', 'age']);
  const removed = sf.setDerive(spec, 'f', null);
  const none = { cox: { force: ['age'] }, logrank: { by: [] }, subgroups: { variables: ['age'] }, matching: { exact: [], score_covariates: [] }, cutpoint: {} };
  assert.deepEqual(removed.analyses, none);
  assert.deepEqual(removed.subcohorts[0].analyses, none);
  assert.deepEqual(removed.subcohorts[0].covariates, []);
  assert.deepEqual(removed.covariates, ['age']);
  assert.equal(removed.derive, undefined);
});

test('editing one covariate leaves every other term as it was (the paper spec: untick chemo)', () => {
  const d = describe(npc);
  const paper = JSON.parse(fs.readFileSync(path.join(root, 'public/examples/npc_paper.spec.json'), 'utf8'));
  const rows = sf.covariateRows(paper, d);
  const i = rows.findIndex((r) => r.column === 'chemo');
  assert.equal(rows[i].included, true);
  rows[i] = { ...rows[i], included: false };
  const edited = sf.applyCovariateRows(paper, rows);
  assert.deepEqual(edited.covariates, paper.covariates.filter((t) => t.column !== 'chemo'));
  assert.deepEqual(edited.derive, paper.derive);
  // And back: chemo returns (at the end), with its declared levels gone only if never declared.
  const back = sf.applyCovariateRows(edited, sf.covariateRows(edited, d).map((r) => (r.column === 'chemo' ? { ...r, included: true } : r)));
  assert.deepEqual(back.covariates.slice(0, -1), edited.covariates);
  assert.equal(back.covariates.at(-1).column, 'chemo');
  assert.ok(engine.run(edited).ok);
});

test('the paper spec: every covariate has a row and is ticked, derived ones (cuts, flags, BED) with their definition', () => {
  const d = describe(npc);
  const paper = JSON.parse(fs.readFileSync(path.join(root, 'public/examples/npc_paper.spec.json'), 'utf8'));
  const rows = sf.covariateRows(paper, d);
  const ticked = rows.filter((r) => r.included).map((r) => r.column);
  assert.deepEqual([...ticked].sort(), paper.covariates.map((t) => t.column).sort());
  const byName = Object.fromEntries(rows.map((r) => [r.column, r]));
  assert.equal(byName.age_group.derived, 'cut of age at 45');
  assert.deepEqual(byName.age_group.levels, ['<45', '>=45']);
  assert.equal(byName.age_group.type, 'factor');
  assert.equal(byName.t4.derived, '1 when t_stage is T4, else 0');
  assert.deepEqual(byName.t4.levels, ['0', '1']);
  assert.equal(byName.bed.derived, 'BED of bone_rt_dose_gy in bone_rt_fractions fractions');
  assert.equal(byName.bed.numeric, true);
  assert.equal(byName.bed.included, false);
  // File columns keep their rows, once each; no derived row for the time, event or group.
  assert.equal(rows.filter((r) => r.column === 'age').length, 1);
  assert.equal(byName.age.derived, undefined);
  assert.equal(rows.length, new Set(rows.map((r) => r.column)).size);
  for (const c of ['os_months', 'death', 'lt']) assert.equal(byName[c], undefined);
  // Applying the rows unchanged gives the paper spec back, and a derived row edits its own term.
  assert.deepEqual(sf.applyCovariateRows(paper, rows), paper);
  const noT4 = sf.applyCovariateRows(paper, rows.map((r) => (r.column === 't4' ? { ...r, included: false } : r)));
  assert.deepEqual(noT4.covariates, paper.covariates.filter((t) => t.column !== 't4'));
  assert.deepEqual(noT4.derive, paper.derive);
  // A cut of a derived numeric column (BED) stays on the BED row, not as a row of its own.
  const bedCut = sf.applyCovariateRows(paper, rows.map((r) => (r.column === 'bed' ? { ...r, included: true, breaks: [60] } : r)));
  assert.deepEqual(bedCut.derive.at(-1), { name: 'bed_cut', cut: { column: 'bed', breaks: [60], labels: ['<60', '>=60'], right: false } });
  const again = sf.covariateRows(bedCut, d);
  assert.deepEqual(again.find((r) => r.column === 'bed').breaks, [60]);
  assert.equal(again.some((r) => r.column === 'bed_cut'), false);
  const r = engine.run({ ...bedCut, analyses: { table1: {} }, subcohorts: [] });
  assert.ok(r.ok, JSON.stringify(r.error));
});

test('derived columns: each kind made new runs in the engine; renaming or removing one reaches every use (the paper spec)', () => {
  const d = describe(npc);
  let spec = { ...sf.defaultSpec(d), analyses: { table1: {} } };
  for (const kind of ['cut', 'flag', 'bed', 'eqd2']) {
    const made = sf.newDerive(spec, kind, d);
    assert.equal(sf.deriveKind(made), kind);
    spec = sf.setDerive(spec, null, made);
    spec.covariates = [...spec.covariates, made.name];
  }
  assert.deepEqual(spec.derive.map((x) => x.name), ['age_group', 'sex_flag', 'bed', 'eqd2']);
  assert.deepEqual(spec.derive[0].cut, { column: 'age', breaks: [44], labels: ['<44', '>=44'], right: false });
  const r = engine.run(spec);
  assert.ok(r.ok, JSON.stringify(r.error));
  assert.deepEqual(r.result.results.table1.variables.map((v) => v.variable), ['age_group', 'sex_flag', 'bed', 'eqd2']);
  // The time between two dates starts with its dates to choose: the engine says which field.
  const dates = sf.setDerive(spec, null, sf.newDerive(spec, 'date_diff', d));
  assert.equal(dates.derive.at(-1).name, 'interval');
  const refused = engine.run(dates);
  assert.equal(refused.ok, false);
  assert.match(refused.error.field, /^derive\[4\]/);

  const paper = JSON.parse(fs.readFileSync(path.join(root, 'public/examples/npc_paper.spec.json'), 'utf8'));
  const cut = paper.derive.find((x) => x.name === 'age_group');
  const renamed = sf.setDerive(paper, 'age_group', { ...cut, name: 'age_cat' });
  const text = JSON.stringify(renamed);
  assert.ok(!text.includes('"age_group"'), 'no use of the old name is left');
  assert.deepEqual(renamed.covariates.map((t) => t.column), paper.covariates.map((t) => (t.column === 'age_group' ? 'age_cat' : t.column)));
  assert.ok(renamed.analyses.subgroups.variables.includes('age_cat'));
  assert.ok(renamed.subcohorts.every((s) => s.covariates.some((t) => t.column === 'age_cat')));
  const removed = sf.setDerive(paper, 't4', null);
  assert.ok(!JSON.stringify(removed).includes('"t4"'), 'no use of a removed column is left');
  assert.equal(removed.derive.length, paper.derive.length - 1);
  // Both still run (Table 1 alone, to stay quick), and the renamed column describes as before.
  const t1 = (s) => engine.run({ ...s, analyses: { table1: {} }, subcohorts: undefined });
  const [before, after, gone] = [t1(paper), t1(renamed), t1(removed)];
  for (const x of [before, after, gone]) assert.ok(x.ok, JSON.stringify(x.error));
  const row = (res, name) => res.result.results.table1.variables.find((v) => v.variable === name);
  assert.deepEqual(row(after, 'age_cat').by_group, row(before, 'age_group').by_group);
  assert.equal(row(gone, 't4'), undefined);
});

test('a cut at a selected cutpoint is right-closed (x <= cut low), as the cutpoint groups', () => {
  assert.deepEqual(sf.cutLabels([60], true), ['<=60', '>60']);
  const d = describe(npc);
  const rows = sf.covariateRows(sf.defaultSpec(d), d).map((r) => (r.column === 'age' ? { ...r, included: true, breaks: [44], right: true } : r));
  const spec = sf.applyCovariateRows(sf.defaultSpec(d), rows);
  assert.deepEqual(spec.derive[0].cut, { column: 'age', breaks: [44], labels: ['<=44', '>44'], right: true });
  const r = engine.run({ ...spec, analyses: { table1: {} } });
  assert.ok(r.ok, JSON.stringify(r.error));
  const ages = fs.readFileSync(path.join(root, 'public/examples/npc_cohort.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[2]));
  const low = r.result.results.table1.variables[0].overall.counts[0];
  assert.equal(low, ages.filter((a) => a <= 44).length);
});

test('a column that becomes the group stops being a covariate, forced term, subgroup or exact column', () => {
  const paper = JSON.parse(fs.readFileSync(path.join(root, 'public/examples/npc_paper.spec.json'), 'utf8'));
  const s = sf.dropColumnEverywhere(paper, 'sequence');
  assert.ok(!s.covariates.some((t) => t.column === 'sequence'));
  assert.ok(!s.analyses.subgroups.variables.includes('sequence'));
  const t = sf.dropColumnEverywhere({ ...paper, analyses: { cox: { force: ['lt', 'sex'] }, matching: { exact: ['sex'] } } }, 'sex');
  assert.deepEqual(t.analyses.cox.force, ['lt']);
  assert.deepEqual(t.analyses.matching.exact, []);
  assert.equal(paper.analyses.subgroups.variables.includes('sequence'), true, 'the input is not changed');
});

test('a column type is declared and read for any column name, also one Object.prototype holds ("__proto__", "constructor")', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
  const csv = `time,status,${names.join(',')}\n1,1,1,2,3,4\n2,0,2,3,4,5\n3,1,3,4,5,6\n`;
  let data = { delimiter: ',' };
  for (const name of names) {
    assert.equal(sf.columnType({ data }, name), '', `${name}: no type declared yet`);
    data = sf.setColumnType(data, name, 'categorical');
    assert.equal(sf.columnType({ data }, name), 'categorical', name);
  }
  assert.equal(data.delimiter, ',');
  assert.deepEqual(Object.keys(data.column_types), names);
  // Changed in place, then removed; the others stay.
  data = sf.setColumnType(data, 'constructor', 'numeric');
  assert.deepEqual(Object.entries(data.column_types).map(([n, t]) => `${n}=${t}`), ['__proto__=categorical', 'constructor=numeric', 'toString=categorical', 'hasOwnProperty=categorical']);
  data = sf.setColumnType(data, '__proto__', '');
  assert.equal(sf.columnType({ data }, '__proto__'), '');
  assert.deepEqual(Object.keys(data.column_types), ['constructor', 'toString', 'hasOwnProperty']);
  data = sf.setColumnType(data, '__proto__', 'categorical');
  assert.equal(Object.getPrototypeOf(data.column_types), Object.prototype);
  // What the page hands the engine: each column read as declared.
  engine.load(new TextEncoder().encode(csv));
  const described = engine.describe(JSON.parse(JSON.stringify(data)));
  assert.ok(described.ok, JSON.stringify(described.error));
  const types = Object.fromEntries(described.result.columns.map((c) => [c.name, c.type]));
  assert.deepEqual(names.map((n) => [n, types[n]]), [['__proto__', 'categorical'], ['constructor', 'numeric'], ['toString', 'categorical'], ['hasOwnProperty', 'categorical']]);
});

test('a time column with a few text cells is still guessed as the time; a text column never is, nor a column of many texts', () => {
  const csv = (cells) => new TextEncoder().encode(['id,os_months,status', ...cells.map((c, i) => `${i + 1},${c},${i % 2}`)].join('\n'));
  const few = Array.from({ length: 20 }, (_, i) => (i === 3 ? 'unknown' : String(i + 1)));
  assert.equal(sf.guessSetup(describe(csv(few))).time, 'os_months');
  const many = Array.from({ length: 20 }, (_, i) => (i % 2 ? 'unknown' : String(i + 1)));
  assert.equal(sf.guessSetup(describe(csv(many))).time, 'id', 'half text: a text column, as before');
});
