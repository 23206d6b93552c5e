// The benchmark (bench/run.mjs) must keep working although the test command
// never times anything: run it at a tiny size without R and check the shape
// of what it reports, and that every stage gave the same result bytes natively
// and in wasm. No time is asserted (only that each was measured).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadEngine, root } from './harness.mjs';
import { R_SPEC, STAGES, firstVisit } from '../../bench/run.mjs';
import { DATA_MARKER, timedRScript } from '../../bench/r_stages.mjs';

const GNU_TIME = fs.existsSync('/usr/bin/time');

test('bench/run.mjs at 500 rows: every stage measured natively and in wasm, with byte-identical results', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-bench-'));
  try {
    const json = path.join(work, 'bench.json');
    const md = path.join(work, 'bench.md');
    const r = spawnSync(process.execPath, ['bench/run.mjs', '--sizes', '500', '--no-r', '--repeat', '1', '--work', work, '--keep', '--json', json, '--out', md], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `bench failed:\n${r.stderr}`);

    const out = JSON.parse(fs.readFileSync(json, 'utf8'));
    assert.deepEqual(out.stages, STAGES.map((s) => s.key));
    assert.equal(out.results.length, 1);
    const [res] = out.results;
    assert.equal(res.n, 500);
    assert.equal(res.r, undefined, '--no-r runs no R');
    for (const { key } of STAGES) {
      const x = res.stages[key];
      assert.ok(x, `stage ${key} was run`);
      assert.ok(x.native.total_s > 0, `${key}: native time measured`);
      // The analysis alone is the CLI run minus the load-only run: null where noise made it negative.
      assert.ok(x.native.seconds === null || x.native.seconds >= 0, `${key}: native analysis time`);
      assert.ok(Number.isFinite(x.wasm.seconds) && x.wasm.seconds >= 0, `${key}: wasm time measured`);
      assert.ok(x.wasm.rssKb > 0, `${key}: wasm peak memory measured`);
      // The CLI's peak memory comes from GNU time, where the machine has it.
      if (GNU_TIME) assert.ok(x.native.rssKb > 0, `${key}: native peak memory measured`);
      assert.ok(x.wasm.wasm_memory_bytes > 0, `${key}: wasm memory size measured`);

      // The results themselves, not the benchmark's own verdict.
      const native = fs.readFileSync(path.join(work, 'results', `500.${key}.native.json`));
      const wasm = fs.readFileSync(path.join(work, 'results', `500.${key}.wasm.json`));
      assert.ok(native.equals(wasm), `${key}: native and wasm results differ`);
      assert.equal(x.identical, true);
      const envelope = JSON.parse(native.toString('utf8'));
      assert.equal(envelope.ok, true, `${key}: ${envelope.error?.message}`);
      assert.equal(envelope.result.cohort.rows_in_file, 500);
      // Each stage runs exactly its analysis (the paper spec all of its own).
      const spec = STAGES.find((s) => s.key === key).spec;
      assert.deepEqual(Object.keys(envelope.result.results).sort(), Object.keys(spec.analyses).sort());
      for (const [name, block] of Object.entries(envelope.result.results)) assert.ok(!block.error, `${key}: ${name} failed: ${block.error?.message}`);
    }

    // The report: one row per stage at this size, native and wasm filled in.
    const text = fs.readFileSync(md, 'utf8');
    assert.equal(text, r.stdout);
    const header = text.split('\n').find((l) => l.startsWith('| stage |'));
    const cols = header.split('|').map((c) => c.trim());
    const rows = text.split('\n').filter((l) => /^\| [^|]+ \| 500 \|/.test(l));
    assert.equal(rows.length, STAGES.length);
    for (const row of rows) {
      const cells = row.split('|').map((c) => c.trim());
      for (const name of ['native CLI run', 'wasm', 'wasm 1st call', 'peak MB wasm', ...(GNU_TIME ? ['peak MB native'] : [])]) {
        assert.match(cells[cols.indexOf(name)], /^(<)?[0-9.]+$/, `${row}: ${name}`);
      }
      assert.match(cells[cols.indexOf('native')], /^((<)?[0-9.]+|noise)$/, `${row}: native`);
      assert.equal(cells[cols.indexOf('R')], '—');
    }
    assert.match(text, /## Machine\n\n- [0-9]+ CPUs \(nproc\)/);
    assert.match(text, /Native and wasm results byte-identical: yes/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test("the benchmark's R script is the project's R script with timing around its blocks", async () => {
  const engine = await loadEngine();
  const read = engine.readSpec(R_SPEC);
  assert.equal(read.ok, true);
  const script = timedRScript(read.result, '/data/cohort.csv');
  const prelude = script.indexOf('sink(nullfile())');
  assert.ok(prelude > script.indexOf('ls_block <- function') && prelude < script.indexOf(DATA_MARKER), 'timing goes after the helpers, before reading the data');
  for (const key of Object.keys(R_SPEC.analyses)) assert.ok(script.includes(`ls_block("results.${key}"`), `the script runs ${key}`);
  assert.match(script, /LOCALSURV_BENCH_OUT/);
});

test('first-visit bytes: the page, the engine and what the service worker adds', { skip: !fs.existsSync(path.join(root, 'dist/index.html')) && 'dist/ not built' }, () => {
  const v = firstVisit();
  assert.ok(v.page.files.includes('index.html'));
  assert.ok(v.engine.files.includes('localsurv.wasm'));
  for (const part of [v.page, v.engine, v.serviceWorker]) assert.ok(part.gzip > 0 && part.gzip < part.raw);
});
