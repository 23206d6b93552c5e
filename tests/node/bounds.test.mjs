// Hostile specs and files through the wasm engine (as the page runs it) and
// the native CLI: nesting that overflowed the stack, specs over a limit,
// numbers that are not numbers, a NUL in a name and a header-only file each
// give an {ok: false} envelope with a message naming the limit, field, line
// or value — the same bytes in both — and the CLI exits 1 with the message.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadEngine, root } from './harness.mjs';

const engine = await loadEngine();
const enc = new TextEncoder();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-bounds-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const smallCsv = 't,e,x\n1,1,0\n2,0,1\n3,1,0\n4,1,1\n';

/** The spec text run on the CSV text by the CLI: {status, stdout, stderr}. */
function cli(csv, specText) {
  fs.writeFileSync(path.join(dir, 'data.csv'), csv);
  fs.writeFileSync(path.join(dir, 'spec.json'), specText);
  const r = spawnSync(path.join(root, 'build/localsurv'), [path.join(dir, 'data.csv'), path.join(dir, 'spec.json')], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout.replace(/\n$/, ''), stderr: r.stderr };
}

/** Runs both; asserts both refuse with the same envelope and returns its error. */
function refused(csv, specText) {
  engine.load(enc.encode(csv));
  let wasm;
  assert.doesNotThrow(() => {
    wasm = engine.runText(specText);
  }, 'the wasm engine must answer with an envelope, not throw');
  const envelope = JSON.parse(wasm);
  assert.equal(envelope.ok, false, wasm.slice(0, 300));
  const native = cli(csv, specText);
  assert.equal(native.signal, null, `the CLI died of ${native.signal}`);
  assert.equal(native.status, 1);
  assert.equal(native.stdout, wasm, 'CLI and wasm envelopes differ');
  assert.equal(native.stderr, `localsurv: ${envelope.error.message}\n`);
  return envelope.error;
}

const spec = (extra) => JSON.stringify({ time: 't', event: 'e', ...extra });

test('subcohorts[0].analyses nested 50,000 deep: the depth limit and the path, not a crash', () => {
  const n = 50000;
  const text = `{"time":"t","event":"e","subcohorts":[{"name":"a","filter":"t > 0","analyses":${'{"analyses":'.repeat(n)}{}${'}'.repeat(n)}}]}`;
  const e = refused(smallCsv, text);
  assert.equal(e.field, `subcohorts[0]${'.analyses'.repeat(30)}`);
  assert.match(e.message, /nests lists and objects more than 32 levels deep \(the limit; a spec needs at most 8\)$/);
});

test('event.values nested 3,000 deep: an envelope, not "Maximum call stack size exceeded"', () => {
  const text = `{"time":"t","event":{"column":"e","values":${'['.repeat(3000)}1${']'.repeat(3000)}}}`;
  const e = refused(smallCsv, text);
  assert.ok(e.field.startsWith('event.values[0][0]'), e.field);
  assert.match(e.message, /more than 32 levels deep/);
});

test('filters: 4,000 parentheses and 100 nots over the depth limit; 100,000 over the length limit', () => {
  let e = refused(smallCsv, spec({ filter: `${'('.repeat(4000)}t > 0${')'.repeat(4000)}` }));
  assert.equal(e.field, 'filter');
  assert.equal(e.message, "filter: '(' nests parentheses and 'not' more than 100 levels deep (the limit) at position 101");
  e = refused(smallCsv, spec({ filter: `${'not '.repeat(101)}t > 0` }));
  assert.match(e.message, /'not' nests parentheses and 'not' more than 100 levels deep \(the limit\) at position 401$/);
  e = refused(smallCsv, spec({ filter: '('.repeat(100000) }));
  assert.equal(e.field, 'filter');
  assert.equal(e.message, "analysis spec: 'filter' is 100000 bytes long; the limit is 10000 bytes for a filter");
  e = refused(smallCsv, spec({ filter: 'not '.repeat(100000) }));
  assert.match(e.message, /'filter' is 400000 bytes long/);
  // At the depth limit the filter runs, the same in both.
  const ok = spec({ filter: `${'('.repeat(100)}t > 1${')'.repeat(100)}`, analyses: { km: {} } });
  engine.load(enc.encode(smallCsv));
  const wasm = engine.runText(ok);
  assert.equal(JSON.parse(wasm).result.cohort.rows_used, 3);
  assert.equal(cli(smallCsv, ok).stdout, wasm);
});

