// Publication figures drawn with Observable Plot from the engine's result JSON.
// Each builder returns a <figure class="ls-figure ..."> holding a
// <div class="ls-figure-graphic" role="img" aria-label="..."> with the Plot
// SVG(s) and a <figcaption class="ls-figure-caption">; figure_export.js turns
// the whole figure (SVGs + caption) into one standalone SVG / PNG.
//
// API (every builder: (resultPart, options = {}, document = globalThis.document)):
//   kmFigure(km, options, doc)        km = results.km ({overall, by_group}), or
//                                     matching.matched_outcome, or cutpoint.groups
//                                     (their km_by_group, with their own test), or
//                                     {by_group: [...]}, or an array of Curves. Kaplan–Meier steps, CI bands,
//                                     '+' censor marks, log-rank p, rates legend and
//                                     the number-at-risk table aligned under the x axis.
//   forestFigure(subgroups, options, doc)     results.subgroups; options.overall =
//                                     {label, hr, lower, upper, p, n, nevent} adds a first
//                                     row (e.g. the multivariable Cox HR of the group)
//   loveFigure(matching, options, doc)        results.matching (or cutpoint.groups.matched[i].matching)
//   cutpointFigure(cutpoint, options, doc)    results.cutpoint
//   roundsFigure(matching, options, doc)      results.matching (rounds[])
// Common options: spec (result.spec: time unit, group column, thresholds),
//   cohort (block.cohort: group_levels), width (px, default 640), caption
//   (replaces the generated caption), labels ({stratum or variable: display label}).
// kmFigure options: displayUnit ('days'|'weeks'|'months'|'years'), timeUnit
//   (overrides spec.time.unit), logrank (a Test, or results.logrank {by_group,
//   stratified}; default: km.logrank when km is a matched_outcome or
//   cutpoint.groups, which kmFigure also takes whole), test ({label, p}:
//   overrides the test shown), ci (default: on for up to 2 curves), censor (default true),
//   rates (default true: the curves' at_times S(t) in the legend), rateTimes
//   (in the data's unit), riskTable (default true), riskTimes (display unit),
//   xMax (display unit), curves ('by_group' | 'overall'), yLabel, percent.
// Pure helpers (exported for tests and tables): convertTime, nAtRisk,
//   riskTableRows, niceTimeTicks, kmCurves, survivalAt.
//
// Conventions: 1 week = 7 days, 1 month = 30.4375 days, 1 year = 365.25 days.
// n at risk at t = n_risk at the first table time >= t (everyone still
// followed at t), or, past the last time, n_risk - n_event - n_censor there:
// the rule of summary.survfit(times =), so it equals at_times.n_risk.
// Groups differ by colour AND by line dash / symbol (readable in grayscale).
// Marks carry classes (ls-km-curve, ls-km-censor, ls-km-ci, ls-risk-n,
// ls-forest-level, ls-forest-hr, ls-love-before, ls-love-after, ls-cut-stat,
// ls-cut-marker) so tests and the page's CSS can find them; no page CSS is
// required: sizes, fonts and colours are inline.

import * as Plot from '@observablehq/plot';
import { formatP, formatRatio, formatRatioCI, timeLabel } from './format.js';

// Okabe–Ito colours, ordered so consecutive groups also differ in lightness.
export const PALETTE = ['#000000', '#D55E00', '#0072B2', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
export const DASHES = ['none', '7,3', '2,2', '9,3,2,3', '4,4', '1,3', '12,3,3,3,3,3'];
export const FONT = 'Helvetica, Arial, sans-serif';
const FONT_SIZE = 11;
// Average advance of a sans-serif glyph, in em: enough to reserve margins for
// labels without measuring text (jsdom cannot measure).
const CHAR_EM = 0.6;
const textWidth = (s, size = FONT_SIZE) => String(s).length * size * CHAR_EM;

export const DAYS_PER = { days: 1, weeks: 7, months: 30.4375, years: 365.25 };

export function convertTime(t, from = 'days', to = from) {
  if (from === to || t == null) return t;
  const a = DAYS_PER[from];
  const b = DAYS_PER[to];
  if (!a || !b) throw new Error(`unknown time unit ${!a ? from : to}`);
  return (t * a) / b;
}

function timeUnitOf(spec) {
  const t = spec?.time;
  return (t && typeof t === 'object' && t.unit) || 'days';
}

/** n at risk at time t (the curve's own unit); see the header for the rule. */
export function nAtRisk(curve, t) {
  const { time, n_risk: nr, n_event: ne, n_censor: nc } = curve.table;
  if (!time.length) return curve.n ?? 0;
  // Display-unit round trips (years -> days) may leave t a hair above a table time.
  const tol = 1e-9 * Math.max(1, Math.abs(t));
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (time[mid] >= t - tol) hi = mid;
    else lo = mid + 1;
  }
  if (lo < time.length) return nr[lo];
  const k = time.length - 1;
  return nr[k] - ne[k] - nc[k];
}

/** S(t) from the step function (1 before the first time). */
export function survivalAt(curve, t) {
  const { time, surv } = curve.table;
  let s = 1;
  for (let i = 0; i < time.length && time[i] <= t; i++) s = surv[i];
  return s;
}

