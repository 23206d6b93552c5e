// The form's rules: what the page fills in or switches when the user picks a
// column or an analysis. Pure functions of the spec and the file's
// description (the engine's `describe` result), so Node can test them
// (tests/node/form_rules.test.mjs); web/form_view.js applies them. None of
// them mutates its arguments.
//
//   columnsFor(kind, spec, described) -> names   'numeric' (file numerics, then
//       derived ones), 'time' (the same, with the columns of numbers but for a
//       few texts, describe's non_numeric, in file order), 'levels' (columns
//       with at most 50 levels), else every column
//   timeNotNumbers(spec, described) -> null | {column, count, values, cells, text}
//       the chosen time column's cells that are not numbers; Run refuses with text
//   treatAsMissing(spec, column, values) -> spec   those texts read as missing
//       (data.missing_values) and the column declared numeric
//   untreatMissing(spec, column) -> spec   undoes treatAsMissing
//   timeMissingNote(spec, described) -> null | {column, count, values, text}
//       the time column's cells data.missing_values made missing
//   levelsOf(described, column) -> the column's levels ([] if none)
//   eventValueFor(levels) -> the event value when the event column changes
//   setEventColumn(spec, column, described) -> spec
//   setGroupColumn(spec, column, {touched, analyses}) -> spec   (the group toggles)
//   toggleAnalysis(spec, key, on, {stash, described, switchedOn}) -> {spec, stash}
//       switchedOn: the analysis's own first options (its module's form.switchedOn)
//   withCovariateAnalyses(spec, {touched, analyses}) -> spec   (Table 1 with the first covariate)
//   analysisOn(spec, key) -> whether the analysis runs
//   eventLooksOneTwo(spec, described) -> the 1/2 coding of R's lung data with event value 1
import { dropColumnEverywhere } from './spec_form.js';
import { t, tn } from './i18n.js';

export function columnsFor(kind, spec, described) {
  const cols = described?.columns ?? [];
  const derived = (spec?.derive ?? []).filter((d) => d.bed || d.eqd2 || d.date_diff).map((d) => d.name);
  if (kind === 'numeric') return [...cols.filter((c) => c.type === 'numeric').map((c) => c.name), ...derived];
  // A few "unknown" cells must not take the time column out of the list: the
  // page keeps it and says which cells are not numbers (timeNotNumbers).
  if (kind === 'time') return [...cols.filter((c) => c.type === 'numeric' || c.non_numeric).map((c) => c.name), ...derived];
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
 * The group toggles. A group to compare switches on the analyses whose module
 * says `form.onWithGroup` (log-rank, Cox), unless the user switched them off
 * by hand (`touched`); no group switches off each analysis whose
 * `form.withoutGroup(options, spec)` says it has nothing left to do
 * (matching, subgroups; log-rank without 'by' columns, Cox without covariates).
 * `analyses`: the registry (web/analyses/index.js).
 */
export function setGroupColumn(spec, column, { touched = new Set(), analyses = [] } = {}) {
  const out = { ...dropColumnEverywhere(spec, column) };
  out.analyses = { ...(out.analyses ?? {}) };
  if (column) {
    out.group = { column };
    for (const a of analyses) if (a.form?.onWithGroup && !touched.has(a.key)) out.analyses[a.key] ??= {};
  } else {
    delete out.group;
    for (const a of analyses) {
      const keep = a.form?.withoutGroup;
      if (keep && out.analyses[a.key] && !keep(out.analyses[a.key], out)) delete out.analyses[a.key];
    }
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

/** The analyses whose module says `form.onWithCovariates` (Table 1) come on with the first covariate, unless the user chose otherwise. */
export function withCovariateAnalyses(spec, { touched = new Set(), analyses = [] } = {}) {
  const on = analyses.filter((a) => a.form?.onWithCovariates && !touched.has(a.key) && !spec.analyses?.[a.key]);
  if (!spec.covariates?.length || !on.length) return spec;
  return { ...spec, analyses: { ...(spec.analyses ?? {}), ...Object.fromEntries(on.map((a) => [a.key, {}])) } };
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

// A column's name and a cell's text are the file's: lists keyed by them are
// read by own keys and written with Object.fromEntries (see columnType).
const ownList = (obj, key) => (obj && Object.hasOwn(obj, key) && Array.isArray(obj[key]) ? obj[key] : []);
const withKey = (obj, key, value) =>
  Object.fromEntries([...Object.entries(obj ?? {}).filter(([k]) => k !== key), ...(value === undefined ? [] : [[key, value]])]);

// The texts are the page language's; the cells' values and line numbers are the file's.
const cellList = (cells, count) =>
  cells.map((c) => t('form.time_cells.cell', { line: c.line, value: c.value })).join(t('form.list_separator')) +
  (count > cells.length ? t('form.time_cells.more', { shown: cells.length, count }) : '');

/**
 * The chosen time column (from a file column, not from dates) holds cells
 * that are not numbers (describe's non_numeric) which data.missing_values
 * does not cover: what the notice and a refused Run say.
 */
export function timeNotNumbers(spec, described) {
  const column = spec?.time?.column;
  const c = described?.columns?.find((x) => x.name === column);
  const nn = c?.non_numeric;
  if (!nn) return null;
  const listed = ownList(spec?.data?.missing_values, column);
  if (nn.values.every((v) => listed.includes(v))) return null;
  const text = tn('form.time_cells.not_numbers', nn.count, { column, cells: cellList(nn.cells, nn.count) });
  return { column, count: nn.count, values: nn.values, cells: nn.cells, text };
}

/** The texts read as missing in `column` (data.missing_values), which is declared numeric. */
export function treatAsMissing(spec, column, values) {
  const data = { ...(spec.data ?? {}) };
  const listed = ownList(data.missing_values, column);
  data.missing_values = withKey(data.missing_values, column, [...listed, ...values.filter((v) => !listed.includes(v))]);
  data.column_types = withKey(data.column_types, column, 'numeric');
  return { ...spec, data };
}

/** treatAsMissing undone: the column's texts are read as before. */
export function untreatMissing(spec, column) {
  const data = { ...(spec.data ?? {}) };
  data.missing_values = withKey(data.missing_values, column, undefined);
  if (!Object.keys(data.missing_values).length) delete data.missing_values;
  if (data.column_types && Object.hasOwn(data.column_types, column) && data.column_types[column] === 'numeric')
    data.column_types = withKey(data.column_types, column, undefined);
  return { ...spec, data };
}

/** The time column's cells read as missing because data.missing_values lists them (describe's listed_missing). */
export function timeMissingNote(spec, described) {
  const column = spec?.time?.column;
  const lm = described?.columns?.find((x) => x.name === column)?.listed_missing;
  if (!lm) return null;
  const values = lm.values.map((value) => t('form.quoted', { value })).join(t('form.list_separator'));
  const text = tn('form.time_cells.missing_note', lm.count, { column, values, cells: cellList(lm.cells, lm.count) });
  return { column, count: lm.count, values: lm.values, text };
}
