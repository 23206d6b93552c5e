// web/tables.js, the tables of each analysis (web/analyses/) and web/format.js: every table model is built from the real
// CLI result (./build/localsurv) of the paper spec, the lung / colon /
// rotterdam test specs and a spec without a group, and its cells are checked
// against the numbers in that result JSON, formatted here independently
// (toFixed), not through format.js. Also: p-value edge cases, renderTable
// under jsdom, CSV quoting (RFC 4180), clipboard HTML and copyTable with a
// fake navigator; no exported cell reads as a spreadsheet formula, whatever
// the file's names and levels (spreadsheetCell, and every table of a run on
// lung data with hostile names: tests/node/hostile_table.mjs).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { root, runCli, datasetPath } from './harness.mjs';
import { HOSTILE, hostileLungCsv, hostileSpec, readAsFormula, parseCsv } from './hostile_table.mjs';
import { analysisBlocks, blockModels, copyTable, renderTable, spreadsheetCell, toClipboardHtml, toCsv, toTsv } from '../../web/tables.js';
import { table1Model } from '../../web/analyses/table1.js';
import { baselineModel, matchedOutcomeModel, matchingRoundsModel } from '../../web/analyses/matching.js';
import { coxTableModel, phTestModel } from '../../web/analyses/cox.js';
import { kmSummaryModel } from '../../web/analyses/km.js';
import { followupModel } from '../../web/analyses/followup.js';
import { logrankModel } from '../../web/analyses/logrank.js';
import { subgroupModel } from '../../web/analyses/subgroups.js';
import { cutGroupsModel, cutpointModel } from '../../web/analyses/cutpoint.js';
import { beyondFollowUp } from '../../web/table_model.js';
import {
  formatCountPercent,
  formatMedianCI,
  formatNumber,
  formatP,
  formatRatioCI,
  formatSurvivalPercent,
  notEstimable,
  timeLabel,
} from '../../web/format.js';

function cli(dataFile, specFile) {
  const { status, stdout } = runCli(dataFile, specFile);
  assert.equal(status, 0, `localsurv ${specFile} failed: ${stdout.slice(0, 300)}`);
  const doc = JSON.parse(stdout);
  assert.equal(doc.ok, true);
  return doc.result;
}

