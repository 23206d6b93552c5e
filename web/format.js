// Number formatting for display and for the publication tables (tables.js).
// The result JSON keeps full precision; these functions only decide how a
// number reads in a journal table.
//
// API:
//   formatNumber(x, digits = 1)          fixed decimals; null/NaN -> 'NA'
//   formatP(p)                           '<0.001' below 0.001, else 3 decimals
//                                        (0.05 -> '0.050'); null/NaN -> 'NA'
//   formatEstimateCI(est, lo, hi, d = 3) '0.634 (0.531–0.757)'
//   formatRatio(x, d = 3), formatRatioCI(est, lo, hi, d = 3)   HR / OR: '>999',
//                                        '<0.001' at the extremes; missing estimate -> 'NA'
//   formatCountPercent(n, pct, d = 1)    '1155 (82.2)'
//   formatMeanSD(mean, sd, d)            '62.4 (9.1)'
//   formatMedianIQR(med, q1, q3, d)      '63.0 (56.0–69.0)'
//   formatMedianCI(est, lo, hi, d = 1)   median survival: null -> 'NR' (not reached)
//   formatSurvivalPercent(s, lo, hi, d = 1)  S(t) as percent: '87.0 (85.5–88.5)'
//   formatInteger(n)                     '1405'; null -> 'NA'
//   decimalsFor(spread)                  decimals that show a spread (e.g. an SD)
//                                        to two significant figures, 1 to 3
//   timeLabel(t, unit)                   '1-year' for 12 months / 365 or 365.25 days /
//                                        52 weeks / 1 year (converted times rounded:
//                                        365 days in years), else '180-day', '6-month'
//   timeDecimals(unit)                   days 0, weeks 1, months 1, years 2
//   notEstimable(end, unit)              'not estimable (follow-up ends at 686 days)':
//                                        S(t) past a curve's last follow-up time
//                                        (end in `unit`; null: 'no one at risk')
//   formatCount(n)                       a count; a weighted (non-integer) one with
//                                        1 decimal; null -> 'NA'
//   formatPercent(x, d = 1)              a proportion as a percentage, no sign: '87.0'
//   formatSignificant(x, d)              d significant digits, no trailing zeros
//                                        (cutpoints, axis ticks); null/NaN -> 'NA'
//   formatRounded(x, d)                  d decimals at most, no trailing zeros
//   pStatement(p)                        'p = 0.012', 'p < 0.001' (figure legends)
//   formatThousands(n)                   '2,041' (counts and sizes in the page's messages)
//   DASH ('–'), NOT_AVAILABLE ('NA'), NOT_REACHED ('NR')
//
// Conventions (also stated in the tables' notes where they matter):
//   'NA' = the engine computed no value (R's NA: an aliased coefficient, a
//          CI bound where S = 0, a test that could not be run);
//   '–'  = not applicable (a term not in the multivariable model, a row with no
//          test, the reference level);
//   'NR' = a median (or its CI bound) not reached.
//   Ranges use an en dash (U+2013); negative numbers keep the ASCII hyphen-minus
//   so that a spreadsheet still reads a pasted cell such as '-0.054' as a number.

import { DAYS_PER, amount } from './units.js';
import { t } from './i18n.js';

export const DASH = '–';
export const NOT_AVAILABLE = 'NA';
export const NOT_REACHED = 'NR';

function missing(x) {
  return x == null || Number.isNaN(x);
}