/** Rows of the number-at-risk table: [{group, label, index, time, n}], time in the curves' unit. */
export function riskTableRows(curves, times, labels = curves.map((c) => c.stratum)) {
  const rows = [];
  curves.forEach((c, g) => {
    times.forEach((t, index) => rows.push({ group: g, label: labels[g], index, time: t, n: nAtRisk(c, t) }));
  });
  return rows;
}

// Calendar-friendly steps first (6 months, 1 year...), else 1-2-5 steps.
const CALENDAR_STEPS = {
  days: [30, 90, 180, 365, 730, 1825],
  weeks: [4, 13, 26, 52, 104, 260],
  months: [3, 6, 12, 24, 36, 60, 120],
  years: [0.5, 1, 2, 5, 10, 20],
};

/** Tick times 0, step, 2·step... <= max for an axis in `unit`, with 4 to 10 intervals when possible. */
export function niceTimeTicks(max, unit = 'days') {
  if (!(max > 0)) return [0];
  let step = (CALENDAR_STEPS[unit] ?? []).find((s) => max / s >= 4 && max / s <= 10);
  if (!step) {
    const raw = max / 6;
    const p = 10 ** Math.floor(Math.log10(raw));
    step = [1, 2, 5, 10].map((m) => m * p).find((s) => max / s <= 10) ?? 10 * p;
  }
  const ticks = [];
  for (let i = 0; i * step <= max * (1 + 1e-12); i++) ticks.push(+(i * step).toPrecision(12));
  return ticks;
}

/** The curves a KM figure draws from a result part (see kmFigure). */
export function kmCurves(km, options = {}) {
  if (Array.isArray(km)) return km;
  if (!km) return [];
  if (options.curves === 'overall') return km.overall ? [km.overall] : [];
  if (Array.isArray(km.by_group) && km.by_group.length) return km.by_group;
  if (Array.isArray(km.km_by_group) && km.km_by_group.length) return km.km_by_group;
  return km.overall ? [km.overall] : [];
}

const formatN = (n) => (n == null ? 'NA' : Number.isInteger(n) ? String(n) : n.toFixed(1));
const pText = (p) => {
  const s = formatP(p);
  return s.startsWith('<') ? `p ${s.replace('<', '< ')}` : `p = ${s}`;
};

function groupInfo(options) {
  const g = options.spec?.group;
  const column = typeof g === 'string' ? g : g?.column;
  const levels = (typeof g === 'object' && g?.levels) || options.cohort?.group_levels || [];
  return { column, levels };
}

function strataLabel(stratum, options) {
  if (options.labels?.[stratum] != null) return options.labels[stratum];
  if (stratum === 'all') return 'All patients';
  const { column, levels } = groupInfo(options);
  return column && levels.map(String).includes(String(stratum)) ? `${column} = ${stratum}` : String(stratum);
}

function makeFigure(doc, { className, ariaLabel, svgs, caption, width }) {
  const fig = doc.createElement('figure');
  fig.className = `ls-figure ${className}`;
  fig.style.margin = '0 0 1em 0';
  const graphic = doc.createElement('div');
  graphic.className = 'ls-figure-graphic';
  graphic.setAttribute('role', 'img');
  graphic.setAttribute('aria-label', ariaLabel);
  graphic.style.maxWidth = `${width}px`;
  for (const svg of svgs) {
    svg.setAttribute('aria-hidden', 'true');
    svg.style.display = 'block';
    svg.style.maxWidth = '100%';
    svg.style.height = 'auto';
    graphic.appendChild(svg);
  }
  const cap = doc.createElement('figcaption');
  cap.className = 'ls-figure-caption';
  cap.textContent = caption;
  cap.style.fontSize = '0.85em';
  cap.style.maxWidth = `${width}px`;
  cap.style.marginTop = '0.4em';
  fig.append(graphic, cap);
  return fig;
}

const plotStyle = { background: 'white', color: '#000', fontFamily: FONT, fontSize: `${FONT_SIZE}px` };

// A legend stacked in the top margin, anchored to the frame's top-left corner
// (so it works whatever the scales), in the same SVG as the plot so that it
// survives export. Entries: {label, stroke?, dash?, symbol?, symbolStroke?,
// fill?}; rows are LEGEND_ROW px apart, the last one just above the frame.
const LEGEND_ROW = 15;
// A d3-style symbol drawing a 26 px horizontal line: the line sample, dashed like its curve.
const LINE_SYMBOL = { draw(context) { context.moveTo(-13, 0); context.lineTo(13, 0); } };
function topLegend(entries, { className = 'ls-legend', dx = 0 } = {}) {
  const n = entries.length;
  const marks = [];
  entries.forEach((e, i) => {
    const dy = -((n - i) * LEGEND_ROW - 6);
    const at = { frameAnchor: 'top-left', dy, className };
    if (e.stroke) marks.push(Plot.dot([0], { ...at, dx: dx + 13, symbol: LINE_SYMBOL, stroke: e.stroke, strokeWidth: 2, strokeDasharray: e.dash ?? 'none' }));
    if (e.symbol) marks.push(Plot.dot([0], { ...at, dx: dx + 13, symbol: e.symbol, r: 4, stroke: e.symbolStroke ?? e.stroke ?? '#000', fill: e.fill ?? 'none', strokeWidth: 1.5 }));
    marks.push(Plot.text([e.label], { ...at, dx: dx + 32, text: (d) => d, textAnchor: 'start' }));
  });
  return marks;
}

