// Table 1: baseline characteristics, overall and by group, with the test of
// each (χ² or Fisher for factors, Welch t and Wilcoxon for numerics).
//   table1Model(results.table1, ctx) -> TableModel (n (%), mean (SD), median (IQR), p, test)
// The default export is its entry in the registry (web/analyses/index.js).

import { DASH, decimalsFor, formatCountPercent, formatInteger, formatMeanSD, formatMedianIQR, formatP } from '../format.js';
import { t } from '../i18n.js';
import { notComputed, col, colName, data, ensureCtx, errorText, groupName, levelName, model } from '../table_model.js';
import { check, select } from './fields.js';
import { engineDefault } from '../engine_defaults.js';
import { cm, rBool, rStr } from '../r/escape.js';

function factorTest(tests) {
  const chisq = tests?.chisq;
  const fisher = tests?.fisher;
  // The balance rule's 'auto' test (docs/spec.md): Fisher when an expected
  // count is below 5, else chi-square.
  const useFisher = fisher && fisher.p != null && (!chisq || chisq.p == null || !(chisq.min_expected >= 5));
  if (useFisher) return { p: fisher.p, label: t('analyses.test.fisher'), fisher: true };
  if (chisq) return { p: chisq.p, label: chisq.yates_applied ? t('analyses.test.chisq_yates') : 'χ²' };
  return null;
}

function tLabel(test) {
  if (!test) return DASH;
  if (/welch/i.test(test.method ?? '')) return 'Welch t';
  return 't';
}

export function table1Model(t1, ctx) {
  if (!t1?.variables?.length) return null;
  ctx = ensureCtx(ctx);
  const groups = t1.groups ?? [];
  const byGroup = groups.length >= 2;
  const first = t1.variables.find((v) => !v.error) ?? {};
  const total = (s) => (s ? s.n + (s.missing ?? 0) : null);
  const columns = [col(t('analyses.col.characteristic'), 'left'), col(t('analyses.table1.col_overall', { n: formatInteger(ctx.cohort?.rows_used ?? total(first.overall)) }))];
  if (byGroup) {
    groups.forEach((g, i) => columns.push(col(t('analyses.col.arm_n', { arm: groupName(ctx, g), n: formatInteger(total(first.by_group?.[i])) }))));
    columns.push(col('p'), col(t('analyses.col.test'), 'left'));
  }
  const width = columns.length;
  const pad = (cells) => [...cells, ...Array(width - cells.length).fill('')];
  const rows = [];
  let anyFisher = false;
  let anyMissing = false;
  const hasFactor = t1.variables.some((v) => v.type === 'factor');
  const hasNumeric = t1.variables.some((v) => v.type === 'numeric');
  const failed = [];
  const flags = t1.variables.filter((v) => v.binary && !v.error).map((v) => colName(ctx, v.variable));
  for (const v of t1.variables) {
    if (v.error) {
      failed.push(t('analyses.note.error', { what: colName(ctx, v.variable), message: errorText(v.error) }));
      rows.push(data(pad([colName(ctx, v.variable), notComputed()])));
      continue;
    }
    const parts = [v.overall, ...(byGroup ? v.by_group ?? [] : [])];
    if (v.type === 'factor') {
      const test = byGroup ? factorTest(v.tests) : null;
      if (test?.fisher) anyFisher = true;
      rows.push(data(pad([colName(ctx, v.variable), ...parts.map(() => ''), ...(byGroup ? [test ? formatP(test.p) : DASH, test ? test.label : DASH] : [])])));
      v.levels.forEach((level, j) => {
        rows.push(data(pad([levelName(ctx, v.variable, level), ...parts.map((s) => formatCountPercent(s.counts[j], s.percent[j]))]), 1));
      });
    } else {
      const d = decimalsFor(v.overall.sd);
      const tt = v.tests?.t;
      const w = v.tests?.wilcoxon;
      rows.push(data(pad([colName(ctx, v.variable)])));
      rows.push(data(pad([t('analyses.table1.mean_sd'), ...parts.map((s) => formatMeanSD(s.mean, s.sd, d)), ...(byGroup ? [tt ? formatP(tt.p) : DASH, tLabel(tt)] : [])]), 1));
      rows.push(
        data(
          pad([
            t('analyses.table1.median_iqr'),
            ...parts.map((s) => formatMedianIQR(s.median, s.q1, s.q3, d)),
            ...(byGroup ? [w ? formatP(w.p) : DASH, w ? (w.exact ? t('analyses.test.wilcoxon_exact') : 'Wilcoxon') : DASH] : []),
          ]),
          1,
        ),
      );
    }
    if (v.overall.missing > 0) {
      anyMissing = true;
      rows.push(data(pad([t('analyses.table1.missing'), ...parts.map((s) => formatInteger(s.missing))]), 1));
    }
  }
  const yates = ctx.spec?.analyses?.table1?.yates;
  const notes = [
    t('analyses.table1.note_values'),
    byGroup && hasFactor && t(yates === false ? 'analyses.table1.note_factors_no_yates' : 'analyses.table1.note_factors'),
    byGroup && hasNumeric && t('analyses.table1.note_numeric'),
    byGroup && anyFisher && t('analyses.table1.note_fisher'),
    flags.length && t('analyses.table1.note_flags', { columns: flags.join(', ') }),
    anyMissing && t('analyses.table1.note_missing'),
    ...failed,
    t('analyses.table1.note_na'),
  ];
  const title = !byGroup ? t('analyses.table1.table_title') : ctx.groupColumn ? t('analyses.table1.table_title_by', { group: ctx.groupColumn }) : t('analyses.table1.table_title_by_group');
  return model(ctx, 'table1', title, columns, rows, notes);
}

