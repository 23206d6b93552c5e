// Cox models: one per term (univariate), then the multivariable model.
//   coxTableModel(results.cox, ctx) -> TableModel (Table 3: univariate | multivariable HR (95% CI), p)
// The default export is its entry in the registry (web/analyses/index.js).

import { DASH, formatNumber, formatP } from '../format.js';
import { t } from '../i18n.js';
import { engineMessage } from '../engine_text.js';
import { translatedAttr } from './lazy_text.js';
import { notComputed, ciLabel, coefEntries, col, colName, data, ensureCtx, errorText, hrCell, levelName, model, pCell, referenceLevel } from '../table_model.js';
import { check, columnSelect, list, number, select, withNone } from './fields.js';
import { engineDefault } from '../engine_defaults.js';
import { cm, rChr, rName, rNum, rStr } from '../r/escape.js';

// The ties methods the engine takes (docs/spec.md), by their names in the page's language.
const TIES = ['efron', 'breslow'];
const tiesName = (ties) => (TIES.includes(ties) ? t(`analyses.cox.ties.${ties}`) : ties);

export function coxTableModel(cox, ctx) {
  if (!cox) return null;
  ctx = ensureCtx(ctx);
  const uni = (cox.univariate ?? []).flatMap(coefEntries);
  const multi = coefEntries(cox.multivariable);
  const failedUni = (cox.univariate ?? []).filter((f) => f.error);
  if (!uni.length && !multi.length && !failedUni.length) return null;
  const hasUni = uni.length > 0 || failedUni.length > 0;
  const hasMulti = multi.length > 0;
  const ci = ciLabel(ctx.spec?.analyses?.cox?.conf_int);
  const columns = [col(t('analyses.col.variable'), 'left')];
  const headerGroups = [{ label: '', span: 1 }];
  if (hasUni) {
    columns.push(col(t('analyses.col.hr', { ci })), col('p'));
    headerGroups.push({ label: t('analyses.cox.header_univariate'), span: 2 });
  }
  if (hasMulti) {
    columns.push(col(t('analyses.col.hr', { ci })), col('p'));
    headerGroups.push({ label: t('analyses.cox.header_multivariable'), span: 2 });
  }
  const uniBy = new Map(uni.map((e) => [e.name, e]));
  const multiBy = new Map(multi.map((e) => [e.name, e]));
  // Paper order: the univariate terms as fitted, then any term only the multivariable model has.
  const order = [...uni, ...multi.filter((e) => !uniBy.has(e.name))];
  const terms = [];
  for (const e of order) {
    let term = terms.find((x) => x.term === e.term);
    if (!term) terms.push((term = { term: e.term, entries: [] }));
    if (!term.entries.some((x) => x.name === e.name)) term.entries.push(e);
  }
  const cellsFor = (e) => [
    ...(hasUni ? [hrCell(uniBy.get(e.name)), pCell(uniBy.get(e.name))] : []),
    ...(hasMulti ? [hrCell(multiBy.get(e.name)), pCell(multiBy.get(e.name))] : []),
  ];
  const rows = [];
  let anyDropped = false;
  for (const term of terms) {
    if (hasMulti && term.entries.some((e) => !multiBy.has(e.name))) anyDropped = true;
    const isFactor = term.entries.some((e) => e.level !== '' && e.level != null);
    if (!isFactor) {
      for (const e of term.entries) rows.push(data([e.name === term.term ? colName(ctx, e.name) : e.name, ...cellsFor(e)]));
      continue;
    }
    const ref = referenceLevel(ctx, term.term);
    const named = (level) => levelName(ctx, term.term, level);
    const vs = (level) => (ref != null ? t('analyses.vs', { a: named(level), b: named(ref) }) : named(level));
    if (term.entries.length === 1) {
      rows.push(data([`${colName(ctx, term.term)} (${vs(term.entries[0].level)})`, ...cellsFor(term.entries[0])]));
    } else {
      rows.push(data([colName(ctx, term.term), ...Array(columns.length - 1).fill('')]));
      for (const e of term.entries) rows.push(data([vs(e.level), ...cellsFor(e)], 1));
    }
  }
  for (const f of failedUni) rows.push(data([f.terms ? f.terms.map((term) => colName(ctx, term)).join(' + ') : f.formula, notComputed(), DASH, ...(hasMulti ? [DASH, DASH] : [])]));
  const conv = cox.conventions ?? {};
  const mv = cox.multivariable;
  const sel = cox.selection;
  const notes = [
    t('analyses.cox.note_models', { ties: tiesName(conv.ties ?? ctx.spec?.analyses?.cox?.ties ?? engineDefault('analyses.cox.ties')), ci, method: conv.ci ? engineMessage(conv.ci) : 'Wald' }),
    t('analyses.cox.note_terms'),
    hasUni && t('analyses.cox.note_univariate'),
    hasMulti && mv && t('analyses.cox.note_multivariable', { formula: mv.formula ?? '', n: mv.n, events: mv.nevent }),
    sel?.rule && t('analyses.cox.note_selection', { rule: engineMessage(sel.rule) }),
    hasMulti && anyDropped && t('analyses.cox.note_dropped'),
    ctx.spec?.analyses?.cox?.strata && t('analyses.cox.note_strata', { column: ctx.spec.analyses.cox.strata }),
    ctx.spec?.analyses?.cox?.cluster && t('analyses.cox.note_cluster', { column: ctx.spec.analyses.cox.cluster }),
    ...failedUni.map((f) => t('analyses.cox.note_univariate_failed', { terms: (f.terms ?? [f.formula]).join(' + '), message: errorText(f.error) })),
    mv?.error && (mv.formula ? t('analyses.cox.note_multivariable_failed_formula', { formula: mv.formula, message: errorText(mv.error) }) : t('analyses.cox.note_multivariable_failed', { message: errorText(mv.error) })),
    t('analyses.cox.note_na'),
  ];
  return model(ctx, 'cox', t('analyses.cox.table_title'), columns, rows, notes, { headerGroups });
}

