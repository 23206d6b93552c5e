// Publication-ready tables built from the engine's result JSON (docs/spec.md),
// rendered as accessible HTML and exported as CSV / TSV / clipboard HTML.
// Everything here is pure: result JSON in, TableModel / string / DOM out.
//
// TableModel = {id, name, title,
//               columns: [{label, align: 'left'|'right'|'center'}],
//               headerGroups?: [{label, span}]     (a spanning header row above the columns)
//               rows: [{cells: [string], kind: 'data'|'section', indent?: number}],
//               notes: [string]}                   (conventions the result states, footnotes)
// A 'section' row carries its label in cells[0] and spans the table.
//
// Context (ctx): where a results block sits, so labels and reference levels
// can be read from the spec. analysisBlocks(result) gives one per block
// (the whole cohort, then each subcohort); every builder also works without
// a ctx, with plainer labels.
//
// API:
//   analysisBlocks(result, {levelLabels}?) -> [{key, label, error?, results, ctx}]
//   makeContext({spec, cohort, results, key, label, levelLabels})
//   table1Model(results.table1, ctx)          Table 1: n (%), mean (SD), median (IQR), p, test
//   baselineModel(results.matching, ctx, opts?)  Table 2: before/after matching, p, SMD
//   coxTableModel(results.cox, ctx)           Table 3: univariate | multivariable HR (95% CI), p
//   kmSummaryModel(results.km, ctx)           n, events, median (95% CI), S(t) at km.times
//   logrankModel(results.logrank, ctx)        overall, stratified, by-variable, pairwise (raw, adjusted)
//   followupModel(results.followup, ctx)      median follow-up (reverse KM)
//   subgroupModel(results.subgroups, ctx)     forest-plot table: events/n per arm, HR, p, interaction p
//   matchingRoundsModel(results.matching, ctx)   one row per round, stop reason
//   matchedOutcomeModel(results.matching, ctx, opts?)   KM + Cox in the matched cohort
//   cutpointModel(results.cutpoint, ctx)      maxstat / median / Youden cutpoints
//   cutGroupsModel(results.cutpoint, ctx)     groups n/events/median, HR vs reference, pairwise p, matched comparisons
//   blockModels(block)                        every model that block's results support, in paper order
//   partErrors(part) -> [{where, message, field, detail}]   the errors inside one analysis's result
//                                             (a model, a test, a variable, a comparison that failed)
//   renderTable(model, document?) -> <table class="ls-table">
//   toCsv(model, {title, notes, bom}?), toTsv(model, {title, notes}?), toClipboardHtml(model)
//   spreadsheetCell(text) -> text    what every cell of those three exports goes through (formula neutralising)
//   copyTable(model, navigator?, {ClipboardItem, Blob}?) -> Promise<'html'|'text'>
// Every builder returns null when its section is absent (or cannot make a table).
// A part that could not be computed is {error: {message, field, detail}}
// (docs/spec.md); builders show it as a "not computed" row and a note.
//
// Cell conventions: see format.js ('NA' computed as missing, '–' not
// applicable, 'NR' median not reached); p as '<0.001' or 3 decimals; HR
// (95% CI) with 3 decimals; percentages with 1 decimal.

import {
  DASH,
  NOT_AVAILABLE,
  decimalsFor,
  formatCountPercent,
  formatRatioCI,
  formatInteger,
  formatMeanSD,
  formatMedianCI,
  formatMedianIQR,
  formatNumber,
  formatP,
  formatSurvivalPercent,
  timeDecimals,
  timeLabel,
} from './format.js';
import { escapeHtml } from './html.js';

// ---------------------------------------------------------------- context

// unit is what tables show times in: displayUnit when given (the page's
// "show times in"), else the data's own unit; shownTime converts.
export function makeContext({ spec = null, cohort = null, results = null, key = 'main', label = '', levelLabels = null, displayUnit = null } = {}) {
  const groupColumn = spec?.group?.column || '';
  const groupLevels = cohort?.group_levels ?? (spec?.group?.levels?.length ? spec.group.levels : []);
  const dataUnit = spec?.time?.unit || '';
  return { spec, cohort, results, key, label, levelLabels, groupColumn, groupLevels, dataUnit, unit: (dataUnit && displayUnit) || dataUnit };
}

const DAYS_PER_UNIT = { days: 1, weeks: 7, months: 30.4375, years: 365.25 };

/** A time in the data's unit, in the unit the tables show. */
function shownTime(ctx, t) {
  if (t == null || !ctx.dataUnit || ctx.unit === ctx.dataUnit) return t;
  return (t * DAYS_PER_UNIT[ctx.dataUnit]) / DAYS_PER_UNIT[ctx.unit];
}

function medianCell(ctx, estimate, lower, upper) {
  return formatMedianCI(shownTime(ctx, estimate), shownTime(ctx, lower), shownTime(ctx, upper), timeDecimals(ctx.unit));
}

function ensureCtx(ctx) {
  return ctx && typeof ctx === 'object' && 'key' in ctx ? ctx : makeContext(ctx ?? {});
}

