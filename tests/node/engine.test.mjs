// The wasm engine in Node: same bytes as the native CLI for every spec in
// tests/specs, and structured errors (never a throw or an abort) for bad input.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadEngine, runCli, specCases, datasetPath, root } from './harness.mjs';

const engine = await loadEngine();
const enc = new TextEncoder();

test('every spec gives byte-identical JSON in wasm and the native CLI', async (t) => {
  const cases = specCases();
  assert.ok(cases.length >= 5, 'expected specs for at least five datasets');
  for (const c of cases) {
    await t.test(c.name, () => {
      engine.load(fs.readFileSync(datasetPath(c.dataset)));
      const wasm = engine.runText(fs.readFileSync(c.specFile, 'utf8'));
      const cli = runCli(datasetPath(c.dataset), c.specFile);
      assert.equal(cli.status, 0, `CLI failed: ${cli.stdout}`);
      assert.ok(JSON.parse(wasm).ok, `wasm failed: ${wasm.slice(0, 300)}`);
      assert.equal(wasm, cli.stdout);
    });
  }
});

test('the bundled paper spec on the bundled cohort: byte-identical in wasm and the CLI', () => {
  const csv = path.join(root, 'public/examples/npc_cohort.csv');
  const spec = path.join(root, 'public/examples/npc_paper.spec.json');
  engine.load(fs.readFileSync(csv));
  const wasm = engine.runText(fs.readFileSync(spec, 'utf8'));
  const cli = runCli(csv, spec);
  assert.equal(cli.status, 0, `CLI failed: ${cli.stdout.slice(0, 300)}`);
  assert.equal(wasm, cli.stdout);
  const r = JSON.parse(wasm).result;
  assert.equal(r.subcohorts.length, 3);
  for (const s of r.subcohorts) assert.ok(!s.error, `${s.name}: ${s.error}`);
});