/**
 * Kaplan–Meier figure with the number-at-risk table under the time axis.
 * The curves' own unit is options.timeUnit ?? spec.time.unit; the axis shows
 * options.displayUnit (defaults to that unit).
 */
export function kmFigure(km, options = {}, doc = globalThis.document) {
  const curves = kmCurves(km, options);
  if (!curves.length) throw new Error('no Kaplan–Meier curve in this result');
  const unit = options.timeUnit ?? timeUnitOf(options.spec);
  const shown = options.displayUnit ?? unit;
  const toShown = (t) => convertTime(t, unit, shown);
  const width = options.width ?? 640;
  const labels = curves.map((c) => strataLabel(c.stratum, options));
  const colors = curves.map((_, i) => PALETTE[i % PALETTE.length]);
  const dashes = curves.map((_, i) => DASHES[i % DASHES.length]);
  const showCI = options.ci ?? curves.length <= 2;
  const percent = options.percent ?? false;

  const lastTime = Math.max(...curves.map((c) => (c.table.time.length ? c.table.time[c.table.time.length - 1] : 0)));
  const xMax = options.xMax ?? (toShown(lastTime) || 1);
  const ticks = niceTimeTicks(xMax, shown);
  const riskTimesShown = (options.riskTimes ?? ticks).filter((t) => t >= 0 && t <= xMax * (1 + 1e-12));
  const riskTimes = riskTimesShown.map((t) => convertTime(t, shown, unit));

  // Rates: S(t) at the curves' at_times (summary.survfit), in the legend.
  const rateTimes = options.rates === false ? [] : options.rateTimes ?? curves[0].at_times?.time ?? [];
  const rateText = (c) =>
    rateTimes
      .map((t) => {
        const k = (c.at_times?.time ?? []).findIndex((u) => Math.abs(u - t) <= 1e-9 * Math.max(1, t));
        const s = k >= 0 ? c.at_times.surv[k] : survivalAt(c, t);
        return `${timeLabel(t, unit)} ${s == null ? 'NA' : `${(100 * s).toFixed(1)}%`}`;
      })
      .join(', ');
  const legendEntries = curves.length > 1 || rateTimes.length
    ? curves.map((c, i) => ({
        label: `${labels[i]} (n = ${formatN(c.n)})${rateTimes.length ? `: ${rateText(c)}` : ''}`,
        stroke: colors[i],
        dash: dashes[i],
      }))
    : [];

  // The test: options.test, else the log-rank test given or carried by the
  // part (matched_outcome, cutpoint groups), else a weighted matched cohort's
  // Cox robust score test (survdiff takes no weights).
  const lrSource = options.logrank !== undefined ? options.logrank : Array.isArray(km) ? null : km.logrank ?? null;
  const lr = lrSource?.p != null ? lrSource : lrSource?.by_group;
  const rho = options.spec?.analyses?.logrank?.rho ?? 0;
  let test = options.test ?? null;
  if (!test && lr?.p != null) test = { label: rho === 1 ? 'Peto–Peto' : 'Log-rank', p: lr.p };
  if (!test && !Array.isArray(km) && km.cox?.robust_score?.p != null) test = { label: 'Robust score test (weighted Cox)', p: km.cox.robust_score.p };
  const pLines = [];
  if (curves.length > 1 && test?.p != null) pLines.push(`${test.label} ${pText(test.p)}`);
  const strat = lrSource?.stratified;
  if (curves.length > 1 && strat?.p != null) pLines.push(`stratified by ${strat.strata ?? 'strata'}: ${pText(strat.p)}`);

  // Risk-table labels sit left of the t = 0 column, whose numbers are centred on the axis origin.
  const halfNumber = textWidth(formatN(Math.max(...curves.map((c) => c.n ?? 0)))) / 2;
  const riskLabelWidth = Math.max(...labels.map((l) => textWidth(l))) + halfNumber + 16;
  const marginLeft = Math.max(56, options.riskTable === false ? 0 : riskLabelWidth);
  const marginRight = 24;
  const W = width - marginLeft - marginRight;
  const height = options.height ?? 340;
  const pInside = pLines.length ? choosePPlacement(curves, pLines, { xMax, W, toShown }) : null;
  const allLegend = [...legendEntries, ...(pInside === 'legend' ? pLines.map((l) => ({ label: l })) : [])];
  const marginTop = 16 + allLegend.length * LEGEND_ROW;
  const marginBottom = 38;
  const H = height - marginTop - marginBottom;

  const yMul = percent ? 100 : 1;
  const marks = [];
  if (rateTimes.length) {
    marks.push(Plot.ruleX(rateTimes.map(toShown).filter((t) => t <= xMax), { stroke: '#999', strokeDasharray: '1,3', className: 'ls-km-ratetime' }));
  }
  curves.forEach((c, i) => {
    const tb = c.table;
    const pts = [{ t: 0, s: yMul, lo: yMul, hi: yMul }];
    for (let k = 0; k < tb.time.length; k++) {
      const t = toShown(tb.time[k]);
      if (t > xMax) break;
      pts.push({ t, s: tb.surv[k] * yMul, lo: tb.lower[k] == null ? null : tb.lower[k] * yMul, hi: tb.upper[k] == null ? null : tb.upper[k] * yMul, censor: tb.n_censor[k] > 0 });
    }
    // Carry the step to xMax when the axis is cut before the last time.
    if (tb.time.length && toShown(tb.time[tb.time.length - 1]) > xMax) {
      const last = pts[pts.length - 1];
      pts.push({ ...last, t: xMax, censor: false });
    }
    if (showCI) {
      marks.push(Plot.areaY(pts, { x: 't', y1: 'lo', y2: 'hi', curve: 'step-after', fill: colors[i], fillOpacity: 0.15, className: 'ls-km-ci' }));
    }
    marks.push(Plot.line(pts, { x: 't', y: 's', curve: 'step-after', stroke: colors[i], strokeWidth: 1.8, strokeDasharray: dashes[i], className: 'ls-km-curve' }));
    if (options.censor !== false) {
      marks.push(Plot.dot(pts.filter((p) => p.censor), { x: 't', y: 's', symbol: 'plus', r: 3.5, stroke: colors[i], strokeWidth: 1.1, className: 'ls-km-censor' }));
    }
  });
  if (allLegend.length) marks.push(...topLegend(allLegend, { className: 'ls-km-legend' }));
  if (pInside && pInside !== 'legend') {
    const right = pInside === 'top-right';
    marks.push(
      Plot.text([pLines.join('\n')], {
        frameAnchor: right ? 'top-right' : 'bottom-left',
        dx: right ? -6 : 6,
        dy: right ? 6 : -6,
        text: (d) => d,
        lineAnchor: right ? 'top' : 'bottom',
        textAnchor: right ? 'end' : 'start',
        className: 'ls-km-p',
      }),
    );
  }
  // Plain numbers (no thousands separator), as in the risk table and caption.
  const xScale = { domain: [0, xMax], ticks, tickFormat: (t) => String(+t.toPrecision(12)), label: `Time (${shown})`, labelAnchor: 'center', labelArrow: 'none' };
  const curvesSvg = Plot.plot({
    document: doc,
    width,
    height,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom,
    style: plotStyle,
    x: xScale,
    y: { domain: [0, yMul], label: options.yLabel ?? (percent ? 'Survival (%)' : 'Survival probability'), labelAnchor: 'center', labelArrow: 'none', ticks: 5 },
    marks: [Plot.frame({ anchor: 'left' }), Plot.frame({ anchor: 'bottom' }), ...marks],
  });

  const svgs = [curvesSvg];
  let rows = [];
  if (options.riskTable !== false) {
    rows = riskTableRows(curves, riskTimes, labels).map((r) => ({ ...r, shownTime: riskTimesShown[r.index], text: formatN(r.n) }));
    // Cross-check with summary.survfit's numbers where the times coincide:
    // both come from the same fit, so a difference means a misread table.
    for (const r of rows) {
      const at = curves[r.group].at_times;
      const k = (at?.time ?? []).findIndex((u) => Math.abs(u - r.time) <= 1e-9 * Math.max(1, u));
      if (k >= 0) {
        r.atTimes = at.n_risk[k];
        if (Math.abs(r.atTimes - r.n) > 1e-9) console.warn(`number at risk of ${r.label} at ${r.time}: table ${r.n}, at_times ${r.atTimes}`);
      }
    }
    const rtTop = 24;
    const rtHeight = rtTop + curves.length * 17 + 8;
    const riskSvg = Plot.plot({
      document: doc,
      width,
      height: rtHeight,
      marginLeft,
      marginRight,
      marginTop: rtTop,
      marginBottom: 8,
      style: plotStyle,
      x: { domain: [0, xMax], axis: null },
      y: { type: 'point', domain: labels, axis: null, padding: 0.5 },
      color: { domain: labels, range: colors },
      marks: [
        Plot.text(['Number at risk'], { frameAnchor: 'top-left', dx: -marginLeft + 4, dy: -rtTop + 4, lineAnchor: 'top', textAnchor: 'start', fontWeight: 'bold', text: (d) => d, className: 'ls-risk-title' }),
        Plot.text(labels, { y: (d) => d, frameAnchor: 'left', dx: -(halfNumber + 8), textAnchor: 'end', fill: (d) => d, text: (d) => d, className: 'ls-risk-label' }),
        Plot.text(rows, { x: 'shownTime', y: 'label', text: 'text', fill: 'label', className: 'ls-risk-n' }),
      ],
    });
    svgs.push(riskSvg);
  }

  const nTotal = curves.reduce((a, c) => a + (c.n ?? 0), 0);
  const events = curves.reduce((a, c) => a + (c.events ?? 0), 0);
  const groupWord = curves.length > 1 ? ` by group (${labels.join(', ')})` : '';
  const confLevel = options.spec?.analyses?.km?.conf_int ?? 0.95;
  const caption =
    options.caption ??
    [
      `Kaplan–Meier estimates of survival${groupWord}; ${formatN(nTotal)} patients, ${formatN(events)} events.`,
      showCI ? `Shaded: pointwise ${Math.round(confLevel * 100)}% confidence intervals.` : '',
      options.censor !== false ? '+ marks censored observations.' : '',
      pLines.length ? `${pLines.join('; ')}.` : '',
      options.riskTable !== false ? `Numbers at risk at ${riskTimesShown.join(', ')} ${shown}.` : '',
    ]
      .filter(Boolean)
      .join(' ');
  const ariaLabel = `Kaplan–Meier survival curves${groupWord}, time in ${shown}${pLines.length ? `, ${pLines[0]}` : ''}${
    curves.map((c, i) => (c.median?.estimate != null ? `; median ${labels[i]} ${+toShown(c.median.estimate).toFixed(1)} ${shown}` : '')).join('')
  }`;
  const fig = makeFigure(doc, { className: 'ls-km-figure', ariaLabel, svgs, caption, width });
  // The numbers drawn, for callers (and tests) that want them without parsing the SVG.
  fig.riskTable = rows;
  return fig;
}