// Its block of the R script (web/analyses/index.js: rBlock).
function rBlock(a, { path: p, spec, covariates }) {
  if (!spec.group) return null;   // its tests compare the groups
  const g = spec.group;
  // binary "counts": an auto covariate that is all 0/1 in the file is a factor here (ls_flag decides in R).
  const counts = (a.binary ?? engineDefault('analyses.table1.binary')) === 'counts';
  const flag = (t) => counts && (t.type ?? 'auto') === 'auto';
  const about =
    cm`Reproduces ${p}.table1 (its tests): numerics (two groups) t.test (Welch) and wilcox.test;\nfactors chisq.test(correct = ${rBool(a.yates)}) (Yates only ever applies to 2x2) and fisher.test.` +
    (counts ? '\nbinary = "counts": an "auto" covariate whose values in the file are all 0 or 1 is a factor with levels 0, 1 (ls_flag).' : '');
  let s = 't1 <- list()\n';
  for (const t of covariates) {
    const x = `d[[${rStr(t.column)}]]`;
    s += `t1[[${rStr(t.column)}]] <- table1_tests(${flag(t) ? `ls_flag(${x}, raw[[${rStr(t.column)}]])` : x}, d[[${rStr(g.column)}]], ${rBool(a.yates)})\n`;
  }
  s += 'print(cbind(variable = names(t1), ls_table(t1)))\n';
  s += `put(${rStr(p + '.table1')}, t1)\n`;
  return { title: 'Table 1', about, code: s };
}

export default {
  key: 'table1',
  get title() {
    return t('analyses.table1.title');
  },
  form: {
    get toggle() {
      return t('analyses.table1.toggle');
    },
    onWithCovariates: true,
    fields: [
      check('analyses.field.yates', 'analyses.table1.yates', { checked: engineDefault('analyses.table1.yates') }),
      select('analyses.table1.field.binary', 'analyses.table1.binary', [['counts', 'n (%)'], ['numeric', 'analyses.table1.field.binary_numeric']]),
    ],
  },
  tables: (t1, ctx) => [{ paper: 1, model: table1Model(t1, ctx) }],
  render: (t1, view) => view.table('table1'),
  rBlock,
};
