// What every analysis's tables share (web/analyses/*.js build the tables;
// web/tables.js renders and exports them): the context a results block gives
// its tables, and the cells, columns and notes more than one analysis writes.
//
// TableModel = {id, name, title,
//               columns: [{label, align: 'left'|'right'|'center'}],
//               headerGroups?: [{label, span}]     (a spanning header row above the columns)
//               rows: [{cells: [string], kind: 'data'|'section', indent?: number}],
//               notes: [string]}                   (conventions the result states, footnotes)
// A 'section' row carries its label in cells[0] and spans the table.
//
// Context (ctx): where a results block sits, so labels and reference levels
// can be read from the spec (tables.analysisBlocks gives one per block);
// every builder also works without a ctx, with plainer labels.
//
//   makeContext({spec, cohort, results, key, label, levelLabels, displayUnit}), ensureCtx(ctx)
//   model(ctx, name, title, columns, rows, notes, extra?) -> TableModel
//   col(label, align?), data(cells, indent?), section(label, width)   columns and rows
//   partErrors(part) -> [{where, message, field, detail}]   the errors inside one analysis's result
//   shownTime, medianCell, groupName, strataName, referenceLevel, ciLabel, unitSuffix,
//   cutValue, errorText (in the page's language), notComputed(); coefEntries, hrCell, pCell (Cox);
//   curveColumns, curveCells, weightedCurveCells, followUpEnd, beyondFollowUp, beyondFollowUpNote (Kaplan–Meier)
//
// Cell conventions: see format.js ('NA' computed as missing, '–' not
// applicable, 'NR' median not reached); p as '<0.001' or 3 decimals; HR
// (95% CI) with 3 decimals; percentages with 1 decimal.

import { DASH, NOT_AVAILABLE, formatInteger, formatMedianCI, formatNumber, formatP, formatRatioCI, formatSurvivalPercent, notEstimable, timeDecimals, timeLabel } from './format.js';
import { convertTime, unitName } from './units.js';
import { t } from './i18n.js';
import { engineMessage } from './engine_text.js';
import { displayNames, groupLevelText } from './names.js';

// ---------------------------------------------------------------- context

// unit is what tables show times in: displayUnit when given (the page's
// "show times in"), else the data's own unit; shownTime converts.
export function makeContext({ spec = null, cohort = null, results = null, key = 'main', label = '', levelLabels = null, displayUnit = null } = {}) {
  const groupColumn = spec?.group?.column || '';
  const groupLevels = cohort?.group_levels ?? (spec?.group?.levels?.length ? spec.group.levels : []);
  const dataUnit = spec?.time?.unit || '';
  return { spec, cohort, results, key, label, levelLabels, groupColumn, groupLevels, dataUnit, unit: (dataUnit && displayUnit) || dataUnit, names: displayNames(spec) };
}

/** A column as the tables call it: its display name (spec.labels), else its own. */
export const colName = (ctx, column) => namesOf(ctx).column(column);
/** A level of a column as the tables call it. */
export const levelName = (ctx, column, level) => namesOf(ctx).level(column, level);
// A context made by hand (a figure's options) may not carry its names yet.
const namesOf = (ctx) => ctx?.names ?? displayNames(ctx?.spec);

/** A time in the data's unit, in the unit the tables show. */
export function shownTime(ctx, time) {
  if (time == null || !ctx.dataUnit || ctx.unit === ctx.dataUnit) return time;
  return convertTime(time, ctx.dataUnit, ctx.unit);
}

export function medianCell(ctx, estimate, lower, upper) {
  return formatMedianCI(shownTime(ctx, estimate), shownTime(ctx, lower), shownTime(ctx, upper), timeDecimals(ctx.unit));
}

export function ensureCtx(ctx) {
  return ctx && typeof ctx === 'object' && 'key' in ctx ? ctx : makeContext(ctx ?? {});
}



// "lt = 0" in the file's names; with display names "Local therapy: No"
// (a named level) or "Local therapy = 0".
export function groupName(ctx, level) {
  const custom = ctx.levelLabels?.[level];
  if (custom) return custom;
  return ctx.groupColumn ? groupLevelText(namesOf(ctx), ctx.groupColumn, level) : String(level);
}

export function strataName(ctx, stratum) {
  return stratum === 'all' ? t('analyses.all_patients') : groupName(ctx, stratum);
}