// Where the p value fits: the bottom-left corner (where ggsurvplot puts it) is
// empty unless a curve (or its CI) drops near 0 early; else top-right; else
// the legend. Works in displayed time and on the 0-1 survival scale.
function choosePPlacement(curves, pLines, { xMax, W, toShown }) {
  const boxW = (Math.max(...pLines.map((l) => textWidth(l))) + 12) * (xMax / W);
  const boxH = 0.05 + 0.05 * pLines.length;
  if (curves.every((c) => rangeOver(c, 0, boxW, toShown).min > boxH)) return 'bottom-left';
  if (curves.every((c) => rangeOver(c, xMax - boxW, xMax, toShown).max < 1 - boxH)) return 'top-right';
  return 'legend';
}

// Lowest and highest point of a curve and its CI over displayed times [a, b]
// (including the step value carried into a from before it).
function rangeOver(c, a, b, toShown) {
  const tb = c.table;
  let held = { lo: 1, hi: 1 };
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < tb.time.length; k++) {
    const t = toShown(tb.time[k]);
    if (t > b) break;
    const cur = { lo: tb.lower[k] ?? tb.surv[k], hi: tb.upper[k] ?? tb.surv[k] };
    if (t < a) held = cur;
    else {
      min = Math.min(min, cur.lo);
      max = Math.max(max, cur.hi);
    }
  }
  return { min: Math.min(min, held.lo), max: Math.max(max, held.hi) };
}

