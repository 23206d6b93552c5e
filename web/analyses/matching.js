// Propensity-score matching (MatchIt's nearest neighbour), rounds until
// balanced, the balance table and Love plot, the matched cohort's outcome.
//   baselineModel(matching, ctx, opts?) -> TableModel (Table 2: before/after matching, p, SMD);
//     opts: {treatedLabel, controlLabel, name, title} (the cutpoint's matched comparisons)
//   matchingRoundsModel(matching, ctx)      one row per round, stop reason
//   matchedOutcomeModel(matching, ctx, opts?)   KM + Cox in the matched cohort
//   loveRows(matching, {abs, distance, variables}), loveFigure(matching, options, doc)
//     (options.binaryOnce = false: both levels of a two-level factor)
//   roundsFigure(matching, options, doc)    matched pairs and unbalanced covariates per round
// Figures take the options of web/plots.js (spec, cohort, width, caption, labels).
// The default export is its entry in the registry (web/analyses/index.js).

import * as Plot from '@observablehq/plot';
import { DASH, NOT_AVAILABLE, formatInteger, formatNumber, formatP } from '../format.js';
import { t } from '../i18n.js';
import { engineMessage } from '../engine_text.js';
import { translatedAttr } from './lazy_text.js';
import { beyondFollowUpNote, ciLabel, coefEntries, col, colName, curveColumns, data, ensureCtx, groupName, hrCell, levelName, model, pCell, weightedCurveCells } from '../table_model.js';
import { FIGURE_WIDTH, LEGEND_CLEAR, LEGEND_ROW, PALETTE, figureStyle, kmFigure, makeFigure, plotStyle, textWidth, topLegend } from '../plots.js';
import { check, list, number, select, withRules } from './fields.js';
import { getPath } from '../spec_form.js';
import { engineDefault } from '../engine_defaults.js';
import { GROUP_ALIAS, cm, plain, rBool, rChr, rNum, rStr } from '../r/escape.js';
import { displayNames } from '../names.js';

function balanceColumnsByVariable(columns, variables) {
  // Factor levels are named variable_level; pick the longest variable that
  // prefixes the column so that 't' never captures 't_stage_T4'.
  const byLongest = [...variables].sort((a, b) => b.length - a.length);
  const out = new Map(variables.map((v) => [v, []]));
  for (const c of columns) {
    if (c.variable === 'distance') continue;
    const v = byLongest.find((name) => c.variable === name) ?? byLongest.find((name) => c.variable.startsWith(`${name}_`));
    if (v == null) continue;
    out.get(v).push({ level: c.variable === v ? null : c.variable.slice(v.length + 1), column: c });
  }
  return out;
}

function proportionCell(p, n) {
  if (p == null || n == null) return NOT_AVAILABLE;
  const count = p * n;
  const rounded = Math.round(count);
  // Weighted (1:k, with replacement) cohorts give non-integer counts.
  const shown = Math.abs(count - rounded) < 1e-6 ? formatInteger(rounded) : formatNumber(count, 1);
  return `${shown} (${formatNumber(100 * p, 1)})`;
}

function meanCell(x) {
  if (x == null) return NOT_AVAILABLE;
  return formatNumber(x, Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 1 ? 2 : 3);
}

const testLabel = (test) => ({ chisq: 'χ²', fisher: t('analyses.test.fisher'), welch_t: 'Welch t', t: 't' })[test];

function armLabels(matching, ctx, opts) {
  const treated =
    opts.treatedLabel ?? (ctx.groupLevels.length === 2 ? groupName(ctx, ctx.groupLevels[1]) : matching.conventions?.treated ?? t('analyses.matching.treated'));
  const control = opts.controlLabel ?? (ctx.groupLevels.length === 2 ? groupName(ctx, ctx.groupLevels[0]) : t('analyses.matching.control'));
  return { treated, control };
}

