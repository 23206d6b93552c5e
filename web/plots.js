// Publication figures drawn with Observable Plot from the engine's result JSON.
// Each builder returns a <figure class="ls-figure ..."> holding a
// <div class="ls-figure-graphic" role="img" aria-label="..."> with the Plot
// SVG(s) and a <figcaption class="ls-figure-caption">; figure_export.js turns
// the whole figure (SVGs + caption) into one standalone SVG / PNG.
//
// This file holds what every figure shares (the palette, the figure frame,
// the legend) and the Kaplan–Meier figure, which several analyses draw (KM,
// the matched cohort, the cutpoint groups). Each analysis's own figures live
// with it in web/analyses/: forestFigure (subgroups.js), loveFigure and
// roundsFigure (matching.js), cutpointFigure (cutpoint.js).
//
// API (every builder: (resultPart, options = {}, document = globalThis.document)):
//   kmFigure(km, options, doc)        km = results.km ({overall, by_group}), or
//                                     matching.matched_outcome, or cutpoint.groups
//                                     (their km_by_group, with their own test), or
//                                     {by_group: [...]}, or an array of Curves. Kaplan–Meier steps, CI bands,
//                                     '+' censor marks, log-rank p, rates legend and
//                                     the number-at-risk table aligned under the x axis.
// Common options: spec (result.spec: time unit, group column, thresholds),
//   cohort (block.cohort: group_levels), width (px, default FIGURE_WIDTH = 7 in),
//   figureStyle ('default' | 'journal', FIGURE_STYLES), caption
//   (replaces the generated caption), labels ({stratum or variable: display label}).
// kmFigure options: displayUnit ('days'|'weeks'|'months'|'years'), timeUnit
//   (overrides spec.time.unit), logrank (a Test, or results.logrank {by_group,
//   stratified}; default: km.logrank when km is a matched_outcome or
//   cutpoint.groups, which kmFigure also takes whole), test ({label, p}:
//   overrides the test shown), ci (default: on for up to 2 curves), censor (true, false or
//   'auto', the default: on for up to CENSOR_AUTO_MAX patients),
//   rates (default true: the curves' at_times S(t) in the legend; 'not estimable' past
//   a curve's last follow-up), rateTimes
//   (in the data's unit), riskTable (default true), riskTimes (display unit),
//   xMax (display unit), curves ('by_group' | 'overall'), yLabel, percent.
// Pure helpers (exported for tests and tables): convertTime (units.js), nAtRisk,
//   riskTableRows, niceTimeTicks, kmCurves, survivalAt.
// Shared with the analyses' figures: PALETTE, DASHES, FONT, FIGURE_WIDTH,
//   FIGURE_STYLES, figureStyle (its fonts for the page's language: CJK fonts
//   named in Chinese, figure_text.js), plotStyle, textWidth (1 em per Chinese
//   character), sentences (a caption's sentences joined as the language
//   writes them), makeFigure, topLegend, LEGEND_ROW, LEGEND_CLEAR, groupInfo.
// Texts: t('figures.*') (web/locales/*/figures.js), in the page's language
//   when the figure is built; switching language builds the figures again.
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
import { NOT_AVAILABLE, formatCount, formatPercent, formatRounded, formatSignificant, notEstimable, pStatement, timeLabel } from './format.js';
import { beyondFollowUp, followUpEnd } from './table_model.js';
import { DAYS_PER, convertTime, unitName } from './units.js';
import { engineDefault } from './engine_defaults.js';
import { displayNames, groupLevelText } from './names.js';
import { FONT, fontFor, textEm } from './figure_text.js';
import { language, t } from './i18n.js';

export { DAYS_PER, convertTime, FONT };