// Log-axis limits from 1-2-5 steps that hold [lo, hi] and 1.
const LOG_STOPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 4, 5, 10, 20, 50, 100];
function logDomain(values, limit = [0.05, 20]) {
  const v = values.filter((x) => x > 0 && Number.isFinite(x));
  const lo = Math.max(limit[0], Math.min(1, ...v));
  const hi = Math.min(limit[1], Math.max(1, ...v));
  return [[...LOG_STOPS].reverse().find((s) => s <= lo) ?? LOG_STOPS[0], LOG_STOPS.find((s) => s >= hi) ?? LOG_STOPS[LOG_STOPS.length - 1]];
}

/** A level's HR is drawn when its CI is finite and positive (else "not estimable", e.g. monotone likelihood). */
export const estimable = (l) => l.hr != null && l.lower > 0 && l.upper != null && Number.isFinite(l.upper) && l.hr > 1e-6 && l.hr < 1e6;

/**
 * Subgroup forest plot (the paper's Figure 3): per variable a header row with
 * the interaction p (likelihood-ratio test; options.interaction = 'wald' for
 * the joint Wald test), per level n (events), HR (CI) on a log axis, p.
 */
export function forestFigure(subgroups, options = {}, doc = globalThis.document) {
  const variables = subgroups?.variables ?? [];
  if (!variables.some((v) => !v.error)) throw new Error('no subgroup results');
  const interactionTest = options.interaction ?? 'lrt';
  const rows = [];
  // An optional first row for the whole cohort (e.g. the multivariable Cox HR of the group).
  const ov = options.overall;
  if (ov) {
    const ok = estimable(ov);
    rows.push({ kind: 'level', overall: true, id: 'v0', label: ov.label ?? 'Overall', nText: ov.n != null ? `${ov.n} (${ov.nevent ?? '–'})` : '', ok, hr: ov.hr, lower: ov.lower, upper: ov.upper, hrText: ok ? formatRatioCI(ov.hr, ov.lower, ov.upper) : 'not estimable', pText: ok ? formatP(ov.p) : '–' });
  }
  for (const v of variables) {
    // A variable that could not be analysed ({variable, error}) keeps its place, without levels.
    if (v.error) {
      rows.push({ kind: 'variable', id: `v${rows.length}`, label: `${options.labels?.[v.variable] ?? v.variable} (not analysed)`, pInt: '–' });
      continue;
    }
    const pInt = v.interaction?.[interactionTest]?.p;
    rows.push({ kind: 'variable', id: `v${rows.length}`, label: options.labels?.[v.variable] ?? v.variable, pInt: pInt == null ? '–' : formatP(pInt) });
    for (const l of v.levels) {
      const ok = estimable(l);
      rows.push({
        kind: 'level',
        id: `v${rows.length}`,
        variable: v.variable,
        label: `   ${l.level}`,
        nText: `${l.n} (${l.nevent})`,
        ok,
        hr: l.hr,
        lower: l.lower,
        upper: l.upper,
        hrText: ok ? formatRatioCI(l.hr, l.lower, l.upper) : 'not estimable',
        pText: ok ? formatP(l.p) : '–',
      });
    }
  }
  const drawn = rows.filter((r) => r.kind === 'level' && r.ok);
  const [d0, d1] = options.domain ?? logDomain(drawn.flatMap((r) => [r.lower, r.upper]));
  const clamp = (x) => Math.min(d1, Math.max(d0, x));
  for (const r of drawn) {
    r.lo = clamp(r.lower);
    r.hi = clamp(r.upper);
    r.loCut = r.lower < d0;
    r.hiCut = r.upper > d1;
    r.inside = r.hr >= d0 && r.hr <= d1;
  }

  const width = options.width ?? 720;
  const labelW = Math.max(textWidth('Subgroup'), ...rows.map((r) => textWidth(r.label))) + 10;
  const nW = Math.max(textWidth('n (events)'), ...rows.map((r) => textWidth(r.nText ?? ''))) + 12;
  const hrW = Math.max(textWidth('HR (95% CI)'), ...rows.map((r) => textWidth(r.hrText ?? ''))) + 12;
  const pW = textWidth('<0.001') + 12;
  const piW = textWidth('P interaction') + 4;
  const marginLeft = labelW + nW;
  const marginRight = hrW + pW + piW + 8;
  const rowH = 18;
  const marginTop = 28;
  const marginBottom = 62;
  const height = marginTop + marginBottom + rows.length * rowH;
  const { column, levels } = groupInfo(options);
  const treated = subgroups.conventions?.treated ?? (column && levels[1] != null ? `${column} = ${levels[1]}` : 'treated');
  const reference = column && levels[0] != null ? `${column} = ${levels[0]}` : 'reference';
  const conf = Math.round(100 * (options.spec?.analyses?.cox?.conf_int ?? 0.95));
  const header = (text, dx, anchor) => Plot.text([text], { frameAnchor: anchor === 'start' && dx < 0 ? 'top-left' : 'top-right', dx, dy: -marginTop + 6, lineAnchor: 'top', textAnchor: anchor, fontWeight: 'bold', text: (d) => d, className: 'ls-forest-header' });
  const vars = rows.filter((r) => r.kind === 'variable' || r.overall);
  const lv = rows.filter((r) => r.kind === 'level' && !r.overall);
  const values = rows.filter((r) => r.kind === 'level');
  const svg = Plot.plot({
    document: doc,
    width,
    height,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom,
    style: plotStyle,
    x: { type: 'log', domain: [d0, d1], ticks: LOG_STOPS.filter((t) => t >= d0 && t <= d1 && (t !== 0.25 && t !== 4 || t === d0 || t === d1)), tickFormat: (x) => String(+x.toPrecision(2)), label: `Hazard ratio (${conf}% CI), log scale`, labelAnchor: 'center', labelArrow: 'none', labelOffset: 56 },
    y: { type: 'point', domain: rows.map((r) => r.id), axis: null, padding: 0.5 },
    marks: [
      Plot.ruleX([1], { stroke: '#555', strokeDasharray: '3,3' }),
      Plot.frame({ anchor: 'bottom' }),
      header('Subgroup', -marginLeft, 'start'),
      Plot.text(['n (events)'], { frameAnchor: 'top-left', dx: -8, dy: -marginTop + 6, lineAnchor: 'top', textAnchor: 'end', fontWeight: 'bold', text: (d) => d }),
      Plot.text([`HR (${conf}% CI)`], { frameAnchor: 'top-right', dx: 8, dy: -marginTop + 6, lineAnchor: 'top', textAnchor: 'start', fontWeight: 'bold', text: (d) => d }),
      Plot.text(['P'], { frameAnchor: 'top-right', dx: 8 + hrW, dy: -marginTop + 6, lineAnchor: 'top', textAnchor: 'start', fontWeight: 'bold', text: (d) => d }),
      Plot.text(['P interaction'], { frameAnchor: 'top-right', dx: 8 + hrW + pW, dy: -marginTop + 6, lineAnchor: 'top', textAnchor: 'start', fontWeight: 'bold', text: (d) => d }),
      Plot.text(vars.filter((r) => !r.overall), { y: 'id', text: 'label', frameAnchor: 'left', dx: -marginLeft, textAnchor: 'start', fontWeight: 'bold', className: 'ls-forest-variable' }),
      Plot.text(vars.filter((r) => r.overall), { y: 'id', text: 'label', frameAnchor: 'left', dx: -marginLeft, textAnchor: 'start', fontWeight: 'bold', className: 'ls-forest-overall' }),
      Plot.text(vars.filter((r) => !r.overall), { y: 'id', text: 'pInt', frameAnchor: 'right', dx: 8 + hrW + pW, textAnchor: 'start', className: 'ls-forest-pint' }),
      Plot.text(lv, { y: 'id', text: 'label', frameAnchor: 'left', dx: -marginLeft, textAnchor: 'start', className: 'ls-forest-level' }),
      Plot.text(values, { y: 'id', text: 'nText', frameAnchor: 'left', dx: -8, textAnchor: 'end', className: 'ls-forest-n' }),
      Plot.text(values, { y: 'id', text: 'hrText', frameAnchor: 'right', dx: 8, textAnchor: 'start', className: 'ls-forest-hrtext' }),
      Plot.text(values, { y: 'id', text: 'pText', frameAnchor: 'right', dx: 8 + hrW, textAnchor: 'start', className: 'ls-forest-p' }),
      Plot.ruleY(drawn, { y: 'id', x1: 'lo', x2: 'hi', stroke: '#000', strokeWidth: 1.3, className: 'ls-forest-ci' }),
      // CIs running off the axis end in an arrowhead-like chevron.
      Plot.text(drawn.filter((r) => r.loCut), { y: 'id', x: 'lo', text: () => '<', dx: 2, fontWeight: 'bold', className: 'ls-forest-cut' }),
      Plot.text(drawn.filter((r) => r.hiCut), { y: 'id', x: 'hi', text: () => '>', dx: -2, fontWeight: 'bold', className: 'ls-forest-cut' }),
      Plot.dot(drawn.filter((r) => r.inside), { y: 'id', x: 'hr', symbol: 'square', r: 3.5, fill: '#000', stroke: '#000', className: 'ls-forest-hr' }),
      Plot.text([`← favours ${treated}`], { frameAnchor: 'bottom-left', dy: 26, lineAnchor: 'top', textAnchor: 'start', text: (d) => d, fill: '#333' }),
      Plot.text([`favours ${reference} →`], { frameAnchor: 'bottom-right', dy: 26, lineAnchor: 'top', textAnchor: 'end', text: (d) => d, fill: '#333' }),
    ],
  });
  const adjusted = subgroups.conventions?.per_level?.includes('covariates') ? ', adjusted for the covariates' : '';
  const caption =
    options.caption ??
    `Hazard ratio of ${treated} versus ${reference} within each subgroup level (Cox model${adjusted}); squares: HR, lines: ${conf}% CI, log scale. ` +
      `P interaction: ${interactionTest === 'lrt' ? 'likelihood-ratio' : 'Wald'} test of treatment × subgroup. n (events) per level.` +
      (rows.some((r) => r.kind === 'level' && !r.ok) ? ' Not estimable: no finite CI (e.g. no events in one arm).' : '');
  const ariaLabel = `Forest plot of hazard ratios of ${treated} versus ${reference} in ${lv.length} levels of ${variables.length} subgroup variables`;
  const fig = makeFigure(doc, { className: 'ls-forest-figure', ariaLabel, svgs: [svg], caption, width });
  fig.forestRows = rows;
  return fig;
}

