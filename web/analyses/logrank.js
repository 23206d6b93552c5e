// Log-rank tests: overall by group, stratified, by other variables, pairwise.
//   logrankModel(results.logrank, ctx) -> TableModel (overall, stratified, by-variable, pairwise (raw, adjusted))
// The default export is its entry in the registry (web/analyses/index.js).

import { DASH, formatInteger, formatNumber, formatP } from '../format.js';
import { t } from '../i18n.js';
import { engineMessage } from '../engine_text.js';
import { notComputed, col, colName, data, ensureCtx, errorText, levelName, model } from '../table_model.js';
import { columnSelect, list, select, withNone } from './fields.js';
import { engineDefault } from '../engine_defaults.js';
import { GROUP_ALIAS, cm, plain, rName, rNum, rStr } from '../r/escape.js';

// p.adjust's methods the engine takes (docs/spec.md), by their names in the page's language.
const ADJUST_METHODS = ['holm', 'bonferroni', 'none'];
export const adjustName = (method) => (ADJUST_METHODS.includes(method) ? t(`analyses.adjust.${method}`) : method);

function testRows(test, label, ctx, width) {
  const level = (l) => levelName(ctx, test.variable, l);
  const rows = [data([label, formatInteger(test.n?.reduce((a, b) => a + b, 0)), formatNumber(test.statistic, 2), formatInteger(test.df), formatP(test.p), DASH].slice(0, width))];
  for (const pr of test.pairwise?.pairs ?? []) {
    rows.push(data([t('analyses.vs', { a: level(pr.a), b: level(pr.b) }), formatInteger(pr.n), formatNumber(pr.statistic, 2), formatInteger(pr.df), formatP(pr.p), formatP(pr.p_adjusted)].slice(0, width), 1));
  }
  return rows;
}

export function logrankModel(logrank, ctx) {
  if (!logrank) return null;
  ctx = ensureCtx(ctx);
  const tests = [];
  const groupsOf = (test) => (test.error ? '' : t('analyses.logrank.n_groups', { n: test.groups.length }));
  const name = (c) => colName(ctx, c);
  if (logrank.by_group) tests.push([logrank.by_group, `${name(logrank.by_group.variable)}${groupsOf(logrank.by_group)}`]);
  if (logrank.stratified) tests.push([logrank.stratified, t('analyses.logrank.stratified_row', { variable: name(logrank.stratified.variable), strata: name(logrank.stratified.strata) })]);
  for (const test of logrank.by ?? []) tests.push([test, `${name(test.variable)}${groupsOf(test)}`]);
  if (!tests.length) return null;
  const anyPairs = tests.some(([test]) => test.pairwise?.pairs?.length);
  const columns = [col(t('analyses.col.comparison'), 'left'), col('n'), col('χ²'), col('df'), col('p')];
  if (anyPairs) columns.push(col(t('analyses.col.adjusted_p')));
  const rows = tests.flatMap(([test, label]) =>
    test.error ? [data([label, notComputed(), ...Array(columns.length - 2).fill('')])] : testRows(test, label, ctx, columns.length));
  const conv = logrank.conventions ?? {};
  const adjust = tests.map(([test]) => test.pairwise?.adjust).find(Boolean);
  const notes = [
    t('analyses.logrank.note_test', {
      test: conv.weights ? engineMessage(conv.weights) : t('analyses.logrank.test'),
      rho: conv.rho ?? engineDefault('analyses.logrank.rho'),
      df: conv.df ? engineMessage(conv.df) : t('analyses.logrank.df'),
    }),
    anyPairs && t('analyses.logrank.note_pairwise', { adjust: adjustName(adjust) }),
    logrank.stratified && t('analyses.logrank.note_stratified'),
    ...tests.filter(([test]) => test.error).map(([test, label]) => t('analyses.note.error', { what: label, message: errorText(test.error) })),
  ];
  return model(ctx, 'logrank', t('analyses.logrank.table_title'), columns, rows, notes);
}