// The reference level of a factor term: declared in the spec, else the
// first level (R's treatment contrasts), read from the spec or Table 1.
export function referenceLevel(ctx, term) {
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

export function titled(ctx, base) {
  return ctx.label ? `${base} — ${ctx.label}` : base;
}

export function ciLabel(level) {
  const c = level == null ? 95 : Math.round(level * 1000) / 10;
  return t('analyses.ci', { level: c });
}

export function unitSuffix(ctx) {
  return ctx.unit ? t('analyses.unit_suffix', { unit: unitName(ctx.unit) }) : '';
}

export const col = (label, align = 'right') => ({ label, align });
export const data = (cells, indent = 0) => (indent ? { kind: 'data', cells, indent } : { kind: 'data', cells });
export const section = (label, width) => ({ kind: 'section', cells: [label, ...Array(width - 1).fill('')] });

export function cutValue(x) {
  if (x == null || Number.isNaN(x)) return NOT_AVAILABLE;
  return String(Number(Number(x).toPrecision(6)));
}

export function model(ctx, name, title, columns, rows, notes, extra = {}) {
  return { id: `${ctx.key}-${name}`, name, title: titled(ctx, title), columns, rows, notes: notes.filter(Boolean), ...extra };
}

/** The cell of a part the engine could not compute. */
export const notComputed = () => t('analyses.not_computed');

/** An engine error's message, in the page's language. */
export function errorText(e) {
  return engineMessage(typeof e === 'string' ? e : e?.message ?? '');
}

// The parts of a result that can fail on their own (core/study/section.h's
// isolated blocks and what holds them), named in the page's language; another
// key of the result JSON is shown as it is.
const PARTS = ['by_group', 'stratified', 'by', 'univariate', 'multivariable', 'ph_test', 'maxstat', 'median', 'youden', 'groups', 'matched', 'matching', 'matched_outcome'];
const partName = (key) => (PARTS.includes(key) ? t(`analyses.part.${key}`) : key);

/** The errors inside one analysis's result (not its own top-level error), each with where it sits (in the page's language). */
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
    for (const [k, v] of Object.entries(node)) if (k !== 'error' && k !== 'conventions') walk(v, where ? `${where} ${partName(k)}` : partName(k));
  };
  walk(part, '');
  return out;
}

// ---------------------------------------------------------------- Cox cells (Cox, subgroups, matching, cut groups)

export function coefEntries(fit) {
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

export const hrCell = (e) => (e ? formatRatioCI(e.hr, e.lower, e.upper, 3) : DASH);
export const pCell = (e) => (e ? formatP(e.p) : DASH);


// ---------------------------------------------------------------- Kaplan–Meier cells (KM, matched outcome)

export function curveColumns(ctx, times, ciText, first = t('analyses.col.group')) {
  return [
    col(first, 'left'),
    col('n'),
    col(t('analyses.col.events')),
    col(t('analyses.col.median', { unit: unitSuffix(ctx), ci: ciText })),
    ...times.map((time) => col(t('analyses.col.survival_at', { time: timeLabel(shownTime(ctx, time), ctx.unit || 'days'), ci: ciText }))),
  ];
}

/** A curve's last follow-up time (its unit): the last time of its survfit table. */
export function followUpEnd(curve) {
  const t = curve?.table?.time;
  return t?.length ? t[t.length - 1] : null;
}

/**
 * Whether S(t) (at_times index k, or null) is past the curve's last follow-up:
 * nobody at risk there, R's extend = TRUE value carried forward. A curve that
 * has reached 0 (the last patient had the event) stays 0: that is an
 * estimate, not a carried value.
 */
export function beyondFollowUp(curve, t, k = null) {
  const surv = curve?.table?.surv;
  if (surv?.length && surv[surv.length - 1] === 0) return false;
  if (k != null && k >= 0 && curve.at_times?.n_risk?.[k] === 0) return true;
  const end = followUpEnd(curve);
  return end != null && t > end;
}

/** The footnote for tables with a time past some curve's follow-up, else null. */
export function beyondFollowUpNote(curves, times) {
  const any = curves.some((c) => times.some((time) => beyondFollowUp(c, time, (c.at_times?.time ?? []).indexOf(time))));
  return any ? t('analyses.note.beyond_follow_up', { call: 'summary(extend = TRUE)' }) : null;
}

export function curveCells(ctx, curve, times, label) {
  const at = curve.at_times ?? {};
  const unit = ctx.unit || 'days';
  return [
    label ?? strataName(ctx, curve.stratum),
    formatInteger(curve.n),
    formatInteger(curve.events),
    medianCell(ctx, curve.median?.estimate, curve.median?.lower, curve.median?.upper),
    ...times.map((time) => {
      const i = (at.time ?? []).indexOf(time);
      if (i < 0) return NOT_AVAILABLE;
      if (beyondFollowUp(curve, time, i)) return notEstimable(shownTime(ctx, followUpEnd(curve)), unit);
      return formatSurvivalPercent(at.surv[i], at.lower[i], at.upper[i]);
    }),
  ];
}

export function weightedCurveCells(ctx, curve, times, label) {
  // Weighted n and events are sums of weights.
  const cells = curveCells(ctx, curve, times, label);
  const frac = (x) => x != null && Math.abs(x - Math.round(x)) > 1e-6;
  if (frac(curve.n)) cells[1] = formatNumber(curve.n, 1);
  if (frac(curve.events)) cells[2] = formatNumber(curve.events, 1);
  return cells;
}