/** The whole-cohort block, then one per subcohort, each with its own context. */
export function analysisBlocks(result, { levelLabels = null, displayUnit = null } = {}) {
  const r = result && result.result && !result.results ? result.result : result;
  if (!r) return [];
  const blocks = [];
  const spec = r.spec ?? null;
  blocks.push({
    key: 'main',
    label: '',
    results: r.results ?? {},
    ctx: makeContext({ spec, cohort: r.cohort, results: r.results, key: 'main', label: '', levelLabels, displayUnit }),
  });
  (r.subcohorts ?? []).forEach((s, i) => {
    const subSpec = spec?.subcohorts?.find((x) => x.name === s.name) ?? spec?.subcohorts?.[i];
    // A subcohort may set its own covariates and analyses; everything else is the study's.
    const effective = spec
      ? { ...spec, covariates: subSpec?.covariates ?? spec.covariates, analyses: subSpec?.analyses ?? spec.analyses }
      : null;
    const key = `sub${i + 1}`;
    blocks.push({
      key,
      label: s.name,
      error: s.error,
      results: s.results ?? {},
      ctx: makeContext({ spec: effective, cohort: s.cohort, results: s.results, key, label: s.name, levelLabels, displayUnit }),
    });
  });
  return blocks;
}

function groupName(ctx, level) {
  const custom = ctx.levelLabels?.[level];
  if (custom) return custom;
  return ctx.groupColumn ? `${ctx.groupColumn} = ${level}` : String(level);
}

function strataName(ctx, stratum) {
  return stratum === 'all' ? 'All patients' : groupName(ctx, stratum);
}

// The reference level of a factor term: declared in the spec, else the
// first level (R's treatment contrasts), read from the spec or Table 1.
function referenceLevel(ctx, term) {
  const spec = ctx.spec;
  if (spec?.group?.column === term) return spec.group.reference || ctx.groupLevels[0] || null;
  const cov = spec?.covariates?.find((c) => (typeof c === 'string' ? c : c.column) === term);
  if (cov && typeof cov === 'object') {
    if (cov.reference) return cov.reference;
    if (cov.levels?.length) return cov.levels[0];
  }
  const t1 = ctx.results?.table1?.variables?.find((v) => v.variable === term && v.levels?.length);
  return t1 ? t1.levels[0] : null;
}

function titled(ctx, base) {
  return ctx.label ? `${base} — ${ctx.label}` : base;
}

function ciLabel(level) {
  const c = level == null ? 95 : Math.round(level * 1000) / 10;
  return `${c}% CI`;
}

function unitSuffix(ctx) {
  return ctx.unit ? `, ${ctx.unit}` : '';
}

const col = (label, align = 'right') => ({ label, align });
const data = (cells, indent = 0) => (indent ? { kind: 'data', cells, indent } : { kind: 'data', cells });
const section = (label, width) => ({ kind: 'section', cells: [label, ...Array(width - 1).fill('')] });

function cutValue(x) {
  if (x == null || Number.isNaN(x)) return NOT_AVAILABLE;
  return String(Number(Number(x).toPrecision(6)));
}

function model(ctx, name, title, columns, rows, notes, extra = {}) {
  return { id: `${ctx.key}-${name}`, name, title: titled(ctx, title), columns, rows, notes: notes.filter(Boolean), ...extra };
}

const NOT_COMPUTED = 'not computed';

function errorText(e) {
  return typeof e === 'string' ? e : e?.message ?? '';
}

/** The errors inside one analysis's result (not its own top-level error), each with where it sits. */
export function partErrors(part) {
  const out = [];
  const walk = (node, where) => {
    if (Array.isArray(node)) return node.forEach((x, i) => walk(x, where));
    if (!node || typeof node !== 'object') return;
    if (node !== part && node.error) {
      const e = typeof node.error === 'string' ? { message: node.error } : node.error;
      const name = node.comparison ?? node.variable ?? node.formula ?? where;
      out.push({ where: name, message: e.message ?? '', field: e.field ?? null, detail: e.detail ?? null });
      return;
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'error' && k !== 'conventions') walk(v, where ? `${where} ${k}` : k);
  };
  walk(part, '');
  return out;
}

// ---------------------------------------------------------------- Table 1

function factorTest(tests) {
  const chisq = tests?.chisq;
  const fisher = tests?.fisher;
  // The balance rule's 'auto' test (docs/spec.md): Fisher when an expected
  // count is below 5, else chi-square.
  const useFisher = fisher && fisher.p != null && (!chisq || chisq.p == null || !(chisq.min_expected >= 5));
  if (useFisher) return { p: fisher.p, label: "Fisher's exact" };
  if (chisq) return { p: chisq.p, label: chisq.yates_applied ? 'χ² (Yates)' : 'χ²' };
  return null;
}

function tLabel(t) {
  if (!t) return DASH;
  if (/welch/i.test(t.method ?? '')) return 'Welch t';
  return 't';
}