// Okabe–Ito colours, ordered so consecutive groups also differ in lightness.
export const PALETTE = ['#000000', '#D55E00', '#0072B2', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
// WCAG 2 contrast: relative luminance of an sRGB '#rrggbb', and the ratio of two colours (1 to 21).
function luminance(hex) {
  const v = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.length === 4 ? hex.replace(/^#(.)(.)(.)$/, '#$1$1$2$2$3$3') : hex);
  if (!v) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = v.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
export function contrastRatio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
/** The colour darkened just enough (in 5% steps towards black) for text on bg to reach min:1 (WCAG AA: 4.5). */
export function textColour(hex, bg = '#ffffff', min = 4.5) {
  const rgb = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex).slice(1).map((h) => parseInt(h, 16));
  for (let k = 1; k >= 0; k -= 0.05) {
    const c = `#${rgb.map((x) => Math.round(x * k).toString(16).padStart(2, '0')).join('')}`;
    if (contrastRatio(c, bg) >= min) return c.toUpperCase();
  }
  return '#000000';
}
// The palette's text versions (risk-table numbers and labels): the same hues, readable on white.
export const TEXT_PALETTE = PALETTE.map((c) => textColour(c));
export const DASHES = ['none', '7,3', '2,2', '9,3,2,3', '4,4', '1,3', '12,3,3,3,3,3'];
const FONT_SIZE = 11;
// Enough to reserve margins for labels without measuring text (jsdom cannot
// measure): 0.6 em per Latin glyph (a sans-serif average), 1 em per Chinese one.
export const textWidth = (s, size = FONT_SIZE) => textEm(s, 0.6) * size;

function timeUnitOf(spec) {
  const t = spec?.time;
  return (t && typeof t === 'object' && t.unit) || engineDefault('time.unit');
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

export function groupInfo(options) {
  const g = options.spec?.group;
  const column = typeof g === 'string' ? g : g?.column;
  // The echoed spec lists no levels when the file's order is used ([]): the cohort has them.
  const levels = (typeof g === 'object' && g?.levels?.length ? g.levels : null) ?? options.cohort?.group_levels ?? [];
  return { column, levels };
}

function strataLabel(stratum, options) {
  if (options.labels?.[stratum] != null) return options.labels[stratum];
  if (stratum === 'all') return t('figures.km.all_patients');
  const { column, levels } = groupInfo(options);
  return column && levels.map(String).includes(String(stratum)) ? groupLevelText(displayNames(options.spec), column, stratum) : String(stratum);
}

export function makeFigure(doc, { className, ariaLabel, svgs, caption, width, style = figureStyle() }) {
  const fig = doc.createElement('figure');
  fig.className = `ls-figure ${className}`;
  // The language its texts are in (the export's xml:lang: a renderer picks Chinese glyph forms by it).
  fig.lang = language();
  // For the export (figure_export.js): the caption in the figure's own type.
  fig.dataset.figureStyle = style.name;
  fig.dataset.fontSize = String(style.fontSize);
  fig.dataset.fontFamily = style.fontFamily;
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

// Figure styles (the page's "Figure style" choice, options.figureStyle):
// 'default', and 'journal', close to survminer's ggsurvplot / a journal's
// artwork rules (Arial, 9 pt text, thinner lines, ticks outside). Sizes are px
// of a FIGURE_WIDTH-wide figure: exported 7 in wide, 11 px is 8.25 pt and 12 px
// 9 pt, the 8–9 pt a journal column asks for.
export const FIGURE_WIDTH = 672; // 7 in at 96 px per inch
export const FIGURE_STYLES = {
  default: { name: 'default', fontFamily: FONT, fontSize: FONT_SIZE, curveWidth: 1.8, lineWidth: 1.3, censorR: 3.5, tickSize: 6 },
  journal: { name: 'journal', fontFamily: 'Arial, Helvetica, sans-serif', fontSize: 12, curveWidth: 1.3, lineWidth: 1, censorR: 3, tickSize: 4 },
};
/** The style an options object asks for (options.figureStyle: a name or a style object), its fonts for the page's language. */
export function figureStyle(options = {}) {
  const s = options.figureStyle;
  const style = s && typeof s === 'object' ? { ...FIGURE_STYLES.default, ...s } : FIGURE_STYLES[s] ?? FIGURE_STYLES.default;
  const fontFamily = fontFor(style.fontFamily, language());
  return fontFamily === style.fontFamily ? style : { ...style, fontFamily };
}
/** Plot's style option for a figure style. */
export function plotStyle(options = {}) {
  const st = figureStyle(options);
  return { background: 'white', color: '#000', fontFamily: st.fontFamily, fontSize: `${st.fontSize}px` };
}

// A legend stacked in the top margin, anchored to the frame's top-left corner
// (so it works whatever the scales), in the same SVG as the plot so that it
// survives export. Entries: {label, stroke?, dash?, symbol?, symbolStroke?,
// fill?}; rows are LEGEND_ROW px apart, the last one just above the frame.
export const LEGEND_ROW = 15;
// A d3-style symbol drawing a 26 px horizontal line: the line sample, dashed like its curve.
const LINE_SYMBOL = { draw(context) { context.moveTo(-13, 0); context.lineTo(13, 0); } };
// The lowest row's centre sits LEGEND_CLEAR px above the frame, so its text
// (and a censor mark or a row's symbol at the top of the frame) never meet.
export const LEGEND_CLEAR = 15;
export function topLegend(entries, { className = 'ls-legend', dx = 0, lineWidth = 2 } = {}) {
  const n = entries.length;
  const marks = [];
  entries.forEach((e, i) => {
    const dy = -((n - 1 - i) * LEGEND_ROW + LEGEND_CLEAR);
    const at = { frameAnchor: 'top-left', dy, className };
    if (e.stroke) marks.push(Plot.dot([0], { ...at, dx: dx + 13, symbol: LINE_SYMBOL, stroke: e.stroke, strokeWidth: lineWidth, strokeDasharray: e.dash ?? 'none' }));
    if (e.symbol) marks.push(Plot.dot([0], { ...at, dx: dx + 13, symbol: e.symbol, r: 4, stroke: e.symbolStroke ?? e.stroke ?? '#000', fill: e.fill ?? 'none', strokeWidth: 1.5 }));
    marks.push(Plot.text([e.label], { ...at, dx: dx + 32, text: (d) => d, textAnchor: 'start', lineAnchor: 'middle' }));
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
  if (!curves.length) throw new Error(t('figures.km.no_curve'));
  const unit = options.timeUnit ?? timeUnitOf(options.spec);
  const shown = options.displayUnit ?? unit;
  const toShown = (t) => convertTime(t, unit, shown);
  // The unit in the page's language ('months', '月').
  const unitWord = unitName(shown);
  const width = options.width ?? FIGURE_WIDTH;
  const labels = curves.map((c) => strataLabel(c.stratum, options));
  const colors = curves.map((_, i) => PALETTE[i % PALETTE.length]);
  const dashes = curves.map((_, i) => DASHES[i % DASHES.length]);
  const showCI = options.ci ?? curves.length <= 2;
  const percent = options.percent ?? false;
  const st = figureStyle(options);
  const tw = (s) => textWidth(s, st.fontSize);
  const showCensor = censorShown(options.censor, curves);

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
        if (beyondFollowUp(c, t, k)) return `${timeLabel(toShown(t), shown)} ${notEstimable(toShown(followUpEnd(c)), shown)}`;
        const s = k >= 0 ? c.at_times.surv[k] : survivalAt(c, t);
        return `${timeLabel(toShown(t), shown)} ${s == null ? NOT_AVAILABLE : `${formatPercent(s)}%`}`;
      })
      .join(t('figures.km.rates_join'));
  const legendEntries = curves.length > 1 || rateTimes.length
    ? curves.map((c, i) => ({
        label: rateTimes.length
          ? t('figures.km.legend_rates', { label: labels[i], n: formatCount(c.n), rates: rateText(c) })
          : t('figures.km.legend', { label: labels[i], n: formatCount(c.n) }),
        stroke: colors[i],
        dash: dashes[i],
      }))
    : [];

  // The test: options.test, else the log-rank test given or carried by the
  // part (matched_outcome, cutpoint groups), else a weighted matched cohort's
  // Cox robust score test (survdiff takes no weights).
  const lrSource = options.logrank !== undefined ? options.logrank : Array.isArray(km) ? null : km.logrank ?? null;
  const lr = lrSource?.p != null ? lrSource : lrSource?.by_group;
  const rho = options.spec?.analyses?.logrank?.rho ?? engineDefault('analyses.logrank.rho');
  let test = options.test ?? null;
  if (!test && lr?.p != null) test = { label: t(rho === 1 ? 'figures.km.test.peto' : 'figures.km.test.logrank'), p: lr.p };
  if (!test && !Array.isArray(km) && km.cox?.robust_score?.p != null) test = { label: t('figures.km.test.robust_score'), p: km.cox.robust_score.p };
  const pLines = [];
  if (curves.length > 1 && test?.p != null) pLines.push(`${test.label} ${pStatement(test.p)}`);
  const strat = lrSource?.stratified;
  if (curves.length > 1 && strat?.p != null) pLines.push(t('figures.km.stratified', { strata: strat.strata ?? t('figures.km.strata'), p: pStatement(strat.p) }));

  // Risk-table labels sit left of the t = 0 column, whose numbers are centred on the axis origin.
  const halfNumber = tw(formatCount(Math.max(...curves.map((c) => c.n ?? 0)))) / 2;
  const riskLabelWidth = Math.max(...labels.map((l) => tw(l))) + halfNumber + 16;
  const marginLeft = Math.max(56, options.riskTable === false ? 0 : riskLabelWidth);
  const marginRight = 24;
  const W = width - marginLeft - marginRight;
  const height = options.height ?? 340;
  const pInside = pLines.length ? choosePPlacement(curves, pLines, { xMax, W, toShown, tw }) : null;
  const allLegend = [...legendEntries, ...(pInside === 'legend' ? pLines.map((l) => ({ label: l })) : [])];
  // The legend sits above the frame (topLegend), never over the curves.
  const marginTop = allLegend.length ? LEGEND_CLEAR + (allLegend.length - 1) * LEGEND_ROW + 12 : 16;
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
    marks.push(Plot.line(pts, { x: 't', y: 's', curve: 'step-after', stroke: colors[i], strokeWidth: st.curveWidth, strokeDasharray: dashes[i], className: 'ls-km-curve' }));
    if (showCensor) {
      marks.push(Plot.dot(pts.filter((p) => p.censor), { x: 't', y: 's', symbol: 'plus', r: st.censorR, stroke: colors[i], strokeWidth: 1.1, className: 'ls-km-censor' }));
    }
  });
  if (allLegend.length) marks.push(...topLegend(allLegend, { className: 'ls-km-legend', lineWidth: st.curveWidth }));
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
  const xScale = { domain: [0, xMax], ticks, tickSize: st.tickSize, tickFormat: (t) => formatSignificant(t, 12), label: t('figures.km.x_label', { unit: unitWord }), labelAnchor: 'center', labelArrow: 'none' };
  const curvesSvg = Plot.plot({
    document: doc,
    width,
    height,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom,
    style: plotStyle(options),
    x: xScale,
    y: { domain: [0, yMul], label: options.yLabel ?? t(percent ? 'figures.km.y_label_percent' : 'figures.km.y_label'), labelAnchor: 'center', labelArrow: 'none', ticks: 5, tickSize: st.tickSize },
    marks: [Plot.frame({ anchor: 'left', strokeWidth: st.lineWidth }), Plot.frame({ anchor: 'bottom', strokeWidth: st.lineWidth }), ...marks],
  });

  const svgs = [curvesSvg];
  let rows = [];
  if (options.riskTable !== false) {
    rows = riskTableRows(curves, riskTimes, labels).map((r) => ({ ...r, shownTime: riskTimesShown[r.index], text: formatCount(r.n) }));
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
    const rtTop = Math.round(st.fontSize * 2.2);
    const rtHeight = rtTop + curves.length * Math.round(st.fontSize * 1.55) + 8;
    const riskSvg = Plot.plot({
      document: doc,
      width,
      height: rtHeight,
      marginLeft,
      marginRight,
      marginTop: rtTop,
      marginBottom: 8,
      style: plotStyle(options),
      x: { domain: [0, xMax], axis: null },
      y: { type: 'point', domain: labels, axis: null, padding: 0.5 },
      color: { domain: labels, range: colors.map((c) => textColour(c)) },
      marks: [
        Plot.text([t('figures.km.risk_title')], { frameAnchor: 'top-left', dx: -marginLeft + 4, dy: -rtTop + 4, lineAnchor: 'top', textAnchor: 'start', fontWeight: 'bold', text: (d) => d, className: 'ls-risk-title' }),
        Plot.text(labels, { y: (d) => d, frameAnchor: 'left', dx: -(halfNumber + 8), textAnchor: 'end', fill: (d) => d, text: (d) => d, className: 'ls-risk-label' }),
        Plot.text(rows, { x: 'shownTime', y: 'label', text: 'text', fill: 'label', className: 'ls-risk-n' }),
      ],
    });
    svgs.push(riskSvg);
  }

  const nTotal = curves.reduce((a, c) => a + (c.n ?? 0), 0);
  const events = curves.reduce((a, c) => a + (c.events ?? 0), 0);
  const byGroup = curves.length > 1;
  const groups = labels.join(t('figures.list_join'));
  const confLevel = options.spec?.analyses?.km?.conf_int ?? engineDefault('analyses.km.conf_int');
  const caption =
    options.caption ??
    sentences([
      t(byGroup ? 'figures.km.caption.by_group' : 'figures.km.caption.estimates', { groups, patients: formatCount(nTotal), events: formatCount(events) }),
      showCI ? t('figures.km.caption.ci', { level: Math.round(confLevel * 100) }) : '',
      showCensor ? t('figures.km.caption.censor') : '',
      pLines.length ? t('figures.km.caption.tests', { tests: pLines.join(t('figures.km.caption.tests_join')) }) : '',
      options.riskTable !== false ? t('figures.km.caption.at_risk', { times: riskTimesShown.join(t('figures.list_join')), unit: unitWord }) : '',
    ]);
  const ariaLabel = [
    t(byGroup ? 'figures.km.aria_by_group' : 'figures.km.aria', { groups, unit: unitWord }),
    pLines.length ? t('figures.km.aria_test', { test: pLines[0] }) : '',
    ...curves.map((c, i) => (c.median?.estimate != null ? t('figures.km.aria_median', { group: labels[i], value: formatRounded(toShown(c.median.estimate), 1), unit: unitWord }) : '')),
  ].join('');
  const fig = makeFigure(doc, { className: 'ls-km-figure', ariaLabel, svgs, caption, width, style: figureStyle(options) });
  // The numbers drawn, for callers (and tests) that want them without parsing the SVG.
  fig.riskTable = rows;
  return fig;
}

// A caption's sentences, a space apart after a Latin full stop, none after a
// Chinese one (。), as each language writes them.
export const sentences = (parts) =>
  parts.filter(Boolean).reduce((text, s) => (!text ? s : /[\u3000-\u303f\uff00-\uffef]$/.test(text) ? `${text}${s}` : `${text} ${s}`), '');

// Censor marks: options.censor true / false, or 'auto' (the default): drawn
// for up to CENSOR_AUTO_MAX patients, where they are still separate marks;
// in larger cohorts they merge into a smear along the curve.
export const CENSOR_AUTO_MAX = 1000;
export function censorShown(censor = 'auto', curves = []) {
  if (censor === true || censor === false) return censor;
  return curves.reduce((a, c) => a + (c.n ?? 0), 0) <= CENSOR_AUTO_MAX;
}

// Where the p value fits: the bottom-left corner (where ggsurvplot puts it) is
// empty unless a curve (or its CI) drops near 0 early; else top-right; else
// the legend. Works in displayed time and on the 0-1 survival scale.
function choosePPlacement(curves, pLines, { xMax, W, toShown, tw }) {
  const boxW = (Math.max(...pLines.map((l) => tw(l))) + 12) * (xMax / W);
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