// The engine's words for why the rounds stopped and what each round adds
// (core/study/balance_rounds.cpp, matched_cohort.cpp), by the key of each in
// the page's language; another text goes through the engine's catalog.
const STOP_REASONS = {
  balanced: 'balanced',
  'no pairs were formed': 'no_pairs',
  'one round requested': 'one_round',
  'round limit reached': 'round_limit',
  'every unbalanced covariate is already matched exactly (continuous ones: in the score model)': 'all_exact',
  'every unbalanced covariate is already in the score model': 'all_in_model',
};
const ROUND_RULES = {
  'each round adds the unbalanced categorical and two-valued covariates to the exact-match set, continuous ones to the score model': 'exact',
  'each round adds the unbalanced covariates to the score model': 'model',
};
const stopReason = (text) => (Object.hasOwn(STOP_REASONS, text) ? t(`analyses.matching.stop.${STOP_REASONS[text]}`) : engineMessage(text));
const roundRule = (text) => (Object.hasOwn(ROUND_RULES, text) ? t(`analyses.matching.rule.${ROUND_RULES[text]}`) : engineMessage(text));

function matchingNotes(matching) {
  const c = matching.conventions ?? {};
  const k = matching.counts ?? {};
  const denominators = [...new Set((matching.balance?.before?.columns ?? []).map((x) => x.smd_denominator).filter(Boolean))];
  const e = (text) => engineMessage(text);
  return [
    c.treated && t('analyses.matching.note_treated', { treated: c.treated }),
    c.distance && (c.caliper ? t('analyses.matching.note_distance_caliper', { distance: e(c.distance), caliper: e(c.caliper) }) : t('analyses.matching.note_distance', { distance: e(c.distance) })),
    k.matched_treated != null &&
      t('analyses.matching.note_matched', { treated: k.matched_treated, control: k.matched_control, unmatched_treated: k.unmatched_treated, unmatched_control: k.unmatched_control }),
    c.smd && (denominators.length
      ? t('analyses.matching.note_smd_denominators', { smd: e(c.smd), denominators: denominators.map(e).join('; ') })
      : t('analyses.matching.note_smd', { smd: e(c.smd) })),
    c.tests && t('analyses.matching.note_tests', { tests: e(c.tests) }),
    c.balanced && t('analyses.matching.note_balance_rule', { rule: e(c.balanced) }),
    matching.stop && t('analyses.matching.note_rounds', { n: matching.stop.rounds_run, rule: roundRule(matching.stop.rule), reason: stopReason(matching.stop.reason) }),
    c.call && t('analyses.matching.note_call', { call: c.call }),
  ];
}

export function baselineModel(matching, ctx, opts = {}) {
  const before = matching?.balance?.before;
  const after = matching?.balance?.after;
  if (!before || !after) return null;
  ctx = ensureCtx(ctx);
  const { treated, control } = armLabels(matching, ctx, opts);
  const columns = [
    col(t('analyses.col.characteristic'), 'left'),
    col(t('analyses.col.arm_n', { arm: control, n: before.n_control })),
    col(t('analyses.col.arm_n', { arm: treated, n: before.n_treated })),
    col('p'),
    col('SMD'),
    col(t('analyses.col.arm_n', { arm: control, n: after.n_control })),
    col(t('analyses.col.arm_n', { arm: treated, n: after.n_treated })),
    col('p'),
    col('SMD'),
    col(t('analyses.col.test'), 'left'),
  ];
  const headerGroups = [
    { label: '', span: 1 },
    { label: t('analyses.matching.before'), span: 4 },
    { label: t('analyses.matching.after'), span: 4 },
    { label: '', span: 1 },
  ];
  const tests = matching.balance.tests ?? [];
  const variables = tests.map((test) => test.variable);
  const beforeCols = balanceColumnsByVariable(before.columns, variables);
  const afterByName = new Map(after.columns.map((c) => [c.variable, c]));
  const rows = [];
  const dist = before.columns.find((c) => c.variable === 'distance');
  if (dist) {
    const a = afterByName.get('distance');
    const name = /logit|linear/i.test(matching.conventions?.distance ?? '') ? t('analyses.matching.ps_logit_mean') : t('analyses.matching.ps_mean');
    rows.push(
      data([name, meanCell(dist.mean_control), meanCell(dist.mean_treated), DASH, formatNumber(dist.smd, 3),
        meanCell(a?.mean_control), meanCell(a?.mean_treated), DASH, formatNumber(a?.smd, 3), DASH]),
    );
  }
  for (const test of tests) {
    const cols = beforeCols.get(test.variable) ?? [];
    const shownTest = testLabel(test.test) ?? test.test ?? DASH;
    const pB = formatP(test.before?.p);
    const pA = formatP(test.after?.p);
    const numeric = cols.length === 1 && cols[0].level == null;
    if (numeric) {
      const b = cols[0].column;
      const a = afterByName.get(b.variable);
      rows.push(
        data([t('analyses.matching.variable_mean', { variable: colName(ctx, test.variable) }), meanCell(b.mean_control), meanCell(b.mean_treated), pB, formatNumber(b.smd, 3),
          meanCell(a?.mean_control), meanCell(a?.mean_treated), pA, formatNumber(a?.smd, 3), shownTest]),
      );
      continue;
    }
    rows.push(data([colName(ctx, test.variable), '', '', pB, '', '', '', pA, '', shownTest]));
    for (const { level, column: b } of cols) {
      const a = afterByName.get(b.variable);
      rows.push(
        data(
          [levelName(ctx, test.variable, level), proportionCell(b.mean_control, before.n_control), proportionCell(b.mean_treated, before.n_treated), '', formatNumber(b.smd, 3),
            proportionCell(a?.mean_control, after.n_control), proportionCell(a?.mean_treated, after.n_treated), '', formatNumber(a?.smd, 3), ''],
          1,
        ),
      );
    }
  }
  const notes = [
    t('analyses.matching.note_values'),
    ...matchingNotes(matching),
  ];
  return model(ctx, opts.name ?? 'baseline', opts.title ?? t('analyses.matching.baseline_title'), columns, rows, notes, { headerGroups });
}