/** Before/after SMD per balance column: [{variable, before, after}] (|SMD| unless abs = false). */
export function loveRows(matching, { abs = true, distance = true } = {}) {
  const before = matching?.balance?.before?.columns ?? [];
  const after = new Map((matching?.balance?.after?.columns ?? []).map((c) => [c.variable, c]));
  const f = (x) => (x == null ? null : abs ? Math.abs(x) : x);
  return before
    .filter((c) => distance || c.variable !== 'distance')
    .map((c) => ({ variable: c.variable, before: f(c.smd), after: f(after.get(c.variable)?.smd ?? null) }));
}

/**
 * Love plot: standardized mean differences before (open circles) and after
 * (filled triangles) matching, one row per balance column, with the threshold
 * (options.threshold ?? spec balance_smd ?? 0.1). options.abs (default true),
 * options.distance (default true: the propensity-score row).
 */
export function loveFigure(matching, options = {}, doc = globalThis.document) {
  const abs = options.abs ?? true;
  const rows = loveRows(matching, { abs, distance: options.distance ?? true }).map((r) => ({
    ...r,
    label: r.variable === 'distance' ? 'Propensity score (distance)' : options.labels?.[r.variable] ?? r.variable,
  }));
  if (!rows.length) throw new Error('no balance table in this matching result');
  const threshold = options.threshold ?? options.spec?.analyses?.matching?.balance_smd ?? 0.1;
  const values = rows.flatMap((r) => [r.before, r.after]).filter((x) => x != null);
  const maxAbs = Math.max(threshold * 1.5, ...values.map(Math.abs));
  const domain = abs ? [0, maxAbs * 1.05] : [-maxAbs * 1.05, maxAbs * 1.05];
  const width = options.width ?? 640;
  const marginLeft = Math.max(...rows.map((r) => textWidth(r.label))) + 14;
  const marginRight = 20;
  const entries = [
    { label: `Before matching (${matching.balance.before.n_treated} treated, ${matching.balance.before.n_control} control)`, symbol: 'circle', symbolStroke: PALETTE[1], fill: 'white' },
    { label: `After matching (${matching.balance.after.n_treated} treated, ${matching.balance.after.n_control} control)`, symbol: 'triangle', symbolStroke: PALETTE[2], fill: PALETTE[2] },
  ];
  const rowH = 16;
  const marginTop = 22 + entries.length * LEGEND_ROW;
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
    style: plotStyle,
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
    `${abs ? 'Absolute standardized' : 'Standardized'} mean differences of each covariate (factor levels separately) before and after matching; dashed line: ${threshold}. ` +
      `${over} of ${after.length} after matching at or above it. ${matching.conventions?.smd ? `SMD: ${matching.conventions.smd}.` : ''}`;
  const ariaLabel = `Love plot of ${rows.length} balance rows before and after matching; ${over} of ${after.length} covariate rows have |SMD| at or above ${threshold} after matching`;
  const fig = makeFigure(doc, { className: 'ls-love-figure', ariaLabel, svgs: [svg], caption, width });
  fig.loveRows = rows;
  return fig;
}

