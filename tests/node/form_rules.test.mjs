// The form's rules (web/form_rules.js, and the analyses' own in
// web/analyses/): what the page fills in or switches when the user picks a
// column or an analysis, on the engine's description of
// real files (R's lung data, the bundled cohort) and on made-up ones.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadEngine, datasetPath, root } from './harness.mjs';
import * as rules from '../../web/form_rules.js';
import { defaultSpec } from '../../web/spec_form.js';
import { ANALYSES, R_ORDER, analysisByKey } from '../../web/analyses/index.js';
import { defaultCutpointColumn } from '../../web/analyses/cutpoint.js';
import { defaultSubgroupVariables } from '../../web/analyses/subgroups.js';

const switchedOn = (key) => analysisByKey(key).form.switchedOn;

const engine = await loadEngine();
function describe(bytes) {
  engine.load(bytes);
  const r = engine.describe({});
  assert.ok(r.ok);
  return r.result;
}
const lung = describe(fs.readFileSync(datasetPath('lung')));
const npc = describe(fs.readFileSync(path.join(root, 'public/examples/npc_cohort.csv')));
const frozen = (x) => structuredClone(x);

test('columnsFor: numerics then derived numerics; columns with at most 50 levels; every column', () => {
  const spec = { derive: [{ name: 'bed', bed: { dose: 'a', fractions: 'b' } }, { name: 'age_cut', cut: { column: 'age', breaks: [60] } }] };
  const numeric = rules.columnsFor('numeric', spec, lung);
  assert.deepEqual(numeric.slice(-1), ['bed']);
  assert.ok(numeric.includes('age') && !numeric.includes('age_cut'));
  assert.deepEqual(rules.columnsFor('any', spec, lung), lung.columns.map((c) => c.name));
  const levels = rules.columnsFor('levels', spec, lung);
  assert.ok(levels.includes('status') && levels.includes('sex') && !levels.includes('time'));
  assert.deepEqual(rules.columnsFor('levels', {}, { columns: [{ name: 'many', levels: Array.from({ length: 51 }, (_, i) => String(i)) }, { name: 'few', levels: ['a', 'b'] }] }), ['few']);
});

test('the event value: a level naming the event, else the last level, else "1"', () => {
  for (const word of ['Dead', 'death', 'DIED', 'event', 'Yes', 'true']) assert.equal(rules.eventValueFor([word, 'other']), word);
  assert.equal(rules.eventValueFor(['deadline', 'x']), 'x', 'the whole level, not a part of it');
  assert.equal(rules.eventValueFor(['0', '1', '2']), '2');
  assert.equal(rules.eventValueFor([]), '1');
  const spec = { ...defaultSpec(lung), covariates: [{ column: 'status' }, { column: 'age' }] };
  const before = frozen(spec);
  const out = rules.setEventColumn(spec, 'status', lung);
  assert.deepEqual(out.event, { column: 'status', values: ['2'] });
  assert.deepEqual(out.covariates, [{ column: 'age' }], 'the event column stops being a covariate');
  assert.deepEqual(spec, before, 'the spec given is not changed');
});

test('the 1/2 coding of R\'s lung data is caught only with event value 1', () => {
  assert.equal(rules.eventLooksOneTwo({ event: { column: 'status', values: ['1'] } }, lung), true);
  assert.equal(rules.eventLooksOneTwo({ event: { column: 'status', values: ['2'] } }, lung), false);
  assert.equal(rules.eventLooksOneTwo({ event: { column: 'sex', values: ['1'] } }, lung), true);
  assert.equal(rules.eventLooksOneTwo({ event: { column: 'ph.ecog', values: ['1'] } }, lung), false, 'four levels');
  assert.equal(rules.eventLooksOneTwo({ event: { column: 'death', values: ['1'] } }, npc), false, '0/1 coding');
});