export function matchingRoundsModel(matching, ctx) {
  const rounds = matching?.rounds;
  if (!rounds?.length) return null;
  ctx = ensureCtx(ctx);
  const list = (xs) => (xs?.length ? xs.join(', ') : t('analyses.matching.none'));
  const columns = [
    col(t('analyses.matching.col_round')),
    col(t('analyses.matching.col_score_covariates'), 'left'),
    col(t('analyses.matching.col_exact'), 'left'),
    col(t('analyses.matching.col_matched')),
    col(t('analyses.matching.col_unbalanced'), 'left'),
    col(t('analyses.matching.col_stop'), 'left'),
  ];
  const rows = rounds.map((r, i) =>
    data([
      formatInteger(r.round),
      list(r.score_covariates),
      list(r.exact),
      `${formatInteger(r.counts?.matched_treated)} / ${formatInteger(r.counts?.matched_control)}`,
      list(r.unbalanced),
      i === rounds.length - 1 && matching.stop ? stopReason(matching.stop.reason) : DASH,
    ]),
  );
  const notes = [
    matching.stop?.rule && t('analyses.matching.note_round_rule', { rule: roundRule(matching.stop.rule) }),
    matching.stop &&
      t(matching.stop.balanced ? 'analyses.matching.note_stopped' : 'analyses.matching.note_stopped_unbalanced', { n: matching.stop.rounds_run, reason: stopReason(matching.stop.reason) }),
    matching.conventions?.balanced && t('analyses.matching.note_balance_rule', { rule: engineMessage(matching.conventions.balanced) }),
    t('analyses.matching.note_last_round'),
  ];
  return model(ctx, 'rounds', t('analyses.matching.rounds_title'), columns, rows, notes);
}

// Clustered on pairs or robust on units (the call says so); a model
// stratified on pairs has model-based SEs (its robust_se list is empty).
const robustSe = (mo) => /cluster = |robust = TRUE/.test(mo.cox?.call ?? '') || (mo.cox?.coefficients?.robust_se ?? []).some((x) => x != null);

// The Kaplan–Meier figure after matching shows the log-rank p, the table the
// Cox p: when one is below 0.05 and the other not, say which test is which.
function testsDisagree(mo, hr) {
  const lr = mo.logrank?.p;
  if (lr == null || hr?.p == null || lr < 0.05 === hr.p < 0.05) return null;
  return t(robustSe(mo) ? 'analyses.matching.note_disagree_robust' : 'analyses.matching.note_disagree', { p_logrank: formatP(lr), call: mo.cox?.call ?? 'coxph', p_cox: formatP(hr.p) });
}

