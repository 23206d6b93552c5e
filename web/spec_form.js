// The analysis spec behind the page's form. The spec (docs/spec.md) is the one
// source of truth: the form edits it, a share link or the JSON editor restores
// it, the engine runs it. These helpers are pure so Node can test them.
//
//   getPath(obj, 'analyses.cox.ties'), setPath(obj, path, value) (undefined or
//   '' deletes), parseList(text, 'numbers' | 'strings'), formatList(array)
//   guessSetup(described) -> {time, event, eventValue, group, unit}
//   defaultSpec(described) -> a spec for a freshly loaded file
//   cutName(column), cutLabels(breaks), covariateRows(spec, described),
//   applyCovariateRows(spec, rows) -> spec with covariates and their cut derives
//   timeFromDates(spec) -> {start, end, format} | null; setTimeSource(spec, ...)
//   setBed(spec, {dose, fractions, alphaBeta} | null)
//   columnType(spec, column) -> 'numeric' | 'categorical' | '' (none declared)
//   setColumnType(data, column, type) -> a new "data" block with the column's
//     type declared ('' removes it)

import { engineDefault } from './engine_defaults.js';

export function getPath(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

export function setPath(obj, path, value) {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (o[k] == null || typeof o[k] !== 'object') o[k] = {};
    o = o[k];
  }
  const last = keys[keys.length - 1];
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) delete o[last];
  else o[last] = value;
  return obj;
}