test('limits that bound the work and the output name the field and the limit', () => {
  const subs = Array.from({ length: 101 }, (_, i) => ({ name: `s${i}`, filter: 't > 0' }));
  let e = refused(smallCsv, spec({ subcohorts: subs }));
  assert.equal(e.field, 'subcohorts');
  assert.equal(e.message, "analysis spec: 'subcohorts' has 101 entries; the limit is 100");
  e = refused(smallCsv, spec({ analyses: { km: { times: Array.from({ length: 101 }, (_, i) => i) } } }));
  assert.equal(e.field, 'analyses.km.times');
  e = refused(smallCsv, spec({ analyses: { matching: { ratio: 10, rounds: 11 } } }));
  assert.equal(e.message, "analysis spec: 'analyses.matching.rounds' times ratio is 10 x 11 = 110; the limit is 100; choose fewer rounds or a smaller ratio");
  e = refused(smallCsv, spec({ analyses: { cutpoint: { column: 'x', pmethod: 'condmc', replicates: 1000000 } } }));
  assert.equal(e.field, 'analyses.cutpoint.replicates');
  e = refused(smallCsv, spec({ subcohorts: [{ name: 'n'.repeat(1001), filter: 't > 0' }] }));
  assert.equal(e.message, "analysis spec: 'subcohorts[0].name' is 1001 bytes long; the limit is 1000 bytes for a name, label or value");
  e = refused(smallCsv, spec({}).padEnd(1024 * 1024 + 1, ' '));
  assert.equal(e.message, 'analysis spec is 1048577 bytes; the limit is 1048576 bytes (1 MiB)');
});

test('a time value such as 0x10 or 1e309 names its line, column and value', () => {
  for (const [value, why] of [
    ['0x10', ', a hexadecimal number; write it in decimal'],
    ['1e309', ', beyond the range of numbers (about 1.8e308)'],
    ['inf', ', not a finite number; leave the cell empty (or NA) if it is missing'],
  ]) {
    const e = refused(`id,t,e\n1,5,1\n2,${value},0\n`, spec({}));
    assert.equal(e.message, `column 't' holds text, so it cannot be used as numbers (times, doses, ages): line 3, column 2 has '${value}'${why}`);
    assert.deepEqual([e.field, e.line, e.column], ['t', 3, 2]);
  }
});

test('a NUL in a spec column name is shown escaped, not cut at the NUL', () => {
  const e = refused(smallCsv, spec({ time: 'ti\u0000me' }));
  assert.equal(e.message, "column 'ti\\u0000me' is not in the data (columns: t, e, x)");
  assert.equal(e.field, 'ti\u0000me');
});

test('a header-only file says it has no data rows', () => {
  const e = refused('t,e\n', spec({}));
  assert.equal(e.message, 'the file has a header row but no data rows: there is nothing to analyse');
  engine.load(enc.encode('t,e\n'));
  assert.equal(engine.describe().result.rows, 0);
});

test('a spec object too deep (or cyclic) for JSON.stringify is a bad request, not an engine crash', () => {
  engine.load(enc.encode(smallCsv));
  const deep = { time: 't', event: 'e', analyses: {} };
  let at = deep.analyses;
  for (let i = 0; i < 100000; i++) at = at.km = {};
  const r = engine.run(deep);
  assert.equal(r.ok, false);
  assert.equal(r.error.code, 'bad-request');
  assert.match(r.error.message, /^the analysis spec cannot be read: .*call stack/);
  const cyclic = { time: 't', event: 'e' };
  cyclic.self = cyclic;
  assert.equal(engine.run(cyclic).error.code, 'bad-request');
  assert.equal(engine.describe(cyclic).error.code, 'bad-request');
  // 40 levels is fine for JSON.stringify; the engine names its own limit.
  let forty = {};
  for (let i = 0; i < 40; i++) forty = { km: forty };
  const limited = engine.run({ time: 't', event: 'e', analyses: forty });
  assert.match(limited.error.message, /more than 32 levels deep/);
});