export function matchedOutcomeModel(matching, ctx, opts = {}) {
  const mo = matching?.matched_outcome;
  if (!mo || mo.error) return null;
  ctx = ensureCtx(ctx);
  const curves = mo.km_by_group ?? [];
  const times = curves[0]?.at_times?.time ?? [];
  const ci = ciLabel(ctx.spec?.analyses?.km?.conf_int);
  const columns = [...curveColumns(ctx, times, ci), col(t('analyses.col.hr', { ci: ciLabel(ctx.spec?.analyses?.cox?.conf_int) })), col('p')];
  const hr = coefEntries(mo.cox)[0];
  const label = (stratum) => opts.levelLabels?.[stratum] ?? groupName(ctx, stratum);
  const rows = curves.map((c, i) =>
    data([...weightedCurveCells(ctx, c, times, label(c.stratum)), i === 0 ? t('analyses.reference_hr') : hrCell(hr), i === 0 ? DASH : pCell(hr)]),
  );
  if (!curves.length && hr) rows.push(data([mo.cox.coefficients.name[0], '', '', '', hrCell(hr), pCell(hr)]));
  const blank = Array(columns.length - 2).fill('');
  if (mo.logrank) rows.push(data([t('analyses.logrank.test'), ...blank, formatP(mo.logrank.p)]));
  else if (mo.cox?.robust_score) rows.push(data([t('analyses.matching.robust_score'), ...blank, formatP(mo.cox.robust_score.p)]));
  const notes = [
    t(mo.weighted ? 'analyses.matching.note_cohort_weighted' : 'analyses.matching.note_cohort', { n: formatNumber(mo.n, 0) }),
    mo.km_call && t('analyses.matching.note_km_call', { call: mo.km_call }),
    mo.cox?.call && t(robustSe(mo) ? 'analyses.matching.note_cox_call_robust' : 'analyses.matching.note_cox_call', { call: mo.cox.call }),
    mo.logrank_note && engineMessage(mo.logrank_note),
    testsDisagree(mo, hr),
    t('analyses.note.nr'),
    beyondFollowUpNote(curves, times),
  ];
  return model(ctx, opts.name ?? 'matched-outcome', opts.title ?? t('analyses.matching.outcome_title'), columns, rows, notes);
}

/** Before/after SMD per balance column: [{variable, before, after}] (|SMD| unless abs = false). */
// variables (the covariates' names): a two-level factor's two columns carry
// the same |SMD|, so it keeps one row, its second (non-reference) level's,
// labelled "variable = level"; without variables every column is a row.
// names (displayNames of the spec): a column or level with a display name is
// shown by it ("Sex = Female" for sex_Female).
export function loveRows(matching, { abs = true, distance = true, variables = null, names = displayNames(null) } = {}) {
  const before = matching?.balance?.before?.columns ?? [];
  const after = new Map((matching?.balance?.after?.columns ?? []).map((c) => [c.variable, c]));
  const f = (x) => (x == null ? null : abs ? Math.abs(x) : x);
  const shown = new Map(before.map((c) => [c.variable, c.variable]));
  const levelText = (v, level) => `${names.column(v)} = ${names.level(v, level)}`;
  if (variables?.length) {
    for (const [v, cols] of balanceColumnsByVariable(before, variables)) {
      const renamed = names.column(v) !== v || cols.some((c) => c.level != null && names.hasLevel(v, c.level));
      for (const c of cols) if (renamed) shown.set(c.column.variable, c.level == null ? names.column(v) : levelText(v, c.level));
      if (cols.length !== 2 || cols.some((c) => c.level == null)) continue;
      shown.delete(cols[0].column.variable);
      shown.set(cols[1].column.variable, levelText(v, cols[1].level));
    }
  }
  return before
    .filter((c) => (distance || c.variable !== 'distance') && shown.has(c.variable))
    .map((c) => ({ variable: c.variable, name: shown.get(c.variable), before: f(c.smd), after: f(after.get(c.variable)?.smd ?? null) }));
}

function covariateNames(spec) {
  return [...(spec?.covariates ?? []).map((t) => (typeof t === 'string' ? t : t.column)), ...(spec?.derive ?? []).map((d) => d.name)].filter(Boolean);
}

