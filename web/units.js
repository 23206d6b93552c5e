// The one table of time units: how many days each holds. Tables, figures and
// the R script convert times through it (1 week = 7 days, 1 month = 30.4375
// days, 1 year = 365.25 days: the engine's date_diff, docs/spec.md).
//
//   DAYS_PER[unit]                 days, weeks, months, years
//   convertTime(t, from, to)       t in `from` units, in `to` units; null stays
//                                  null; an unknown unit throws, naming it
//   unitName(unit)                 the unit's word in the page's language ('days' -> '天')
//   amount(n, unit)                a time with its unit in the page's language ('686 days')

import { t } from './i18n.js';

export const DAYS_PER = Object.freeze({ days: 1, weeks: 7, months: 30.4375, years: 365.25 });

export function convertTime(t, from = 'days', to = from) {
  if (from === to || t == null) return t;
  const a = DAYS_PER[from];
  const b = DAYS_PER[to];
  if (!a || !b) throw new Error(t('analyses.unknown_unit', { unit: !a ? from : to }));
  return (t * a) / b;
}

export function unitName(unit) {
  return Object.hasOwn(DAYS_PER, unit) ? t(`analyses.unit.${unit}`) : String(unit);
}

export function amount(n, unit) {
  return Object.hasOwn(DAYS_PER, unit) ? t(`analyses.amount.${unit}`, { n }) : `${n} ${unit}`;
}
