// One failing analysis never loses the others, in wasm as natively: every
// degenerate case of tests/fixtures/degenerate/cases.json gives the same
// bytes from the CLI and the wasm engine, an ok envelope, and its errors in
// their own blocks (the core test checks the wording in detail).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { loadEngine, runCli, root } from './harness.mjs';
import { analysisBlocks, blockModels, partErrors, renderTable, toCsv } from '../../web/tables.js';
import { kmFigure } from '../../web/plots.js';
import { forestFigure } from '../../web/analyses/subgroups.js';
import { loveFigure, roundsFigure } from '../../web/analyses/matching.js';
import { cutpointFigure } from '../../web/analyses/cutpoint.js';
import { rScript } from '../../web/rscript.js';

const dir = path.join(root, 'tests/fixtures/degenerate');
const { base, cases } = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8'));
const engine = await loadEngine();
const byCase = new Map(); // case name -> the result, for the renderer tests

function at(results, dotted) {
  return dotted.split('.').reduce((node, key) => (node == null ? undefined : node[Array.isArray(node) ? Number(key) : key]), results);
}

test('degenerate data: CLI and wasm give the same bytes, and only the broken analyses fail', async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'degenerate-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  assert.equal(cases.length, 11, 'tests/fixtures/degenerate/cases.json');
  for (const c of cases) {
    await t.test(c.name, () => {
      const spec = { ...base, ...c.spec };
      const specFile = path.join(tmp, 'spec.json');
      fs.writeFileSync(specFile, JSON.stringify(spec));
      const data = path.join(dir, c.data);
      const cli = runCli(data, specFile);
      engine.load(fs.readFileSync(data));
      const wasm = engine.runText(JSON.stringify(spec));
      assert.equal(cli.status, 0, cli.stdout.slice(0, 300));
      assert.equal(wasm, cli.stdout);
      const out = JSON.parse(wasm);
      assert.equal(out.ok, true);
      byCase.set(c.name, out.result);
      const results = out.result.results;
      for (const [where, field] of Object.entries(c.errors)) {
        const e = at(results, where)?.error;
        assert.ok(e, `${where} should report an error`);
        assert.deepEqual(Object.keys(e), ['message', 'field', 'detail']);
        assert.equal(e.field, field, where);
        assert.doesNotMatch(e.message, /^[a-z0-9_]+: /, `${where}: a kernel's message`);
      }
      for (const where of c.results) {
        const part = at(results, where);
        assert.ok(part && !part.error, `${where} should hold a result`);
      }
    });
  }
});

test('the 1/2 event coding of R\'s lung data is flagged with the default event value', () => {
  engine.load(fs.readFileSync(path.join(root, 'tests/reference/datasets/lung.csv')));
  const r = engine.run({ time: 'time', event: 'status', analyses: { km: {} } });
  assert.equal(r.ok, true);
  const w = r.result.warnings.find((x) => /every 2 is counted as censored/.test(x.message));
  assert.ok(w, 'a warning that 2 counts as censored');
  assert.equal(w.analysis, 'cohort');
  assert.match(w.message, /set the event value to 2/);
});

test('tables, figures and the R script take error blocks: "not computed" rows, notes, clean throws', () => {
  const { document } = new JSDOM('<!doctype html><html><body></body></html>').window;
  assert.equal(byCase.size, cases.length);
  for (const c of cases) {
    const result = byCase.get(c.name);
    const shown = [];
    for (const block of analysisBlocks(result)) {
      for (const model of blockModels(block)) {
        renderTable(model, document);
        const csv = toCsv(model);
        shown.push(csv);
      }
    }
    const text = shown.join('\n');
    const r = result.results;
    for (const [name, part] of Object.entries(r)) {
      // Every error below an analysis is listed for its block, by where it sits.
      const listed = partErrors(part).map((e) => e.message);
      const walk = (node, top) => {
        if (!node || typeof node !== 'object') return;
        if (node.error && !top) assert.ok(listed.includes(node.error.message), `${c.name}: ${name}: ${node.error.message}`);
        if (node.error) return;
        for (const v of Object.values(node)) (Array.isArray(v) ? v : [v]).forEach((x) => walk(x, false));
      };
      walk(part, true);
    }
    // Failed Cox models, tests, Table 1 variables and maxstat are "not computed" rows.
    for (const where of Object.keys(c.errors).filter((w) => /^(cox\.|logrank\.|table1\.|cutpoint\.maxstat)/.test(w)))
      assert.match(text, /not computed/, `${c.name}: ${where}`);
    // Figures refuse an error block with a plain Error, never a TypeError.
    const refuses = (f) => assert.throws(f, (e) => e.constructor === Error);
    for (const [name, part] of Object.entries(r)) {
      if (!part.error) continue;
      if (name === 'km') refuses(() => kmFigure(part, {}, document));
      if (name === 'matching') (refuses(() => loveFigure(part, {}, document)), refuses(() => roundsFigure(part, {}, document)));
      if (name === 'subgroups') refuses(() => forestFigure(part, {}, document));
      if (name === 'cutpoint') refuses(() => cutpointFigure(part, {}, document));
    }
    if (r.cutpoint?.maxstat?.error) refuses(() => cutpointFigure(r.cutpoint, {}, document));
    if (r.matching?.matched_outcome?.error) refuses(() => kmFigure(r.matching.matched_outcome, {}, document));
    const read = engine.readSpec(result.spec);
    assert.equal(read.ok, true, JSON.stringify(read.error));
    assert.ok(rScript(read.result, { data: result.data }).length > 0);
  }
  // A forest plot keeps a variable that could not be analysed, marked so.
  const sub = byCase.get('a subgroup level with no events').results.subgroups;
  const svg = forestFigure({ ...sub, variables: [{ variable: 'blank', error: { message: 'x', field: 'blank', detail: null } }, ...sub.variables] }, {}, document);
  assert.match(svg.textContent, /blank \(not analysed\)/);
});