export function table1Model(t1, ctx) {
  if (!t1?.variables?.length) return null;
  ctx = ensureCtx(ctx);
  const groups = t1.groups ?? [];
  const byGroup = groups.length >= 2;
  const first = t1.variables.find((v) => !v.error) ?? {};
  const total = (s) => (s ? s.n + (s.missing ?? 0) : null);
  const columns = [col('Characteristic', 'left'), col(`Overall (n = ${formatInteger(ctx.cohort?.rows_used ?? total(first.overall))})`)];
  if (byGroup) {
    groups.forEach((g, i) => columns.push(col(`${groupName(ctx, g)} (n = ${formatInteger(total(first.by_group?.[i]))})`)));
    columns.push(col('p'), col('Test', 'left'));
  }
  const width = columns.length;
  const pad = (cells) => [...cells, ...Array(width - cells.length).fill('')];
  const rows = [];
  let anyFisher = false;
  let anyMissing = false;
  const hasFactor = t1.variables.some((v) => v.type === 'factor');
  const hasNumeric = t1.variables.some((v) => v.type === 'numeric');
  const failed = [];
  for (const v of t1.variables) {
    if (v.error) {
      failed.push(`${v.variable}: ${errorText(v.error)}`);
      rows.push(data(pad([v.variable, NOT_COMPUTED])));
      continue;
    }
    const parts = [v.overall, ...(byGroup ? v.by_group ?? [] : [])];
    if (v.type === 'factor') {
      const test = byGroup ? factorTest(v.tests) : null;
      if (test?.label.startsWith('Fisher')) anyFisher = true;
      rows.push(data(pad([v.variable, ...parts.map(() => ''), ...(byGroup ? [test ? formatP(test.p) : DASH, test ? test.label : DASH] : [])])));
      v.levels.forEach((level, j) => {
        rows.push(data(pad([level, ...parts.map((s) => formatCountPercent(s.counts[j], s.percent[j]))]), 1));
      });
    } else {
      const d = decimalsFor(v.overall.sd);
      const t = v.tests?.t;
      const w = v.tests?.wilcoxon;
      rows.push(data(pad([v.variable])));
      rows.push(data(pad(['Mean (SD)', ...parts.map((s) => formatMeanSD(s.mean, s.sd, d)), ...(byGroup ? [t ? formatP(t.p) : DASH, tLabel(t)] : [])]), 1));
      rows.push(
        data(
          pad([
            'Median (IQR)',
            ...parts.map((s) => formatMedianIQR(s.median, s.q1, s.q3, d)),
            ...(byGroup ? [w ? formatP(w.p) : DASH, w ? (w.exact ? 'Wilcoxon (exact)' : 'Wilcoxon') : DASH] : []),
          ]),
          1,
        ),
      );
    }
    if (v.overall.missing > 0) {
      anyMissing = true;
      rows.push(data(pad(['Missing', ...parts.map((s) => formatInteger(s.missing))]), 1));
    }
  }
  const yates = ctx.spec?.analyses?.table1?.yates;
  const notes = [
    'Values are n (%) with percentages of the non-missing values, mean (SD), or median (IQR: first–third quartile, quantile type 7).',
    byGroup &&
      hasFactor &&
      `p for factors: χ² test${yates === false ? ' without continuity correction' : " (Yates' continuity correction on 2×2 tables)"} when every expected count is at least 5, otherwise Fisher's exact test; the Test column names the test used for each row.`,
    byGroup && hasNumeric && 'p for numeric variables: Welch two-sample t-test (mean) and Wilcoxon rank-sum test (median); – = no test (numeric variables with more than two groups).',
    byGroup && anyFisher && "Fisher's exact test was used where an expected count was below 5.",
    anyMissing && 'Missing: rows without a value, not counted in the percentages.',
    ...failed,
    'NA = not computable.',
  ];
  return model(ctx, 'table1', byGroup ? `Baseline characteristics by ${ctx.groupColumn || 'group'}` : 'Baseline characteristics', columns, rows, notes);
}