/**
 * Love plot: standardized mean differences before (open circles) and after
 * (filled triangles) matching, one row per balance column, with the threshold
 * (options.threshold ?? spec balance_smd ?? the engine's default). options.abs (default true),
 * options.distance (default true: the propensity-score row).
 */
export function loveFigure(matching, options = {}, doc = globalThis.document) {
  const abs = options.abs ?? true;
  const tested = (matching.balance?.tests ?? []).map((t) => t.variable);
  const variables = options.binaryOnce === false ? null : tested.length ? tested : covariateNames(options.spec);
  const rows = loveRows(matching, { abs, distance: options.distance ?? true, variables, names: displayNames(options.spec) }).map((r) => ({
    ...r,
    label: r.variable === 'distance' ? t('analyses.love.distance') : options.labels?.[r.variable] ?? r.name,
  }));
  if (!rows.length) throw new Error(t('analyses.love.no_balance'));
  const threshold = options.threshold ?? options.spec?.analyses?.matching?.balance_smd ?? engineDefault('analyses.matching.balance_smd');
  const values = rows.flatMap((r) => [r.before, r.after]).filter((x) => x != null);
  const maxAbs = Math.max(threshold * 1.5, ...values.map(Math.abs));
  const domain = abs ? [0, maxAbs * 1.05] : [-maxAbs * 1.05, maxAbs * 1.05];
  const st = figureStyle(options);
  const width = options.width ?? FIGURE_WIDTH;
  const marginLeft = Math.max(...rows.map((r) => textWidth(r.label, st.fontSize))) + 14;
  const marginRight = 20;
  const entries = [
    { label: t('analyses.love.before', { treated: matching.balance.before.n_treated, control: matching.balance.before.n_control }), symbol: 'circle', symbolStroke: PALETTE[1], fill: 'white' },
    { label: t('analyses.love.after', { treated: matching.balance.after.n_treated, control: matching.balance.after.n_control }), symbol: 'triangle', symbolStroke: PALETTE[2], fill: PALETTE[2] },
  ];
  const rowH = Math.max(16, Math.round(st.fontSize * 1.5));
  // The legend's lowest row is LEGEND_CLEAR above the frame, the first row half a row below it.
  const marginTop = LEGEND_CLEAR + (entries.length - 1) * LEGEND_ROW + 14;
  const marginBottom = 40;
  const H = rows.length * rowH;
  const W = width - marginLeft - marginRight;
  const thresholds = abs ? [threshold] : [-threshold, threshold];
  const svg = Plot.plot({
    document: doc,
    width,
    height: marginTop + marginBottom + H,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom,
    style: plotStyle(options),
    x: { domain, label: t(abs ? 'analyses.love.axis_abs' : 'analyses.love.axis'), labelAnchor: 'center', labelArrow: 'none' },
    y: { domain: rows.map((r) => r.label), label: null, tickSize: 0, padding: 0.5 },
    marks: [
      Plot.ruleY(rows, { y: 'label', stroke: '#eee' }),
      Plot.ruleX(thresholds, { stroke: '#555', strokeDasharray: '4,3', className: 'ls-love-threshold' }),
      abs ? null : Plot.ruleX([0], { stroke: '#000' }),
      Plot.frame({ anchor: 'bottom' }),
      Plot.link(rows.filter((r) => r.before != null && r.after != null), { y1: 'label', y2: 'label', x1: 'before', x2: 'after', stroke: '#bbb' }),
      Plot.dot(rows.filter((r) => r.before != null), { y: 'label', x: 'before', symbol: 'circle', r: 4, stroke: PALETTE[1], fill: 'white', strokeWidth: 1.5, className: 'ls-love-before' }),
      Plot.dot(rows.filter((r) => r.after != null), { y: 'label', x: 'after', symbol: 'triangle', r: 4, stroke: PALETTE[2], fill: PALETTE[2], className: 'ls-love-after' }),
      ...topLegend(entries, { className: 'ls-love-legend', dx: -marginLeft + 4 }),
    ].filter(Boolean),
  });
  const after = rows.filter((r) => r.after != null && r.variable !== 'distance');
  const over = after.filter((r) => Math.abs(r.after) >= threshold).length;
  const caption =
    options.caption ??
    t(abs ? 'analyses.love.caption_abs' : 'analyses.love.caption', { threshold, over, n: after.length }) +
      (matching.conventions?.smd ? t('analyses.love.caption_smd', { smd: engineMessage(matching.conventions.smd) }) : '');
  const ariaLabel = t('analyses.love.aria', { rows: rows.length, over, n: after.length, threshold });
  const fig = makeFigure(doc, { className: 'ls-love-figure', ariaLabel, svgs: [svg], caption, width, style: figureStyle(options) });
  fig.loveRows = rows;
  return fig;
}