/** The cutpoint column, from options, the spec, or maxstat's call ("~ bed,"). */
function cutColumn(cutpoint, options) {
  return options.column ?? options.spec?.analyses?.cutpoint?.column ?? /~\s*([^,\s)]+)/.exec(cutpoint.conventions?.maxstat ?? '')?.[1] ?? 'cutpoint variable';
}

const CUT_STYLES = {
  maxstat: { stroke: '#000000', dash: 'none' },
  median: { stroke: '#0072B2', dash: '6,3' },
  youden: { stroke: '#D55E00', dash: '2,2' },
  groups: { stroke: '#009E73', dash: '9,3,2,3' },
};

/**
 * Maximally selected log-rank statistic at every candidate cut, with the
 * maxstat cutpoint, the median, Youden's cutpoint and (when chosen another
 * way) the cutpoint that formed the groups marked by vertical lines.
 */
export function cutpointFigure(cutpoint, options = {}, doc = globalThis.document) {
  const cand = cutpoint?.maxstat?.candidates;
  if (!cand?.cut?.length) throw new Error('no maxstat candidates in this cutpoint result');
  const column = cutColumn(cutpoint, options);
  const pts = cand.cut.map((x, i) => ({ x, y: cand.statistic[i] }));
  const num = (x) => String(+Number(x).toPrecision(4));
  const markers = [];
  const ms = cutpoint.maxstat;
  if (ms.cutpoint != null) markers.push({ key: 'maxstat', x: ms.cutpoint, label: `maxstat: ${num(ms.cutpoint)} (statistic ${ms.statistic.toFixed(2)}, ${pText(ms.p)})` });
  if (cutpoint.median?.cutpoint != null) markers.push({ key: 'median', x: cutpoint.median.cutpoint, label: `median: ${num(cutpoint.median.cutpoint)}` });
  if (cutpoint.youden?.cutpoint != null) markers.push({ key: 'youden', x: cutpoint.youden.cutpoint, label: `Youden: ${num(cutpoint.youden.cutpoint)}` });
  const def = cutpoint.groups?.definition;
  if (def?.cutpoint != null && !['maxstat', 'median', 'youden'].includes(def.chosen_by)) {
    markers.push({ key: 'groups', x: def.cutpoint, label: `groups formed at ${num(def.cutpoint)} (${def.chosen_by})` });
  }
  if (def?.chosen_by && markers.find((m) => m.key === def.chosen_by)) markers.find((m) => m.key === def.chosen_by).label += ' — used for the groups';
  const xs = [...cand.cut, ...markers.map((m) => m.x)];
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const pad = (x1 - x0) * 0.05 || 1;
  const width = options.width ?? 640;
  const entries = markers.map((m) => ({ label: m.label, stroke: CUT_STYLES[m.key].stroke, dash: CUT_STYLES[m.key].dash }));
  const marginTop = 16 + entries.length * LEGEND_ROW;
  const svg = Plot.plot({
    document: doc,
    width,
    height: options.height ?? 300 + marginTop,
    marginLeft: 56,
    marginRight: 20,
    marginTop,
    marginBottom: 40,
    style: plotStyle,
    x: { domain: [x0 - pad, x1 + pad], label: column, labelAnchor: 'center', labelArrow: 'none' },
    y: { domain: [0, Math.max(...cand.statistic) * 1.1], label: 'Standardized log-rank statistic', labelAnchor: 'center', labelArrow: 'none' },
    marks: [
      Plot.frame({ anchor: 'left' }),
      Plot.frame({ anchor: 'bottom' }),
      ...markers.map((m) => Plot.ruleX([m.x], { stroke: CUT_STYLES[m.key].stroke, strokeDasharray: CUT_STYLES[m.key].dash, strokeWidth: 1.5, className: `ls-cut-marker ls-cut-${m.key}` })),
      Plot.line(pts, { x: 'x', y: 'y', stroke: '#555', strokeWidth: 1.2, className: 'ls-cut-line' }),
      Plot.dot(pts, { x: 'x', y: 'y', r: 2.5, fill: '#555', className: 'ls-cut-stat' }),
      ...topLegend(entries, { className: 'ls-cut-legend' }),
    ],
  });
  const conv = cutpoint.conventions ?? {};
  const caption =
    options.caption ??
    `Standardized log-rank statistic for each candidate cut of ${column} (${pts.length} candidates, ${conv.maxstat ?? 'maxstat'}); vertical lines: the cutpoints. ` +
      `${conv.groups ? `Groups: ${conv.groups}.` : ''}`;
  const ariaLabel = `Maximally selected log-rank statistic over ${pts.length} cuts of ${column}; ${markers.map((m) => m.label).join('; ')}`;
  return makeFigure(doc, { className: 'ls-cutpoint-figure', ariaLabel, svgs: [svg], caption, width });
}

/** Per matching round: matched pairs (treated units matched) and unbalanced covariates. */
export function roundsFigure(matching, options = {}, doc = globalThis.document) {
  const rounds = matching?.rounds ?? [];
  if (!rounds.length) throw new Error('no matching rounds in this result');
  const data = rounds.map((r) => ({ round: String(r.round), pairs: r.counts.matched_treated, unbalanced: r.unbalanced.length, names: r.unbalanced.join(', ') }));
  const width = options.width ?? 480;
  const common = { document: doc, width, marginLeft: 56, marginRight: 20, style: plotStyle, x: { type: 'band', domain: data.map((d) => d.round), label: 'Matching round', labelAnchor: 'center', labelArrow: 'none', padding: 0.3 } };
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
  return makeFigure(doc, { className: 'ls-rounds-figure', ariaLabel, svgs: [pairsSvg, unbSvg], caption, width });
}