// toFixed can print '-0.000' for tiny negatives; journals print 0.000.
function fixed(x, digits) {
  const s = Number(x).toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

export function formatNumber(x, digits = 1) {
  if (missing(x)) return NOT_AVAILABLE;
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '-∞';
  return fixed(x, digits);
}

// Journals' convention: p < 0.001 shown as "<0.001", else three decimals.
export function formatP(p) {
  if (missing(p)) return NOT_AVAILABLE;
  if (p < 0.001) return '<0.001';
  return Number(p).toFixed(3);
}

export function formatCount(n) {
  if (n == null) return NOT_AVAILABLE;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function formatPercent(x, digits = 1) {
  return fixed(100 * x, digits);
}

export function formatSignificant(x, digits) {
  if (missing(x)) return NOT_AVAILABLE;
  return String(Number(Number(x).toPrecision(digits)));
}

export function formatRounded(x, digits) {
  return String(Number(Number(x).toFixed(digits)));
}

export function formatThousands(n) {
  return n.toLocaleString('en');
}

export function pStatement(p) {
  const s = formatP(p);
  return s.startsWith('<') ? `p ${s.replace('<', '< ')}` : `p = ${s}`;
}

export function formatInteger(n) {
  if (missing(n)) return NOT_AVAILABLE;
  return String(Math.round(n));
}

export function formatEstimateCI(est, lo, hi, digits = 3) {
  return `${formatNumber(est, digits)} (${formatNumber(lo, digits)}–${formatNumber(hi, digits)})`;
}

// Ratios (HR, OR) from a model that did not converge in a sparse subgroup can
// be astronomically large or tiny; a bound reads better than 16 digits.
export function formatRatio(x, digits = 3) {
  if (missing(x)) return NOT_AVAILABLE;
  if (x === Infinity || x >= 1000) return '>999';
  if (x > 0 && x < 10 ** -digits) return `<${(10 ** -digits).toFixed(digits)}`;
  return fixed(x, digits);
}

/** 'HR (lower–upper)'; a missing estimate gives just 'NA'. */
export function formatRatioCI(est, lo, hi, digits = 3) {
  if (missing(est)) return NOT_AVAILABLE;
  return `${formatRatio(est, digits)} (${formatRatio(lo, digits)}–${formatRatio(hi, digits)})`;
}

export function formatCountPercent(n, pct, digits = 1) {
  return `${formatInteger(n)} (${formatNumber(pct, digits)})`;
}

export function formatMeanSD(mean, sd, digits = 1) {
  return `${formatNumber(mean, digits)} (${formatNumber(sd, digits)})`;
}

export function formatMedianIQR(median, q1, q3, digits = 1) {
  return `${formatNumber(median, digits)} (${formatNumber(q1, digits)}–${formatNumber(q3, digits)})`;
}

function orNR(x, digits) {
  return missing(x) ? NOT_REACHED : formatNumber(x, digits);
}

export function formatMedianCI(est, lo, hi, digits = 1) {
  return `${orNR(est, digits)} (${orNR(lo, digits)}–${orNR(hi, digits)})`;
}

export function formatSurvivalPercent(s, lo, hi, digits = 1) {
  const pct = (x) => (missing(x) ? NOT_AVAILABLE : fixed(100 * x, digits));
  return `${pct(s)} (${pct(lo)}–${pct(hi)})`;
}

export function decimalsFor(spread) {
  if (missing(spread) || spread === 0 || !Number.isFinite(spread)) return 1;
  const d = 1 - Math.floor(Math.log10(Math.abs(spread)));
  return Math.max(1, Math.min(3, d));
}

// Whole years in each unit as users type them (365 days, 52 weeks, 12 months).
const PER_YEAR = { days: 365, weeks: 52, months: 12, years: 1 };

function singular(unit) {
  return unit.endsWith('s') ? unit.slice(0, -1) : unit;
}

// '1-year survival', '180-day survival', '6-month survival'. t may be a time
// converted from another unit (365 days shown in years is 0.9993): it reads
// with the unit's decimals, and a time within a day of k years (365.25 days
// each, e.g. 1096 days, 261 weeks) or k × 365 days / 52 weeks / 12 months is
// 'k-year'.
export function timeLabel(time, unit = 'days') {
  const shown = Number(formatRounded(time, Math.max(1, timeDecimals(unit))));
  const perDay = DAYS_PER[unit];
  if (perDay && shown > 0) {
    const k = Math.round((shown * perDay) / 365.25);
    if (k >= 1 && (Math.abs(shown * perDay - 365.25 * k) <= 1 || shown === PER_YEAR[unit] * k)) return t('analyses.time.years', { n: k });
  }
  return Object.hasOwn(DAYS_PER, unit) ? t(`analyses.time.${unit}`, { n: shown }) : t('analyses.time.other', { n: shown, unit: singular(unit) });
}

// Decimals for times (medians, follow-up): days are whole numbers, months
// and weeks one decimal, years two.
export function timeDecimals(unit) {
  return { days: 0, weeks: 1, months: 1, years: 2 }[unit] ?? 1;
}

// R's summary(fit, times, extend = TRUE) carries S(t) forward past a curve's
// last follow-up with nobody at risk: a number there is not an estimate.
export function notEstimable(end, unit = 'days') {
  if (missing(end)) return t('analyses.not_estimable.no_risk');
  return t('analyses.not_estimable.ends', { end: amount(formatRounded(end, timeDecimals(unit)), unit) });
}