/** Per matching round: matched pairs (treated units matched) and unbalanced covariates. */
export function roundsFigure(matching, options = {}, doc = globalThis.document) {
  const rounds = matching?.rounds ?? [];
  if (!rounds.length) throw new Error(t('analyses.rounds.no_rounds'));
  const data = rounds.map((r) => ({ round: String(r.round), pairs: r.counts.matched_treated, unbalanced: r.unbalanced.length, names: r.unbalanced.join(', ') }));
  const width = options.width ?? FIGURE_WIDTH;
  const common = { document: doc, width, marginLeft: 56, marginRight: 20, style: plotStyle(options), x: { type: 'band', domain: data.map((d) => d.round), label: t('analyses.rounds.axis_round'), labelAnchor: 'center', labelArrow: 'none', padding: 0.3 } };
  const pairsSvg = Plot.plot({
    ...common,
    height: 200,
    marginTop: 20,
    marginBottom: 30,
    y: { label: t('analyses.rounds.axis_matched'), labelAnchor: 'center', labelArrow: 'none', grid: true },
    x: { ...common.x, label: null },
    marks: [
      Plot.barY(data, { x: 'round', y: 'pairs', fill: '#888', className: 'ls-rounds-pairs' }),
      Plot.text(data, { x: 'round', y: 'pairs', text: (d) => String(d.pairs), dy: -7 }),
      Plot.ruleY([0]),
    ],
  });
  const unbSvg = Plot.plot({
    ...common,
    height: 160,
    marginTop: 12,
    marginBottom: 36,
    y: { label: t('analyses.rounds.axis_unbalanced'), labelAnchor: 'center', labelArrow: 'none', domain: [0, Math.max(1, ...data.map((d) => d.unbalanced))], ticks: Math.min(5, Math.max(1, ...data.map((d) => d.unbalanced))), tickFormat: 'd' },
    marks: [
      Plot.line(data, { x: 'round', y: 'unbalanced', stroke: '#000', strokeDasharray: '4,3' }),
      Plot.dot(data, { x: 'round', y: 'unbalanced', symbol: 'square', fill: '#000', r: 4, className: 'ls-rounds-unbalanced' }),
      Plot.ruleY([0]),
    ],
  });
  const stop = matching.stop ?? {};
  const caption =
    options.caption ??
    t('analyses.rounds.caption', { rule: stop.rule ? roundRule(stop.rule) : '' }) +
      data.map((d) => t(d.unbalanced ? 'analyses.rounds.caption_round_unbalanced' : 'analyses.rounds.caption_round_balanced', { round: d.round, pairs: d.pairs, names: d.names })).join('') +
      (stop.reason ? t('analyses.rounds.caption_stopped', { reason: stopReason(stop.reason) }) : '');
  const ariaLabel = t('analyses.rounds.aria', { rounds: data.map((d) => t('analyses.rounds.aria_round', { round: d.round, pairs: d.pairs, unbalanced: d.unbalanced })).join(t('analyses.list_gap')) });
  return makeFigure(doc, { className: 'ls-rounds-figure', ariaLabel, svgs: [pairsSvg, unbSvg], caption, width, style: figureStyle(options) });
}