// The proportional-hazards test of the multivariable model (cox.zph), shown
// with its Cox table: per term, then GLOBAL.
export function phTestModel(cox, ctx) {
  const ph = cox?.multivariable?.ph_test;
  if (!ph) return null;
  ctx = ensureCtx(ctx);
  const columns = [col(t('analyses.col.term'), 'left'), col(t('analyses.cox.ph_chisq')), col('df'), col('p')];
  const rows = (ph.by_term ?? []).map((term) =>
    data([term.term === 'GLOBAL' ? t('analyses.cox.ph_global') : colName(ctx, term.term), formatNumber(term.statistic, 3), String(term.df), formatP(term.p)]),
  );
  const anySmall = (ph.by_term ?? []).some((term) => term.term !== 'GLOBAL' && term.p < 0.05);
  const notes = [
    t('analyses.cox.ph_note_test', { call: ph.call ?? 'cox.zph(fit, transform = "km")' }),
    t('analyses.cox.ph_note_p'),
    anySmall && t('analyses.cox.ph_note_small'),
    ph.error && t('analyses.cox.ph_not_computed', { message: errorText(ph.error) }),
    ...(ph.warnings ?? []).map((w) => engineMessage(typeof w === 'string' ? w : w.message)),
  ];
  return model(ctx, 'cox-ph', t('analyses.cox.ph_table_title'), columns, rows, notes);
}

