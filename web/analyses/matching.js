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

const TEST_LABELS = { chisq: 'χ²', fisher: "Fisher's exact", welch_t: 'Welch t', t: 't' };

function armLabels(matching, ctx, opts) {
  const treated =
    opts.treatedLabel ?? (ctx.groupLevels.length === 2 ? groupName(ctx, ctx.groupLevels[1]) : matching.conventions?.treated ?? 'Treated');
  const control = opts.controlLabel ?? (ctx.groupLevels.length === 2 ? groupName(ctx, ctx.groupLevels[0]) : 'Control');
  return { treated, control };
}

function matchingNotes(matching) {
  const c = matching.conventions ?? {};
  const k = matching.counts ?? {};
  const denominators = [...new Set((matching.balance?.before?.columns ?? []).map((x) => x.smd_denominator).filter(Boolean))];
  return [
    c.treated && `Treated: ${c.treated}.`,
    c.distance && `Distance: ${c.distance}; ${c.caliper ?? ''}.`.replace('; .', '.'),
    k.matched_treated != null &&
      `Matched: ${k.matched_treated} treated and ${k.matched_control} control (unmatched: ${k.unmatched_treated} treated, ${k.unmatched_control} control).`,
    c.smd && `SMD = (treated − control) / SD; ${c.smd}${denominators.length ? ` (denominators: ${denominators.join('; ')})` : ''}.`,
    c.tests && `Tests: ${c.tests}.`,
    c.balanced && `Balance rule: ${c.balanced}.`,
    matching.stop && `Rounds: ${matching.stop.rounds_run} (${matching.stop.rule}); stopped: ${matching.stop.reason}.`,
    c.call && `Call: ${c.call}`,
  ];
}

export function baselineModel(matching, ctx, opts = {}) {
  const before = matching?.balance?.before;
  const after = matching?.balance?.after;
  if (!before || !after) return null;
  ctx = ensureCtx(ctx);
  const { treated, control } = armLabels(matching, ctx, opts);
  const columns = [
    col('Characteristic', 'left'),
    col(`${control} (n = ${before.n_control})`),
    col(`${treated} (n = ${before.n_treated})`),
    col('p'),
    col('SMD'),
    col(`${control} (n = ${after.n_control})`),
    col(`${treated} (n = ${after.n_treated})`),
    col('p'),
    col('SMD'),
    col('Test', 'left'),
  ];
  const headerGroups = [
    { label: '', span: 1 },
    { label: 'Before matching', span: 4 },
    { label: 'After matching', span: 4 },
    { label: '', span: 1 },
  ];
  const tests = matching.balance.tests ?? [];
  const variables = tests.map((t) => t.variable);
  const beforeCols = balanceColumnsByVariable(before.columns, variables);
  const afterByName = new Map(after.columns.map((c) => [c.variable, c]));
  const rows = [];
  const dist = before.columns.find((c) => c.variable === 'distance');
  if (dist) {
    const a = afterByName.get('distance');
    const name = /logit|linear/i.test(matching.conventions?.distance ?? '') ? 'Propensity score (logit), mean' : 'Propensity score, mean';
    rows.push(
      data([name, meanCell(dist.mean_control), meanCell(dist.mean_treated), DASH, formatNumber(dist.smd, 3),
        meanCell(a?.mean_control), meanCell(a?.mean_treated), DASH, formatNumber(a?.smd, 3), DASH]),
    );
  }
  for (const t of tests) {
    const cols = beforeCols.get(t.variable) ?? [];
    const testLabel = TEST_LABELS[t.test] ?? t.test ?? DASH;
    const pB = formatP(t.before?.p);
    const pA = formatP(t.after?.p);
    const numeric = cols.length === 1 && cols[0].level == null;
    if (numeric) {
      const b = cols[0].column;
      const a = afterByName.get(b.variable);
      rows.push(
        data([`${colName(ctx, t.variable)}, mean`, meanCell(b.mean_control), meanCell(b.mean_treated), pB, formatNumber(b.smd, 3),
          meanCell(a?.mean_control), meanCell(a?.mean_treated), pA, formatNumber(a?.smd, 3), testLabel]),
      );
      continue;
    }
    rows.push(data([colName(ctx, t.variable), '', '', pB, '', '', '', pA, '', testLabel]));
    for (const { level, column: b } of cols) {
      const a = afterByName.get(b.variable);
      rows.push(
        data(
          [levelName(ctx, t.variable, level), proportionCell(b.mean_control, before.n_control), proportionCell(b.mean_treated, before.n_treated), '', formatNumber(b.smd, 3),
            proportionCell(a?.mean_control, after.n_control), proportionCell(a?.mean_treated, after.n_treated), '', formatNumber(a?.smd, 3), ''],
          1,
        ),
      );
    }
  }
  const notes = [
    'Values are n (%) for factor levels and means for numeric variables; p compares the arms (the Test column names the test), before and after matching.',
    ...matchingNotes(matching),
  ];
  return model(ctx, opts.name ?? 'baseline', opts.title ?? 'Baseline characteristics before and after propensity-score matching', columns, rows, notes, { headerGroups });
}