/** The CLI's result for a spec given as an object (written to a temporary file). */
function cliSpec(dataFile, spec) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-tables-'));
  try {
    const file = path.join(dir, 'spec.json');
    fs.writeFileSync(file, JSON.stringify(spec));
    return cli(dataFile, file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Independent formatting for the expectations: plain toFixed.
const p3 = (p) => (p == null ? 'NA' : p < 0.001 ? '<0.001' : p.toFixed(3));
const ci3 = (e, l, u) => `${e.toFixed(3)} (${l.toFixed(3)}–${u.toFixed(3)})`;
const rowBy = (model, label) => {
  const r = model.rows.find((x) => x.cells[0] === label);
  assert.ok(r, `${model.id}: no row '${label}' in ${model.rows.map((x) => x.cells[0]).join(' | ')}`);
  return r.cells;
};
const colIndex = (model, label) => {
  const i = model.columns.findIndex((c) => c.label === label);
  assert.ok(i >= 0, `${model.id}: no column '${label}'`);
  return i;
};

let npc; // the paper spec on the bundled cohort
let lung; // lung.basic: numerics, stratified + by log-rank, subgroups with sparse levels
let colon; // three groups, multi-level factors
let colonBin; // no table1, no follow-up, no matching
let rounds; // rotterdam.rounds: matching rounds with the model rule, cut groups with a zero-pair comparison
let noGroup; // lung without a group

before(() => {
  npc = cli(path.join(root, 'public/examples/npc_cohort.csv'), path.join(root, 'public/examples/npc_paper.spec.json'));
  lung = cli(datasetPath('lung'), path.join(root, 'tests/specs/lung.basic.json'));
  colon = cli(datasetPath('colon'), path.join(root, 'tests/specs/colon.basic.json'));
  colonBin = cli(datasetPath('colon_bin'), path.join(root, 'tests/specs/colon_bin.basic.json'));
  rounds = cli(datasetPath('rotterdam'), path.join(root, 'tests/specs/rotterdam.rounds.json'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-tables-'));
  const spec = path.join(dir, 'lung.nogroup.json');
  fs.writeFileSync(
    spec,
    JSON.stringify({
      version: 1,
      time: { column: 'time', unit: 'days' },
      event: { column: 'status', values: [2] },
      covariates: ['age', { column: 'ph.ecog', type: 'factor' }, 'wt.loss'],
      analyses: { km: { times: [180, 365] }, followup: {}, logrank: { by: ['ph.ecog'] }, cox: {}, table1: {} },
    }),
  );
  noGroup = cli(datasetPath('lung'), spec);
  fs.rmSync(dir, { recursive: true, force: true });
});

const main = (result) => analysisBlocks(result)[0];

describe('format.js', () => {
  test('p values: <0.001 below 0.001, three decimals otherwise (0.05 -> 0.050), NA for null/NaN', () => {
    assert.equal(formatP(0.0004), '<0.001');
    assert.equal(formatP(0), '<0.001');
    assert.equal(formatP(0.000999999), '<0.001');
    assert.equal(formatP(0.001), '0.001');
    assert.equal(formatP(0.05), '0.050');
    assert.equal(formatP(0.12345), '0.123');
    assert.equal(formatP(0.99999), '1.000');
    assert.equal(formatP(1), '1.000');
    assert.equal(formatP(null), 'NA');
    assert.equal(formatP(undefined), 'NA');
    assert.equal(formatP(NaN), 'NA');
  });

  test('estimates: HR (95% CI) with an en dash, n (%) one decimal, medians not reached as NR, survival in percent', () => {
    assert.equal(formatRatioCI(0.63412, 0.53149, 0.75695), '0.634 (0.531–0.757)');
    assert.equal(formatRatioCI(null, 0.5, 2), 'NA');
    assert.equal(formatRatioCI(2.8e16, 0, null), '>999 (0.000–NA)');
    assert.equal(formatRatioCI(1e-9, 0, 3), '<0.001 (0.000–3.000)');
    assert.equal(formatCountPercent(1155, 82.20640569395017), '1155 (82.2)');
    assert.equal(formatMedianCI(50.6, 38.9, null), '50.6 (38.9–NR)');
    assert.equal(formatMedianCI(null, null, null), 'NR (NR–NR)');
    assert.equal(formatSurvivalPercent(0.8695268570983843, 0.8545299860317643, 0.8847869209674397), '87.0 (85.5–88.5)');
    assert.equal(formatNumber(-0.00001, 3), '0.000', 'no negative zero');
    assert.equal(formatNumber(2.25, 1), (2.25).toFixed(1), 'formatNumber keeps its old behaviour');
    assert.equal(formatNumber(null), 'NA');
  });

  test('time labels: whole years as n-year, else n-unit', () => {
    assert.equal(timeLabel(12, 'months'), '1-year');
    assert.equal(timeLabel(60, 'months'), '5-year');
    assert.equal(timeLabel(365, 'days'), '1-year');
    assert.equal(timeLabel(180, 'days'), '180-day');
    assert.equal(timeLabel(6, 'months'), '6-month');
    assert.equal(timeLabel(2, 'years'), '2-year');
    // The defaults in days (whole years of 365.25 days, rounded) and weeks read as years.
    assert.deepEqual([365, 1096, 1826].map((t) => timeLabel(t, 'days')), ['1-year', '3-year', '5-year']);
    assert.deepEqual([52, 156, 261].map((t) => timeLabel(t, 'weeks')), ['1-year', '3-year', '5-year']);
    assert.equal(timeLabel(3650, 'days'), '10-year');
    assert.equal(timeLabel(400, 'days'), '400-day');
    assert.equal(timeLabel(182.5, 'days'), '182.5-day');
    assert.equal(timeLabel(0.5, 'years'), '0.5-year');
  });

  test('time labels of converted times: a clean number in the display unit, never 0.999315537303217-year', () => {
    assert.equal(timeLabel(365 / 365.25, 'years'), '1-year');
    assert.equal(timeLabel(1096 / 365.25, 'years'), '3-year');
    assert.equal(timeLabel(180 / 365.25, 'years'), '0.49-year');
    assert.equal(timeLabel(365 / 30.4375, 'months'), '1-year');
    assert.equal(timeLabel(180 / 30.4375, 'months'), '5.9-month');
    assert.equal(timeLabel(36 * 30.4375 / 365.25, 'years'), '3-year');
  });
});

describe('paper spec (npc_paper.spec.json)', () => {
  test('blocks: the whole cohort then each subcohort, models with unique ids and the subcohort in the title', () => {
    const blocks = analysisBlocks(npc);
    assert.deepEqual(
      blocks.map((b) => b.label),
      ['', ...npc.subcohorts.map((s) => s.name)],
    );
    const all = blocks.flatMap((b) => blockModels(b));
    const ids = all.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length, 'ids unique');
    assert.deepEqual(
      blockModels(blocks[0]).map((m) => m.name),
      ['table1', 'baseline', 'cox', 'cox-ph', 'km', 'followup', 'logrank', 'subgroups', 'rounds', 'matched-outcome'],
    );
    const bone = blockModels(blocks[3]).map((m) => m.name);
    for (const name of ['baseline', 'cox', 'km', 'logrank', 'rounds', 'matched-outcome', 'cutpoint', 'cut-groups', 'cut-baseline-1', 'cut-baseline-2']) {
      assert.ok(bone.includes(name), `bone subcohort has ${name}`);
    }
    for (const m of blockModels(blocks[2])) assert.ok(m.title.endsWith(`— ${npc.subcohorts[1].name}`), m.title);
    for (const m of all) {
      for (const r of m.rows) {
        assert.equal(r.cells.length, m.columns.length, `${m.id}: row '${r.cells[0]}' has one cell per column`);
        for (const c of r.cells) assert.equal(typeof c, 'string');
      }
    }
  });

  test('Table 1: n (%) per level overall and by group from the JSON counts; p from chi-square, or Fisher when an expected count < 5, named in the Test column', () => {
    const t1 = npc.results.table1;
    const m = table1Model(t1, main(npc).ctx);
    assert.deepEqual(
      m.columns.map((c) => c.label),
      [
        'Characteristic',
        `Overall (n = ${npc.cohort.rows_used})`,
        ...t1.groups.map((g, i) => `lt = ${g} (n = ${t1.variables[0].by_group[i].n + t1.variables[0].by_group[i].missing})`),
        'p',
        'Test',
      ],
    );
    let i = 0;
    for (const v of t1.variables) {
      const head = m.rows[i++].cells;
      assert.equal(head[0], v.variable);
      const chisq = v.tests.chisq;
      const fisher = chisq.min_expected < 5;
      assert.equal(head[4], p3(fisher ? v.tests.fisher.p : chisq.p), `${v.variable} p`);
      assert.equal(head[5], fisher ? "Fisher's exact" : chisq.yates_applied ? 'χ² (Yates)' : 'χ²');
      v.levels.forEach((level, j) => {
        const row = m.rows[i++];
        assert.equal(row.indent, 1);
        assert.deepEqual(row.cells, [
          level,
          `${v.overall.counts[j]} (${v.overall.percent[j].toFixed(1)})`,
          `${v.by_group[0].counts[j]} (${v.by_group[0].percent[j].toFixed(1)})`,
          `${v.by_group[1].counts[j]} (${v.by_group[1].percent[j].toFixed(1)})`,
          '',
          '',
        ]);
      });
    }
    assert.equal(i, m.rows.length);
    assert.ok(m.notes.some((n) => /Fisher's exact test/.test(n) && /χ² test/.test(n)), 'the notes state the test rule');
  });

  test('Table 1 numerics (lung): mean (SD) with Welch t p, median (IQR) with Wilcoxon p, decimals from the SD, missing counts', () => {
    const t1 = lung.results.table1;
    const m = table1Model(t1, main(lung).ctx);
    const wt = t1.variables.find((v) => v.variable === 'wt.loss');
    const start = m.rows.findIndex((r) => r.cells[0] === 'wt.loss');
    const mean = m.rows[start + 1].cells;
    const median = m.rows[start + 2].cells;
    const missing = m.rows[start + 3].cells;
    // SD 13.1 -> one decimal.
    assert.equal(mean[1], `${wt.overall.mean.toFixed(1)} (${wt.overall.sd.toFixed(1)})`);
    assert.equal(mean[3], `${wt.by_group[1].mean.toFixed(1)} (${wt.by_group[1].sd.toFixed(1)})`);
    assert.equal(mean[4], p3(wt.tests.t.p));
    assert.equal(mean[5], 'Welch t');
    assert.equal(median[2], `${wt.by_group[0].median.toFixed(1)} (${wt.by_group[0].q1.toFixed(1)}–${wt.by_group[0].q3.toFixed(1)})`);
    assert.equal(median[4], p3(wt.tests.wilcoxon.p));
    assert.equal(median[5], 'Wilcoxon');
    assert.deepEqual(missing.slice(0, 4), ['Missing', String(wt.overall.missing), String(wt.by_group[0].missing), String(wt.by_group[1].missing)]);
    // ph.ecog: SD 0.72 -> two decimals.
    const ecog = t1.variables.find((v) => v.variable === 'ph.ecog');
    assert.equal(m.rows[m.rows.findIndex((r) => r.cells[0] === 'ph.ecog') + 1].cells[1], `${ecog.overall.mean.toFixed(2)} (${ecog.overall.sd.toFixed(2)})`);
  });

  test("Table 2 (balance): counts and % per level, p before/after from balance.tests, SMD from balance.before/after, arms in the group's level order", () => {
    const mt = npc.results.matching;
    const m = baselineModel(mt, main(npc).ctx);
    const { before: b, after: a } = mt.balance;
    assert.deepEqual(
      m.columns.map((c) => c.label),
      ['Characteristic', `lt = 0 (n = ${b.n_control})`, `lt = 1 (n = ${b.n_treated})`, 'p', 'SMD', `lt = 0 (n = ${a.n_control})`, `lt = 1 (n = ${a.n_treated})`, 'p', 'SMD', 'Test'],
    );
    assert.equal(a.n_treated, mt.counts.matched_treated);
    assert.deepEqual(m.headerGroups.map((g) => [g.label, g.span]), [['', 1], ['Before matching', 4], ['After matching', 4], ['', 1]]);
    for (const t of mt.balance.tests) {
      const head = rowBy(m, t.variable);
      assert.equal(head[3], p3(t.before.p), `${t.variable} p before`);
      assert.equal(head[7], p3(t.after.p), `${t.variable} p after`);
      assert.equal(head[9], { chisq: 'χ²', fisher: "Fisher's exact" }[t.test]);
      const start = m.rows.findIndex((r) => r.cells[0] === t.variable);
      const levels = b.columns.filter((c) => c.variable.startsWith(`${t.variable}_`));
      assert.ok(levels.length >= 2);
      levels.forEach((c, k) => {
        const ca = a.columns.find((x) => x.variable === c.variable);
        const cell = (p, n) => `${Math.round(p * n)} (${(100 * p).toFixed(1)})`;
        assert.deepEqual(m.rows[start + 1 + k].cells, [
          c.variable.slice(t.variable.length + 1),
          cell(c.mean_control, b.n_control),
          cell(c.mean_treated, b.n_treated),
          '',
          c.smd.toFixed(3).replace(/^-0\.000$/, '0.000'),
          cell(ca.mean_control, a.n_control),
          cell(ca.mean_treated, a.n_treated),
          '',
          ca.smd.toFixed(3).replace(/^-0\.000$/, '0.000'),
          '',
        ]);
      });
    }
    const d = b.columns.find((c) => c.variable === 'distance');
    assert.equal(rowBy(m, 'Propensity score, mean')[4], d.smd.toFixed(3));
    assert.ok(m.notes.some((n) => n.includes(mt.conventions.caliper)), 'caliper scale stated');
    assert.ok(m.notes.some((n) => n.includes('SD of all treated before matching')), 'SMD denominator stated');
    assert.ok(m.notes.some((n) => n.includes(mt.stop.reason)), 'stop reason stated');
  });

  test('the PH test (cox.zph) of the multivariable Cox model is a table next to it: each term and GLOBAL with chi-square, df, p from the JSON; the Cox footnote states z', () => {
    const cox = npc.results.cox;
    const ph = cox.multivariable.ph_test;
    const m = phTestModel(cox, main(npc).ctx);
    assert.deepEqual(m.columns.map((c) => c.label), ['Term', 'Chi-square', 'df', 'p']);
    assert.equal(m.rows.length, ph.by_term.length);
    ph.by_term.forEach((t, i) => {
      const cells = m.rows[i].cells;
      assert.equal(cells[0], t.term === 'GLOBAL' ? 'Global (all terms)' : t.term);
      assert.equal(cells[1], t.statistic.toFixed(3));
      assert.equal(cells[2], String(t.df));
      assert.equal(cells[3], t.p < 0.001 ? '<0.001' : t.p.toFixed(3));
    });
    // The paper cohort's liver_met has p = 0.042: the note says what that means.
    assert.ok(ph.by_term.some((t) => t.term !== 'GLOBAL' && t.p < 0.05));
    assert.ok(m.notes.some((n) => /restricted mean survival time/.test(n)), m.notes.join(' | '));
    assert.equal(phTestModel({ multivariable: { coefficients: {} } }, main(npc).ctx), null);
    const notes = coxTableModel(cox, main(npc).ctx).notes.join(' ');
    assert.ok(notes.includes('95% CI: Wald, exp(coef -/+ z * se) with z = qnorm(0.975) = 1.95996'), notes);
    assert.ok(!notes.includes('z(0.95)'), notes);
  });

  test('Table 3 (Cox): univariate and multivariable HR (95% CI) and p per coefficient from the JSON, – where the term is not in the multivariable model, factors as "level vs reference"', () => {
    const cox = npc.results.cox;
    const m = coxTableModel(cox, main(npc).ctx);
    assert.deepEqual(m.headerGroups.map((g) => g.label), ['', 'Univariate', 'Multivariable']);
    const mc = cox.multivariable.coefficients;
    const refs = Object.fromEntries(npc.spec.covariates.map((c) => [c.column, c.levels[0]]));
    refs.lt = '0';
    let checked = 0;
    for (const fit of cox.univariate) {
      const c = fit.coefficients;
      c.name.forEach((name, i) => {
        const label = `${c.term[i]} (${c.level[i]} vs ${refs[c.term[i]]})`;
        const row = rowBy(m, label);
        assert.equal(row[1], ci3(c.hr[i], c.lower[i], c.upper[i]), `${name} univariate HR`);
        assert.equal(row[2], p3(c.p[i]));
        const j = mc.name.indexOf(name);
        if (j < 0) assert.deepEqual(row.slice(3), ['–', '–'], `${name} not in the multivariable model`);
        else {
          assert.equal(row[3], ci3(mc.hr[j], mc.lower[j], mc.upper[j]), `${name} multivariable HR`);
          assert.equal(row[4], p3(mc.p[j]));
        }
        checked++;
      });
    }
    assert.equal(checked, m.rows.length);
    assert.ok(rowBy(m, 'sex (Female vs Male)'));
    assert.ok(m.notes.some((n) => n.includes('efron')), 'ties stated');
    assert.ok(m.notes.some((n) => n.includes(cox.selection.rule)), 'selection rule stated');
  });

  test('Cox with multi-level factors (colon): a term row, then one indented row per level vs the reference', () => {
    const m = coxTableModel(colon.results.cox, main(colon).ctx);
    const i = m.rows.findIndex((r) => r.cells[0] === 'rx');
    assert.deepEqual(m.rows[i].cells, ['rx', '', '', '', '']);
    const mc = colon.results.cox.multivariable.coefficients;
    const j = mc.name.indexOf('rxLev+5FU');
    assert.equal(m.rows[i + 2].cells[0], 'Lev+5FU vs Obs');
    assert.equal(m.rows[i + 2].indent, 1);
    assert.equal(m.rows[i + 2].cells[3], ci3(mc.hr[j], mc.lower[j], mc.upper[j]));
    // differ has no declared levels: the reference comes from Table 1's level order.
    assert.ok(rowBy(m, '3 vs 1'));
  });

  test('KM summary: n, events, median (95% CI) and survival at km.times (1/3/5 years) per group', () => {
    const km = npc.results.km;
    const m = kmSummaryModel(km, main(npc).ctx);
    assert.deepEqual(
      m.columns.map((c) => c.label),
      ['Group', 'n', 'Events', 'Median, months (95% CI)', '1-year survival, % (95% CI)', '3-year survival, % (95% CI)', '5-year survival, % (95% CI)'],
    );
    const curves = [km.overall, ...km.by_group];
    assert.equal(m.rows.length, curves.length);
    curves.forEach((c, r) => {
      const cells = m.rows[r].cells;
      assert.equal(cells[0], c.stratum === 'all' ? 'All patients' : `lt = ${c.stratum}`);
      assert.equal(cells[1], String(c.n));
      assert.equal(cells[2], String(c.events));
      assert.equal(cells[3], `${c.median.estimate.toFixed(1)} (${c.median.lower.toFixed(1)}–${c.median.upper.toFixed(1)})`);
      c.at_times.time.forEach((t, k) => {
        const pc = (x) => (100 * x).toFixed(1);
        assert.equal(cells[4 + k], `${pc(c.at_times.surv[k])} (${pc(c.at_times.lower[k])}–${pc(c.at_times.upper[k])})`);
      });
    });
    assert.ok(m.notes.some((n) => n.includes('log transformation')), 'CI type stated');
  });

  test('follow-up: median (95% CI) by reverse KM, overall and per group', () => {
    const f = npc.results.followup;
    const m = followupModel(f, main(npc).ctx);
    [f.overall, ...f.by_group].forEach((g, r) => {
      assert.deepEqual(m.rows[r].cells.slice(1), [String(g.n), `${g.median.toFixed(1)} (${g.lower.toFixed(1)}–${g.upper.toFixed(1)})`]);
    });
  });

  test('subgroups: events/n per arm, HR (95% CI), p per level; interaction p = likelihood-ratio p on the variable row', () => {
    const s = npc.results.subgroups;
    const m = subgroupModel(s, main(npc).ctx);
    let i = 0;
    for (const v of s.variables) {
      assert.deepEqual(m.rows[i++].cells, [v.variable, '', '', '', '', p3(v.interaction.lrt.p)]);
      for (const l of v.levels) {
        assert.deepEqual(m.rows[i++].cells, [l.level, `${l.events_control}/${l.n_control}`, `${l.events_treated}/${l.n_treated}`, ci3(l.hr, l.lower, l.upper), p3(l.p), '']);
      }
    }
    assert.equal(i, m.rows.length);
  });

  test('matching rounds: one row per round with score and exact sets, pairs, unbalanced covariates; the stop reason on the last row', () => {
    const mt = npc.results.matching;
    const m = matchingRoundsModel(mt, main(npc).ctx);
    assert.equal(m.rows.length, mt.rounds.length);
    mt.rounds.forEach((r, k) => {
      const cells = m.rows[k].cells;
      assert.equal(cells[0], String(r.round));
      assert.equal(cells[1], r.score_covariates.join(', '));
      assert.equal(cells[2], r.exact.length ? r.exact.join(', ') : 'none');
      assert.equal(cells[3], `${r.counts.matched_treated} / ${r.counts.matched_control}`);
      assert.equal(cells[4], r.unbalanced.length ? r.unbalanced.join(', ') : 'none');
    });
    assert.equal(m.rows.at(-1).cells[5], mt.stop.reason);
    const rr = matchingRoundsModel(rounds.results.matching, main(rounds).ctx);
    assert.equal(rr.rows.length, rounds.results.matching.rounds.length);
    assert.equal(rr.rows.at(-1).cells[5], rounds.results.matching.stop.reason);
    assert.ok(rr.notes.some((n) => n.includes('not all covariates balanced')));
  });

  test('matched outcome: KM per arm, Cox HR of the matched cohort, log-rank p', () => {
    const mo = npc.results.matching.matched_outcome;
    const m = matchedOutcomeModel(npc.results.matching, main(npc).ctx);
    const c = mo.cox.coefficients;
    assert.equal(m.rows[0].cells.at(-2), '1 (reference)');
    assert.equal(m.rows[1].cells.at(-2), ci3(c.hr[0], c.lower[0], c.upper[0]));
    assert.equal(m.rows[1].cells.at(-1), p3(c.p[0]));
    assert.equal(m.rows[1].cells[2], String(mo.km_by_group[1].events));
    assert.deepEqual(rowBy(m, 'Log-rank test').at(-1), p3(mo.logrank.p));
    // Both below 0.05 here: no note about the tests disagreeing.
    assert.ok(!m.notes.some((n) => /disagree/.test(n)), m.notes.join(' | '));
    assert.ok(m.notes.some((n) => n.endsWith('cluster = subclass) (robust SE).')), m.notes.join(' | '));
  });

  test('matched outcome: a log-rank p and a Cox p on either side of 0.05 are each named', () => {
    const matching = structuredClone(npc.results.matching);
    matching.matched_outcome.logrank.p = 0.2;
    const notes = matchedOutcomeModel(matching, main(npc).ctx).notes;
    const note = notes.find((n) => /disagree at 0\.05/.test(n));
    assert.ok(note, notes.join(' | '));
    assert.match(note, /log-rank test \(survdiff on the matched cohort, ignoring the pairs; shown on the Kaplan–Meier figure\) gives p = 0\.200/);
    assert.match(note, /Cox model's Wald test with robust SE of the hazard ratio \(coxph\(Surv\(time, event\) ~ lt, ties = "efron", cluster = subclass\)\) gives p = <0\.001/);
    // Stratified on pairs: model-based SEs (its robust_se list is empty).
    const strata = structuredClone(matching);
    strata.matched_outcome.cox.call = 'coxph(Surv(time, event) ~ lt + strata(subclass), ties = "efron")';
    strata.matched_outcome.cox.coefficients.robust_se = [];
    const sn = matchedOutcomeModel(strata, main(npc).ctx).notes;
    assert.ok(sn.some((n) => /Cox model's Wald test of the hazard ratio/.test(n)), sn.join(' | '));
    assert.ok(!sn.some((n) => /\(robust SE\)/.test(n)), sn.join(' | '));
  });

  test('cutpoint and cut groups (bone subcohort): cutpoints, n/events per group, HR vs reference, pairwise raw and adjusted p, matched comparisons', () => {
    const block = analysisBlocks(npc)[3];
    const cp = block.results.cutpoint;
    const cm = cutpointModel(cp, block.ctx);
    assert.equal(rowBy(cm, 'Maximally selected log-rank (maxstat)')[1], String(Number(cp.maxstat.cutpoint.toPrecision(6))));
    assert.equal(rowBy(cm, 'Maximally selected log-rank (maxstat)')[4], p3(cp.maxstat.p));
    assert.equal(rowBy(cm, 'Median')[1], String(cp.median.cutpoint));
    const g = cp.groups;
    const m = cutGroupsModel(cp, block.ctx);
    g.definition.levels.forEach((level, i) => {
      const row = rowBy(m, level);
      assert.equal(row[1], String(g.n[i]));
      assert.equal(row[2], String(g.events[i]));
      if (level === g.definition.reference) assert.equal(row[4], '1 (reference)');
      else {
        const j = g.cox.coefficients.level.indexOf(level);
        assert.equal(row[4], ci3(g.cox.coefficients.hr[j], g.cox.coefficients.lower[j], g.cox.coefficients.upper[j]));
        assert.equal(row[5], p3(g.cox.coefficients.p[j]));
      }
    });
    for (const pr of g.logrank.pairwise.pairs) {
      const row = rowBy(m, `${pr.a} vs ${pr.b}`);
      assert.equal(row[5], p3(pr.p));
      assert.equal(row[6], p3(pr.p_adjusted));
    }
    for (const mm of g.matched) {
      const row = rowBy(m, mm.comparison);
      const c = mm.matching.matched_outcome.cox.coefficients;
      assert.equal(row[1], `${mm.matching.counts.matched_treated} / ${mm.matching.counts.matched_control}`);
      assert.equal(row[4], ci3(c.hr[0], c.lower[0], c.upper[0]));
    }
    assert.deepEqual(m.rows.filter((r) => r.kind === 'section').length, 3);
  });

  test('cut groups with a comparison that matched no pair (rotterdam.rounds): NA cells, not a crash', () => {
    const g = rounds.results.cutpoint.groups;
    const empty = g.matched.find((x) => x.matching?.matched_outcome?.error);
    assert.ok(empty, 'the fixture has a comparison with no pairs');
    const m = cutGroupsModel(rounds.results.cutpoint, main(rounds).ctx);
    assert.deepEqual(rowBy(m, empty.comparison).slice(1), ['0 / 0', 'NA', '', 'NA', 'NA', '–']);
    assert.ok(m.notes.includes(`${empty.comparison}: ${empty.matching.matched_outcome.error.message}`));
  });
});

describe('other results', () => {
  test('lung.basic: stratified and by-variable log-rank with raw and adjusted pairwise p; sparse subgroup levels give NA / bounded HRs', () => {
    const lr = lung.results.logrank;
    const m = logrankModel(lr, main(lung).ctx);
    assert.deepEqual(rowBy(m, 'sex (2 groups)'), ['sex (2 groups)', String(lr.by_group.n[0] + lr.by_group.n[1]), lr.by_group.statistic.toFixed(2), '1', p3(lr.by_group.p), '–']);
    assert.equal(rowBy(m, 'sex, stratified by ph.ecog')[4], p3(lr.stratified.p));
    const by = lr.by[0];
    for (const pr of by.pairwise.pairs) {
      const row = rowBy(m, `${pr.a} vs ${pr.b}`);
      assert.equal(row[4], p3(pr.p));
      assert.equal(row[5], p3(pr.p_adjusted));
    }
    const s = subgroupModel(lung.results.subgroups, main(lung).ctx);
    const ecog3 = lung.results.subgroups.variables[0].levels.find((l) => l.level === '3');
    assert.equal(ecog3.hr, null);
    const i = s.rows.findIndex((r) => r.cells[0] === 'ph.ecog');
    const row = s.rows.slice(i + 1).find((r) => r.cells[0] === '3').cells;
    assert.deepEqual(row.slice(3, 5), ['NA', 'NA']);
    for (const r of s.rows) assert.ok(!/\d{5,}\./.test(r.cells[3]), `no 16-digit HR: ${r.cells[3]}`);
    // Every model of lung.basic builds (it also has matching and follow-up).
    assert.deepEqual(
      blockModels(main(lung)).map((x) => x.name),
      ['table1', 'baseline', 'cox', 'cox-ph', 'km', 'followup', 'logrank', 'subgroups', 'rounds', 'matched-outcome'],
    );
    const b = baselineModel(lung.results.matching, main(lung).ctx);
    const age = lung.results.matching.balance.before.columns.find((c) => c.variable === 'age');
    assert.deepEqual(rowBy(b, 'age, mean').slice(1, 5), [age.mean_control.toFixed(2), age.mean_treated.toFixed(2), p3(lung.results.matching.balance.tests[0].before.p), age.smd.toFixed(3)]);
  });

  test('1:2 matching (lung, ratio 2, CLI run here): weighted event sums keep a decimal, the robust score test stands in for the log-rank test', () => {
    const r = cliSpec(datasetPath('lung'), {
      version: 1,
      time: { column: 'time', unit: 'days' },
      event: { column: 'status', values: [2] },
      group: { column: 'sex', levels: ['1', '2'] },
      covariates: ['age', 'ph.ecog', 'wt.loss'],
      analyses: { km: { times: [365] }, matching: { ratio: 2, caliper: 0.2 } },
    });
    const mo = r.results.matching.matched_outcome;
    assert.equal(mo.weighted, true);
    const m = matchedOutcomeModel(r.results.matching, main(r).ctx);
    mo.km_by_group.forEach((c, i) => {
      const ev = Number.isInteger(c.events) ? String(c.events) : c.events.toFixed(1);
      assert.equal(m.rows[i].cells[2], ev);
    });
    assert.equal(rowBy(m, 'Robust score test').at(-1), p3(mo.cox.robust_score.p));
    assert.ok(!m.rows.some((x) => x.cells[0] === 'Log-rank test'));
    assert.ok(m.notes.some((n) => n.includes('weighted')));
  });

  test('a subcohort with a failed test (veteran.basic: one cell type) keeps its tables; one that could not be analysed yields none; the {ok, result} envelope is accepted', () => {
    const r = cli(datasetPath('veteran'), path.join(root, 'tests/specs/veteran.basic.json'));
    const blocks = analysisBlocks({ ok: true, result: r });
    assert.equal(blocks.length, 1 + r.subcohorts.length);
    const squamous = blocks.find((b) => b.label === 'squamous');
    const by = squamous.results.logrank.by[0];
    assert.equal(by.error.field, 'celltype');
    const lr = blockModels(squamous).find((m) => m.name === 'logrank');
    assert.deepEqual(rowBy(lr, 'celltype').slice(0, 2), ['celltype', 'not computed']);
    assert.ok(lr.notes.includes(`celltype: ${by.error.message}`));
    const failed = analysisBlocks({ ok: true, result: { ...r, subcohorts: [{ name: 'nobody', filter: 'age > 200', error: { message: 'no row', field: null, detail: null } }] } })[1];
    assert.equal(failed.error.message, 'no row');
    assert.deepEqual(blockModels(failed), []);
  });

  test('three groups (colon): Table 1 numerics have no test (–), log-rank pairs carry Bonferroni-adjusted p', () => {
    const m = table1Model(colon.results.table1, main(colon).ctx);
    assert.equal(m.columns.length, 7);
    const i = m.rows.findIndex((r) => r.cells[0] === 'age');
    assert.deepEqual(m.rows[i + 1].cells.slice(5), ['–', '–']);
    const lr = logrankModel(colon.results.logrank, main(colon).ctx);
    const pr = colon.results.logrank.by_group.pairwise.pairs[1];
    assert.equal(rowBy(lr, `${pr.a} vs ${pr.b}`)[5], p3(pr.p_adjusted));
    assert.ok(lr.notes.some((n) => n.includes('bonferroni')));
  });

  test('Table 1 0/1 columns (colon sex, obstruct, perfor, adhere, surg): n (%) rows for 0 and 1 with the χ² p, named in a note; binary "numeric" gives mean (SD) rows', () => {
    const t1 = colon.results.table1;
    const flags = ['sex', 'obstruct', 'perfor', 'adhere', 'surg'];
    assert.deepEqual(t1.variables.filter((v) => v.binary).map((v) => v.variable), flags);
    assert.equal(colon.spec.analyses.table1.binary, 'counts');
    const m = table1Model(t1, main(colon).ctx);
    const cell = (s, j) => `${s.counts[j]} (${s.percent[j].toFixed(1)})`;
    for (const name of flags) {
      const v = t1.variables.find((x) => x.variable === name);
      assert.equal(v.type, 'factor');
      assert.deepEqual(v.levels, ['0', '1']);
      const i = m.rows.findIndex((r) => r.cells[0] === name);
      // Three groups: the χ² test of table(factor(x), rx) (Fisher when an expected count is below 5).
      const fisher = !(v.tests.chisq.min_expected >= 5);
      assert.deepEqual(m.rows[i].cells.slice(5), [p3(fisher ? v.tests.fisher.p : v.tests.chisq.p), fisher ? "Fisher's exact" : 'χ²'], name);
      for (const j of [0, 1]) assert.deepEqual(m.rows[i + 1 + j].cells, [String(j), cell(v.overall, j), ...v.by_group.map((g) => cell(g, j)), '', ''], `${name} = ${j}`);
      assert.notEqual(m.rows[i + 3]?.cells[0], 'Mean (SD)');
    }
    // age, nodes (more values than 0 and 1) stay numeric.
    assert.equal(rowBy(m, 'age').length, 7);
    assert.equal(m.rows[m.rows.findIndex((r) => r.cells[0] === 'age') + 1].cells[0], 'Mean (SD)');
    assert.ok(m.notes.includes(`Columns holding only 0 and 1, shown as n (%): ${flags.join(', ')} (the Table 1 option "0/1 columns" shows them as mean (SD) and median (IQR) instead).`), m.notes.join(' | '));

    const spec = JSON.parse(fs.readFileSync(path.join(root, 'tests/specs/colon.basic.json'), 'utf8'));
    const asNumbers = cliSpec(datasetPath('colon'), { ...spec, analyses: { ...spec.analyses, table1: { binary: 'numeric' } } });
    assert.equal(asNumbers.spec.analyses.table1.binary, 'numeric');
    const n = table1Model(asNumbers.results.table1, main(asNumbers).ctx);
    for (const name of flags) {
      const v = asNumbers.results.table1.variables.find((x) => x.variable === name);
      assert.equal(v.type, 'numeric');
      assert.equal(v.binary, undefined);
      const i = n.rows.findIndex((r) => r.cells[0] === name);
      assert.deepEqual(n.rows.slice(i + 1, i + 3).map((r) => r.cells[0]), ['Mean (SD)', 'Median (IQR)'], name);
    }
    assert.ok(!n.notes.some((x) => x.startsWith('Columns holding only 0 and 1')));
    // Only Table 1 changes: every other block is the same JSON.
    for (const k of Object.keys(colon.results).filter((x) => x !== 'table1')) assert.deepEqual(asNumbers.results[k], colon.results[k], k);
  });

  test('absent sections (colon_bin: no table1, follow-up, matching, subgroups, cutpoint): builders return null, blockModels keeps the rest', () => {
    const r = colonBin.results;
    assert.equal(table1Model(r.table1), null);
    assert.equal(followupModel(r.followup), null);
    assert.equal(baselineModel(r.matching), null);
    assert.equal(matchingRoundsModel(r.matching), null);
    assert.equal(matchedOutcomeModel(r.matching), null);
    assert.equal(subgroupModel(r.subgroups), null);
    assert.equal(cutpointModel(r.cutpoint), null);
    assert.equal(cutGroupsModel(r.cutpoint), null);
    assert.deepEqual(blockModels(main(colonBin)).map((m) => m.name), ['cox', 'cox-ph', 'km', 'logrank']);
    // Without a context the Cox table still builds, with plainer labels.
    const bare = coxTableModel(r.cox);
    assert.equal(bare.rows.length, coxTableModel(r.cox, main(colonBin).ctx).rows.length);
  });

  test('no group: Table 1 has the overall column only, KM and follow-up one row, log-rank only the by-variable test', () => {
    const block = main(noGroup);
    const t1 = table1Model(noGroup.results.table1, block.ctx);
    assert.deepEqual(t1.columns.map((c) => c.label), ['Characteristic', 'Overall (n = 228)']);
    assert.equal(t1.title, 'Baseline characteristics');
    const ecog = noGroup.results.table1.variables.find((v) => v.variable === 'ph.ecog');
    const i = t1.rows.findIndex((r) => r.cells[0] === 'ph.ecog');
    assert.deepEqual(t1.rows[i + 1].cells, ['0', `${ecog.overall.counts[0]} (${ecog.overall.percent[0].toFixed(1)})`]);
    const km = kmSummaryModel(noGroup.results.km, block.ctx);
    assert.deepEqual(km.rows.map((r) => r.cells[0]), ['All patients']);
    assert.deepEqual(km.columns.slice(3).map((c) => c.label), ['Median, days (95% CI)', '180-day survival, % (95% CI)', '1-year survival, % (95% CI)']);
    assert.equal(km.rows[0].cells[3], `${noGroup.results.km.overall.median.estimate.toFixed(0)} (${noGroup.results.km.overall.median.lower.toFixed(0)}–${noGroup.results.km.overall.median.upper.toFixed(0)})`);
    assert.equal(followupModel(noGroup.results.followup, block.ctx).rows.length, 1);
    const lr = logrankModel(noGroup.results.logrank, block.ctx);
    assert.equal(lr.rows[0].cells[0], 'ph.ecog (4 groups)');
    assert.equal(lr.rows[0].cells[4], p3(noGroup.results.logrank.by[0].p));
    assert.deepEqual(blockModels(block).map((m) => m.name), ['table1', 'cox', 'cox-ph', 'km', 'followup', 'logrank']);
  });
});

describe('rendering and exports', () => {
  const { document } = new JSDOM('<!doctype html><html><body></body></html>').window;

  test('renderTable: caption = title, th scope=col per column, colgroup headers, row headers th scope=row, section rows, notes in tfoot, cells = model cells', () => {
    const block = analysisBlocks(npc)[3];
    for (const model of [coxTableModel(block.results.cox, block.ctx), cutGroupsModel(block.results.cutpoint, block.ctx)]) {
      const table = renderTable(model, document);
      assert.equal(table.tagName, 'TABLE');
      assert.equal(table.className, 'ls-table');
      assert.equal(table.querySelector('caption').textContent, model.title);
      assert.equal(table.querySelectorAll('thead th[scope="col"]').length, model.columns.length);
      assert.deepEqual([...table.querySelectorAll('thead th[scope="col"]')].map((th) => th.textContent), model.columns.map((c) => c.label));
      const bodyRows = [...table.querySelectorAll('tbody tr')];
      assert.equal(bodyRows.length, model.rows.length);
      bodyRows.forEach((tr, i) => {
        const row = model.rows[i];
        if (row.kind === 'section') {
          const th = tr.querySelector('th[scope="rowgroup"]');
          assert.equal(th.textContent, row.cells[0]);
          assert.equal(th.getAttribute('colspan'), String(model.columns.length));
        } else {
          assert.equal(tr.children[0].tagName, 'TH');
          assert.equal(tr.children[0].getAttribute('scope'), 'row');
          assert.deepEqual([...tr.children].map((c) => c.textContent), row.cells);
          if (row.indent) assert.ok(tr.classList.contains(`ls-indent-${row.indent}`));
        }
      });
      assert.deepEqual([...table.querySelectorAll('tfoot td')].map((td) => td.textContent), model.notes);
      if (model.headerGroups) {
        assert.deepEqual(
          [...table.querySelectorAll('thead th[scope="colgroup"]')].map((th) => [th.textContent, th.getAttribute('colspan')]),
          model.headerGroups.filter((g) => g.label).map((g) => [g.label, String(g.span)]),
        );
      }
    }
  });

  const tricky = {
    id: 't',
    name: 't',
    title: 'Title, with comma',
    columns: [
      { label: 'Name', align: 'left' },
      { label: 'HR (95% CI)', align: 'right' },
    ],
    rows: [
      { kind: 'section', cells: ['Section', ''] },
      { kind: 'data', cells: ['a "quoted" name', '0.634 (0.531–0.757)'], indent: 1 },
      { kind: 'data', cells: ['two\nlines', '<0.001'] },
      { kind: 'data', cells: ['tab\there', '1,234'] },
    ],
    notes: ['– = not in the model'],
  };

  test('CSV: CRLF records, fields with comma / quote / line break quoted and quotes doubled, en dash kept, indent as leading spaces, optional BOM', () => {
    const csv = toCsv(tricky);
    assert.equal(
      csv,
      [
        '"Title, with comma"',
        'Name,HR (95% CI)',
        'Section,',
        '"  a ""quoted"" name",0.634 (0.531–0.757)',
        '"two\nlines",<0.001',
        'tab\there,"1,234"',
        '',
        '– = not in the model',
        '',
      ].join('\r\n'),
    );
    assert.ok(toCsv(tricky, { bom: true }).startsWith('\uFEFF"Title'));
    assert.equal(toCsv(tricky, { title: false, notes: false }).split('\r\n')[0], 'Name,HR (95% CI)');
    assert.equal(Buffer.from(csv, 'utf8').toString('utf8'), csv, 'round-trips as UTF-8');
  });

  test('CSV of a real table reads back to the model cells (paper Table 3 and Table 2 with header groups)', () => {
    for (const model of [coxTableModel(npc.results.cox, main(npc).ctx), baselineModel(npc.results.matching, main(npc).ctx)]) {
      const rows = parseCsv(toCsv(model));
      assert.deepEqual(rows[0], [model.title]);
      const groups = model.headerGroups.flatMap((g) => [g.label, ...Array(g.span - 1).fill('')]);
      assert.deepEqual(rows[1], groups);
      assert.deepEqual(rows[2], model.columns.map((c) => c.label));
      model.rows.forEach((r, i) => {
        const expected = [...r.cells];
        if (r.indent) expected[0] = '  '.repeat(r.indent) + expected[0];
        assert.deepEqual(rows[3 + i], expected);
      });
      assert.deepEqual(rows.slice(4 + model.rows.length).map((r) => r[0]), model.notes);
    }
  });

  test('TSV: one line per row, tabs and line breaks inside cells become spaces', () => {
    const lines = toTsv(tricky).split('\r\n');
    assert.equal(lines[1], 'Name\tHR (95% CI)');
    assert.equal(lines[4], 'two lines\t<0.001');
    assert.equal(lines[5], 'tab here\t1,234');
  });

  test('clipboard HTML: one self-contained <table> with inline styles, cells as text (mso-number-format), escaped, title and notes as spanning rows', () => {
    const model = coxTableModel(npc.results.cox, main(npc).ctx);
    const html = toClipboardHtml(model);
    assert.ok(html.startsWith('<table') && html.endsWith('</table>'));
    assert.ok(!/<style|class=/.test(html), 'no stylesheet or classes: inline styles only');
    assert.ok(html.includes('&lt;0.001') && !html.includes('><0.001<'), '<0.001 escaped');
    const dom = new JSDOM(`<!doctype html><body>${html}</body>`).window.document;
    const table = dom.querySelector('table');
    const trs = [...table.querySelectorAll('tbody tr')];
    assert.equal(trs.length, model.rows.length);
    trs.forEach((tr, i) => {
      const cells = [...tr.children].map((td) => td.textContent.replace(/^\u00a0+/, ''));
      assert.deepEqual(cells, model.rows[i].cells);
      for (const td of tr.children) assert.match(td.getAttribute('style'), /mso-number-format:'\\@'/);
    });
    assert.equal(table.querySelector('thead tr td').textContent, model.title);
    assert.deepEqual([...table.querySelectorAll('tfoot td')].map((td) => td.textContent), model.notes);
    // Indented rows keep their indent as non-breaking spaces (Excel drops padding).
    const t1 = toClipboardHtml(table1Model(npc.results.table1, main(npc).ctx));
    assert.ok(t1.includes('&nbsp;&nbsp;&nbsp;Male'));
  });

  test('copyTable: text/html + text/plain through ClipboardItem when available; plain text when not, or when the rich write is refused', async () => {
    const model = followupModel(npc.results.followup, main(npc).ctx);
    class FakeItem {
      constructor(data) {
        this.data = data;
      }
    }
    const written = [];
    const rich = { clipboard: { write: async (items) => written.push(...items), writeText: async () => assert.fail('no fallback expected') } };
    assert.equal(await copyTable(model, rich, { ClipboardItem: FakeItem, Blob }), 'html');
    assert.equal(written.length, 1);
    assert.deepEqual(Object.keys(written[0].data).sort(), ['text/html', 'text/plain']);
    assert.equal(await written[0].data['text/html'].text(), toClipboardHtml(model));
    assert.equal(await written[0].data['text/plain'].text(), toTsv(model));

    let text = null;
    const plain = { clipboard: { writeText: async (t) => (text = t) } };
    assert.equal(await copyTable(model, plain, { ClipboardItem: undefined, Blob }), 'text');
    assert.equal(text, toTsv(model));

    text = null;
    const refusing = { clipboard: { write: async () => Promise.reject(new Error('NotAllowedError')), writeText: async (t) => (text = t) } };
    assert.equal(await copyTable(model, refusing, { ClipboardItem: FakeItem, Blob }), 'text');
    assert.equal(text, toTsv(model));

    await assert.rejects(copyTable(model, {}, { ClipboardItem: FakeItem, Blob }), /no clipboard/);
  });
});

test('"show times in": medians and rate labels convert from the data unit (months -> years), numbers unchanged', () => {
  const cli = runCli(path.join(root, 'public/examples/npc_cohort.csv'), path.join(root, 'public/examples/npc_paper.spec.json'));
  const out = JSON.parse(cli.stdout).result;
  const [main] = analysisBlocks(out, { displayUnit: 'years' });
  const km = kmSummaryModel(main.results.km, main.ctx);
  const header = km.columns.map((c) => c.label).join(' | ');
  assert.match(header, /Median, years/);
  assert.match(header, /1-year survival/);
  assert.match(header, /5-year survival/);
  // Lung's days shown in years: every survival column a clean number of the display unit.
  const [lungYears] = analysisBlocks(lung, { displayUnit: 'years' });
  const lungKm = kmSummaryModel(lungYears.results.km, lungYears.ctx);
  assert.deepEqual(lungKm.columns.slice(4).map((c) => c.label), ['0.49-year survival, % (95% CI)', '1-year survival, % (95% CI)', '2-year survival, % (95% CI)']);
  const median = (out.results.km.overall.median.estimate * 30.4375) / 365.25;
  assert.ok(km.rows[0].cells[3].startsWith(median.toFixed(2)), `${km.rows[0].cells[3]} vs ${median}`);
  const fu = followupModel(main.results.followup, main.ctx);
  const fuMedian = out.results.followup.overall.median * 30.4375 / 365.25;
  assert.ok(fu.rows[0].cells[2].startsWith(fuMedian.toFixed(2)), fu.rows[0].cells[2]);
  // The survival percentages themselves do not depend on the display unit.
  const same = kmSummaryModel(out.results.km, analysisBlocks(out)[0].ctx);
  assert.equal(km.rows[0].cells[4], same.rows[0].cells[4]);
});

describe('exported cells never read as spreadsheet formulas', () => {
  test('spreadsheetCell: =, +, -, @, tab and CR first (also after white space) get an apostrophe; plain numbers stay numbers', () => {
    const neutralised = [
      '=1+1',
      '@SUM(A1:A9)',
      "+cmd|' /C calc'!A0",
      '=HYPERLINK("http://evil.example","x")',
      '-1+1',
      '-SUM(A1)',
      '-2+3+cmd|x!A0',
      '- 1',
      '--1',
      '-1e',
      '-0x10',
      '-.',
      '+',
      '-',
      '@',
      '-∞',
      '-Infinity',
      '-1.23 (0.45)',
      '-0.50 (-1.00–0.20)',
      '\t=1+1',
      '\tplain text',
      '\t5',
      '\r=1',
      '  =1+1',
      '\u00a0=1+1',
      '\n=1+1',
      ' \n @A1',
      '  -1+1',
    ];
    for (const s of neutralised) assert.equal(spreadsheetCell(s), `'${s}`, JSON.stringify(s));
    const untouched = [
      '-0.52',
      '-1.2e-5',
      '+3',
      '-3',
      '+0.5',
      '-.5',
      '-5.',
      '-1E+10',
      '  -0.52',
      '-0.52 ',
      '0.634 (0.531–0.757)',
      '<0.001',
      '>999',
      '1-2',
      'a=b',
      'NA',
      '–',
      '−0.52',
      "'=1+1",
      '',
    ];
    for (const s of untouched) assert.equal(spreadsheetCell(s), s, JSON.stringify(s));
    assert.equal(spreadsheetCell(null), '');
    assert.equal(spreadsheetCell(-0.52), '-0.52', 'numbers as numbers');
  });

  const hostileModel = {
    id: 'h',
    name: 'h',
    title: '=1+1 title',
    headerGroups: [
      { label: '@SUM(A1)', span: 1 },
      { label: 'Before', span: 1 },
    ],
    columns: [
      { label: '+cmd', align: 'left' },
      { label: 'SMD', align: 'right' },
    ],
    rows: [
      { kind: 'section', cells: ['-SUM(A1)', ''] },
      { kind: 'data', cells: ['=HYPERLINK("http://evil.example","x")', '-0.052'], indent: 1 },
      { kind: 'data', cells: ['\t=1+1', '-1.2e-5'] },
      { kind: 'data', cells: ['-1+1', '+3'] },
    ],
    notes: ['@note'],
  };

  test('CSV, TSV and clipboard HTML of a table with hostile title, header groups, columns, sections, cells and notes', () => {
    assert.deepEqual(parseCsv(toCsv(hostileModel)), [
      ["'=1+1 title"],
      ["'@SUM(A1)", 'Before'],
      ["'+cmd", 'SMD'],
      ["'-SUM(A1)", ''],
      ['\'  =HYPERLINK("http://evil.example","x")', '-0.052'],
      ["'\t=1+1", '-1.2e-5'],
      ["'-1+1", '+3'],
      [''],
      ["'@note"],
    ]);
    assert.deepEqual(
      toTsv(hostileModel).split('\r\n'),
      ["'=1+1 title", "'@SUM(A1)\tBefore", "'+cmd\tSMD", "'-SUM(A1)\t", '\'  =HYPERLINK("http://evil.example","x")\t-0.052', "' =1+1\t-1.2e-5", "'-1+1\t+3", '', "'@note", ''],
    );
    const dom = new JSDOM(`<!doctype html><body>${toClipboardHtml(hostileModel)}</body>`).window.document;
    const texts = [...dom.querySelectorAll('td, th')].map((c) => c.textContent.replace(/^\u00a0+/, ''));
    assert.deepEqual(texts, [
      "'=1+1 title",
      "'@SUM(A1)",
      'Before',
      "'+cmd",
      'SMD',
      "'-SUM(A1)",
      '\'=HYPERLINK("http://evil.example","x")',
      '-0.052',
      "'\t=1+1",
      '-1.2e-5',
      "'-1+1",
      '+3',
      "'@note",
    ]);
  });

  test('every table of a run on lung data with hostile column names and levels: no exported cell reads as a formula, number-like levels stay numbers', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-hostile-'));
    let result;
    try {
      fs.writeFileSync(path.join(dir, 'hostile.csv'), hostileLungCsv());
      fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(hostileSpec()));
      result = cli(path.join(dir, 'hostile.csv'), path.join(dir, 'spec.json'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const models = analysisBlocks(result).flatMap(blockModels);
    assert.deepEqual(
      ['table1', 'baseline', 'cox', 'cox-ph', 'km', 'logrank', 'subgroups', 'matched-outcome'].filter((n) => !models.some((m) => m.name === n)),
      [],
      `tables: ${models.map((m) => m.name)}`,
    );
    let hostileCells = 0;
    let negativeNumbers = 0;
    for (const model of models) {
      const csv = parseCsv(toCsv(model)).flat();
      const tsv = toTsv(model).split('\r\n').flatMap((line) => line.split('\t'));
      const html = [...new JSDOM(`<!doctype html><body>${toClipboardHtml(model)}</body>`).window.document.querySelectorAll('td, th')].map((c) =>
        c.textContent.replace(/^\u00a0+/, ''),
      );
      for (const [kind, cells] of Object.entries({ csv, tsv, html })) {
        const formulas = cells.filter(readAsFormula);
        assert.deepEqual(formulas, [], `${model.id} ${kind}`);
      }
      // What the model shows is what is exported, with an apostrophe exactly where a spreadsheet would see a formula.
      const shown = model.rows.flatMap((r) => r.cells);
      for (const c of shown) {
        if (readAsFormula(c)) {
          hostileCells++;
          assert.ok(html.includes(`'${c}`), `${model.id}: ${JSON.stringify(c)} not neutralised in the clipboard HTML`);
        } else if (c !== '') {
          assert.ok(html.includes(c), `${model.id}: ${JSON.stringify(c)} changed in the clipboard HTML`);
        }
        if (/^-\d/.test(c) && !readAsFormula(c)) negativeNumbers++;
      }
    }
    assert.ok(hostileCells >= 10, `only ${hostileCells} hostile cells: the fixture no longer reaches the tables`);
    assert.ok(negativeNumbers >= 5, `only ${negativeNumbers} negative numbers (SMDs) kept as numbers`);
    // The levels themselves: a formula level is neutralised, '-0.52' and '+3' stay as they are.
    const table1 = parseCsv(toCsv(models.find((m) => m.name === 'table1')));
    const labels = table1.map((r) => r[0]);
    assert.ok(labels.includes("'  @A1"), labels.join(' | '));
    assert.ok(labels.includes('  -0.52') && labels.includes('  +3'), labels.join(' | '));
    assert.ok(labels.includes(`'${HOSTILE.ecog}`) && labels.includes(`'${HOSTILE.age}`) && labels.includes(`'${HOSTILE.weight}`), labels.join(' | '));
    assert.ok(table1[1].some((c) => c.startsWith(`'${HOSTILE.group} = ${HOSTILE.sexLevels[1]} (n = `)), table1[1].join(' | '));
  });
});

test('survival past a group’s last follow-up reads "not estimable (follow-up ends at …)"; the JSON keeps R’s carried value', () => {
  const out = cliSpec(datasetPath('lung'), {
    version: 1,
    time: { column: 'time', unit: 'days' },
    event: { column: 'status', values: [2] },
    group: { column: 'sex', levels: ['1', '2'] },
    analyses: { km: { times: [365, 1000, 1100] } },
  });
  const curves = [out.results.km.overall, ...out.results.km.by_group];
  const shownIn = (unit) => {
    const [block] = analysisBlocks(out, { displayUnit: unit });
    return kmSummaryModel(block.results.km, block.ctx);
  };
  const days = shownIn(null);
  const years = shownIn('years');
  let beyond = 0;
  let within = 0;
  curves.forEach((c, r) => {
    const end = c.table.time[c.table.time.length - 1];
    c.at_times.time.forEach((t, k) => {
      const cell = days.rows[r].cells[4 + k];
      if (t > end) {
        beyond++;
        // R's summary(extend = TRUE): 0 at risk, the last S carried forward, and the JSON keeps it.
        assert.equal(c.at_times.n_risk[k], 0);
        assert.equal(c.at_times.surv[k], c.table.surv[c.table.surv.length - 1]);
        assert.equal(cell, `not estimable (follow-up ends at ${end} days)`);
        assert.equal(years.rows[r].cells[4 + k], `not estimable (follow-up ends at ${Number((end / 365.25).toFixed(2))} years)`);
      } else {
        within++;
        const pc = (x) => (100 * x).toFixed(1);
        assert.equal(cell, `${pc(c.at_times.surv[k])} (${pc(c.at_times.lower[k])}–${pc(c.at_times.upper[k])})`);
      }
    });
  });
  assert.ok(beyond >= 2 && within >= 4, `lung: ${beyond} times past follow-up, ${within} within`);
  assert.ok(days.notes.some((n) => /^Not estimable: a time after the group’s last follow-up/.test(n)), days.notes.join(' | '));
  // Within follow-up everywhere: no such note.
  assert.ok(!kmSummaryModel(lung.results.km, main(lung).ctx).notes.some((n) => /^Not estimable/.test(n)));
  assert.equal(notEstimable(686, 'days'), 'not estimable (follow-up ends at 686 days)');
  assert.equal(notEstimable(null, 'days'), 'not estimable (no one at risk)');
  // A curve that ends in an event has reached 0: S(t) = 0 after it is an estimate.
  const died = { table: { time: [1, 2], surv: [0.5, 0] }, at_times: { time: [5], surv: [0], n_risk: [0] } };
  assert.equal(beyondFollowUp(died, 5, 0), false);
  const censored = { table: { time: [1, 2], surv: [0.5, 0.5] }, at_times: { time: [5], surv: [0.5], n_risk: [0] } };
  assert.equal(beyondFollowUp(censored, 5, 0), true);
  assert.equal(beyondFollowUp(censored, 5), true);
  assert.equal(beyondFollowUp(censored, 2, null), false);
});