// The R list of matching options match_rounds() reads (web/r/helpers.R): also
// the cut groups' matching (web/analyses/cutpoint.js).
export function rMatchOptions(a) {
  const caliper = a.caliper > 0 ? rNum(a.caliper, 'matching.caliper') : 'NULL';
  return `list(link = ${rStr(a.distance === 'logit' ? 'linear.logit' : 'logit')}, ratio = ${rNum(a.ratio, 'matching.ratio')}, replace = ${rBool(a.replace)},
          order = ${rStr(a.order)}, seed = ${rNum(a.seed, 'matching.seed')}, caliper = ${caliper}, std_caliper = ${rBool(a.caliper_scale !== 'raw')},
          rounds = ${rNum(a.rounds, 'matching.rounds')}, rule = ${rStr(a.round_rule)}, criterion = ${rStr(a.balance_criterion)},
          balance_p = ${rNum(a.balance_p, 'matching.balance_p')}, balance_smd = ${rNum(a.balance_smd, 'matching.balance_smd')}, balance_test = ${rStr(a.balance_test)},
          yates = ${rBool(a.yates)}, smd = ${rStr(a.smd)}, outcome_model = ${rStr(a.outcome_model)})`;
}

// The propensity score's covariates in R: `covariates` (the cohort's, which
// web/rscript.js defines) unless the options name their own.
const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
export function rScore(options, covariates) {
  const covs = covariates.map((t) => t.column);
  const score = options.score_covariates && options.score_covariates.length ? options.score_covariates : covs;
  return sameList(score, covs) ? 'covariates' : rChr(score);
}

// Its block of the R script (web/analyses/index.js: rBlock).
function rBlock(a, { path: p, spec, covariates, ties }) {
  if (!spec.group) return null;   // matching needs a group
  const about = cm`Reproduces ${p}.matching: matchit(method = "nearest", distance = "glm", link = "${a.distance === 'logit' ? 'linear.logit' : 'logit'}",
ratio = ${a.ratio}, replace = ${rBool(a.replace)}, m.order = "${a.order}"${a.caliper > 0 ? `, caliper = ${a.caliper}, std.caliper = ${rBool(a.caliper_scale !== 'raw')}` : ''}${a.exact.length ? `, exact = ~ ${a.exact.join(' + ')}` : ''}),
${a.rounds > 1 ? `up to ${a.rounds} rounds of "match until balanced" (rule "${a.round_rule}", criterion "${a.balance_criterion}"),` : 'one round,'} then the matched-cohort outcome (${a.outcome_model === 'strata' ? 'Cox stratified on pairs' : 'Cox with robust SE clustered on pairs'}).
MatchIt versions before 4.5.4 truncate distance differences (issue #163): their
pairs differ from LocalSurv's (and from MatchIt >= 4.5.4). Use MatchIt >= 4.5.4.${a.order === 'random' ? '\nm.order = "random" draws with set.seed(seed) before matchit(): R\'s random order, which LocalSurv need not share.' : ''}`;
  let s = `mo <- ${rMatchOptions(a)}\n`;
  s += `mr <- match_rounds(d, covariates, ${rScore(a, covariates)}, ${rChr(a.exact)}, mo)\n`;
  s += `cat("\\nStopped:", mr$stop, "\\n")\n`;
  s += `put(${rStr(p + '.matching.rounds')}, mr$rounds)\n`;
  s += `put(${rStr(p + '.matching.stop')}, mr$stop)\n`;
  s += `if (!is.null(mr$m)) {\n  print(summary(mr$m))\n`;
  s += `  mt <- match.data(mr$m)\n  put(${rStr(p + '.matching.pairs')}, list(subclass = as.integer(as.character(mt$subclass)), row = mt$row_, treat = mt$treat_))\n`;
  s += `  put(${rStr(p + '.matching.outcome')}, matched_outcome(mr$m, ${rStr(spec.group.column)}, mo, ${rStr(ties)}, ${rStr(plain(spec.group.column, GROUP_ALIAS))}))\n}\n`;
  return { title: 'Propensity-score matching', about, code: s };
}

