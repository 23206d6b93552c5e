// Display names (the spec's `labels`, docs/spec.md): what the page's tables,
// figures and exports call a column and its levels ("lt" -> "Local therapy",
// "0" -> "No"). The engine and the R script keep the file's names. A name
// comes from the user's file or a link: it is read by own keys only (a
// column may be called "__proto__"), and reaches the page as text.
//
//   displayNames(spec) -> {column(c), level(c, l), hasLevel(c, l)}
//   groupLevelText(names, column, level) -> "lt = 0" / "Local therapy: No"
//   withColumnName(spec, column, name) -> spec   ('' removes it)
//   withLevelNames(spec, column, {level: name}) -> spec   (empty names removed)

const own = (obj, key) => (obj && typeof obj === 'object' && !Array.isArray(obj) && Object.hasOwn(obj, key) ? obj[key] : undefined);
const named = (v) => (typeof v === 'string' && v !== '' ? v : null);

export function displayNames(spec) {
  const labels = own(spec ?? {}, 'labels');
  const columns = own(labels, 'columns');
  const levels = own(labels, 'levels');
  const levelName = (c, l) => named(own(own(levels, String(c)), String(l)));
  return {
    column: (c) => named(own(columns, String(c))) ?? String(c),
    level: (c, l) => levelName(c, l) ?? String(l),
    hasLevel: (c, l) => levelName(c, l) != null,
  };
}

/** A group's level as curves and columns name it: "lt = 0", or with display names "Local therapy: No". */
export function groupLevelText(names, column, level) {
  return names.hasLevel(column, level) ? `${names.column(column)}: ${names.level(column, level)}` : `${names.column(column)} = ${level}`;
}

// The labels block without empty parts: a spec with no names has no `labels`.
function withLabels(spec, columns, levels) {
  const out = { ...spec };
  const labels = {};
  if (Object.keys(columns).length) labels.columns = columns;
  if (Object.keys(levels).length) labels.levels = levels;
  if (Object.keys(labels).length) out.labels = labels;
  else delete out.labels;
  return out;
}

const entries = (obj) => (obj && typeof obj === 'object' ? Object.entries(obj) : []);

export function withColumnName(spec, column, name) {
  const columns = entries(spec.labels?.columns).filter(([c]) => c !== column);
  if (name) columns.push([column, name]);
  return withLabels(spec, Object.fromEntries(columns), Object.fromEntries(entries(spec.labels?.levels)));
}

export function withLevelNames(spec, column, names) {
  const levels = entries(spec.labels?.levels).filter(([c]) => c !== column);
  const kept = entries(names).filter(([, n]) => n);
  if (kept.length) levels.push([column, Object.fromEntries(kept)]);
  return withLabels(spec, Object.fromEntries(entries(spec.labels?.columns)), Object.fromEntries(levels));
}