export function matchingRoundsModel(matching, ctx) {
  const rounds = matching?.rounds;
  if (!rounds?.length) return null;
  ctx = ensureCtx(ctx);
  const list = (xs) => (xs?.length ? xs.join(', ') : 'none');
  const columns = [
    col('Round'),
    col('Score model covariates', 'left'),
    col('Exact matching on', 'left'),
    col('Matched (treated / control)'),
    col('Unbalanced covariates', 'left'),
    col('Stop', 'left'),
  ];
  const rows = rounds.map((r, i) =>
    data([
      formatInteger(r.round),
      list(r.score_covariates),
      list(r.exact),
      `${formatInteger(r.counts?.matched_treated)} / ${formatInteger(r.counts?.matched_control)}`,
      list(r.unbalanced),
      i === rounds.length - 1 && matching.stop ? matching.stop.reason : DASH,
    ]),
  );
  const notes = [
    matching.stop?.rule && `Round rule: ${matching.stop.rule}.`,
    matching.stop && `Stopped after ${matching.stop.rounds_run} round(s): ${matching.stop.reason}${matching.stop.balanced ? '' : ' (not all covariates balanced)'}.`,
    matching.conventions?.balanced && `Balance rule: ${matching.conventions.balanced}.`,
    'Pairs, balance and the matched outcome are those of the last round.',
  ];
  return model(ctx, 'rounds', 'Rounds of propensity-score matching', columns, rows, notes);
}

// Clustered on pairs or robust on units (the call says so); a model
// stratified on pairs has model-based SEs (its robust_se list is empty).
const robustSe = (mo) => /cluster = |robust = TRUE/.test(mo.cox?.call ?? '') || (mo.cox?.coefficients?.robust_se ?? []).some((x) => x != null);

// The Kaplan–Meier figure after matching shows the log-rank p, the table the
// Cox p: when one is below 0.05 and the other not, say which test is which.
function testsDisagree(mo, hr) {
  const lr = mo.logrank?.p;
  if (lr == null || hr?.p == null || lr < 0.05 === hr.p < 0.05) return null;
  const wald = robustSe(mo) ? 'Wald test with robust SE' : 'Wald test';
  return `The two p values disagree at 0.05: the log-rank test (survdiff on the matched cohort, ignoring the pairs; shown on the Kaplan–Meier figure) gives p = ${formatP(lr)}, the Cox model's ${wald} of the hazard ratio (${mo.cox?.call ?? 'coxph'}) gives p = ${formatP(hr.p)}. They test the same difference in different ways; report the one your methods name.`;
}