test('group toggles: a group switches log-rank and Cox on unless switched off by hand; no group switches off what compares groups', () => {
  const spec = { ...defaultSpec(lung), analyses: { km: {}, matching: { ratio: 2 }, subgroups: {} } };
  delete spec.group;
  const before = frozen(spec);
  const on = rules.setGroupColumn(spec, 'sex', { analyses: ANALYSES });
  assert.deepEqual(on.group, { column: 'sex' });
  assert.deepEqual(Object.keys(on.analyses).sort(), ['cox', 'km', 'logrank', 'matching', 'subgroups']);
  const touched = rules.setGroupColumn(spec, 'sex', { touched: new Set(['cox']), analyses: ANALYSES });
  assert.ok(touched.analyses.logrank && !touched.analyses.cox, 'Cox stays off when the user switched it off');
  const off = rules.setGroupColumn({ ...on, covariates: [] }, '', { analyses: ANALYSES });
  assert.equal(off.group, undefined);
  assert.deepEqual(Object.keys(off.analyses), ['km']);
  const keep = rules.setGroupColumn({ ...on, covariates: [{ column: 'age' }], analyses: { ...on.analyses, logrank: { by: ['ph.ecog'] } } }, '', { analyses: ANALYSES });
  assert.ok(keep.analyses.logrank && keep.analyses.cox, 'log-rank keeps its by columns, Cox its covariates');
  assert.deepEqual(spec, before, 'the spec given is not changed');
});

test('switching an analysis off keeps its options; on again restores them', () => {
  const spec = { ...defaultSpec(lung), analyses: { km: { times: [365] }, matching: { ratio: 3 } } };
  const off = rules.toggleAnalysis(spec, 'matching', false, { stash: {}, described: lung });
  assert.equal(off.spec.analyses.matching, undefined);
  assert.deepEqual(off.stash.matching, { ratio: 3 });
  const on = rules.toggleAnalysis(off.spec, 'matching', true, { stash: off.stash, described: lung });
  assert.deepEqual(on.spec.analyses.matching, { ratio: 3 });
  assert.deepEqual(spec.analyses.matching, { ratio: 3 }, 'the spec given is not changed');
  assert.equal(rules.analysisOn(on.spec, 'matching'), true);
  assert.equal(rules.analysisOn({ analyses: { matching: { enabled: false } } }, 'matching'), false);
  assert.equal(rules.analysisOn(off.spec, 'matching'), false);
});

test('default subgroup variables (subgroups.js): factor covariates and ones with 2 to 10 levels, not a continuous one', () => {
  const spec = { ...defaultSpec(lung), covariates: ['age', { column: 'ph.ecog' }, { column: 'wt.loss', type: 'factor' }, { column: 'sex' }] };
  assert.deepEqual(defaultSubgroupVariables(spec, lung), ['ph.ecog', 'wt.loss', 'sex']);
  const on = rules.toggleAnalysis(spec, 'subgroups', true, { described: lung, switchedOn: switchedOn('subgroups') });
  assert.deepEqual(on.spec.analyses.subgroups.variables, ['ph.ecog', 'wt.loss', 'sex']);
  const kept = rules.toggleAnalysis({ ...spec, analyses: { subgroups: { variables: ['sex'] } } }, 'subgroups', true, { described: lung, switchedOn: switchedOn('subgroups') });
  assert.deepEqual(kept.spec.analyses.subgroups.variables, ['sex'], 'variables the user chose stay');
});

test('default cutpoint column (cutpoint.js): bed, else a numeric covariate, else a numeric that is not the outcome or an id', () => {
  const spec = defaultSpec(npc);
  assert.equal(defaultCutpointColumn({ ...spec, derive: [{ name: 'bed', bed: {} }] }, npc), 'bed');
  assert.equal(defaultCutpointColumn({ ...spec, covariates: [{ column: 't_stage' }, 'age'] }, npc), 'age');
  const first = defaultCutpointColumn({ ...spec, covariates: [] }, npc);
  const numeric = npc.columns.filter((c) => c.type === 'numeric').map((c) => c.name);
  assert.equal(first, numeric.find((c) => ![spec.time.column, spec.event.column, spec.group?.column].includes(c) && !/^(id|pid|patient|subject)(_?id)?$/i.test(c)));
  assert.equal(defaultCutpointColumn({ time: { column: 'id' } }, { columns: [{ name: 'id', type: 'numeric' }, { name: 'patient_id', type: 'numeric' }] }), '');
  const on = rules.toggleAnalysis({ ...spec, covariates: ['age'] }, 'cutpoint', true, { described: npc, switchedOn: switchedOn('cutpoint') });
  assert.equal(on.spec.analyses.cutpoint.column, 'age');
});

