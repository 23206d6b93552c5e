// The defaults the page shows before any run (web/engine_defaults.js) are the
// engine's: each one equals what the wasm engine echoes in result.spec for a
// spec that leaves the option out.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadEngine, datasetPath } from './harness.mjs';
import { ENGINE_DEFAULTS, engineDefault } from '../../web/engine_defaults.js';
import { getPath } from '../../web/spec_form.js';
import { ANALYSES } from '../../web/analyses/index.js';

const leaves = (o, at = []) => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? leaves(v, [...at, k]) : [[[...at, k].join('.'), v]]));

test('every default the page states is the one the engine echoes', async () => {
  const engine = await loadEngine();
  engine.load(fs.readFileSync(datasetPath('lung')));
  const spec = {
    version: 1,
    time: { column: 'time', unit: 'days' },
    event: { column: 'status', values: [2] },
    group: { column: 'sex' },
    covariates: [{ column: 'age' }, { column: 'ph.ecog', type: 'factor' }],
    derive: [{ name: 'bed', bed: { dose: 'age', fractions: 'meal.cal' } }],
    analyses: { table1: {}, km: {}, followup: {}, logrank: {}, cox: {}, matching: {}, subgroups: { variables: ['ph.ecog'] }, cutpoint: { column: 'age', groups: {} } },
  };
  const r = engine.run(spec);
  assert.ok(r.ok, JSON.stringify(r.error));
  const echo = r.result.spec;
  const stated = leaves(ENGINE_DEFAULTS);
  assert.ok(stated.length >= 15);
  for (const [path, value] of stated) {
    const echoed = path.startsWith('derive.bed.') ? echo.derive.find((d) => d.bed).bed[path.split('.').pop()] : getPath(echo, path);
    assert.notEqual(echoed, undefined, `${path}: the engine echoes no such option`);
    assert.equal(echoed, value, `${path}: the page says ${value}, the engine ${echoed}`);
    assert.equal(engineDefault(path), value);
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