// ---------------------------------------------------------------- Table 2: balance before / after matching

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
        data([`${t.variable}, mean`, meanCell(b.mean_control), meanCell(b.mean_treated), pB, formatNumber(b.smd, 3),
          meanCell(a?.mean_control), meanCell(a?.mean_treated), pA, formatNumber(a?.smd, 3), testLabel]),
      );
      continue;
    }
    rows.push(data([t.variable, '', '', pB, '', '', '', pA, '', testLabel]));
    for (const { level, column: b } of cols) {
      const a = afterByName.get(b.variable);
      rows.push(
        data(
          [level, proportionCell(b.mean_control, before.n_control), proportionCell(b.mean_treated, before.n_treated), '', formatNumber(b.smd, 3),
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

// ---------------------------------------------------------------- Table 3: Cox

function coefEntries(fit) {
  const c = fit?.coefficients;
  if (!c?.name) return [];
  return c.name.map((name, i) => ({
    name,
    term: c.term?.[i] ?? name,
    level: c.level?.[i] ?? '',
    hr: c.hr[i],
    lower: c.lower[i],
    upper: c.upper[i],
    p: c.p[i],
  }));
}

const hrCell = (e) => (e ? formatRatioCI(e.hr, e.lower, e.upper, 3) : DASH);
const pCell = (e) => (e ? formatP(e.p) : DASH);

export function coxTableModel(cox, ctx) {
  if (!cox) return null;
  ctx = ensureCtx(ctx);
  const uni = (cox.univariate ?? []).flatMap(coefEntries);
  const multi = coefEntries(cox.multivariable);
  const failedUni = (cox.univariate ?? []).filter((f) => f.error);
  if (!uni.length && !multi.length && !failedUni.length) return null;
  const hasUni = uni.length > 0 || failedUni.length > 0;
  const hasMulti = multi.length > 0;
  const ci = ciLabel(ctx.spec?.analyses?.cox?.conf_int);
  const columns = [col('Variable', 'left')];
  const headerGroups = [{ label: '', span: 1 }];
  if (hasUni) {
    columns.push(col(`HR (${ci})`), col('p'));
    headerGroups.push({ label: 'Univariate', span: 2 });
  }
  if (hasMulti) {
    columns.push(col(`HR (${ci})`), col('p'));
    headerGroups.push({ label: 'Multivariable', span: 2 });
  }
  const uniBy = new Map(uni.map((e) => [e.name, e]));
  const multiBy = new Map(multi.map((e) => [e.name, e]));
  // Paper order: the univariate terms as fitted, then any term only the multivariable model has.
  const order = [...uni, ...multi.filter((e) => !uniBy.has(e.name))];
  const terms = [];
  for (const e of order) {
    let t = terms.find((x) => x.term === e.term);
    if (!t) terms.push((t = { term: e.term, entries: [] }));
    if (!t.entries.some((x) => x.name === e.name)) t.entries.push(e);
  }
  const cellsFor = (e) => [
    ...(hasUni ? [hrCell(uniBy.get(e.name)), pCell(uniBy.get(e.name))] : []),
    ...(hasMulti ? [hrCell(multiBy.get(e.name)), pCell(multiBy.get(e.name))] : []),
  ];
  const rows = [];
  let anyDropped = false;
  for (const t of terms) {
    if (hasMulti && t.entries.some((e) => !multiBy.has(e.name))) anyDropped = true;
    const isFactor = t.entries.some((e) => e.level !== '' && e.level != null);
    if (!isFactor) {
      for (const e of t.entries) rows.push(data([e.name, ...cellsFor(e)]));
      continue;
    }
    const ref = referenceLevel(ctx, t.term);
    const vs = (level) => (ref != null ? `${level} vs ${ref}` : String(level));
    if (t.entries.length === 1) {
      rows.push(data([`${t.term} (${vs(t.entries[0].level)})`, ...cellsFor(t.entries[0])]));
    } else {
      rows.push(data([t.term, ...Array(columns.length - 1).fill('')]));
      for (const e of t.entries) rows.push(data([vs(e.level), ...cellsFor(e)], 1));
    }
  }
  for (const f of failedUni) rows.push(data([(f.terms ?? [f.formula]).join(' + '), NOT_COMPUTED, DASH, ...(hasMulti ? [DASH, DASH] : [])]));
  const conv = cox.conventions ?? {};
  const mv = cox.multivariable;
  const sel = cox.selection;
  const notes = [
    `Cox proportional hazards models; ties: ${conv.ties ?? ctx.spec?.analyses?.cox?.ties ?? 'efron'}; ${ci}: ${conv.ci ?? 'Wald'}.`,
    'Factor terms: hazard ratio of the level vs the reference level; numeric terms: per unit.',
    hasUni && 'Univariate: one model per term.',
    hasMulti && mv && `Multivariable model: ${mv.formula ?? ''} (n = ${mv.n}, events = ${mv.nevent}).`,
    sel?.rule && `Multivariable selection: ${sel.rule}.`,
    hasMulti && anyDropped && '– = term not in the multivariable model.',
    ctx.spec?.analyses?.cox?.strata && `Stratified on ${ctx.spec.analyses.cox.strata}.`,
    ctx.spec?.analyses?.cox?.cluster && `Robust (sandwich) SE clustered on ${ctx.spec.analyses.cox.cluster}.`,
    ...failedUni.map((f) => `Univariate model of ${(f.terms ?? [f.formula]).join(' + ')} not fitted: ${errorText(f.error)}`),
    mv?.error && `Multivariable model${mv.formula ? ` ${mv.formula}` : ''} not fitted: ${errorText(mv.error)}`,
    'NA = not estimable (e.g. an aliased coefficient).',
  ];
  return model(ctx, 'cox', 'Univariate and multivariable Cox regression', columns, rows, notes, { headerGroups });
}

// ---------------------------------------------------------------- Kaplan–Meier

function curveColumns(ctx, times, ciText, first = 'Group') {
  return [
    col(first, 'left'),
    col('n'),
    col('Events'),
    col(`Median${unitSuffix(ctx)} (${ciText})`),
    ...times.map((t) => col(`${timeLabel(shownTime(ctx, t), ctx.unit || 'days')} survival, % (${ciText})`)),
  ];
}

function curveCells(ctx, curve, times, label) {
  const at = curve.at_times ?? {};
  return [
    label ?? strataName(ctx, curve.stratum),
    formatInteger(curve.n),
    formatInteger(curve.events),
    medianCell(ctx, curve.median?.estimate, curve.median?.lower, curve.median?.upper),
    ...times.map((t) => {
      const i = (at.time ?? []).indexOf(t);
      return i < 0 ? NOT_AVAILABLE : formatSurvivalPercent(at.surv[i], at.lower[i], at.upper[i]);
    }),
  ];
}

function weightedCurveCells(ctx, curve, times, label) {
  // Weighted n and events are sums of weights.
  const cells = curveCells(ctx, curve, times, label);
  const frac = (x) => x != null && Math.abs(x - Math.round(x)) > 1e-6;
  if (frac(curve.n)) cells[1] = formatNumber(curve.n, 1);
  if (frac(curve.events)) cells[2] = formatNumber(curve.events, 1);
  return cells;
}

export function kmSummaryModel(km, ctx) {
  if (!km?.overall && !km?.by_group?.length) return null;
  ctx = ensureCtx(ctx);
  const curves = [km.overall, ...(km.by_group ?? [])].filter(Boolean);
  const times = curves[0].at_times?.time ?? [];
  const conv = km.conventions ?? {};
  const ciText = ciLabel(conv.conf_int);
  const rows = curves.map((c) => data(curveCells(ctx, c, times)));
  const notes = [
    `Kaplan–Meier estimates; ${ciText}: ${conv.conf_type ?? 'log'} transformation, ${conv.variance ?? 'Greenwood'} variance.`,
    times.length && `Survival at ${times.map((t) => `${t} ${ctx.dataUnit || ''}`.trim()).join(', ')} from ${conv.at_times ?? 'summary.survfit'}.`,
    ctx.unit !== ctx.dataUnit && `Times shown in ${ctx.unit} (data in ${ctx.dataUnit}; 1 month = 30.4375 days, 1 year = 365.25 days).`,
    'NR = not reached.',
  ];
  return model(ctx, 'km', 'Kaplan–Meier survival', curveColumns(ctx, times, ciText), rows, notes);
}

// ---------------------------------------------------------------- log-rank

function testRows(test, label, ctx, width) {
  const rows = [data([label, formatInteger(test.n?.reduce((a, b) => a + b, 0)), formatNumber(test.statistic, 2), formatInteger(test.df), formatP(test.p), DASH].slice(0, width))];
  for (const pr of test.pairwise?.pairs ?? []) {
    rows.push(data([`${pr.a} vs ${pr.b}`, formatInteger(pr.n), formatNumber(pr.statistic, 2), formatInteger(pr.df), formatP(pr.p), formatP(pr.p_adjusted)].slice(0, width), 1));
  }
  return rows;
}

export function logrankModel(logrank, ctx) {
  if (!logrank) return null;
  ctx = ensureCtx(ctx);
  const tests = [];
  const groupsOf = (t) => (t.error ? '' : ` (${t.groups.length} groups)`);
  if (logrank.by_group) tests.push([logrank.by_group, `${logrank.by_group.variable}${groupsOf(logrank.by_group)}`]);
  if (logrank.stratified) tests.push([logrank.stratified, `${logrank.stratified.variable}, stratified by ${logrank.stratified.strata}`]);
  for (const t of logrank.by ?? []) tests.push([t, `${t.variable}${groupsOf(t)}`]);
  if (!tests.length) return null;
  const anyPairs = tests.some(([t]) => t.pairwise?.pairs?.length);
  const columns = [col('Comparison', 'left'), col('n'), col('χ²'), col('df'), col('p')];
  if (anyPairs) columns.push(col('Adjusted p'));
  const rows = tests.flatMap(([t, label]) =>
    t.error ? [data([label, NOT_COMPUTED, ...Array(columns.length - 2).fill('')])] : testRows(t, label, ctx, columns.length));
  const conv = logrank.conventions ?? {};
  const adjust = tests.map(([t]) => t.pairwise?.adjust).find(Boolean);
  const notes = [
    `${conv.weights ?? 'Log-rank test'} (rho = ${conv.rho ?? 0}); df: ${conv.df ?? 'groups − 1'}.`,
    anyPairs && `Pairwise: each pair of groups tested on its own rows; adjusted p by ${adjust} (p.adjust).`,
    logrank.stratified && 'The stratified test compares the groups within strata; the by-variable tests are not stratified.',
    ...tests.filter(([t]) => t.error).map(([t, label]) => `${label}: ${errorText(t.error)}`),
  ];
  return model(ctx, 'logrank', 'Log-rank tests', columns, rows, notes);
}

// ---------------------------------------------------------------- follow-up

export function followupModel(followup, ctx) {
  if (!followup?.overall && !followup?.by_group?.length) return null;
  ctx = ensureCtx(ctx);
  const conv = followup.conventions ?? {};
  const ciText = ciLabel(conv.conf_int);
  const columns = [col('Group', 'left'), col('n'), col(`Median follow-up${unitSuffix(ctx)} (${ciText})`)];
  const rows = [followup.overall, ...(followup.by_group ?? [])]
    .filter(Boolean)
    .map((f) => data([strataName(ctx, f.stratum), formatInteger(f.n), medianCell(ctx, f.median, f.lower, f.upper)]));
  const notes = [`Median follow-up: ${conv.method ?? 'reverse Kaplan–Meier'}; ${ciText}: ${conv.conf_type ?? 'log'} transformation.`, 'NR = not reached.'];
  return model(ctx, 'followup', 'Follow-up', columns, rows, notes);
}

// ---------------------------------------------------------------- subgroups

export function subgroupModel(subgroups, ctx) {
  if (!subgroups?.variables?.length) return null;
  ctx = ensureCtx(ctx);
  const [control, treated] = ctx.groupLevels.length === 2 ? ctx.groupLevels.map((l) => groupName(ctx, l)) : ['Control', 'Treated'];
  const ci = ciLabel(ctx.spec?.analyses?.cox?.conf_int);
  const columns = [
    col('Subgroup', 'left'),
    col(`${control}, events/n`),
    col(`${treated}, events/n`),
    col(`HR (${ci})`),
    col('p'),
    col('Interaction p'),
  ];
  const rows = [];
  for (const v of subgroups.variables) {
    if (v.error) {
      rows.push(data([v.variable, NOT_COMPUTED, '', '', '', '']));
      continue;
    }
    rows.push(data([v.variable, '', '', '', '', formatP(v.interaction?.lrt?.p)]));
    for (const l of v.levels ?? []) {
      rows.push(
        data(
          [l.level, `${formatInteger(l.events_control)}/${formatInteger(l.n_control)}`, `${formatInteger(l.events_treated)}/${formatInteger(l.n_treated)}`,
            formatRatioCI(l.hr, l.lower, l.upper, 3), formatP(l.p), ''],
          1,
        ),
      );
    }
  }
  const conv = subgroups.conventions ?? {};
  const adjusted = ctx.spec?.analyses?.subgroups?.adjust;
  const notes = [
    `HR of ${conv.treated ?? treated} vs ${control} within each subgroup level: ${conv.per_level ?? 'Cox model'}${adjusted === true ? ', adjusted for the covariates' : adjusted === false ? ', unadjusted' : ''}.`,
    `Interaction p: likelihood-ratio test of treatment × subgroup${conv.interaction ? ` (method: ${conv.interaction})` : ''}; the joint Wald p is in the result JSON.`,
    ...subgroups.variables.filter((v) => v.error).map((v) => `${v.variable}: ${errorText(v.error)}`),
    'NA = not estimable in that level (e.g. no events in one arm).',
  ];
  return model(ctx, 'subgroups', 'Subgroup analysis of the treatment effect', columns, rows, notes);
}

// ---------------------------------------------------------------- matching rounds

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

// ---------------------------------------------------------------- matched outcome

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
    mo.cox?.call && `Cox: ${mo.cox.call}${mo.cox.coefficients?.robust_se ? ' (robust SE)' : ''}.`,
    mo.logrank_note,
    'NR = not reached.',
  ];
  return model(ctx, opts.name ?? 'matched-outcome', opts.title ?? 'Survival in the matched cohort', columns, rows, notes);
}

// ---------------------------------------------------------------- cutpoint and cut groups

export function cutpointModel(cutpoint, ctx) {
  if (!cutpoint || !(cutpoint.maxstat || cutpoint.median || cutpoint.youden)) return null;
  ctx = ensureCtx(ctx);
  const columns = [col('Method', 'left'), col('Cutpoint'), col('n ≤ cut / n > cut'), col('Statistic', 'left'), col('p')];
  const rows = [];
  const m = cutpoint.maxstat?.error ? null : cutpoint.maxstat;
  if (cutpoint.maxstat?.error) rows.push(data(['Maximally selected log-rank (maxstat)', NOT_COMPUTED, DASH, DASH, DASH]));
  if (m) rows.push(data(['Maximally selected log-rank (maxstat)', cutValue(m.cutpoint), `${formatInteger(m.n_low)} / ${formatInteger(m.n_high)}`, `standardized statistic ${formatNumber(m.statistic, 3)}`, formatP(m.p)]));
  const md = cutpoint.median;
  if (md) rows.push(data(['Median', cutValue(md.cutpoint), `${formatInteger(md.n_low)} / ${formatInteger(md.n_high)}`, DASH, DASH]));
  const y = cutpoint.youden;
  if (y)
    rows.push(
      data(['Youden index', cutValue(y.cutpoint), DASH,
        `J = ${formatNumber(y.youden, 3)}, sensitivity ${formatNumber(y.sensitivity, 3)}, specificity ${formatNumber(y.specificity, 3)}, AUC ${formatNumber(y.auc, 3)}`, DASH]),
    );
  const conv = cutpoint.conventions ?? {};
  const notes = [
    conv.maxstat && `maxstat: ${conv.maxstat}.`,
    cutpoint.maxstat?.error && `maxstat not computed: ${errorText(cutpoint.maxstat.error)}`,
    conv.youden && `Youden: ${conv.youden}.`,
    conv.groups && `Groups: ${conv.groups}.`,
  ];
  const column = ctx.spec?.analyses?.cutpoint?.column;
  return model(ctx, 'cutpoint', column ? `Cutpoints of ${column}` : 'Cutpoints', columns, rows, notes);
}

export function cutGroupsModel(cutpoint, ctx) {
  const g = cutpoint?.groups;
  if (!g?.definition) return null;
  ctx = ensureCtx(ctx);
  const def = g.definition;
  const ci = ciLabel(ctx.spec?.analyses?.cox?.conf_int);
  const columns = [
    col('Group / comparison', 'left'),
    col('n'),
    col('Events'),
    col(`Median${unitSuffix(ctx)} (${ciLabel(ctx.spec?.analyses?.km?.conf_int)})`),
    col(`HR (${ci})`),
    col('p'),
    col('Adjusted p'),
  ];
  const w = columns.length;
  const rows = [section(`Groups (cutpoint ${cutValue(def.cutpoint)}, chosen by ${def.chosen_by})`, w)];
  const coxBy = new Map(
    (g.cox?.coefficients?.level ?? []).map((lvl, i) => [lvl, { hr: g.cox.coefficients.hr[i], lower: g.cox.coefficients.lower[i], upper: g.cox.coefficients.upper[i], p: g.cox.coefficients.p[i] }]),
  );
  const reference = def.reference ?? g.cox?.reference ?? def.levels?.[0];
  (def.levels ?? []).forEach((level, i) => {
    const km = (g.km_by_group ?? []).find((c) => c.stratum === level);
    const e = coxBy.get(level);
    rows.push(
      data([
        level,
        formatInteger(g.n?.[i]),
        formatInteger(g.events?.[i]),
        km ? medianCell(ctx, km.median?.estimate, km.median?.lower, km.median?.upper) : NOT_AVAILABLE,
        level === reference ? '1 (reference)' : hrCell(e),
        level === reference ? DASH : pCell(e),
        DASH,
      ], 1),
    );
  });
  if (g.logrank) {
    rows.push(section('Log-rank tests', w));
    rows.push(data([`Overall (${g.logrank.groups.length} groups)`, formatInteger(g.logrank.n?.reduce((a, b) => a + b, 0)), '', '', '', formatP(g.logrank.p), DASH], 1));
    for (const pr of g.logrank.pairwise?.pairs ?? []) {
      rows.push(data([`${pr.a} vs ${pr.b}`, formatInteger(pr.n), '', '', '', formatP(pr.p), formatP(pr.p_adjusted)], 1));
    }
  }
  const errors = [];
  if (g.matched?.length) {
    rows.push(section('Matched comparisons (n = matched treated / control)', w));
    for (const m of g.matched) {
      const mo = m.matching?.matched_outcome;
      const k = m.matching?.counts;
      const e = coefEntries(mo?.cox)[0];
      if (m.error) errors.push(`${m.comparison}: ${errorText(m.error)}`);
      else if (mo?.error) errors.push(`${m.comparison}: ${errorText(mo.error)}`);
      rows.push(
        data([
          m.comparison,
          k ? `${formatInteger(k.matched_treated)} / ${formatInteger(k.matched_control)}` : NOT_AVAILABLE,
          mo?.cox ? formatInteger(mo.cox.nevent) : NOT_AVAILABLE,
          '',
          e ? hrCell(e) : NOT_AVAILABLE,
          e ? pCell(e) : NOT_AVAILABLE,
          DASH,
        ], 1),
      );
    }
  }
  const adjust = g.logrank?.pairwise?.adjust;
  const notes = [
    `Groups: ${def.none ? `${def.levels?.[0]} = rows with ${def.none}; ` : ''}the others split at ${cutValue(def.cutpoint)} (${cutpoint.conventions?.groups ?? 'high = x > cutpoint'}).`,
    `HR vs ${reference} from ${g.cox?.call ?? 'a Cox model of the groups'}.`,
    adjust && `Pairwise log-rank p adjusted by ${adjust}.`,
    g.matched?.length && 'Matched comparisons: each cut group matched against the reference by propensity score; HR of the cut group in the matched cohort (Cox, robust SE clustered on pairs). NA: no matched pairs.',
    ...errors,
    'NR = not reached.',
  ];
  return model(ctx, 'cut-groups', def.levels?.length ? `Groups by cutpoint (${def.levels.join(', ')})` : 'Groups by cutpoint', columns, rows, notes);
}

// ---------------------------------------------------------------- all models of a block

/** Every table a block's results support, in the paper's order. */
export function blockModels(block) {
  const r = block?.results ?? {};
  const ctx = block?.ctx ?? makeContext({ results: r });
  const out = [
    table1Model(r.table1, ctx),
    baselineModel(r.matching, ctx),
    coxTableModel(r.cox, ctx),
    kmSummaryModel(r.km, ctx),
    followupModel(r.followup, ctx),
    logrankModel(r.logrank, ctx),
    subgroupModel(r.subgroups, ctx),
    matchingRoundsModel(r.matching, ctx),
    matchedOutcomeModel(r.matching, ctx),
    cutpointModel(r.cutpoint, ctx),
    cutGroupsModel(r.cutpoint, ctx),
  ];
  (r.cutpoint?.groups?.matched ?? []).forEach((m, i) => {
    if (!m.matching) return;
    const [treatedLabel, controlLabel] = m.comparison.split(' vs ');
    out.push(
      baselineModel(m.matching, ctx, {
        treatedLabel,
        controlLabel,
        name: `cut-baseline-${i + 1}`,
        title: `Baseline before and after matching: ${m.comparison}`,
      }),
    );
  });
  return out.filter(Boolean);
}

// ---------------------------------------------------------------- rendering

function alignClass(align) {
  return `ls-align-${align === 'left' || align === 'center' ? align : 'right'}`;
}

/** <table class="ls-table"> with caption, thead (th scope=col / colgroup), tbody (row headers th scope=row), tfoot notes. */
export function renderTable(model, document = globalThis.document) {
  const el = (tag, attrs = {}, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) if (v != null) e.setAttribute(k, String(v));
    if (text != null) e.textContent = text;
    return e;
  };
  const n = model.columns.length;
  const table = el('table', { class: 'ls-table', id: `table-${model.id}`, 'data-table': model.name ?? model.id });
  table.append(el('caption', {}, model.title));
  const thead = el('thead');
  if (model.headerGroups?.length) {
    const tr = el('tr', { class: 'ls-header-groups' });
    for (const g of model.headerGroups) {
      tr.append(g.label ? el('th', { scope: 'colgroup', colspan: g.span > 1 ? g.span : null }, g.label) : el('td', { colspan: g.span > 1 ? g.span : null }));
    }
    thead.append(tr);
  }
  const hr = el('tr');
  model.columns.forEach((c) => hr.append(el('th', { scope: 'col', class: alignClass(c.align) }, c.label)));
  thead.append(hr);
  table.append(thead);
  const tbody = el('tbody');
  for (const row of model.rows) {
    if (row.kind === 'section') {
      const tr = el('tr', { class: 'ls-section' });
      tr.append(el('th', { scope: 'rowgroup', colspan: n }, row.cells[0]));
      tbody.append(tr);
      continue;
    }
    const tr = el('tr', row.indent ? { class: `ls-indent-${row.indent}` } : {});
    row.cells.forEach((cell, i) => {
      const align = alignClass(model.columns[i]?.align);
      tr.append(i === 0 ? el('th', { scope: 'row', class: `${align} ls-row-label` }, cell) : el('td', { class: align }, cell));
    });
    tbody.append(tr);
  }
  table.append(tbody);
  if (model.notes?.length) {
    const tfoot = el('tfoot');
    for (const note of model.notes) {
      const tr = el('tr', { class: 'ls-note' });
      tr.append(el('td', { colspan: n }, note));
      tfoot.append(tr);
    }
    table.append(tfoot);
  }
  return table;
}

// ---------------------------------------------------------------- exports

const INDENT = '  ';

function gridOf(model, { title = true, notes = true } = {}) {
  const n = model.columns.length;
  const lines = [];
  if (title) lines.push([model.title]);
  if (model.headerGroups?.length) {
    const row = [];
    for (const g of model.headerGroups) row.push(g.label, ...Array(Math.max(0, (g.span ?? 1) - 1)).fill(''));
    lines.push(row);
  }
  lines.push(model.columns.map((c) => c.label));
  for (const r of model.rows) {
    const cells = r.kind === 'section' ? [r.cells[0], ...Array(n - 1).fill('')] : [...r.cells];
    if (r.indent) cells[0] = INDENT.repeat(r.indent) + cells[0];
    lines.push(cells);
  }
  if (notes && model.notes?.length) {
    lines.push([]);
    for (const note of model.notes) lines.push([note]);
  }
  return lines;
}

// A cell a spreadsheet reads as a plain number: sign, digits, decimals,
// exponent ('-0.52', '+3', '-1.2e-5', '.5'). Nothing else that starts with a
// sign is left alone ('-1+1', '-SUM(A1)', '-∞', '-1.23 (0.45)').
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The one gate between a table cell and a spreadsheet (CSV, TSV clipboard
 * text, clipboard HTML). Column names, levels and labels come from the user's
 * file or a share link, so a cell that Excel, LibreOffice or Google Sheets
 * would read as a formula or DDE call (OWASP CSV injection: a first character
 * of =, +, -, @, tab or CR; here also after leading white space, as a table's
 * indent puts it there) gets a leading apostrophe and stays text. Real
 * numbers, negative ones included, stay numbers.
 */
export function spreadsheetCell(text) {
  const s = String(text ?? '');
  if (/^[\t\r]/.test(s)) return `'${s}`;
  const t = s.trim();
  return /^[=+\-@]/.test(t) && !PLAIN_NUMBER.test(t) ? `'${s}` : s;
}

function csvField(s) {
  const v = spreadsheetCell(s);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** RFC 4180: CRLF records, fields with comma, quote or line break quoted, quotes doubled. The string is text; save it as UTF-8 (bom: true prepends U+FEFF so Excel reads it as UTF-8). */
export function toCsv(model, { title = true, notes = true, bom = false } = {}) {
  const body = gridOf(model, { title, notes })
    .map((cells) => cells.map(csvField).join(','))
    .join('\r\n');
  return `${bom ? '\uFEFF' : ''}${body}\r\n`;
}

/** Tab-separated, for the plain-text clipboard: tabs and line breaks inside a cell become spaces. */
export function toTsv(model, { title = true, notes = true } = {}) {
  return (
    gridOf(model, { title, notes })
      .map((cells) => cells.map((c) => spreadsheetCell(c).replace(/[\t\r\n]+/g, ' ')).join('\t'))
      .join('\r\n') + '\r\n'
  );
}

/** A cell's text for the clipboard's HTML table: neutralised as in the CSV, then escaped. */
const htmlCell = (s) => escapeHtml(spreadsheetCell(s));

// Inline styles only: Word and Excel drop stylesheets on paste.
// mso-number-format:'\@' (single quotes: the style attribute is in double quotes) makes Excel keep each cell as text, so '0.050'
// stays '0.050', '<0.001' is not read as a formula and '3/12' is not a date.
const CELL = "padding:2px 6px;font-family:Arial,Helvetica,sans-serif;font-size:10pt;vertical-align:top;mso-number-format:'\\@';";
const RULE = 'border-bottom:1px solid #000;';

/** A self-contained <table> string with inline styles, for text/html on the clipboard. */
export function toClipboardHtml(model) {
  const n = model.columns.length;
  const align = (a) => `text-align:${a === 'left' || a === 'center' ? a : 'right'};`;
  const out = [];
  out.push(`<table style="border-collapse:collapse;border-top:1px solid #000;border-bottom:1px solid #000;">`);
  out.push(`<thead>`);
  out.push(`<tr><td colspan="${n}" style="${CELL}font-weight:bold;text-align:left;">${htmlCell(model.title)}</td></tr>`);
  if (model.headerGroups?.length) {
    out.push(
      '<tr>' +
        model.headerGroups
          .map((g) => `<th colspan="${g.span ?? 1}" style="${CELL}text-align:center;${g.label ? RULE : ''}">${htmlCell(g.label)}</th>`)
          .join('') +
        '</tr>',
    );
  }
  out.push('<tr>' + model.columns.map((c) => `<th style="${CELL}${align(c.align)}${RULE}font-weight:bold;">${htmlCell(c.label)}</th>`).join('') + '</tr>');
  out.push(`</thead><tbody>`);
  for (const r of model.rows) {
    if (r.kind === 'section') {
      out.push(`<tr><td colspan="${n}" style="${CELL}text-align:left;font-weight:bold;">${htmlCell(r.cells[0])}</td></tr>`);
      continue;
    }
    // Non-breaking spaces survive the paste in both Word and Excel, padding does not in Excel.
    const lead = r.indent ? '&nbsp;'.repeat(3 * r.indent) : '';
    out.push(
      '<tr>' +
        r.cells.map((c, i) => `<td style="${CELL}${align(model.columns[i]?.align)}">${i === 0 ? lead : ''}${htmlCell(c)}</td>`).join('') +
        '</tr>',
    );
  }
  out.push('</tbody>');
  if (model.notes?.length) {
    out.push('<tfoot>');
    model.notes.forEach((note, i) =>
      out.push(`<tr><td colspan="${n}" style="${CELL}text-align:left;font-size:8pt;${i === 0 ? 'border-top:1px solid #000;' : ''}">${htmlCell(note)}</td></tr>`),
    );
    out.push('</tfoot>');
  }
  out.push('</table>');
  return out.join('');
}

/**
 * Copies the table: text/html (toClipboardHtml) + text/plain (toTsv) with
 * ClipboardItem where the browser has it, else plain text. Resolves to
 * 'html' or 'text'; rejects when no clipboard is available.
 */
export async function copyTable(model, navigator = globalThis.navigator, { ClipboardItem = globalThis.ClipboardItem, Blob = globalThis.Blob } = {}) {
  const clipboard = navigator?.clipboard;
  if (!clipboard) throw new Error('no clipboard available');
  const text = toTsv(model);
  if (typeof clipboard.write === 'function' && typeof ClipboardItem === 'function' && typeof Blob === 'function') {
    try {
      await clipboard.write([
        new ClipboardItem({
          'text/html': new Blob([toClipboardHtml(model)], { type: 'text/html' }),
          'text/plain': new Blob([text], { type: 'text/plain' }),
        }),
      ]);
      return 'html';
    } catch {
      // Some browsers refuse text/html writes (permissions, policy): plain text still helps.
    }
  }
  await clipboard.writeText(text);
  return 'text';
}