test('Table 1 comes on with the first covariate unless the user switched it', () => {
  const spec = { ...defaultSpec(lung), covariates: [{ column: 'age' }] };
  assert.deepEqual(rules.withCovariateAnalyses(spec, { analyses: ANALYSES }).analyses.table1, {});
  assert.equal(rules.withCovariateAnalyses(spec, { touched: new Set(['table1']), analyses: ANALYSES }).analyses.table1, undefined);
  assert.equal(rules.withCovariateAnalyses({ ...spec, covariates: [] }, { analyses: ANALYSES }).analyses.table1, undefined);
  const own = { ...spec, analyses: { table1: { yates: false } } };
  assert.equal(rules.withCovariateAnalyses(own, { analyses: ANALYSES }), own);
  assert.equal(spec.analyses.table1, undefined, 'the spec given is not changed');
});

test('the cutpoint section\'s own field rules: a value only for "a value", match shown on when it is an object', () => {
  const fields = new Map(ANALYSES.flatMap((a) => a.form?.fields ?? []).map((f) => [f.attrs['data-path'], f]));
  const use = fields.get('analyses.cutpoint.groups.use');
  const value = fields.get('analyses.cutpoint.groups.value');
  const spec = { analyses: { cutpoint: { column: 'age', groups: { use: 'value', value: 60 } } } };
  assert.equal(value.enabledIf(spec), true);
  assert.equal(use.afterEdit(spec, 'value'), true, 'the form is drawn again: the value field comes on');
  assert.equal(spec.analyses.cutpoint.groups.value, 60, 'kept while the groups are cut at a value');
  spec.analyses.cutpoint.groups.use = 'median';
  assert.equal(use.afterEdit(spec, 'median'), true, 'the form is drawn again');
  assert.deepEqual(spec.analyses.cutpoint.groups, { use: 'median' }, 'the value goes');
  assert.equal(value.enabledIf(spec), false);
  const match = fields.get('analyses.cutpoint.groups.match');
  assert.equal(match.shows({ ratio: 2 }), true);
  assert.equal(match.shows(undefined), false);
  assert.equal(fields.get('analyses.table1.yates').shows, undefined, 'other checkboxes show the value, else the engine default');
});

test('the registry: unique keys, every analysis titled, every form path its own analysis\'s', () => {
  const keys = ANALYSES.map((a) => a.key);
  assert.deepEqual(keys, [...new Set(keys)]);
  assert.deepEqual([...R_ORDER].sort(), [...keys].sort(), 'R_ORDER lists every analysis once');
  for (const a of ANALYSES) {
    assert.ok(a.title, a.key);
    assert.equal(typeof a.rBlock, 'function', `${a.key}: its R block`);
    for (const f of a.form?.fields ?? []) assert.equal(f.attrs['data-path'].split('.')[1], a.key, f.attrs['data-path']);
    if (a.form?.within) assert.ok(ANALYSES.some((b) => b.key === a.form.within && b.form), `${a.key} sits in ${a.form.within}`);
  }
});

// gbsg-like: rfstime with three "unknown" cells (one row spans two lines), and an id column.
function rfsFile() {
  const rows = ['id,note,rfstime,status'];
  for (let i = 1; i <= 30; i++) {
    const time = i === 4 || i === 15 || i === 16 ? 'unknown' : String(100 + 7 * i);
    rows.push(`${i},${i === 2 ? '"two\nlines"' : 'x'},${time},${i % 3 === 0 ? 1 : 0}`);
  }
  return new TextEncoder().encode(rows.join('\n') + '\n');
}