test('the bundled cohort is what `localsurv synthetic-cohort` writes', () => {
  const out = execFileSync(path.join(root, 'build/localsurv'), ['synthetic-cohort'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.ok(out.equals(fs.readFileSync(path.join(root, 'public/examples/npc_cohort.csv'))));
});

test('a ragged CSV row is an error naming the line', () => {
  engine.load(enc.encode('time,status\n1,1\n2\n'));
  const r = engine.describe({});
  assert.equal(r.ok, false);
  assert.equal(r.error.line, 3);
  assert.match(r.error.message, /line 3 has 1 fields/);
});

test('non-UTF-8 bytes are an error that says so', () => {
  engine.load(new Uint8Array([0x61, 0x0a, 0xff, 0xfe, 0x0a]));
  const r = engine.describe({});
  assert.equal(r.ok, false);
  assert.match(r.error.message, /not UTF-8/);
});

test('a misspelt option names the field', () => {
  engine.load(fs.readFileSync(datasetPath('lung')));
  const r = engine.run({ time: 'time', event: { column: 'status', values: [2] }, analyses: { cox: { ties: 'exact' } } });
  assert.equal(r.ok, false);
  assert.equal(r.error.field, 'analyses.cox.ties');
  const r2 = engine.run('{"time": "time", "event": "status", "analyses": {"kmm": {}}}');
  assert.equal(r2.ok, false);
  assert.equal(r2.error.field, 'analyses.kmm');
});

test('invalid JSON, a missing column and a text time column are errors, not crashes', () => {
  engine.load(fs.readFileSync(datasetPath('lung')));
  assert.equal(engine.run('{"time": ').ok, false);
  const missing = engine.run({ time: 'survival_time', event: 'status' });
  assert.equal(missing.ok, false);
  assert.equal(missing.error.field, 'survival_time');
  engine.load(enc.encode('t,e\nshort,1\nlong,0\n'));
  const text = engine.run({ time: 't', event: 'e' });
  assert.equal(text.ok, false);
  assert.match(text.error.message, /holds text/);
});

test('running before loading a file is an error', async () => {
  const fresh = await loadEngine();
  const r = fresh.run({ time: 'time', event: 'status' });
  assert.equal(r.ok, false);
  assert.match(r.error.message, /no data file/);
});

test('describe honours the data options and names a bad one', () => {
  engine.load(fs.readFileSync(datasetPath('lung')));
  const typed = engine.describe({ column_types: { 'ph.ecog': 'categorical' } });
  assert.equal(typed.ok, true);
  assert.equal(typed.result.columns.find((c) => c.name === 'ph.ecog').type, 'categorical');
  assert.deepEqual(typed.result.columns.find((c) => c.name === 'ph.ecog').levels, ['1', '0', '2', '3']);
  const bad = engine.describe({ delimiter: '|' });
  assert.equal(bad.ok, false);
  assert.equal(bad.error.field, 'data.delimiter');
  const unknown = engine.describe({ colum_types: {} });
  assert.equal(unknown.ok, false);
  assert.equal(unknown.error.field, 'data.colum_types');
});

test('degenerate data: one group and no events give clear messages, not garbage', () => {
  engine.load(enc.encode('time,status,g,x\n1,1,a,1\n2,0,a,2\n3,1,a,3\n4,1,a,5\n'));
  const one = engine.run({ time: 'time', event: 'status', group: 'g', analyses: { km: {}, logrank: {} } });
  assert.equal(one.ok, true);
  assert.equal(one.result.results.logrank.by_group.error.field, 'g');
  assert.match(one.result.results.logrank.by_group.error.message, /every patient with complete data has 'a' in column 'g'/);
  assert.equal(one.result.results.km.overall.n, 4);
  engine.load(enc.encode('time,status,x\n1,0,1\n2,0,2\n3,0,3\n'));
  const none = engine.run({ time: 'time', event: 'status', covariates: ['x'], analyses: { km: {}, cox: {} } });
  assert.equal(none.ok, true);
  assert.equal(none.result.results.cox.univariate[0].coefficients.coef[0], null);
  assert.ok(none.result.warnings.some((w) => /every patient is censored/.test(w.message)));
  assert.equal(none.result.results.km.overall.median.estimate, null);
});

test('spec mistakes found by review: covariate = group, duplicate levels, numbers out of range', () => {
  engine.load(fs.readFileSync(datasetPath('lung')));
  const base = { time: 'time', event: { column: 'status', values: [2] }, group: 'sex' };
  const same = engine.run({ ...base, covariates: ['sex', 'age'], analyses: { cox: {} } });
  assert.equal(same.ok, false);
  assert.equal(same.error.field, 'covariates[0]');
  assert.match(same.error.message, /already the group column/);
  const dup = engine.run({ ...base, group: { column: 'sex', levels: ['1', '1', '2'] } });
  assert.equal(dup.ok, false);
  assert.equal(dup.error.field, 'group.levels');
  assert.equal(engine.run('{"time":"time","event":"status","analyses":{"km":{"times":[1e400]}}}').ok, false);
  const version = engine.run({ ...base, version: 4294967297 });
  assert.equal(version.ok, false);
  assert.equal(version.error.field, 'version');
});

test('invalid UTF-8 inside a cell is reported, never an internal error', () => {
  const bytes = new Uint8Array([...enc.encode('time,status,g\n1,1,'), 0xed, 0xa0, 0x80, ...enc.encode('\n2,0,b\n')]);
  engine.load(bytes);
  const r = engine.run({ time: 'time', event: 'status', group: 'g', analyses: { km: {} } });
  assert.equal(r.ok, false);
  assert.match(r.error.message, /not UTF-8 text \(first invalid byte on line 2\)/);
});

test('errors point at the file line past blank lines and quoted newlines', () => {
  engine.load(enc.encode('time,status,note\n\n1,1,"two\nlines"\n\n-3,0,x\n'));
  const r = engine.run({ time: 'time', event: 'status' });
  assert.equal(r.ok, false);
  assert.equal(r.error.line, 6);
  assert.match(r.error.message, /negative \(-3\) on line 6/);
});

test('several non-event values in the event column are flagged', () => {
  engine.load(enc.encode('time,status\n1,1.0\n2,0\n3,1\n4,?\n'));
  const r = engine.run({ time: 'time', event: 'status', analyses: { km: {} } });
  assert.equal(r.ok, true);
  assert.equal(r.result.cohort.events, 2);
  assert.ok(r.result.warnings.some((w) => /several values that are not the event \(0, \?\)/.test(w.message)));
});

test('a log-rank test with nothing to compare names the option', () => {
  engine.load(fs.readFileSync(datasetPath('lung')));
  const strata = engine.run({ time: 'time', event: 'status', analyses: { logrank: { strata: 'inst' } } });
  assert.equal(strata.ok, false);
  assert.equal(strata.error.field, 'analyses.logrank.strata');
  const nothing = engine.run({ time: 'time', event: 'status', analyses: { logrank: {} } });
  assert.equal(nothing.ok, false);
  assert.equal(nothing.error.field, 'analyses.logrank');
});
