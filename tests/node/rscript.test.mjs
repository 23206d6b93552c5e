// web/rscript.js: the R script that redoes a LocalSurv analysis with R's own
// tools. (1) For every spec in tests/specs and the bundled paper spec the
// script is generated and names every enabled analysis. (2) The generated
// script is RUN with Rscript (survival, MatchIt, maxstat, jsonlite) on the
// dataset and its key numbers are compared with the CLI's result JSON:
// KM at the requested times and medians, follow-up, log-rank (pairwise too),
// every Cox coefficient / HR / CI / p and cox.zph p (univariate and
// multivariable; Efron on lung, pbc, colon, Breslow + cluster on rotterdam),
// glm coefficients, Table 1 p-values, the maxstat cutpoint, cut groups,
// subgroup interaction LRTs, and for matching each round's score/exact sets,
// matched counts, balance p and unbalanced set, plus the matched-cohort Cox
// — on lung, pbc, rotterdam, colon, rotterdam.rounds, veteran, colon_bin,
// the paper spec (main cohort and its three subcohorts) and a European-style
// file (";", decimal comma, "N/A"/"." missing) with derive steps and a filter,
// and derived dates (tests/fixtures/dates.csv: date_diff in every unit and
// date format, the time from two date columns, a filter on a derived column;
// the bundled example's follow-up from its two date columns).
// (3) The script from a spec as written equals the one from the engine's
// echo of it (result.spec), for tests/specs, the paper spec and the dates
// fixture (short forms: tests/node/rscript_safety.test.mjs). (4) The script's date
// reader (ls_dates) reads every format of tests/reference/extra/dates.json
// as R's as.Date does, and reads and refuses the same cells and columns as
// the engine.
// Tolerance: 1e-6 relative for numbers, 1e-9 absolute for p-values.
// Known, documented exceptions: m.order = "random" (rotterdam.basic) uses
// R's random order, so only its counts are compared; maxstat condMC p is
// Monte Carlo (not compared); a subcohort LocalSurv cannot analyse must
// make the script report an error too.
//
// MatchIt 4.5.1 (Debian) truncates distance differences (issue #163), so its
// pairs are not LocalSurv's; the test generates the script with the
// test-only option correctedPairing, which swaps MatchIt's pairing step for
// the re-implementation of tests/r/goldens/matching_ref.R (true |difference|,
// = MatchIt >= 4.5.4), exactly as the project's R goldens do.
// R is required: without Rscript and the four packages the test fails.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { rStr } from '../../web/r/escape.js';
import { rFilter } from '../../web/r/filter.js';
import { scriptOf, filterTree, CORRECTED_PAIRING } from './rscript_support.mjs';
import { runCli, specCases, datasetPath, root } from './harness.mjs';

const paperSpec = path.join(root, 'public/examples/npc_paper.spec.json');
const datesSpec = path.join(root, 'tests/fixtures/dates.spec.json');
const readJson = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));

