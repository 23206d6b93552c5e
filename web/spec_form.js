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
//   deriveText(derive) -> its definition in words; DERIVE_KINDS, deriveKind(derive)
//   newDerive(spec, kind, described) -> a derived column with a free name
//   setDerive(spec, name, derive | null) -> spec (renamed or removed everywhere)
//   renameColumnEverywhere(spec, from, to)
//   columnType(spec, column) -> 'numeric' | 'categorical' | '' (none declared)
//   setColumnType(data, column, type) -> a new "data" block with the column's
//     type declared ('' removes it)

import { engineDefault } from './engine_defaults.js';
import { t } from './i18n.js';

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

/**
 * "12, 36, 60" -> [12, 36, 60]; a bad number throws with the token named.
 * Numbers may also be separated by the full-width comma of a Chinese input
 * method; names only by ',' (a name may hold '，').
 */
export function parseList(text, type) {
  const parts = String(text ?? '')
    .split(type === 'numbers' ? /[,，]/ : ',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (type !== 'numbers') return parts;
  return parts.map((p) => {
    const x = Number(p);
    if (!Number.isFinite(x)) throw new Error(t('form.list.not_a_number', { value: p }));
    return x;
  });
}

// The word for the median in a cut, in every language the page speaks
// (the placeholder of the field suggests the page language's).
const MEDIAN_WORD = /^(median|中位数)$/i;

/** Cut points typed by the user: numbers, or "median" (the column's median). */
export function parseBreaks(text, median) {
  return String(text ?? '')
    .split(/[,，]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((p) => {
      if (MEDIAN_WORD.test(p)) {
        if (median == null) throw new Error(t('form.cut.no_median'));
        return median;
      }
      const x = Number(p);
      if (!Number.isFinite(x)) throw new Error(t('form.cut.not_a_number', { value: p }));
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

/** What a derived column is, in words (the page's language): "cut of age at 45", "1 when t_stage is T4". */
export function deriveText(d) {
  if (d.cut) return t('form.derive.text.cut', { column: d.cut.column, breaks: formatList(d.cut.breaks) });
  if (d.flag) return t('form.derive.text.flag', { column: d.flag.column, values: (d.flag.values ?? []).join(t('form.or_separator')) });
  if (d.bed) return t('form.derive.text.bed', { dose: d.bed.dose, fractions: d.bed.fractions });
  if (d.eqd2) return t('form.derive.text.eqd2', { dose: d.eqd2.dose, fractions: d.eqd2.fractions });
  if (d.date_diff) {
    const unit = d.date_diff.unit ?? engineDefault('derive.date_diff.unit');
    // A unit the form does not offer (a link's) is shown as written.
    const word = ['days', 'weeks', 'months', 'years'].includes(unit) ? t(`analyses.unit.${unit}`) : unit;
    return t('form.derive.text.date_diff', { unit: word, start: d.date_diff.start, end: d.date_diff.end });
  }
  return t('form.derive.text.other');
}

// A derived column's levels as the engine makes them (the reference choices).
function deriveLevels(d) {
  if (d.cut) return d.cut.labels ?? cutLabels(d.cut.breaks ?? [], d.cut.right);
  if (d.flag) return ['0', '1'];
  return [];
}

/**
 * One row per file column, then per derived column (not time, event or
 * group; not a file column's own cut, which is on that column's row, nor the
 * time from dates): whether it is a covariate, its type, reference level and
 * cut breaks, read back from the spec. A derived row has `derived`, its
 * definition in words.
 */
export function covariateRows(spec, described) {
  const taken = roles(spec);
  const derives = spec.derive ?? [];
  const termOf = (name) => {
    const term = (spec.covariates ?? []).find((t) => (typeof t === 'string' ? t : t.column) === name);
    return { term, t: typeof term === 'string' ? { column: term } : term ?? {} };
  };
  const row = (column, cut, levels, numeric) => {
    const { term, t } = termOf(cut ? cutName(column) : column);
    return {
      column,
      included: Boolean(term),
      type: cut ? 'factor' : t.type ?? 'auto',
      reference: t.reference ?? '',
      breaks: cut ? cut.cut.breaks : [],
      right: cut ? Boolean(cut.cut.right) : false,
      levels,
      numeric,
    };
  };
  const cutOf = (name) => derives.find((d) => d.name === cutName(name) && d.cut);
  const fileRows = described.columns
    .filter((c) => !taken.has(c.name))
    .map((c) => row(c.name, cutOf(c.name), c.levels ?? [], c.type === 'numeric'));
  // A cut made on a numeric column's row (file or derived) stays on that row.
  const numericDerived = (d) => Boolean(d.bed || d.eqd2 || d.date_diff);
  const owners = new Set([...fileRows.map((r) => r.column), ...derives.filter(numericDerived).map((d) => d.name)]);
  const derivedRows = derives
    .filter((d) => d.name !== DATE_TIME && !taken.has(d.name) && !(d.cut && owners.has(d.cut.column) && d.name === cutName(d.cut.column)))
    .map((d) => ({ ...row(d.name, numericDerived(d) ? cutOf(d.name) : null, deriveLevels(d), numericDerived(d)), derived: deriveText(d) }));
  return [...fileRows, ...derivedRows];
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
// Every option of an analyses block that names columns: lists of terms, and
// single columns. Renaming and removing a column both walk this one table.
const TERM_LISTS = [['cox', 'force'], ['logrank', 'by'], ['subgroups', 'variables'], ['matching', 'exact'], ['matching', 'score_covariates']];
const SINGLE_COLUMNS = [['cox', 'strata'], ['cox', 'cluster'], ['logrank', 'strata'], ['cutpoint', 'column']];

// A copy of an analyses block with each term list through `list` and, when
// given, each single column through `single` (undefined removes the option).
function mapColumnOptions(a, { list, single }) {
  if (!a) return a;
  const out = structuredClone(a);
  for (const [k, o] of TERM_LISTS) if (out[k]?.[o]) out[k][o] = list(out[k][o]);
  if (single) {
    for (const [k, o] of SINGLE_COLUMNS) {
      if (!out[k]?.[o]) continue;
      const v = single(out[k][o]);
      if (v === undefined) delete out[k][o];
      else out[k][o] = v;
    }
  }
  return out;
}

const keepOthers = (column) => (list) => (list ?? []).filter((c) => termColumn(c) !== column && termColumn(c) !== cutName(column));

// The column (and its cut) out of the covariates and the analyses' lists of
// terms: it has become the time, event or group.
export function dropColumnEverywhere(spec, column) {
  if (!column) return spec;
  const keep = keepOthers(column);
  return { ...spec, covariates: keep(spec.covariates), analyses: mapColumnOptions(spec.analyses ?? {}, { list: keep }) };
}

// The column no longer exists (a derived column removed): out of every list
// and every single-column option, the subcohorts' included.
function removeColumnEverywhere(spec, column) {
  const keep = keepOthers(column);
  const how = { list: keep, single: (c) => (c === column ? undefined : c) };
  const out = { ...spec, covariates: keep(spec.covariates), analyses: mapColumnOptions(spec.analyses ?? {}, how) };
  if (spec.subcohorts)
    out.subcohorts = spec.subcohorts.map((s) => ({ ...s, ...(s.covariates ? { covariates: keep(s.covariates) } : {}), ...(s.analyses ? { analyses: mapColumnOptions(s.analyses, how) } : {}) }));
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

// --------------------------------------------------------- derived columns

export const DERIVE_KINDS = ['cut', 'flag', 'bed', 'eqd2', 'date_diff'];
export const deriveKind = (d) => DERIVE_KINDS.find((k) => d?.[k]) ?? '';

// The columns a derived column reads, by its kind.
const DERIVE_INPUTS = { cut: ['column'], flag: ['column'], bed: ['dose', 'fractions'], eqd2: ['dose', 'fractions'], date_diff: ['start', 'end'] };

function freeName(base, spec, described) {
  const taken = new Set([...(described?.columns ?? []).map((c) => c.name), ...(spec.derive ?? []).map((d) => d.name)]);
  if (!taken.has(base)) return base;
  let i = 2;
  while (taken.has(`${base}${i}`)) ++i;
  return `${base}${i}`;
}

/**
 * A new derived column of `kind` with a free name and the file's likeliest
 * columns: a cut of the first numeric column at its median, a flag of the
 * first column with levels (its last level), BED/EQD2 of columns named like
 * dose and fractions; date columns are left to choose.
 */
export function newDerive(spec, kind, described) {
  const cols = described?.columns ?? [];
  // Not an identifier: a cut of patient numbers is never what is meant.
  const numeric = cols.filter((c) => c.type === 'numeric' && !roles(spec).has(c.name) && !/^(id|.*_id|patient.*)$/i.test(c.name));
  const named = (re) => numeric.find((c) => re.test(c.name))?.name ?? '';
  switch (kind) {
    case 'cut': {
      const c = numeric[0];
      const breaks = c && Number.isFinite(c.median) ? [c.median] : [];
      return { name: freeName(c ? `${c.name}_group` : 'group', spec, described), cut: { column: c?.name ?? '', breaks, labels: cutLabels(breaks), right: false } };
    }
    case 'flag': {
      const c = cols.find((x) => x.levels?.length >= 2 && x.levels.length <= 20 && !roles(spec).has(x.name));
      return { name: freeName(c ? `${c.name}_flag` : 'flag', spec, described), flag: { column: c?.name ?? '', values: c ? [c.levels.at(-1)] : [] } };
    }
    case 'bed':
    case 'eqd2':
      return { name: freeName(kind, spec, described), [kind]: { dose: named(/dose|gy/i), fractions: named(/fraction|fx/i), alpha_beta: engineDefault(`derive.${kind}.alpha_beta`) } };
    case 'date_diff':
      return { name: freeName('interval', spec, described), date_diff: { start: '', end: '', unit: engineDefault('derive.date_diff.unit'), format: engineDefault('derive.date_diff.format') } };
    default:
      throw new Error(t('form.derive.unknown_kind', { kind, kinds: DERIVE_KINDS.join(', ') }));
  }
}

/** Every reference to column `from` (a term, an option naming a column, another derived column's input) now names `to`. */
export function renameColumnEverywhere(spec, from, to) {
  const rename = (c) => (c === from ? to : c);
  const renameTerm = (t) => (typeof t === 'string' ? rename(t) : t?.column === from ? { ...t, column: to } : t);
  const terms = (list) => list?.map(renameTerm);
  const analyses = (a) => mapColumnOptions(a, { list: terms, single: rename });
  const out = { ...spec };
  for (const role of ['time', 'event', 'group']) if (spec[role]?.column === from) out[role] = { ...spec[role], column: to };
  if (spec.covariates) out.covariates = terms(spec.covariates);
  if (spec.analyses) out.analyses = analyses(spec.analyses);
  if (spec.derive)
    out.derive = spec.derive.map((d) => {
      const kind = deriveKind(d);
      const inputs = { ...d[kind] };
      for (const k of DERIVE_INPUTS[kind] ?? []) inputs[k] = rename(inputs[k]);
      return { ...d, [kind]: inputs };
    });
  if (spec.subcohorts)
    out.subcohorts = spec.subcohorts.map((s) => ({ ...s, ...(s.covariates ? { covariates: terms(s.covariates) } : {}), ...(s.analyses ? { analyses: analyses(s.analyses) } : {}) }));
  return out;
}

/** The derived column named `name` replaced by `derive` (renamed everywhere if its name changed); null removes it and every use of it. */
export function setDerive(spec, name, derive) {
  const list = spec.derive ?? [];
  const at = list.findIndex((d) => d.name === name);
  let out = { ...spec };
  if (derive == null) {
    out = removeColumnEverywhere(out, name);
    out.derive = list.filter((d) => d.name !== name);
  } else {
    out.derive = at >= 0 ? list.map((d, i) => (i === at ? derive : d)) : [...list, derive];
    if (at >= 0 && derive.name !== name && derive.name) out = renameColumnEverywhere(out, name, derive.name);
  }
  if (!out.derive.length) delete out.derive;
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
