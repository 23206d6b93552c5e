// How many rows each analysis used, for the top of the results: the cohort
// (rows whose time, event and group are known) and every model that used
// fewer, with the columns whose missing values left the others out. A
// multivariable Cox on 6,524 of 7,874 rows is said at the top, not only in
// the "Rows used per analysis" table at the end. Pure functions of the
// engine's result (tests/node/rows_used.test.mjs).
//
//   rowsUsed(results) -> [[label, rows report]]   one cohort's models (each module's rowsUsed)
//   rowsHeadline(result) -> {status, fewer: [{cohort, label, used, available, missing: [[column, n]]}]}
//       status: the sentence after a run; fewer: the models that used fewer rows than their cohort
import { ANALYSES } from './analyses/index.js';

export function rowsUsed(results) {
  return ANALYSES.flatMap((a) => a.rowsUsed?.(results?.[a.key]) ?? []).filter(([, rep]) => typeof rep === 'object' && rep?.rows_used != null);
}

// "; 41 left out for missing values (nodes 18, differ 23)": the engine counts
// each row left out under the first of its columns that is missing.
function leftOut(n, missing) {
  if (!n) return '';
  const cols = missing.length ? ` (${missing.map(([column, k]) => `${column} ${k}`).join(', ')})` : '';
  return `; ${n} left out for missing values${cols}`;
}

/** One line of the list: "subcohort X: Cox ... ~ a + b: 888 of 929 rows; 41 left out for missing values (nodes 18, differ 23)". */
export function fewerText(f) {
  return `${f.cohort ? `${f.cohort}: ` : ''}${f.label}: ${f.used} of ${f.available} rows${leftOut(f.available - f.used, f.missing)}`;
}

export function rowsHeadline(result) {
  const r = result?.result && !result.results ? result.result : result;
  const c = r?.cohort ?? {};
  const cohorts = [{ name: '', results: r?.results }, ...(r?.subcohorts ?? []).map((s) => ({ name: `subcohort ${s.name}`, results: s.results }))];
  const fewer = cohorts.flatMap(({ name, results }) =>
    rowsUsed(results)
      .filter(([, rep]) => rep.rows_used < rep.rows_available)
      .map(([label, rep]) => ({
        cohort: name,
        label,
        used: rep.rows_used,
        available: rep.rows_available,
        missing: Object.entries(rep.dropped_for_missing ?? {}),
      })),
  );
  const models = fewer.length === 1 ? 'One model' : `${fewer.length} models`;
  const status = `Done: ${c.rows_used} of ${c.rows_available} rows in the cohort${leftOut(c.rows_dropped, Object.entries(c.dropped_for_missing ?? {}))}; ${
    c.events} ${c.events === 1 ? 'event' : 'events'}. ${fewer.length ? `${models} used fewer rows (listed below).` : 'No model left out further rows.'}`;
  return { status, fewer };
}