test('a script is generated for every spec and names every enabled analysis', () => {
  const specs = [...specCases().map((c) => c.specFile), paperSpec, datesSpec];
  for (const f of specs) {
    const spec = readJson(f);
    const s = scriptOf(spec);
    const cohorts = [{ p: 'results', analyses: spec.analyses }];
    (spec.subcohorts || []).forEach((c, i) => cohorts.push({ p: `subcohorts.${i}.results`, analyses: c.analyses || spec.analyses }));
    for (const c of cohorts) {
      for (const k of Object.keys(c.analyses)) {
        assert.ok(s.includes(`Reproduces ${c.p}.${k}`), `${path.basename(f)}: no block for ${c.p}.${k}`);
      }
    }
    assert.match(s, /library\(survival\)/);
    assert.match(s, /issue #163/);
    assert.ok(!/undefined|\[object Object\]/.test(s), `${path.basename(f)}: a value was not rendered`);
    assert.ok(!s.includes('ls_corrected_pairing'), 'the corrected pairing is for tests only');
    assert.ok(scriptOf(spec, { correctedPairing: CORRECTED_PAIRING }).includes('ls_corrected_pairing'));
  }
});

test('the filter language becomes R where a comparison on a missing cell is FALSE', () => {
  const r = (text) => rFilter(filterTree(text));
  assert.equal(r('age >= 40 and extent in (2, 3, 4)'), '(ls_true(age >= 40) & (extent %in% c(2, 3, 4)))');
  assert.equal(r("not (celltype == 'squamous') or x is not missing"),
    '(!(ls_true(celltype == "squamous")) | !is.na(x))');
  assert.equal(r('`odd name` != -1.5 and a is missing'), '(ls_true(`odd name` != -1.5) & is.na(a))');
  assert.equal(r(''), 'TRUE');
  assert.equal(r('x in (2,-3, .5)'), '(x %in% c(2, -3, .5))');
  // Numbers as the engine reads them (the CSV reader's plain decimals), as written;
  // what the CSV reader would not read as a number is refused with the engine's reason.
  assert.equal(r('x != -1.5e3 or y == 1e5'), '(ls_true(x != -1.5e3) | ls_true(y == 1e5))');
  assert.throws(() => r('x == 0x10'), /^Error: filter: '0x10' is not a number \(a hexadecimal number; write it in decimal\) at position 6$/);
  assert.throws(() => r('x != -inf'), /^Error: filter: '-inf' is not a number/);
  // The engine's message for a filter it cannot read.
  assert.throws(() => r('age >='), /^Error: filter: expected a number or "text" but found 'end of the filter' at position 7$/);
});

// The R code every script holds as is: real R files (web/r/, imported as
// text; the test-only pairing step in tests/r/), each of which R parses.
test('the R files rscript.js writes from parse in R, are in the scripts as written, and the test-only pairing step is not in the page\'s bundle', () => {
  const files = ['web/r/helpers.R', 'web/r/dates.R', 'tests/r/corrected_pairing.R'];
  for (const f of files) {
    const r = spawnSync('Rscript', ['-e', `invisible(parse(file = ${rStr(path.join(root, f))}, encoding = "UTF-8"))`], { encoding: 'utf8' });
    assert.equal(r.error, undefined, `Rscript is needed for this test: ${r.error}`);
    assert.equal(r.status, 0, `R cannot parse ${f}: ${r.stderr}`);
  }
  const script = scriptOf(readJson(datesSpec), { correctedPairing: CORRECTED_PAIRING });
  for (const f of files) assert.ok(script.includes(fs.readFileSync(path.join(root, f), 'utf8').trim()), `${f} is not in the script`);
  // What the page ships (scripts/build.sh: dist/, dist-single/) holds the
  // helpers and not the pairing step.
  for (const dir of ['dist', 'dist-single']) {
    const texts = fs.readdirSync(path.join(root, dir), { recursive: true }).filter((f) => /\.(js|html)$/.test(f))
      .map((f) => fs.readFileSync(path.join(root, dir, f), 'utf8')).join('\n');
    assert.ok(texts.includes('ls_true <- function(v) !is.na(v) & v'), `${dir}: the R helpers are not in the bundle`);
    assert.ok(texts.includes('ls_date_parts <- function(s)'), `${dir}: the R date helpers are not in the bundle`);
    assert.ok(!texts.includes('ls_corrected_pairing') && !texts.includes('nn_matchC_vec'), `${dir}: the test-only pairing step is in the bundle`);
  }
});

// ------------------------------------------------------------ running R

function rAvailable() {
  const r = spawnSync('Rscript', ['-e', 'for (p in c("survival","MatchIt","maxstat","jsonlite")) library(p, character.only = TRUE)'],
    { encoding: 'utf8' });
  return r.status === 0 ? null : (r.error ? r.error.message : r.stderr);
}

const arr = (x) => (x === null || x === undefined ? [] : Array.isArray(x) ? x : [x]);

function makeCheck(label) {
  const failures = [];
  let count = 0;
  const num = (where, r, l, kind = 'num') => {
    count++;
    if (r === null || r === undefined || l === null || l === undefined) {
      const rn = r === null || r === undefined || r === 'Inf' || r === '-Inf';
      const ln = l === null || l === undefined;
      if (rn !== ln && !(typeof r === 'number' && !Number.isFinite(r))) failures.push(`${where}: R ${r} vs LocalSurv ${l}`);
      return;
    }
    if (typeof r === 'string' || typeof l === 'string') {
      if (String(r) !== String(l)) failures.push(`${where}: R ${r} vs LocalSurv ${l}`);
      return;
    }
    const ok = kind === 'p' ? Math.abs(r - l) <= 1e-9 : Math.abs(r - l) <= 1e-6 * Math.max(Math.abs(r), Math.abs(l)) + 1e-12;
    if (!ok) failures.push(`${where}: R ${r} vs LocalSurv ${l}`);
  };
  const vec = (where, r, l, kind) => {
    // jsonlite writes a length-1 vector as a scalar, so a lone NA/Inf arrives as null.
    r = r === null ? [null] : arr(r); l = arr(l);
    if (r.length !== l.length) { failures.push(`${where}: R has ${r.length} values, LocalSurv ${l.length}`); return; }
    r.forEach((x, i) => num(`${where}[${i}]`, x, l[i], kind));
  };
  const same = (where, r, l) => {
    count++;
    if (JSON.stringify(r) !== JSON.stringify(l)) failures.push(`${where}: R ${JSON.stringify(r)} vs LocalSurv ${JSON.stringify(l)}`);
  };
  const done = () => {
    assert.ok(count > 20, `${label}: only ${count} comparisons`);
    assert.deepEqual(failures, [], `${label}: ${failures.length} of ${count} differ`);
  };
  return { num, vec, same, done, failures, get count() { return count; } };
}

function compareCurve(c, where, rk, lk) {
  c.num(`${where}.n`, rk.n, lk.n);
  c.num(`${where}.median`, rk.median, lk.median.estimate);
  c.num(`${where}.median_lower`, rk.lower, lk.median.lower);
  c.num(`${where}.median_upper`, rk.upper, lk.median.upper);
  if (rk.at_times) {
    for (const f of ['time', 'n_risk', 'n_event', 'n_censor', 'surv', 'std_err', 'lower', 'upper']) c.vec(`${where}.at_times.${f}`, rk.at_times[f], lk.at_times[f]);
  }
}

function compareCox(c, where, rk, lk) {
  const lc = lk.coefficients;
  c.same(`${where}.name`, arr(rk.name), lc.name);
  for (const f of ['coef', 'hr', 'se', 'lower', 'upper', 'z']) c.vec(`${where}.${f}`, rk[f], lc[f]);
  c.vec(`${where}.p`, rk.p, lc.p, 'p');
  if (lc.robust_se) c.vec(`${where}.robust_se`, rk.robust_se, lc.robust_se);
  c.num(`${where}.n`, rk.n, lk.n);
  c.num(`${where}.loglik`, rk.loglik, lk.loglik);
  if (lk.ph_test) {
    // survival 3.5's cox.zph(terms = TRUE) stops on an aliased (NA)
    // coefficient; the per-coefficient table is then R's only PH test.
    const zph = (name, rz, lt) => {
      c.same(`${where}.${name}.term`, arr(rz.term), lt.map((t) => t.term));
      c.vec(`${where}.${name}.statistic`, rz.statistic, lt.map((t) => t.statistic));
      c.vec(`${where}.${name}.p`, rz.p, lt.map((t) => t.p), 'p');
    };
    const aliased = lc.coef.some((x) => x === null);
    if (rk.zph || !aliased) zph('zph', rk.zph || { term: [] }, lk.ph_test.by_term);
    zph('zph_coef', rk.zph_coef || { term: [] }, lk.ph_test.by_coefficient);
  }
}

function compareLogrank(c, where, rk, lk) {
  c.num(`${where}.statistic`, rk.statistic, lk.statistic);
  c.num(`${where}.df`, rk.df, lk.df);
  c.num(`${where}.p`, rk.p, lk.p, 'p');
  c.vec(`${where}.expected`, rk.expected, lk.expected);
  if (lk.pairwise) {
    const rp = arr(rk.pairwise);
    c.num(`${where}.pairwise.length`, rp.length, lk.pairwise.pairs.length);
    lk.pairwise.pairs.forEach((lp, i) => {
      c.same(`${where}.pairwise[${i}].pair`, [rp[i].a, rp[i].b], [lp.a, lp.b]);
      c.num(`${where}.pairwise[${i}].p`, rp[i].p, lp.p, 'p');
      c.num(`${where}.pairwise[${i}].p_adjusted`, rp[i].p_adjusted, lp.p_adjusted, 'p');
    });
  }
}

function compareRounds(c, where, rRounds, lm, random = false) {
  const rr = arr(rRounds);
  c.num(`${where}.rounds.length`, rr.length, lm.rounds.length);
  lm.rounds.forEach((lr, i) => {
    const r = rr[i];
    if (!r) return;
    c.same(`${where}.rounds[${i}].score`, arr(r.score), lr.score_covariates);
    c.same(`${where}.rounds[${i}].exact`, arr(r.exact), lr.exact);
    c.num(`${where}.rounds[${i}].matched_treated`, r.matched_treated, lr.counts.matched_treated);
    c.num(`${where}.rounds[${i}].matched_control`, r.matched_control, lr.counts.matched_control);
    c.same(`${where}.rounds[${i}].unbalanced`, [...arr(r.unbalanced)].sort(), [...lr.unbalanced].sort());
    // m.order = "random": R's random order is not LocalSurv's, so only the counts compare.
    if (lr.counts.matched_treated > 0 && !random) {
      arr(r.covariates).forEach((rc, j) => {
        const lc = lr.covariates[j];
        // A two-valued covariate constant on the matched units has no test
        // in R (one-row table: NA); LocalSurv reports p = 1. Both: balanced.
        c.num(`${where}.rounds[${i}].${rc.variable}.p`, rc.p === null && lc.p === 1 ? 1 : rc.p, lc.p, 'p');
        c.num(`${where}.rounds[${i}].${rc.variable}.max_abs_smd`, rc.max_abs_smd, lc.max_abs_smd);
        c.same(`${where}.rounds[${i}].${rc.variable}.balanced`, rc.balanced, lc.balanced);
      });
    }
  });
}

function compareCohort(c0, p, key, res, spec) {
  const k = (name) => key[`${p}.${name}`];
  const c = {
    num: (w, ...a) => c0.num(`${p}.${w}`, ...a),
    vec: (w, ...a) => c0.vec(`${p}.${w}`, ...a),
    same: (w, ...a) => c0.same(`${p}.${w}`, ...a),
  };
  // A part LocalSurv could not compute ({error}) is not compared; R must
  // have failed in the same analysis block too.
  const failed = (where, lk, analysis) => {
    if (!lk?.error) return false;
    c.same(`${where}.error`, true, Object.keys(key).some((n) => n.startsWith(`${p}.${analysis}`) && n.endsWith('.error')));
    return true;
  };
  for (const [name, part] of Object.entries(res)) if (failed(name, part, name)) delete res[name];
  if (res.km) {
    compareCurve(c, 'km.overall', k('km.overall'), res.km.overall);
    arr(k('km.by_group')).forEach((g, i) => compareCurve(c, `km.by_group[${i}]`, g, res.km.by_group[i]));
  }
  if (res.followup) {
    const f = (where, rk, lk) => { c.num(`${where}.median`, rk.median, lk.median); c.num(`${where}.lower`, rk.lower, lk.lower); c.num(`${where}.upper`, rk.upper, lk.upper); };
    f('followup.overall', k('followup.overall'), res.followup.overall);
    arr(k('followup.by_group')).forEach((g, i) => f(`followup.by_group[${i}]`, g, res.followup.by_group[i]));
  }
  if (res.logrank) {
    const lr = (where, rk, lk) => failed(where, lk, 'logrank') || compareLogrank(c, where, rk, lk);
    if (res.logrank.by_group) lr('logrank.by_group', k('logrank.by_group'), res.logrank.by_group);
    if (res.logrank.stratified) lr('logrank.stratified', k('logrank.stratified'), res.logrank.stratified);
    arr(res.logrank.by).forEach((b, i) => lr(`logrank.by[${i}]`, k(`logrank.by.${i}`), b));
  }
  if (res.cox) {
    const cox = (where, rk, lk) => failed(where, lk, 'cox') || compareCox(c, where, rk, lk);
    arr(res.cox.univariate).forEach((u, i) => cox(`cox.univariate[${i}]`, k(`cox.univariate.${i}`), u));
    if (res.cox.multivariable) cox('cox.multivariable', k('cox.multivariable'), res.cox.multivariable);
    if (res.cox.selection) c.same('cox.selected', arr(k('cox.selected')), res.cox.selection.selected.map((x) => x.term));
  }
  if (res.logistic) {
    const rk = k('logistic');
    c.same('logistic.name', rk.name, res.logistic.coefficients.name);
    c.vec('logistic.estimate', rk.estimate, res.logistic.coefficients.estimate);
    c.vec('logistic.se', rk.se, res.logistic.coefficients.se);
    c.vec('logistic.p', rk.p, res.logistic.coefficients.p, 'p');
    c.num('logistic.deviance', rk.deviance, res.logistic.deviance);
  }
  if (res.table1) {
    const rk = k('table1');
    for (const v of res.table1.variables) {
      if (failed(`table1.${v.variable}`, v, 'table1')) continue;
      const t = v.tests;
      if (!t) continue;
      const r = rk[v.variable];
      if (t.t) { c.num(`table1.${v.variable}.t_p`, r.t_p, t.t.p, 'p'); c.num(`table1.${v.variable}.t`, r.t_statistic, t.t.statistic); }
      if (t.wilcoxon) c.num(`table1.${v.variable}.wilcoxon_p`, r.wilcoxon_p, t.wilcoxon.p, 'p');
      if (t.chisq) { c.num(`table1.${v.variable}.chisq_p`, r.chisq_p, t.chisq.p, 'p'); c.num(`table1.${v.variable}.chisq`, r.chisq_statistic, t.chisq.statistic); }
      // R's fisher.test may run out of workspace, or stop on a table with one
      // non-empty row (LocalSurv: the only table, p = 1), where LocalSurv has a p.
      if (t.fisher && r.fisher_p != null) c.num(`table1.${v.variable}.fisher_p`, r.fisher_p, t.fisher.p, 'p');
    }
  }
  if (res.cutpoint && !failed('cutpoint.maxstat', res.cutpoint.maxstat, 'cutpoint')) {
    const rk = k('cutpoint');
    c.num('cutpoint.maxstat.cutpoint', rk.maxstat.cutpoint, res.cutpoint.maxstat.cutpoint);
    c.num('cutpoint.maxstat.statistic', rk.maxstat.statistic, res.cutpoint.maxstat.statistic);
    c.vec('cutpoint.maxstat.candidates', rk.maxstat.candidates.statistic, res.cutpoint.maxstat.candidates.statistic);
    if (spec.analyses.cutpoint.pmethod !== 'condmc') c.num('cutpoint.maxstat.p', rk.maxstat.p, res.cutpoint.maxstat.p, 'p');
    c.num('cutpoint.median', rk.median, res.cutpoint.median.cutpoint);
    if (res.cutpoint.youden) c.num('cutpoint.youden', rk.youden, res.cutpoint.youden.cutpoint);
    if (res.cutpoint.groups && !failed('cutpoint.groups', res.cutpoint.groups, 'cutpoint')) {
      const rg = k('cutpoint.groups');
      const lg = res.cutpoint.groups;
      c.num('cutpoint.groups.cutpoint', rg.cutpoint, lg.definition.cutpoint);
      c.same('cutpoint.groups.levels', rg.levels, lg.definition.levels);
      compareLogrank(c, 'cutpoint.groups.logrank', rg.logrank, lg.logrank);
      c.vec('cutpoint.groups.cox.coef', rg.cox.coef, lg.cox.coefficients.coef);
      c.vec('cutpoint.groups.cox.p', rg.cox.p, lg.cox.coefficients.p, 'p');
      arr(lg.matched).forEach((m, i) => failed(`cutpoint.groups.matched[${i}]`, m, 'cutpoint') || compareRounds(c, `cutpoint.groups.matched[${i}]`, k(`cutpoint.groups.matched.${i}`).rounds, m.matching));
    }
  }
  if (res.subgroups) {
    res.subgroups.variables.forEach((v, i) => {
      if (failed(`subgroups.${v.variable}`, v, 'subgroups')) return;
      const rk = k(`subgroups.${i}`);
      c.num(`subgroups.${v.variable}.n`, rk.n, v.rows.rows_used);
      c.num(`subgroups.${v.variable}.lrt`, rk.interaction.lrt_statistic, v.interaction.lrt.statistic);
      c.num(`subgroups.${v.variable}.lrt_df`, rk.interaction.lrt_df, v.interaction.lrt.df);
      c.num(`subgroups.${v.variable}.lrt_p`, rk.interaction.lrt_p, v.interaction.lrt.p, 'p');
      v.levels.forEach((l, j) => {
        // Levels with a diverging fit (|coef| huge) are compared only where both converge to the same MLE.
        if (l.coef !== null && Math.abs(l.coef) < 10) c.num(`subgroups.${v.variable}.${l.level}.hr`, arr(rk.levels)[j].hr, l.hr);
      });
    });
  }
  if (res.matching) {
    const m = res.matching;
    compareRounds(c, 'matching', k('matching.rounds'), m, spec.analyses.matching.order === 'random');
    if (spec.analyses.matching.order !== 'random' && m.matched_outcome && !m.matched_outcome.error && k('matching.outcome')) {
      const rc = k('matching.outcome').cox;
      c.same('matching.outcome.cox.name', arr(rc.name), m.matched_outcome.cox.coefficients.name);
      c.vec('matching.outcome.cox.coef', rc.coef, m.matched_outcome.cox.coefficients.coef);
      c.vec('matching.outcome.cox.robust_se', rc.robust_se, m.matched_outcome.cox.coefficients.robust_se);
      c.vec('matching.outcome.cox.p', rc.p, m.matched_outcome.cox.coefficients.p, 'p');
      const rkm = arr(k('matching.outcome').km);
      m.matched_outcome.km_by_group.forEach((g, i) => {
        c.num(`matching.outcome.km[${i}].median`, rkm[i].median, g.median.estimate);
        c.num(`matching.outcome.km[${i}].lower`, rkm[i].lower, g.median.lower);
        c.num(`matching.outcome.km[${i}].upper`, rkm[i].upper, g.median.upper);
      });
      if (m.matched_outcome.logrank) compareLogrank(c, 'matching.outcome.logrank', k('matching.outcome').logrank, m.matched_outcome.logrank);
      // Weighted cohorts: the Cox robust score test stands in for survdiff.
      if (m.matched_outcome.cox.robust_score) {
        c.num('matching.outcome.robust_score', rc.robust_score.statistic, m.matched_outcome.cox.robust_score.statistic);
        c.num('matching.outcome.robust_score.p', rc.robust_score.p, m.matched_outcome.cox.robust_score.p, 'p');
      }
    }
  }
}

const spec_ = (name) => path.join(root, 'tests/specs', name);
const R_CASES = [
  ['lung.basic.json', datasetPath('lung'), spec_('lung.basic.json')],
  ['pbc.basic.json', datasetPath('pbc'), spec_('pbc.basic.json')],
  ['rotterdam.basic.json', datasetPath('rotterdam'), spec_('rotterdam.basic.json')],
  ['colon.basic.json', datasetPath('colon'), spec_('colon.basic.json')],
  ['rotterdam.rounds.json', datasetPath('rotterdam'), spec_('rotterdam.rounds.json')],
  ['veteran.basic.json', datasetPath('veteran'), spec_('veteran.basic.json')],
  ['colon_bin.basic.json', datasetPath('colon_bin'), spec_('colon_bin.basic.json')],
  // The whole paper: derive, filters, select_p + force, rounds with the exact
  // rule and an SD caliper, subgroups, subcohorts with their own analyses and
  // covariates, cut groups with a reference group, each matched.
  ['npc_paper.spec.json', path.join(root, 'public/examples/npc_cohort.csv'), paperSpec],
  // Four date_diff steps (months, years, weeks, days; formats auto, dmy,
  // mdy) over ISO, slash, dash and dotted dates, month names, weekdays,
  // ordinals and times of day; the time from two date columns; a filter on
  // a derived column.
  ['dates.spec.json', path.join(root, 'tests/fixtures/dates.csv'), datesSpec],
];

test('the script from the spec as written equals the script from the engine\'s echo of it (result.spec)', () => {
  for (const [name, dataFile, specFile] of R_CASES) {
    const cli = runCli(dataFile, specFile);
    assert.equal(cli.status, 0, cli.stdout.slice(0, 300));
    const result = JSON.parse(cli.stdout).result;
    const options = { data: result.data };
    assert.equal(scriptOf(readJson(specFile), options), scriptOf(result.spec, options), name);
  }
});

test('Table 1 in the script: with binary "counts" each auto covariate goes through ls_flag (R reads the whole file, as the engine), declared types and binary "numeric" do not', () => {
  const spec = {
    version: 1,
    time: 'dtime',
    event: 'death',
    group: { column: 'chemo', levels: ['0', '1'] },
    covariates: ['age', 'meno', { column: 'hormon', type: 'numeric' }, { column: 'grade', type: 'factor' }],
    analyses: { table1: {} },
  };
  const line = (s, c) => s.split('\n').map((l) => l.trim()).find((l) => l.startsWith(`t1[[${rStr(c)}]] <- `));
  const counts = scriptOf(spec);
  for (const c of ['age', 'meno']) assert.equal(line(counts, c), `t1[[${rStr(c)}]] <- table1_tests(ls_flag(d[[${rStr(c)}]], raw[[${rStr(c)}]]), d[["chemo"]], TRUE)`);
  for (const c of ['hormon', 'grade']) assert.equal(line(counts, c), `t1[[${rStr(c)}]] <- table1_tests(d[[${rStr(c)}]], d[["chemo"]], TRUE)`);
  assert.ok(counts.includes('binary = "counts": an "auto" covariate whose values in the file are all 0 or 1 is a factor with levels 0, 1 (ls_flag)'));
  const numeric = scriptOf({ ...spec, analyses: { table1: { binary: 'numeric' } } });
  for (const c of ['age', 'meno', 'hormon', 'grade']) assert.equal(line(numeric, c), `t1[[${rStr(c)}]] <- table1_tests(d[[${rStr(c)}]], d[["chemo"]], TRUE)`);
  assert.ok(!numeric.includes('is a factor with levels 0, 1 (ls_flag)'));
  // The engine: of these, only meno (0/1, auto) is counted.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rscript-'));
  try {
    const file = path.join(dir, 'spec.json');
    fs.writeFileSync(file, JSON.stringify(spec));
    const cli = runCli(datasetPath('rotterdam'), file);
    assert.equal(cli.status, 0, cli.stdout.slice(0, 300));
    const vars = JSON.parse(cli.stdout).result.results.table1.variables;
    assert.deepEqual(vars.map((v) => [v.variable, v.type, v.binary ?? false]), [['age', 'numeric', false], ['meno', 'factor', true], ['hormon', 'numeric', false], ['grade', 'factor', false]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The options a cohort's comparison needs to know (defaults filled in).
const cohortOptions = (analyses) => ({
  analyses: {
    ...analyses,
    matching: { order: 'largest', ...(analyses.matching || {}) },
    cutpoint: { pmethod: 'lau94', ...(analyses.cutpoint || {}) },
  },
});

// A file in European form (";" and decimal commas, "N/A" and "." for
// missing) with column names that need backquotes, derive steps (eqd2,
// flag, cut) and a filter using not / is not missing / in: the script must
// read and build the same cohort.
function europeanCase(dir) {
  const lines = fs.readFileSync(datasetPath('lung'), 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  const col = (n) => head.indexOf(n);
  const out = ['time;status;sex;age;ecog score;dose;n fx;tumour site'];
  lines.slice(1).forEach((l, i) => {
    const f = l.split(',');
    const dose = (20 + (i % 7) * 2.5 + (i % 3) * 0.25).toFixed(2).replace('.', ',');
    const ecog = f[col('ph.ecog')] === '' ? (i % 2 ? 'N/A' : '.') : f[col('ph.ecog')];
    out.push([f[col('time')], f[col('status')], f[col('sex')], f[col('age')], ecog, dose, 5 + (i % 3),
      ['head', 'neck', 'chest'][i % 3]].join(';'));
  });
  const csv = path.join(dir, 'european.csv');
  fs.writeFileSync(csv, out.join('\n') + '\n');
  const spec = {
    version: 1,
    data: { delimiter: ';', decimal_comma: true },
    derive: [
      { name: 'eqd2', eqd2: { dose: 'dose', fractions: 'n fx', alpha_beta: 3 } },
      { name: 'chest', flag: { column: 'tumour site', values: ['chest'] } },
      { name: 'age_group', cut: { column: 'age', breaks: [60, 70], labels: ['<=60', '61-70', '>70'] } },
    ],
    filter: "not (age < 45) and `ecog score` is not missing and `tumour site` in ('head', 'chest', 'neck')",
    time: 'time',
    event: { column: 'status', values: [2] },
    group: { column: 'sex', levels: ['1', '2'] },
    covariates: ['eqd2', { column: 'chest', type: 'factor' }, 'age_group', 'ecog score'],
    analyses: {
      km: { times: [100, 300] }, logrank: { by: ['age_group'], strata: 'tumour site' }, table1: {},
      cox: { ties: 'breslow', strata: 'tumour site' },
    },
  };
  const specFile = path.join(dir, 'european.spec.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  return ['european (derive, filter, ; and decimal comma)', csv, specFile];
}

// Matching options the shipped specs leave out: exact matching (the
// corrected pairing within exact strata), a raw-scale SD caliper, rounds
// with rule "exact" and criterion "both", tableone SMDs, Cox stratified on
// pairs.
function exactMatchingCase(dir) {
  const spec = {
    time: { column: 'dtime', unit: 'days' },
    event: 'death',
    group: { column: 'chemo', levels: ['0', '1'] },
    covariates: ['age', 'meno', { column: 'size', type: 'factor', levels: ['<=20', '20-50', '>50'] }, 'nodes', 'pgr', 'hormon'],
    analyses: {
      matching: {
        exact: ['meno'], caliper: 0.1, outcome_model: 'strata', balance_criterion: 'both', smd: 'pooled',
        rounds: 3, round_rule: 'exact',
      },
      // meno and hormon (0/1) described as numbers: t.test and wilcox.test.
      table1: { binary: 'numeric' },
    },
  };
  const specFile = path.join(dir, 'exact.spec.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  return ['exact-matching (rotterdam: exact, rounds, pooled SMD, strata outcome, Table 1 flags as numbers)', datasetPath('rotterdam'), specFile];
}

// 1:2 matching with an SD caliper on the logit, and 1:2 with replacement:
// MatchIt's weights in the balance, weighted KM and Cox (clustered on
// pairs; with replacement robust on the unit).
function weightedMatchingCases(dir) {
  return [
    ['ratio2', { ratio: 2, distance: 'logit', caliper: 0.5 }],
    ['replace', { ratio: 2, replace: true }],
  ].map(([name, matching]) => {
    const spec = {
      time: { column: 'time', unit: 'days' },
      event: { column: 'status', values: [2] },
      group: { column: 'sex', levels: ['1', '2'] },
      covariates: ['age', 'ph.ecog', 'ph.karno', 'wt.loss'],
      analyses: { matching },
    };
    const specFile = path.join(dir, `${name}.spec.json`);
    fs.writeFileSync(specFile, JSON.stringify(spec));
    return [`${name} (lung: ${JSON.stringify(matching)})`, datasetPath('lung'), specFile];
  });
}

// No group: KM and follow-up overall only, a Peto-Peto log-rank by a factor
// with unadjusted pairwise p, a stratified Cox screened by the
// likelihood-ratio p, and Youden cut groups.
function noGroupCase(dir) {
  const spec = {
    time: 'time',
    event: { column: 'status', values: [2] },
    covariates: ['age', { column: 'ph.ecog', type: 'factor' }],
    analyses: {
      km: { times: [200], by_group: false }, followup: {},
      logrank: { by: ['ph.ecog'], rho: 1, pairwise_adjust: 'none' },
      cox: { strata: 'inst', select_p: 0.2, select_test: 'lrt' },
      cutpoint: { column: 'age', groups: { use: 'youden' } },
    },
  };
  const specFile = path.join(dir, 'nogroup.spec.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  return ['nogroup (lung: no group, rho 1, strata, LRT screen, Youden groups)', datasetPath('lung'), specFile];
}

// data.missing_values: lung with a few "unknown" survival times (the time
// declared numeric, as the page's "Treat them as missing" does) and ages
// "n/k" (read as missing without a declared type); R must read the same rows.
function missingValuesCase(dir) {
  const lines = fs.readFileSync(datasetPath('lung'), 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  const out = [lines[0], ...lines.slice(1).map((l, i) => {
    const f = l.split(',');
    if (i % 40 === 7) f[head.indexOf('time')] = 'unknown';
    if (i % 50 === 3) f[head.indexOf('age')] = ' n/k ';
    return f.join(',');
  })];
  const csv = path.join(dir, 'missing_values.csv');
  fs.writeFileSync(csv, out.join('\n') + '\n');
  const spec = {
    data: { column_types: { time: 'numeric' }, missing_values: { time: ['unknown'], age: ['n/k'] } },
    time: 'time',
    event: { column: 'status', values: [2] },
    group: { column: 'sex', levels: ['1', '2'] },
    covariates: ['age', 'ph.ecog'],
    analyses: { km: { times: [180, 365] }, logrank: {}, cox: {} },
  };
  const specFile = path.join(dir, 'missing_values.spec.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  return ['missing_values (lung: "unknown" times and "n/k" ages read as missing)', csv, specFile];
}

// The bundled example: follow-up in months from its two date columns (the
// file's os_months is the same rounded to 0.1), by local treatment.
function npcDatesCase(dir) {
  const spec = {
    derive: [
      { name: 'os_from_dates', date_diff: { start: 'metastasis_date', end: 'last_followup_date', unit: 'months' } },
      { name: 't4', flag: { column: 't_stage', values: ['T4'] } },
    ],
    time: { column: 'os_from_dates', unit: 'months' },
    event: { column: 'death', values: [1] },
    group: { column: 'lt', levels: ['0', '1'] },
    // chemo (0/1 in the file) and the derived flag t4 are counts in Table 1 (ls_flag), numbers in Cox.
    covariates: ['age', { column: 'sex', type: 'factor' }, 'chemo', 't4'],
    analyses: { km: { times: [12, 24] }, followup: {}, logrank: {}, cox: {}, table1: {} },
  };
  const specFile = path.join(dir, 'npc_dates.spec.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  return ['npc_dates (the example: time from its two date columns, Table 1 flags as counts)', path.join(root, 'public/examples/npc_cohort.csv'), specFile];
}

test('the generated R script, run with Rscript, reproduces the CLI result JSON', async (t) => {
  const missing = rAvailable();
  assert.equal(missing, null,
    'R is needed for this test: Rscript with the packages survival, MatchIt, maxstat and jsonlite ' +
    '(Debian: apt-get install r-base-core r-cran-survival r-cran-matchit r-cran-maxstat r-cran-jsonlite). ' + missing);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rscript-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [specName, dataFile, specFile] of [...R_CASES, europeanCase(dir), exactMatchingCase(dir), ...weightedMatchingCases(dir), noGroupCase(dir), npcDatesCase(dir), missingValuesCase(dir)]) {
    await t.test(specName, (st) => {
      const spec = readJson(specFile);
      const cli = runCli(dataFile, specFile);
      assert.equal(cli.status, 0, cli.stdout.slice(0, 300));
      const result = JSON.parse(cli.stdout).result;
      const base = specName.split(' ')[0];
      const script = path.join(dir, `${base}.R`);
      const keyFile = path.join(dir, `${base}.key.json`);
      fs.writeFileSync(script, scriptOf(spec, { correctedPairing: CORRECTED_PAIRING, data: result.data }));
      try {
        execFileSync('Rscript', [script, keyFile, dataFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
      } catch (e) {
        assert.fail(`Rscript failed on ${specName}:\n${String(e.stderr).slice(-2000)}`);
      }
      const key = readJson(keyFile);
      const c = makeCheck(specName);
      c.num('cohort.rows', key['results.cohort'].rows, result.cohort.rows_used);
      compareCohort(c, 'results', key, result.results, cohortOptions(spec.analyses));
      (spec.subcohorts || []).forEach((sc, i) => {
        const p = `subcohorts.${i}.results`;
        const lsub = result.subcohorts[i];
        if (lsub.error) {
          // LocalSurv gives up on the subcohort; the script must report an error there too.
          assert.ok(Object.keys(key).some((n) => n.startsWith(p) && n.endsWith('.error')),
            `${sc.name}: LocalSurv failed (${lsub.error.message}) but R reported no error`);
          return;
        }
        c.num(`${p}.cohort.rows`, key[`${p}.cohort`].rows, lsub.cohort.rows_used);
        compareCohort(c, p, key, lsub.results, cohortOptions(sc.analyses || spec.analyses));
      });
      st.diagnostic(`${c.count} values compared with the CLI`);
      c.done();
    });
  }
});

// ------------------------------------------------------------ dates

const UNITS = ['days', 'weeks', 'months', 'years'];
const csvLine = (cells) => cells.map((c) => (c === null ? '' : `"${c}"`)).join(',');

// Cells (a column each) with the date format to read them in: the engine
// reads or refuses each column, and the script's ls_date_diff must agree.
const DATE_COLUMNS = [
  ...['2019-03-12', '2019/3/12', '2019.03.12', '13/03/2019', '3/13/2019', '13-03-2019', '13.03.2019', '1.2.2019',
    '12 Mar 2019', '12-Mar-2019', 'March 12, 2019', '12 MARCH 2019', 'Tue, 12 Mar 2019', 'Tuesday 12 March 2019',
    'Thur 14 Mar 2019', '12th March 2019', '1st Jan 2020', 'Sept 3 2019', '2019 Mar 12', '12 Mar. 2019', '2019-03-12.',
    '29 Feb 2000', '2000-02-29', '2019-03-12T14:30:00', '2019-03-12 14:30', '2019-03-12T14:30:00.123+02:00',
    '2019-03-12T23:59:60Z', '13/03/2019 2:30 PM', '12 Mar 2019, 08:15',
    // refused
    '2019-02-29', '1900-02-29', '31/06/2019', '00/01/2019', '2019-13-01', '12/03/19', '12-Mar-19', '12Mar2019',
    'Mar 2019', '12 Foo 2019', '2019-03-12 25:00', '2019-03-12 12:60', '13/03/2019 0:30 PM', '2019-03-12T14:30+15:00',
    '2019-03-12T', '2019-3-12-1', '20190312', '12/03/2019', '2019/03/12 - 2019', '12..03.2019', '2019-03/12',
    '12 Mar 2019 extra', 'yesterday', '13/13/2019'].map((c) => [[c], 'auto']),
  [['01/02/2019', '13/02/2019'], 'auto'],
  [['01/02/2019', '02/13/2019'], 'auto'],
  [['13/02/2019', '02/13/2019'], 'auto'],
  [['01/02/2019', '03/04/2019'], 'auto'],
  [['01/02/2019', '03/04/2019'], 'dmy'],
  [['01/02/2019', '03/04/2019', null], 'mdy'],
  [['12.03.2019', '02/13/2019'], 'auto'],
  [['12.03.2019', '02/13/2019'], 'mdy'],
  [['12.03.2019', '01.02.2019'], 'auto'],
  [['2019-03-12', '13/03/2019'], 'ymd'],
  [['2019-03-12', '12 Mar 2019'], 'ymd'],
  [['13/03/2019', '14/03/2019'], 'mdy'],
];

test('the script reads dates as LocalSurv does: every format of dates.json as R\'s as.Date, the same cells and columns read and refused as the engine', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rscript-dates-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ref = readJson(path.join(root, 'tests/reference/extra/dates.json'));

  // (a) dates.json: one start/end pair of columns per format, each
  // date_diff'ed in every unit; R's own values from as.Date(x, format).
  const n = ref.formats[0].start.length;
  const rows = [[...ref.formats.flatMap((f, k) => [`s${k}`, `e${k}`]), 't', 'status'].join(',')];
  for (let i = 0; i < n; i++) rows.push(csvLine([...ref.formats.flatMap((f) => [f.start[i], f.end[i]]), 1, 1]));
  const csv = path.join(dir, 'formats.csv');
  fs.writeFileSync(csv, rows.join('\n') + '\n');
  const spec = {
    time: 't', event: 'status',
    derive: ref.formats.flatMap((f, k) => UNITS.map((unit) => ({ name: `f${k}_${unit}`, date_diff: { start: `s${k}`, end: `e${k}`, unit, format: f.option } }))),
  };
  const specFile = path.join(dir, 'formats.spec.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const cli = runCli(csv, specFile);
  assert.equal(cli.status, 0, `the engine refuses the dates.json formats: ${cli.stdout.slice(0, 300)}`);
  const derived = path.join(dir, 'formats.derived.json');
  const names = spec.derive.map((d) => rStr(d.name)).join(', ');
  const script = path.join(dir, 'formats.R');
  fs.writeFileSync(script, `${scriptOf(spec)}\nwrite_json(as.list(raw[c(${names})]), ${rStr(derived)}, digits = NA, na = "null")\n`);
  execFileSync('Rscript', [script, path.join(dir, 'formats.key.json'), csv], { stdio: ['ignore', 'pipe', 'pipe'] });
  const got = readJson(derived);
  let compared = 0;
  ref.formats.forEach((f, k) => {
    for (const unit of UNITS) {
      const r = got[`f${k}_${unit}`];
      assert.equal(r.length, n);
      r.forEach((x, i) => {
        const want = f[unit][i];
        const ok = want === null ? x === null : unit === 'days' ? x === want : Math.abs(x - want) <= 1e-12 * Math.abs(want) + 1e-15;
        assert.ok(ok, `${f.name} (${f.option}) ${unit}[${i}]: script ${x}, R's as.Date ${want}`);
        compared++;
      });
    }
  });
  t.diagnostic(`${compared} derived values equal R's as.Date`);

  // (b) single cells and whole columns: the engine's verdict (its derived
  // days, from 1000-01-01, as the KM times) against the script's.
  const engine = DATE_COLUMNS.map(([cells, format], i) => {
    const file = path.join(dir, `cells${i}.csv`);
    fs.writeFileSync(file, ['start,end,status', ...cells.map((c) => csvLine(['1000-01-01', c, 1]))].join('\n') + '\n');
    const sf = path.join(dir, `cells${i}.spec.json`);
    fs.writeFileSync(sf, JSON.stringify({
      time: 'd', event: 'status', analyses: { km: {} },
      derive: [{ name: 'd', date_diff: { start: 'start', end: 'end', format } }],
    }));
    const out = JSON.parse(runCli(file, sf).stdout);
    return out.ok ? { ok: true, days: out.result.results.km.overall.table.time } : { ok: false, error: out.error.message };
  });
  const casesFile = path.join(dir, 'cells.json');
  fs.writeFileSync(casesFile, JSON.stringify(DATE_COLUMNS.map(([cells, format]) => ({ cells, format }))));
  const verdicts = path.join(dir, 'cells.verdicts.json');
  const cellsScript = path.join(dir, 'cells.R');
  fs.writeFileSync(cellsScript, `${scriptOf({ time: 'd', event: 'status', derive: [{ name: 'd', date_diff: { start: 'start', end: 'end' } }] })}
cases <- fromJSON(${rStr(casesFile)}, simplifyVector = FALSE)
out <- lapply(cases, function(k) tryCatch({
  cells <- vapply(k$cells, function(x) if (is.null(x)) NA_character_ else x, "")
  d <- data.frame(start = "1000-01-01", end = cells, row_ = seq_along(cells))
  list(ok = TRUE, days = sort(unique(ls_date_diff(d, "start", "end", k$format, 1, "d"))))
}, error = function(e) list(ok = FALSE, error = conditionMessage(e))))
write_json(out, ${rStr(verdicts)}, digits = NA, auto_unbox = TRUE)
`);
  // The script's data step needs a file with the columns.
  const cellsCsv = path.join(dir, 'cells0.csv');
  execFileSync('Rscript', [cellsScript, path.join(dir, 'cells.key.json'), cellsCsv], { stdio: ['ignore', 'pipe', 'pipe'] });
  const scriptVerdicts = readJson(verdicts);
  DATE_COLUMNS.forEach(([cells, format], i) => {
    const what = `${JSON.stringify(cells)} (${format})`;
    const e = engine[i];
    const r = scriptVerdicts[i];
    assert.equal(r.ok, e.ok, `${what}: engine ${e.ok ? `reads ${e.days}` : `refuses: ${e.error}`}, script ${r.ok ? `reads ${r.days}` : `refuses: ${r.error}`}`);
    if (e.ok) assert.deepEqual(arr(r.days), e.days, what);
  });
  const read = engine.filter((e) => e.ok).length;
  assert.ok(read > 30 && DATE_COLUMNS.length - read > 25, `${read} of ${DATE_COLUMNS.length} read`);
  t.diagnostic(`${read} columns read alike, ${DATE_COLUMNS.length - read} refused by both`);
});
