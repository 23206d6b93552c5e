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
  const time = first(numeric, [/^(os_)?time$/i, /^os_?(months|days|years)$/i, /months|days|years|time|futime|survival/i]) || numeric[0]?.name || '';
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

/** [45] -> ["<45", ">=45"]; [a, b] -> ["<a", "a-<b", ">=b"] (R's cut(right = FALSE)). */
export function cutLabels(breaks) {
  const labels = [`<${breaks[0]}`];
  for (let i = 1; i < breaks.length; ++i) labels.push(`${breaks[i - 1]}-<${breaks[i]}`);
  labels.push(`>=${breaks[breaks.length - 1]}`);
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
        levels: c.levels ?? [],
        numeric: c.type === 'numeric',
      };
    });
}

/** The spec with covariates (and their cut derives) as the rows say. */
export function applyCovariateRows(spec, rows) {
  const cutNames = new Set(rows.map((r) => cutName(r.column)));
  const derive = (spec.derive ?? []).filter((d) => !(d.cut && cutNames.has(d.name)));
  const covariates = [];
  for (const r of rows) {
    if (r.breaks.length) {
      const breaks = [...r.breaks].sort((a, b) => a - b);
      const labels = cutLabels(breaks);
      derive.push({ name: cutName(r.column), cut: { column: r.column, breaks, labels, right: false } });
      if (r.included) covariates.push({ column: cutName(r.column), type: 'factor', levels: labels, ...(r.reference ? { reference: r.reference } : {}) });
      continue;
    }
    if (!r.included) continue;
    const term = { column: r.column };
    if (r.type && r.type !== 'auto') term.type = r.type;
    if (r.reference) term.reference = r.reference;
    covariates.push(term);
  }
  const out = { ...spec, covariates };
  if (derive.length) out.derive = derive;
  else delete out.derive;
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
  const unit = spec.time?.unit ?? 'days';
  if (source.kind === 'dates') {
    derive.unshift({ name: DATE_TIME, date_diff: { start: source.start, end: source.end, unit, format: source.format ?? 'auto' } });
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