const M = 'analyses.matching';
export default {
  key: 'matching',
  get title() {
    return t('analyses.matching.title');
  },
  form: {
    get toggle() {
      return t('analyses.matching.toggle');
    },
    checked: false,
    withoutGroup: () => false,
    fields: [
      number('analyses.matching.field.ratio', `${M}.ratio`, { min: '1', max: '20', step: '1', placeholder: `${engineDefault(`${M}.ratio`)}` }),
      translatedAttr(number('analyses.matching.field.caliper', `${M}.caliper`, { step: 'any', min: '0' }), 'placeholder', 'analyses.field.default_none', { value: engineDefault(`${M}.caliper`) }),
      select('analyses.matching.field.caliper_scale', `${M}.caliper_scale`, [['sd', 'analyses.matching.field.caliper_sd'], ['raw', 'analyses.matching.field.caliper_raw']]),
      select('analyses.matching.field.distance', `${M}.distance`, [['ps', 'analyses.matching.field.distance_ps'], ['logit', 'logit']]),
      select('analyses.matching.field.order', `${M}.order`, [['largest', 'analyses.matching.field.order_largest'], ['smallest', 'analyses.matching.field.order_smallest'], ['data', 'analyses.matching.field.order_data'], ['random', 'analyses.matching.field.order_random']]),
      check('analyses.matching.field.replace', `${M}.replace`, { checked: engineDefault(`${M}.replace`) }),
      list('analyses.matching.field.exact', `${M}.exact`, 'strings', 'analyses.field.columns_placeholder'),
      select('analyses.matching.field.smd', `${M}.smd`, [['matchit', 'analyses.matching.field.smd_matchit'], ['pooled', 'analyses.matching.field.smd_pooled']]),
      select('analyses.matching.field.criterion', `${M}.balance_criterion`, [['p', 'analyses.matching.field.criterion_p'], ['smd', 'analyses.matching.field.criterion_smd'], ['both', 'analyses.matching.field.criterion_both']]),
      number('analyses.matching.field.balance_p', `${M}.balance_p`, { step: 'any', min: '0', max: '1', placeholder: `${engineDefault(`${M}.balance_p`)}` }),
      number('analyses.matching.field.balance_smd', `${M}.balance_smd`, { step: 'any', min: '0', placeholder: `${engineDefault(`${M}.balance_smd`)}` }),
      number('analyses.matching.field.rounds', `${M}.rounds`, { min: '1', max: '20', step: '1', placeholder: `${engineDefault(`${M}.rounds`)}` }),
      select('analyses.matching.field.round_rule', `${M}.round_rule`, [['exact', 'analyses.matching.field.round_rule_exact'], ['model', 'analyses.matching.field.round_rule_model']]),
      select('analyses.matching.field.outcome_model', `${M}.outcome_model`, [['cluster', 'analyses.matching.field.outcome_cluster'], ['strata', 'analyses.matching.field.outcome_strata']]),
      withRules(number('analyses.matching.field.seed', `${M}.seed`, { step: '1', placeholder: `${engineDefault(`${M}.seed`)}` }), { enabledIf: (spec) => getPath(spec, `${M}.order`) === 'random' }),
      list('analyses.matching.field.score_covariates', `${M}.score_covariates`, 'strings', 'analyses.field.columns_placeholder'),
      select('analyses.matching.field.balance_test', `${M}.balance_test`, [['auto', 'analyses.matching.field.balance_test_auto'], ['chisq', 'χ²'], ['fisher', 'analyses.test.fisher']]),
      check('analyses.matching.field.yates', `${M}.yates`, { checked: engineDefault(`${M}.yates`) }),
    ],
  },
  tables: (m, ctx) => [
    { paper: 2, model: baselineModel(m, ctx) },
    { paper: 8, model: matchingRoundsModel(m, ctx) },
    { paper: 9, model: matchedOutcomeModel(m, ctx) },
  ],
  render(m, view) {
    view.table('rounds');
    if (m.rounds?.length > 1) view.figure(t('analyses.rounds.figure'), 'rounds', () => roundsFigure(m, view.opts, view.document));
    view.table('baseline');
    view.figure(t('analyses.love.figure'), 'love', () => loveFigure(m, view.opts, view.document));
    const post = m.matched_outcome;
    if (post && !post.error) view.figure(t('analyses.matching.km_figure'), 'km-matched', () => kmFigure(post, view.opts, view.document));
    view.table('matched-outcome');
  },
  rowsUsed: (m) => (m?.rows ? [[t('analyses.matching.rows_used'), m.rows]] : []),
  rBlock,
};