/** "12, 36, 60" -> [12, 36, 60]; a bad number throws with the token named. */
export function parseList(text, type) {
  const parts = String(text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (type !== 'numbers') return parts;
  return parts.map((p) => {
    const x = Number(p);
    if (!Number.isFinite(x)) throw new Error(`"${p}" is not a number`);
    return x;
  });
}

/** Cut points typed by the user: numbers, or "median" (the column's median). */
export function parseBreaks(text, median) {
  return String(text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((p) => {
      if (/^median$/i.test(p)) {
        if (median == null) throw new Error('this column has no median');
        return median;
      }
      const x = Number(p);
      if (!Number.isFinite(x)) throw new Error(`"${p}" is not a number (or "median")`);
      return x;
    });
}

export function formatList(list) {
  return Array.isArray(list) ? list.join(', ') : '';
}

const first = (cols, patterns) => {
  for (const p of patterns) {
    const c = cols.find((col) => p.test(col.name));
    if (c) return c.name;
  }
  return '';
};

/** The usual names of time, event and treatment columns in clinical files. */
export function guessSetup(described) {
  const cols = described.columns;
  const numeric = cols.filter((c) => c.type === 'numeric');
  const withLevels = cols.filter((c) => c.levels && c.levels.length <= 20);
  // A time column with a few text cells ("unknown": describe's non_numeric)
  // is still the time column; the form then says which cells are not numbers.
  const timeLike = cols.filter((c) => c.type === 'numeric' || c.non_numeric);
  const time = first(timeLike, [/^(os_)?time$/i, /^os_?(months|days|years)$/i, /months|days|years|time|futime|survival/i]) || numeric[0]?.name || '';
  const event = first(withLevels, [/^status$/i, /^(death|dead|event|died)$/i, /death|event|dead|status|censor/i]) || '';
  const eventCol = cols.find((c) => c.name === event);
  const levels = eventCol?.levels ?? [];
  const named = levels.find((l) => /^(dead|death|died|deceased|event|yes|true)$/i.test(l));
  const eventValue = named ?? levels[levels.length - 1] ?? '1';
  const twoLevels = withLevels.filter((c) => c.levels.length === 2 && c.name !== event);
  const group = first(twoLevels, [/^(lt|treat|treatment|trt|arm|group|rx)$/i, /treat|trt|arm|therapy/i]) || '';
  const unit = /month/i.test(time) ? 'months' : /year/i.test(time) ? 'years' : /week/i.test(time) ? 'weeks' : 'days';
  return { time, event, eventValue, group, unit };
}

export function defaultSpec(described) {
  const g = guessSetup(described);
  const spec = {
    version: 1,
    time: { column: g.time, unit: g.unit },
    event: { column: g.event, values: [g.eventValue] },
    covariates: [],
    // Table 1 and Cox need covariates or a group; they are switched on as
    // the user picks them (no covariates yet: Table 1 would be empty).
    analyses: { km: {}, followup: {}, logrank: {}, cox: {} },
  };
  if (!g.group) delete spec.analyses.cox;
  if (g.group) spec.group = { column: g.group };
  if (!g.group) delete spec.analyses.logrank;
  const times = { months: [12, 36, 60], years: [1, 3, 5], days: [365, 1096, 1826], weeks: [52, 156, 261] }[g.unit];
  spec.analyses.km.times = times;
  return spec;
}

export const cutName = (column) => `${column}_cut`;

/**
 * [45] -> ["<45", ">=45"]; [a, b] -> ["<a", "a-<b", ">=b"] (R's cut(right =
 * FALSE), the clinical "age >= 45"); right = true: ["<=c", ">c"] (x <= c low,
 * as the cutpoint groups and maxstat split).
 */
export function cutLabels(breaks, right = false) {
  const [lo, hi, mid] = right ? ['<=', '>', '-<='] : ['<', '>=', '-<'];
  const labels = [`${lo}${breaks[0]}`];
  for (let i = 1; i < breaks.length; ++i) labels.push(`${breaks[i - 1]}${mid}${breaks[i]}`);
  labels.push(`${hi}${breaks[breaks.length - 1]}`);
  return labels;
}

const roles = (spec) => new Set([spec.time?.column, spec.event?.column, spec.group?.column].filter(Boolean));

/**
 * One row per file column (not time, event or group): whether it is a
 * covariate, its type, reference level and cut breaks, read back from the spec.
 */
export function covariateRows(spec, described) {
  const taken = roles(spec);
  const derives = spec.derive ?? [];
  return described.columns
    .filter((c) => !taken.has(c.name))
    .map((c) => {
      const cut = derives.find((d) => d.name === cutName(c.name) && d.cut);
      const name = cut ? cutName(c.name) : c.name;
      const term = (spec.covariates ?? []).find((t) => (typeof t === 'string' ? t : t.column) === name);
      const t = typeof term === 'string' ? { column: term } : term ?? {};
      return {
        column: c.name,
        included: Boolean(term),
        type: cut ? 'factor' : t.type ?? 'auto',
        reference: t.reference ?? '',
        breaks: cut ? cut.cut.breaks : [],
        right: cut ? Boolean(cut.cut.right) : false,
        levels: c.levels ?? [],
        numeric: c.type === 'numeric',
      };
    });
}

const termColumn = (t) => (typeof t === 'string' ? t : t.column);

/**
 * The spec with each row's covariate (and its cut derive) as the row says.
 * Terms no row describes (derived columns such as age_group) keep their
 * place and every field, and a row's term keeps its declared levels: editing
 * one covariate never changes another.
 */
export function applyCovariateRows(spec, rows) {
  const cutNames = new Set(rows.map((r) => cutName(r.column)));
  const derive = (spec.derive ?? []).filter((d) => !(d.cut && cutNames.has(d.name)));
  const covariates = (spec.covariates ?? []).map((t) => (typeof t === 'string' ? { column: t } : { ...t }));
  for (const r of rows) {
    const at = covariates.findIndex((t) => t.column === r.column || t.column === cutName(r.column));
    let term = null;
    if (r.breaks.length) {
      const breaks = [...r.breaks].sort((a, b) => a - b);
      const labels = cutLabels(breaks, r.right);
      derive.push({ name: cutName(r.column), cut: { column: r.column, breaks, labels, right: Boolean(r.right) } });
      if (r.included) term = { column: cutName(r.column), type: 'factor', levels: labels, ...(labels.includes(r.reference) ? { reference: r.reference } : {}) };
    } else if (r.included) {
      const old = at >= 0 && covariates[at].column === r.column ? covariates[at] : { column: r.column };
      term = { ...old };
      if (r.type && r.type !== 'auto') term.type = r.type;
      else delete term.type;
      if (r.reference) term.reference = r.reference;
      else delete term.reference;
    }
    if (term && at >= 0) covariates[at] = term;
    else if (term) covariates.push(term);
    else if (at >= 0) covariates.splice(at, 1);
  }
  const out = { ...spec, covariates };
  if (derive.length) out.derive = derive;
  else delete out.derive;
  return out;
}

/**
 * A column that becomes the time, event or group stops being a covariate,
 * a forced Cox term, a subgroup variable or an exact-matching column.
 */
export function dropColumnEverywhere(spec, column) {
  if (!column) return spec;
  const out = { ...spec };
  const keep = (list) => (list ?? []).filter((c) => termColumn(c) !== column && termColumn(c) !== cutName(column));
  out.covariates = keep(spec.covariates);
  const a = structuredClone(spec.analyses ?? {});
  if (a.cox?.force) a.cox.force = keep(a.cox.force);
  if (a.subgroups?.variables) a.subgroups.variables = keep(a.subgroups.variables);
  if (a.matching?.exact) a.matching.exact = keep(a.matching.exact);
  if (a.matching?.score_covariates) a.matching.score_covariates = keep(a.matching.score_covariates);
  out.analyses = a;
  return out;
}

export const DATE_TIME = 'time_from_dates';

export function timeFromDates(spec) {
  const d = (spec.derive ?? []).find((x) => x.name === DATE_TIME && x.date_diff);
  return d && spec.time?.column === DATE_TIME ? d.date_diff : null;
}

/** Time from a column, or from two date columns (a date_diff derive). */
export function setTimeSource(spec, source) {
  const derive = (spec.derive ?? []).filter((x) => x.name !== DATE_TIME);
  const out = { ...spec, derive };
  const unit = spec.time?.unit ?? engineDefault('time.unit');
  if (source.kind === 'dates') {
    derive.unshift({ name: DATE_TIME, date_diff: { start: source.start, end: source.end, unit, format: source.format ?? engineDefault('derive.date_diff.format') } });
    out.time = { column: DATE_TIME, unit };
  } else {
    out.time = { column: source.column, unit };
  }
  if (!derive.length) delete out.derive;
  return out;
}

export function setBed(spec, bed) {
  const derive = (spec.derive ?? []).filter((x) => x.name !== 'bed');
  if (bed) derive.push({ name: 'bed', bed: { dose: bed.dose, fractions: bed.fractions, alpha_beta: bed.alphaBeta } });
  const out = { ...spec, derive };
  if (!derive.length) delete out.derive;
  return out;
}

// A column's name is the file's, so it may be "__proto__" or "constructor":
// column_types is read by own keys and written with Object.fromEntries, never
// through obj[name] = ..., which would reach Object.prototype instead.
export function columnType(spec, column) {
  const types = spec?.data?.column_types;
  return types && Object.hasOwn(types, column) ? types[column] : '';
}

export function setColumnType(data, column, type) {
  const entries = Object.entries(data?.column_types ?? {});
  const at = entries.findIndex(([name]) => name === column);
  if (at < 0) entries.push([column, type]);
  else entries[at] = [column, type];
  return { ...(data ?? {}), column_types: Object.fromEntries(entries.filter(([name, t]) => name !== column || t)) };
}
