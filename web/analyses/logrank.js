// Log-rank tests: overall by group, stratified, by other variables, pairwise.
//   logrankModel(results.logrank, ctx) -> TableModel (overall, stratified, by-variable, pairwise (raw, adjusted))
// The default export is its entry in the registry (web/analyses/index.js).

import { DASH, formatInteger, formatNumber, formatP } from '../format.js';
import { NOT_COMPUTED, col, colName, data, ensureCtx, errorText, levelName, model } from '../table_model.js';
import { columnSelect, list, select, withNone } from './fields.js';
import { engineDefault } from '../engine_defaults.js';
import { GROUP_ALIAS, cm, plain, rName, rNum, rStr } from '../r/escape.js';

function testRows(test, label, ctx, width) {
  const level = (l) => levelName(ctx, test.variable, l);
  const rows = [data([label, formatInteger(test.n?.reduce((a, b) => a + b, 0)), formatNumber(test.statistic, 2), formatInteger(test.df), formatP(test.p), DASH].slice(0, width))];
  for (const pr of test.pairwise?.pairs ?? []) {
    rows.push(data([`${level(pr.a)} vs ${level(pr.b)}`, formatInteger(pr.n), formatNumber(pr.statistic, 2), formatInteger(pr.df), formatP(pr.p), formatP(pr.p_adjusted)].slice(0, width), 1));
  }
  return rows;
}

export function logrankModel(logrank, ctx) {
  if (!logrank) return null;
  ctx = ensureCtx(ctx);
  const tests = [];
  const groupsOf = (t) => (t.error ? '' : ` (${t.groups.length} groups)`);
  const name = (c) => colName(ctx, c);
  if (logrank.by_group) tests.push([logrank.by_group, `${name(logrank.by_group.variable)}${groupsOf(logrank.by_group)}`]);
  if (logrank.stratified) tests.push([logrank.stratified, `${name(logrank.stratified.variable)}, stratified by ${name(logrank.stratified.strata)}`]);
  for (const t of logrank.by ?? []) tests.push([t, `${name(t.variable)}${groupsOf(t)}`]);
  if (!tests.length) return null;
  const anyPairs = tests.some(([t]) => t.pairwise?.pairs?.length);
  const columns = [col('Comparison', 'left'), col('n'), col('χ²'), col('df'), col('p')];
  if (anyPairs) columns.push(col('Adjusted p'));
  const rows = tests.flatMap(([t, label]) =>
    t.error ? [data([label, NOT_COMPUTED, ...Array(columns.length - 2).fill('')])] : testRows(t, label, ctx, columns.length));
  const conv = logrank.conventions ?? {};
  const adjust = tests.map(([t]) => t.pairwise?.adjust).find(Boolean);
  const notes = [
    `${conv.weights ?? 'Log-rank test'} (rho = ${conv.rho ?? engineDefault('analyses.logrank.rho')}); df: ${conv.df ?? 'groups − 1'}.`,
    anyPairs && `Pairwise: each pair of groups tested on its own rows; adjusted p by ${adjust} (p.adjust).`,
    logrank.stratified && 'The stratified test compares the groups within strata; the by-variable tests are not stratified.',
    ...tests.filter(([t]) => t.error).map(([t, label]) => `${label}: ${errorText(t.error)}`),
  ];
  return model(ctx, 'logrank', 'Log-rank tests', columns, rows, notes);
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
  title: 'Log-rank tests',
  form: {
    toggle: 'Log-rank test',
    onWithGroup: true,
    // Without a group it still tests its 'by' columns.
    withoutGroup: (options) => Boolean(options.by?.length),
    fields: [
      select('Pairwise p adjustment', 'analyses.logrank.pairwise_adjust', ['holm', 'bonferroni', 'none']),
      select('Test', 'analyses.logrank.rho', [[0, 'log-rank (rho = 0)'], [1, 'Peto–Peto (rho = 1)']], { 'data-number': 'true' }),
      withNone(columnSelect('Stratified by', 'analyses.logrank.strata', 'levels')),
      list('Also tested by (columns)', 'analyses.logrank.by', 'strings', 'columns, comma-separated'),
    ],
  },
  tables: (logrank, ctx) => [{ paper: 6, model: logrankModel(logrank, ctx) }],
  render: (logrank, view) => view.table('logrank'),
  rowsUsed: (logrank) => [
    ...(logrank?.by_group?.rows ? [['log-rank', logrank.by_group.rows]] : []),
    ...(logrank?.by ?? []).filter((t) => t.rows).map((t) => [`log-rank by ${t.variable}`, t.rows]),
  ],
  rBlock,
};