// Its block of the R script (web/analyses/index.js: rBlock).
function rBlock(a, { path: p, spec, covariates }) {
  const terms = [];
  if (spec.group) terms.push(spec.group.column);
  for (const t of covariates) terms.push(t.column);
  const extra = a.strata ? ` + strata(${rName(a.strata)})` : '';
  const args = [`data = d`, `ties = ${rStr(a.ties)}`];
  if (a.cluster) args.push(`cluster = ${rName(a.cluster)}`);
  const call = (rhs) => `coxph(Surv(time_, event_) ~ ${rhs}${extra}, ${args.join(', ')})`;
  const about = cm`Reproduces ${p}.cox: coxph(ties = "${a.ties}")${a.cluster ? `, robust SE clustered on ${a.cluster}` : ''}${a.strata ? `, stratified on ${a.strata}` : ''};\nunivariate models (each on its own complete cases), then the multivariable model${a.select_p > 0 ? ` of the terms whose univariate ${a.select_test === 'lrt' ? 'likelihood-ratio' : 'Wald'} p (whole term) is below ${a.select_p}${a.force.length ? `, plus ${a.force.join(', ')} (forced)` : ''}` : ''}.\nPH check: cox.zph(fit, transform = "km").`;
  let s = `cox_terms <- ${rChr(terms)}\n`;
  if (a.univariate) {
    s += 'uni_p <- c()\n';
    terms.forEach((t, i) => {
      s += `fit <- ${call(rName(t))}\nshow_cox(${rStr('univariate: ' + t)}, fit)\n`;
      s += `put(${rStr(`${p}.cox.univariate.${i}`)}, cox_key(fit, ${rNum(a.conf_int, 'cox.conf_int')}))\n`;
      s += `uni_p[${rStr(t)}] <- summary(fit)$${a.select_test === 'lrt' ? 'logtest' : 'waldtest'}["pvalue"]\n`;
    });
  }
  if (a.multivariable) {
    if (a.select_p > 0) {
      s += `# Screen: univariate whole-term p below ${rNum(a.select_p, 'cox.select_p')}, plus forced terms.\n`;
      s += `mv_terms <- cox_terms[(!is.na(uni_p[cox_terms]) & uni_p[cox_terms] < ${rNum(a.select_p, 'cox.select_p')}) | cox_terms %in% ${rChr(a.force)}]\n`;
      s += `cat("\\nSelected for the multivariable model:", mv_terms, "\\n")\n`;
      s += `put(${rStr(p + '.cox.selected')}, I(mv_terms))\n`;
    } else {
      s += 'mv_terms <- cox_terms\n';
    }
    s += `if (length(mv_terms) > ${a.univariate && !(a.select_p > 0) ? 1 : 0}) {\n`;
    s += `  fit <- coxph(ls_formula(quote(Surv(time_, event_)), mv_terms${a.strata ? `, quote(strata(${rName(a.strata)}))` : ''}), ${args.join(', ')})\n`;
    s += `  show_cox("multivariable", fit)\n`;
    s += `  put(${rStr(p + '.cox.multivariable')}, cox_key(fit, ${rNum(a.conf_int, 'cox.conf_int')}))\n}\n`;
  }
  return { title: 'Cox proportional hazards', about, code: s };
}

export default {
  key: 'cox',
  get title() {
    return t('analyses.cox.title');
  },
  form: {
    get toggle() {
      return t('analyses.cox.toggle');
    },
    onWithGroup: true,
    // Without a group it still models the covariates.
    withoutGroup: (options, spec) => Boolean(spec.covariates?.length),
    fields: [
      select('analyses.cox.field.ties', 'analyses.cox.ties', [['efron', 'analyses.cox.field.ties_efron'], ['breslow', 'analyses.cox.field.ties_breslow']]),
      translatedAttr(number('analyses.cox.field.select_p', 'analyses.cox.select_p', { step: 'any', min: '0', max: '1' }), 'placeholder', 'analyses.field.default_all', { value: engineDefault('analyses.cox.select_p') }),
      list('analyses.cox.field.force', 'analyses.cox.force', 'strings', 'analyses.field.columns_placeholder'),
      select('analyses.cox.field.select_test', 'analyses.cox.select_test', [['wald', 'analyses.cox.field.select_wald'], ['lrt', 'analyses.cox.field.select_lrt']]),
      number('analyses.field.conf_int', 'analyses.cox.conf_int', { step: 'any', min: '0.5', max: '0.999', placeholder: `${engineDefault('analyses.cox.conf_int')}` }),
      check('analyses.cox.field.univariate', 'analyses.cox.univariate', { checked: engineDefault('analyses.cox.univariate') }),
      check('analyses.cox.field.multivariable', 'analyses.cox.multivariable', { checked: engineDefault('analyses.cox.multivariable') }),
      withNone(columnSelect('analyses.field.stratified_by', 'analyses.cox.strata', 'levels')),
      withNone(columnSelect('analyses.cox.field.cluster', 'analyses.cox.cluster', 'any')),
    ],
  },
  tables: (cox, ctx) => [
    { paper: 3, model: coxTableModel(cox, ctx) },
    { paper: 3.5, model: phTestModel(cox, ctx) },
  ],
  render(cox, view) {
    view.table('cox');
    view.table('cox-ph');
  },
  rowsUsed: (cox) => [
    ...(cox?.univariate ?? []).filter((f) => f.rows).map((f) => [t('analyses.cox.rows_used', { formula: f.formula }), f.rows]),
    ...(cox?.multivariable?.rows ? [[t('analyses.cox.rows_used', { formula: cox.multivariable.formula }), cox.multivariable.rows]] : []),
  ],
  rBlock,
};
