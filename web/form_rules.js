// The form's rules: what the page fills in or switches when the user picks a
// column or an analysis. Pure functions of the spec and the file's
// description (the engine's `describe` result), so Node can test them
// (tests/node/form_rules.test.mjs); web/form_view.js applies them. None of
// them mutates its arguments.
//
//   columnsFor(kind, spec, described) -> names   'numeric' (file numerics, then
//       derived ones), 'levels' (columns with at most 50 levels), else every column
//   levelsOf(described, column) -> the column's levels ([] if none)
//   eventValueFor(levels) -> the event value when the event column changes
//   setEventColumn(spec, column, described) -> spec
//   setGroupColumn(spec, column, touched) -> spec   (the group toggles)
//   toggleAnalysis(spec, key, on, {stash, described, switchedOn}) -> {spec, stash}
//       switchedOn: the analysis's own first options (its module's form.switchedOn)
//   withTable1OnCovariates(spec, touched) -> spec
//   analysisOn(spec, key) -> whether the analysis runs
//   eventLooksOneTwo(spec, described) -> the 1/2 coding of R's lung data with event value 1
import { dropColumnEverywhere } from './spec_form.js';

export function columnsFor(kind, spec, described) {
  const cols = described?.columns ?? [];
  const derived = (spec?.derive ?? []).filter((d) => d.bed || d.eqd2 || d.date_diff).map((d) => d.name);
  if (kind === 'numeric') return [...cols.filter((c) => c.type === 'numeric').map((c) => c.name), ...derived];
  if (kind === 'levels') return cols.filter((c) => c.levels && c.levels.length <= 50).map((c) => c.name);
  return cols.map((c) => c.name);
}

export function levelsOf(described, column) {
  return described?.columns.find((c) => c.name === column)?.levels ?? [];
}

/** A level that names the event (dead, death, ...), else the last level, else '1'. */
export function eventValueFor(levels) {
  return levels.find((l) => /^(dead|death|died|event|yes|true)$/i.test(l)) ?? levels[levels.length - 1] ?? '1';
}

/** A new event column stops being a covariate (or any other role) and gets its event value. */
export function setEventColumn(spec, column, described) {
  const out = { ...dropColumnEverywhere(spec, column) };
  out.event = { column, values: [eventValueFor(levelsOf(described, column))] };
  return out;
}

/**
 * A group to compare switches the log-rank test and the Cox model on (unless
 * the user switched them off by hand, `touched`); no group switches off what
 * compares groups (log-rank stays for its 'by' columns, Cox for its covariates).
 */
export function setGroupColumn(spec, column, touched = new Set()) {
  const out = { ...dropColumnEverywhere(spec, column) };
  out.analyses = { ...(out.analyses ?? {}) };
  if (column) {
    out.group = { column };
    for (const key of ['logrank', 'cox']) if (!touched.has(key)) out.analyses[key] ??= {};
  } else {
    delete out.group;
    for (const key of ['matching', 'subgroups']) delete out.analyses[key];
    if (!out.analyses.logrank?.by?.length) delete out.analyses.logrank;
    if (!out.covariates?.length) delete out.analyses.cox;
  }
  return out;
}

/**
 * An analysis switched on gets back the options it had when switched off
 * (`stash`), then what its module fills in (`switchedOn(options, spec,
 * described)`, e.g. the cutpoint's column); one switched off keeps its options
 * in the stash.
 */
export function toggleAnalysis(spec, key, on, { stash = {}, described = null, switchedOn = null } = {}) {
  const analyses = { ...(spec.analyses ?? {}) };
  const kept = { ...stash };
  if (on) analyses[key] = kept[key] ?? analyses[key] ?? {};
  else {
    kept[key] = analyses[key];
    delete analyses[key];
  }
  const out = { ...spec, analyses };
  if (on && switchedOn) analyses[key] = switchedOn(analyses[key], out, described);
  return { spec: out, stash: kept };
}

/** Table 1 comes on with the first covariate unless the user chose otherwise. */
export function withTable1OnCovariates(spec, touched = new Set()) {
  if (!spec.covariates?.length || touched.has('table1') || spec.analyses?.table1) return spec;
  return { ...spec, analyses: { ...(spec.analyses ?? {}), table1: {} } };
}

export function analysisOn(spec, key) {
  const a = spec?.analyses?.[key];
  return Boolean(a) && a.enabled !== false;
}

/**
 * R's lung data code the status 1 = censored, 2 = dead: with the event value
 * 1, every death would be counted as censored. True when the event column
 * holds exactly 1 and 2 and the event value is 1.
 */
export function eventLooksOneTwo(spec, described) {
  const levels = described?.columns.find((c) => c.name === spec?.event?.column)?.levels ?? [];
  const values = spec?.event?.values ?? [1];
  return levels.length === 2 && levels.map(Number).sort().join() === '1,2' && values.length === 1 && Number(values[0]) === 1;
}