export function matchedOutcomeModel(matching, ctx, opts = {}) {
  const mo = matching?.matched_outcome;
  if (!mo || mo.error) return null;
  ctx = ensureCtx(ctx);
  const curves = mo.km_by_group ?? [];
  const times = curves[0]?.at_times?.time ?? [];
  const ci = ciLabel(ctx.spec?.analyses?.km?.conf_int);
  const columns = [...curveColumns(ctx, times, ci), col(`HR (${ciLabel(ctx.spec?.analyses?.cox?.conf_int)})`), col('p')];
  const hr = coefEntries(mo.cox)[0];
  const label = (stratum) => opts.levelLabels?.[stratum] ?? groupName(ctx, stratum);
  const rows = curves.map((c, i) =>
    data([...weightedCurveCells(ctx, c, times, label(c.stratum)), i === 0 ? '1 (reference)' : hrCell(hr), i === 0 ? DASH : pCell(hr)]),
  );
  if (!curves.length && hr) rows.push(data([mo.cox.coefficients.name[0], '', '', '', hrCell(hr), pCell(hr)]));
  const blank = Array(columns.length - 2).fill('');
  if (mo.logrank) rows.push(data(['Log-rank test', ...blank, formatP(mo.logrank.p)]));
  else if (mo.cox?.robust_score) rows.push(data(['Robust score test', ...blank, formatP(mo.cox.robust_score.p)]));
  const notes = [
    `Matched cohort: n = ${formatNumber(mo.n, 0)}${mo.weighted ? ' (weighted: MatchIt weights)' : ''}.`,
    mo.km_call && `Kaplan–Meier: ${mo.km_call}.`,
    mo.cox?.call && `Cox: ${mo.cox.call}${robustSe(mo) ? ' (robust SE)' : ''}.`,
    mo.logrank_note,
    testsDisagree(mo, hr),
    'NR = not reached.',
    beyondFollowUpNote(curves, times),
  ];
  return model(ctx, opts.name ?? 'matched-outcome', opts.title ?? 'Survival in the matched cohort', columns, rows, notes);
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
    label: r.variable === 'distance' ? 'Propensity score (distance)' : options.labels?.[r.variable] ?? r.name,
  }));
  if (!rows.length) throw new Error('no balance table in this matching result');
  const threshold = options.threshold ?? options.spec?.analyses?.matching?.balance_smd ?? engineDefault('analyses.matching.balance_smd');
  const values = rows.flatMap((r) => [r.before, r.after]).filter((x) => x != null);
  const maxAbs = Math.max(threshold * 1.5, ...values.map(Math.abs));
  const domain = abs ? [0, maxAbs * 1.05] : [-maxAbs * 1.05, maxAbs * 1.05];
  const st = figureStyle(options);
  const width = options.width ?? FIGURE_WIDTH;
  const marginLeft = Math.max(...rows.map((r) => textWidth(r.label, st.fontSize))) + 14;
  const marginRight = 20;
  const entries = [
    { label: `Before matching (${matching.balance.before.n_treated} treated, ${matching.balance.before.n_control} control)`, symbol: 'circle', symbolStroke: PALETTE[1], fill: 'white' },
    { label: `After matching (${matching.balance.after.n_treated} treated, ${matching.balance.after.n_control} control)`, symbol: 'triangle', symbolStroke: PALETTE[2], fill: PALETTE[2] },
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
    x: { domain, label: abs ? 'Absolute standardized mean difference' : 'Standardized mean difference', labelAnchor: 'center', labelArrow: 'none' },
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
    `${abs ? 'Absolute standardized' : 'Standardized'} mean differences of each covariate (a two-level factor once, as its second level; other factors level by level) before and after matching; dashed line: ${threshold}. ` +
      `${over} of ${after.length} after matching at or above it. ${matching.conventions?.smd ? `SMD: ${matching.conventions.smd}.` : ''}`;
  const ariaLabel = `Love plot of ${rows.length} balance rows before and after matching; ${over} of ${after.length} covariate rows have |SMD| at or above ${threshold} after matching`;
  const fig = makeFigure(doc, { className: 'ls-love-figure', ariaLabel, svgs: [svg], caption, width, style: figureStyle(options) });
  fig.loveRows = rows;
  return fig;
}


