// How many rows each analysis used, for the top of the results: the cohort
// (rows whose time, event and group are known) and every model that used
// fewer, with the columns whose missing values left the others out. A
// multivariable Cox on 6,524 of 7,874 rows is said at the top, not only in
// the "Rows used per analysis" table at the end. Pure functions of the
// engine's result (tests/node/rows_used.test.mjs).
//
//   rowsUsed(results) -> [[label, rows report]]   one cohort's models (each module's rowsUsed)
//   rowsHeadline(result) -> {status, summary, fewer: [{cohort, label, used, available, missing: [[column, n]]}]}
//       status: the sentence after a run ("Done: " summary); fewer: the models that used fewer rows
//       than their cohort. Texts are in the page's language (web/i18n.js); the numbers are the same.
import { ANALYSES } from './analyses/index.js';
import { t, tn } from './i18n.js';

export function rowsUsed(results) {
  return ANALYSES.flatMap((a) => a.rowsUsed?.(results?.[a.key]) ?? []).filter(([, rep]) => typeof rep === 'object' && rep?.rows_used != null);
}

// "; 41 left out for missing values (nodes 18, differ 23)": the engine counts
// each row left out under the first of its columns that is missing.
function leftOut(n, missing) {
  if (!n) return '';
  if (!missing.length) return t('page.rows.left_out', { n });
  return t('page.rows.left_out_by', { n, columns: missing.map(([column, k]) => `${column} ${k}`).join(t('page.list_separator')) });
}

/** One line of the list: "subcohort X: Cox ... ~ a + b: 888 of 929 rows; 41 left out for missing values (nodes 18, differ 23)". */
export function fewerText(f) {
  const line = t('page.rows.model', { label: f.label, used: f.used, available: f.available, left_out: leftOut(f.available - f.used, f.missing) });
  return f.cohort ? t('page.rows.in_cohort', { cohort: f.cohort, line }) : line;
}

export function rowsHeadline(result) {
  const r = result?.result && !result.results ? result.result : result;
  const c = r?.cohort ?? {};
  const cohorts = [{ name: '', results: r?.results }, ...(r?.subcohorts ?? []).map((s) => ({ name: t('page.rows.subcohort', { name: s.name }), results: s.results }))];
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
  const summary = t('page.rows.summary', {
    used: c.rows_used,
    available: c.rows_available,
    left_out: leftOut(c.rows_dropped, Object.entries(c.dropped_for_missing ?? {})),
    events: tn('page.rows.events', c.events),
    models: fewer.length ? tn('page.rows.models_fewer', fewer.length) : t('page.rows.no_model_fewer'),
  });
  return { status: t('page.rows.done', { summary }), summary, fewer };
}