// Its block of the R script (web/analyses/index.js: rBlock).
function rBlock(a, { path: p, spec }) {
  const g = spec.group;
  const about = cm`Reproduces ${p}.logrank: survdiff(rho = ${a.rho}) by group${a.strata ? `, stratified on ${a.strata}` : ''}${a.by.length ? `, by ${a.by.join(', ')}` : ''};\npairwise tests for 3+ groups on each pair's rows, p.adjust(method = "${a.pairwise_adjust}").`;
  let s = '';
  if (g) {
    s += `lr <- survdiff(Surv(time_, event_) ~ ${plain(g.column, GROUP_ALIAS)}, data = d, rho = ${rNum(a.rho, 'logrank.rho')})\nprint(lr)\n`;
    s += `lr_res <- lr_key(lr)\n`;
    s += `if (nlevels(d[[${rStr(g.column)}]]) > 2) lr_res$pairwise <- pairwise_lr(d$time_, d$event_, d[[${rStr(g.column)}]], ${rNum(a.rho, 'logrank.rho')}, ${rStr(a.pairwise_adjust)})\n`;
    s += `put(${rStr(p + '.logrank.by_group')}, lr_res)\n`;
    if (a.strata) {
      s += `lr_strat <- survdiff(Surv(time_, event_) ~ ${plain(g.column, GROUP_ALIAS)} + strata(${rName(a.strata)}), data = d, rho = ${rNum(a.rho, 'logrank.rho')})\nprint(lr_strat)\n`;
      s += `put(${rStr(p + '.logrank.stratified')}, lr_key(lr_strat))\n`;
    }
  }
  a.by.forEach((v, i) => {
    s += `by_x <- ls_factor(d[[${rStr(v)}]], all = raw[[${rStr(v)}]])   # ${cm`${v} read as a factor`}\n`;
    s += `lr_by <- survdiff(Surv(time_, event_) ~ by_x, data = d, rho = ${rNum(a.rho, 'logrank.rho')})\nprint(lr_by)\n`;
    s += `lr_res <- c(list(variable = ${rStr(v)}), lr_key(lr_by))\n`;
    s += `if (nlevels(droplevels(by_x)) > 2) lr_res$pairwise <- pairwise_lr(d$time_, d$event_, droplevels(by_x), ${rNum(a.rho, 'logrank.rho')}, ${rStr(a.pairwise_adjust)})\n`;
    s += `put(${rStr(`${p}.logrank.by.${i}`)}, lr_res)\n`;
  });
  return { title: 'Log-rank tests', about, code: s };
}

export default {
  key: 'logrank',
  get title() {
    return t('analyses.logrank.title');
  },
  form: {
    get toggle() {
      return t('analyses.logrank.toggle');
    },
    onWithGroup: true,
    // Without a group it still tests its 'by' columns.
    withoutGroup: (options) => Boolean(options.by?.length),
    fields: [
      select('analyses.logrank.field.pairwise_adjust', 'analyses.logrank.pairwise_adjust', ADJUST_METHODS.map((m) => [m, `analyses.adjust.${m}`])),
      select('analyses.logrank.field.rho', 'analyses.logrank.rho', [[0, 'analyses.logrank.field.rho_0'], [1, 'analyses.logrank.field.rho_1']], { 'data-number': 'true' }),
      withNone(columnSelect('analyses.field.stratified_by', 'analyses.logrank.strata', 'levels')),
      list('analyses.logrank.field.by', 'analyses.logrank.by', 'strings', 'analyses.field.columns_placeholder'),
    ],
  },
  tables: (logrank, ctx) => [{ paper: 6, model: logrankModel(logrank, ctx) }],
  render: (logrank, view) => view.table('logrank'),
  rowsUsed: (logrank) => [
    ...(logrank?.by_group?.rows ? [[t('analyses.logrank.rows_used'), logrank.by_group.rows]] : []),
    ...(logrank?.by ?? []).filter((test) => test.rows).map((test) => [t('analyses.logrank.rows_used_by', { variable: test.variable }), test.rows]),
  ],
  rBlock,
};