/** Per matching round: matched pairs (treated units matched) and unbalanced covariates. */
export function roundsFigure(matching, options = {}, doc = globalThis.document) {
  const rounds = matching?.rounds ?? [];
  if (!rounds.length) throw new Error('no matching rounds in this result');
  const data = rounds.map((r) => ({ round: String(r.round), pairs: r.counts.matched_treated, unbalanced: r.unbalanced.length, names: r.unbalanced.join(', ') }));
  const width = options.width ?? FIGURE_WIDTH;
  const common = { document: doc, width, marginLeft: 56, marginRight: 20, style: plotStyle(options), x: { type: 'band', domain: data.map((d) => d.round), label: 'Matching round', labelAnchor: 'center', labelArrow: 'none', padding: 0.3 } };
  const pairsSvg = Plot.plot({
    ...common,
    height: 200,
    marginTop: 20,
    marginBottom: 30,
    y: { label: 'Matched treated units', labelAnchor: 'center', labelArrow: 'none', grid: true },
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
    y: { label: 'Unbalanced covariates', labelAnchor: 'center', labelArrow: 'none', domain: [0, Math.max(1, ...data.map((d) => d.unbalanced))], ticks: Math.min(5, Math.max(1, ...data.map((d) => d.unbalanced))), tickFormat: 'd' },
    marks: [
      Plot.line(data, { x: 'round', y: 'unbalanced', stroke: '#000', strokeDasharray: '4,3' }),
      Plot.dot(data, { x: 'round', y: 'unbalanced', symbol: 'square', fill: '#000', r: 4, className: 'ls-rounds-unbalanced' }),
      Plot.ruleY([0]),
    ],
  });
  const stop = matching.stop ?? {};
  const caption =
    options.caption ??
    `Matching rounds: matched treated units and covariates still unbalanced after each round (${stop.rule ?? ''}). ` +
      data.map((d) => `Round ${d.round}: ${d.pairs} matched${d.unbalanced ? `, unbalanced: ${d.names}` : ', all balanced'}.`).join(' ') +
      (stop.reason ? ` Stopped: ${stop.reason}.` : '');
  const ariaLabel = `Matching rounds: ${data.map((d) => `round ${d.round} ${d.pairs} matched, ${d.unbalanced} unbalanced`).join('; ')}`;
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
  title: 'Propensity-score matching',
  form: {
    toggle: 'Propensity-score matching',
    checked: false,
    withoutGroup: () => false,
    fields: [
      number('Ratio 1:', `${M}.ratio`, { min: '1', max: '20', step: '1', placeholder: `${engineDefault(`${M}.ratio`)}` }),
      number('Caliper', `${M}.caliper`, { step: 'any', min: '0', placeholder: `${engineDefault(`${M}.caliper`)} = none` }),
      select('Caliper in', `${M}.caliper_scale`, [['sd', 'SDs of the score (MatchIt std.caliper = TRUE)'], ['raw', 'score units']]),
      select('Score', `${M}.distance`, [['ps', 'probability'], ['logit', 'logit']]),
      select('Order', `${M}.order`, ['largest', 'smallest', 'data', 'random']),
      check('With replacement', `${M}.replace`, { checked: engineDefault(`${M}.replace`) }),
      list('Exact on', `${M}.exact`, 'strings', 'columns, comma-separated'),
      select('SMD denominator', `${M}.smd`, [['matchit', 'SD of treated (MatchIt)'], ['pooled', 'pooled (tableone)']]),
      select('Balanced when', `${M}.balance_criterion`, [['p', 'every p > threshold'], ['smd', 'every |SMD| < threshold'], ['both', 'both']]),
      number('p threshold', `${M}.balance_p`, { step: 'any', min: '0', max: '1', placeholder: `${engineDefault(`${M}.balance_p`)}` }),
      number('|SMD| threshold', `${M}.balance_smd`, { step: 'any', min: '0', placeholder: `${engineDefault(`${M}.balance_smd`)}` }),
      number('Rounds until balanced (max)', `${M}.rounds`, { min: '1', max: '20', step: '1', placeholder: `${engineDefault(`${M}.rounds`)}` }),
      select('Each round adds unbalanced covariates to', `${M}.round_rule`, [['exact', 'the exact-match set'], ['model', 'the score model']]),
      select('Matched Cox model', `${M}.outcome_model`, [['cluster', 'robust SE clustered on pairs'], ['strata', 'stratified on pairs']]),
      withRules(number('Random order seed', `${M}.seed`, { step: '1', placeholder: `${engineDefault(`${M}.seed`)}` }), { enabledIf: (spec) => getPath(spec, `${M}.order`) === 'random' }),
      list('Score model terms (default: all covariates)', `${M}.score_covariates`, 'strings', 'columns, comma-separated'),
      select('Balance test of categorical covariates', `${M}.balance_test`, [['auto', 'Fisher when an expected count < 5, else χ²'], ['chisq', 'χ²'], ['fisher', "Fisher's exact"]]),
      check("Yates' correction (balance χ²)", `${M}.yates`, { checked: engineDefault(`${M}.yates`) }),
    ],
  },
  tables: (m, ctx) => [
    { paper: 2, model: baselineModel(m, ctx) },
    { paper: 8, model: matchingRoundsModel(m, ctx) },
    { paper: 9, model: matchedOutcomeModel(m, ctx) },
  ],
  render(m, view) {
    view.table('rounds');
    if (m.rounds?.length > 1) view.figure('Matching rounds', 'rounds', () => roundsFigure(m, view.opts, view.document));
    view.table('baseline');
    view.figure('Love plot', 'love', () => loveFigure(m, view.opts, view.document));
    const post = m.matched_outcome;
    if (post && !post.error) view.figure('Kaplan–Meier after matching', 'km-matched', () => kmFigure(post, view.opts, view.document));
    view.table('matched-outcome');
  },
  rowsUsed: (m) => (m?.rows ? [['matching', m.rows]] : []),
  rBlock,
};