test('a time column with a few text cells stays the time column; its cells are named by line; treated as missing they are a note', () => {
  const d = describe(rfsFile());
  const col = d.columns.find((c) => c.name === 'rfstime');
  assert.equal(col.type, 'categorical');
  // Line 1 is the header, row 1 line 2, row 2 lines 3-4: row i starts on line i + 2 from row 3 on.
  assert.deepEqual(col.non_numeric, { count: 3, values: ['unknown'], cells: [{ line: 6, value: 'unknown' }, { line: 17, value: 'unknown' }, { line: 18, value: 'unknown' }] });
  assert.deepEqual(rules.columnsFor('time', {}, d), ['id', 'rfstime', 'status']);
  assert.deepEqual(rules.columnsFor('numeric', {}, d), ['id', 'status'], 'other numeric lists are as before');
  const spec = defaultSpec(d);
  assert.equal(spec.time.column, 'rfstime', 'never id in its place');
  const before = frozen(spec);
  const problem = rules.timeNotNumbers(spec, d);
  assert.equal(problem.text, 'rfstime: 3 cells are not numbers — line 6 "unknown", line 17 "unknown", line 18 "unknown". ' +
    'Survival times must be numbers: treat these cells as missing (those rows are left out), or correct the file.');
  assert.equal(rules.timeNotNumbers({ ...spec, time: { column: 'id' } }, d), null);
  assert.equal(rules.timeMissingNote(spec, d), null);

  const treated = rules.treatAsMissing(spec, 'rfstime', problem.values);
  assert.deepEqual(spec, before, 'the spec given is not changed');
  assert.deepEqual(treated.data, { missing_values: { rfstime: ['unknown'] }, column_types: { rfstime: 'numeric' } });
  const r = engine.describe(treated.data);
  assert.ok(r.ok, JSON.stringify(r.error));
  const read = r.result;
  assert.equal(rules.timeNotNumbers(treated, read), null);
  assert.equal(rules.timeMissingNote(treated, read).text,
    'rfstime: 3 cells ("unknown") are treated as missing — line 6 "unknown", line 17 "unknown", line 18 "unknown"; those rows are left out.');
  const run = engine.run(treated);
  assert.ok(run.ok, JSON.stringify(run.error));
  assert.equal(run.result.cohort.rows_used, 27);
  assert.equal(run.result.cohort.rows_dropped, 3);
  assert.deepEqual(rules.untreatMissing(treated, 'rfstime').data, { column_types: {} });
  // Declared by hand as categorical stays so on undo; other columns' lists are kept.
  const two = rules.treatAsMissing({ data: { missing_values: { other: ['?'] }, column_types: { note: 'categorical' } } }, 'rfstime', ['unknown']);
  assert.deepEqual(rules.untreatMissing(two, 'rfstime').data, { missing_values: { other: ['?'] }, column_types: { note: 'categorical' } });
  // A list that leaves a text uncovered still warns; a column named "__proto__" is an own key.
  assert.ok(rules.timeNotNumbers({ ...spec, data: { missing_values: { rfstime: ['n/a'] } } }, d));
  const proto = rules.treatAsMissing({}, '__proto__', ['x']);
  assert.deepEqual(Object.keys(proto.data.missing_values), ['__proto__']);
  assert.equal(Object.getPrototypeOf(proto.data.missing_values), Object.prototype);
});

test('more than ten cells: the first ten by line, and how many there are', () => {
  const rows = ['t,e'];
  for (let i = 0; i < 100; i++) rows.push(`${i % 8 === 0 ? `lost${i % 3}` : i},1`);
  const d = describe(new TextEncoder().encode(rows.join('\n')));
  const p = rules.timeNotNumbers({ time: { column: 't' } }, d);
  assert.equal(p.count, 13);
  assert.deepEqual(p.values, ['lost0', 'lost2', 'lost1']);
  assert.match(p.text, /^t: 13 cells are not numbers — line 2 "lost0", line 10 "lost2", .*, … \(first 10 of 13 shown\)\. /);
});
