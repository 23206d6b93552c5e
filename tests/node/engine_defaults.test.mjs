// The defaults the page shows before any run (web/engine_defaults.js) are the
// engine's: each one equals what the wasm engine echoes in result.spec for a
// spec that leaves the option out.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadEngine, datasetPath, root } from './harness.mjs';
import { ENGINE_DEFAULTS, engineDefault } from '../../web/engine_defaults.js';
import { getPath } from '../../web/spec_form.js';
import { ANALYSES } from '../../web/analyses/index.js';

const leaves = (o, at = []) => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? leaves(v, [...at, k]) : [[[...at, k].join('.'), v]]));

// An echoed option: derive.<kind>.<option> is read from the first derive of that kind.
function echoed(spec, path) {
  const [head, kind, option] = path.split('.');
  return head === 'derive' ? spec.derive.find((d) => d[kind])?.[kind]?.[option] : getPath(spec, path);
}

test('every default the page states is the one the engine echoes', async () => {
  const engine = await loadEngine();
  const echoes = [];
  engine.load(fs.readFileSync(datasetPath('lung')));
  const lung = engine.run({
    version: 1,
    time: { column: 'time' },
    event: { column: 'status', values: [2] },
    group: { column: 'sex' },
    covariates: [{ column: 'age' }, { column: 'ph.ecog', type: 'factor' }],
    derive: [{ name: 'bed', bed: { dose: 'age', fractions: 'meal.cal' } }, { name: 'eq', eqd2: { dose: 'age', fractions: 'meal.cal' } }],
    analyses: { table1: {}, km: {}, followup: {}, logrank: {}, cox: {}, matching: {}, subgroups: { variables: ['ph.ecog'] }, cutpoint: { column: 'age', groups: {} } },
  });
  assert.ok(lung.ok, JSON.stringify(lung.error));
  echoes.push(lung.result.spec);
  engine.load(fs.readFileSync(path.join(root, 'tests/fixtures/dates.csv')));
  const dates = engine.run({
    version: 1,
    time: { column: 'fu' },
    event: { column: 'status', values: [1] },
    derive: [{ name: 'fu', date_diff: { start: 'diagnosed', end: 'last_seen' } }],
    analyses: { km: {} },
  });
  assert.ok(dates.ok, JSON.stringify(dates.error));
  echoes.push(dates.result.spec);
  const stated = leaves(ENGINE_DEFAULTS);
  assert.ok(stated.length >= 18);
  for (const [p, value] of stated) {
    const said = echoes.map((spec) => echoed(spec, p)).filter((v) => v !== undefined);
    assert.ok(said.length, `${p}: the engine echoes no such option`);
    for (const v of said) assert.equal(v, value, `${p}: the page says ${value}, the engine ${v}`);
    assert.equal(engineDefault(p), value);
  }
});

test('the form shows those defaults: checkboxes start as the engine, placeholders read them', () => {
  const fields = ANALYSES.flatMap((a) => a.form?.fields ?? []);
  for (const f of fields.filter((x) => x.attrs.type === 'checkbox' && engineDefault(x.attrs['data-path']) !== undefined)) {
    assert.equal(f.checked, engineDefault(f.attrs['data-path']), f.attrs['data-path']);
  }
  const placeholder = (p) => fields.find((f) => f.attrs['data-path'] === p).attrs.placeholder;
  assert.equal(placeholder('analyses.matching.balance_p'), String(engineDefault('analyses.matching.balance_p')));
  assert.equal(placeholder('analyses.matching.caliper'), `${engineDefault('analyses.matching.caliper')} = none`);
  assert.equal(placeholder('analyses.cox.select_p'), `${engineDefault('analyses.cox.select_p')} = all`);
  assert.equal(placeholder('analyses.cutpoint.groups.none_label'), engineDefault('analyses.cutpoint.groups.none_label'));
});

test('every select of an analysis lists the engine default it shows when the spec leaves the option out', () => {
  const selects = ANALYSES.flatMap((a) => a.form?.fields ?? []).filter((f) => f.tag === 'select' && !String(f.attrs.class ?? '').includes('col-select'));
  assert.ok(selects.length >= 12, `${selects.length} selects`);
  for (const f of selects) {
    const p = f.attrs['data-path'];
    const d = engineDefault(p);
    assert.notEqual(d, undefined, `${p}: no engine default stated`);
    assert.ok(f.options.some((o) => (Array.isArray(o) ? o[0] : o) === d), `${p}: ${d} is not an option`);
  }
});
