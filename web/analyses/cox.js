// Cox models: one per term (univariate), then the multivariable model.
//   coxTableModel(results.cox, ctx) -> TableModel (Table 3: univariate | multivariable HR (95% CI), p)
// The default export is its entry in the registry (web/analyses/index.js).

import { DASH, formatNumber, formatP } from '../format.js';
import { NOT_COMPUTED, ciLabel, coefEntries, col, colName, data, ensureCtx, errorText, hrCell, levelName, model, pCell, referenceLevel } from '../table_model.js';
import { check, columnSelect, list, number, select, withNone } from './fields.js';
import { engineDefault } from '../engine_defaults.js';
import { cm, rChr, rName, rNum, rStr } from '../r/escape.js';

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
  const columns = [col('Variable', 'left')];
  const headerGroups = [{ label: '', span: 1 }];
  if (hasUni) {
    columns.push(col(`HR (${ci})`), col('p'));
    headerGroups.push({ label: 'Univariate', span: 2 });
  }
  if (hasMulti) {
    columns.push(col(`HR (${ci})`), col('p'));
    headerGroups.push({ label: 'Multivariable', span: 2 });
  }
  const uniBy = new Map(uni.map((e) => [e.name, e]));
  const multiBy = new Map(multi.map((e) => [e.name, e]));
  // Paper order: the univariate terms as fitted, then any term only the multivariable model has.
  const order = [...uni, ...multi.filter((e) => !uniBy.has(e.name))];
  const terms = [];
  for (const e of order) {
    let t = terms.find((x) => x.term === e.term);
    if (!t) terms.push((t = { term: e.term, entries: [] }));
    if (!t.entries.some((x) => x.name === e.name)) t.entries.push(e);
  }
  const cellsFor = (e) => [
    ...(hasUni ? [hrCell(uniBy.get(e.name)), pCell(uniBy.get(e.name))] : []),
    ...(hasMulti ? [hrCell(multiBy.get(e.name)), pCell(multiBy.get(e.name))] : []),
  ];
  const rows = [];
  let anyDropped = false;
  for (const t of terms) {
    if (hasMulti && t.entries.some((e) => !multiBy.has(e.name))) anyDropped = true;
    const isFactor = t.entries.some((e) => e.level !== '' && e.level != null);
    if (!isFactor) {
      for (const e of t.entries) rows.push(data([e.name === t.term ? colName(ctx, e.name) : e.name, ...cellsFor(e)]));
      continue;
    }
    const ref = referenceLevel(ctx, t.term);
    const named = (level) => levelName(ctx, t.term, level);
    const vs = (level) => (ref != null ? `${named(level)} vs ${named(ref)}` : named(level));
    if (t.entries.length === 1) {
      rows.push(data([`${colName(ctx, t.term)} (${vs(t.entries[0].level)})`, ...cellsFor(t.entries[0])]));
    } else {
      rows.push(data([colName(ctx, t.term), ...Array(columns.length - 1).fill('')]));
      for (const e of t.entries) rows.push(data([vs(e.level), ...cellsFor(e)], 1));
    }
  }
  for (const f of failedUni) rows.push(data([f.terms ? f.terms.map((t) => colName(ctx, t)).join(' + ') : f.formula, NOT_COMPUTED, DASH, ...(hasMulti ? [DASH, DASH] : [])]));
  const conv = cox.conventions ?? {};
  const mv = cox.multivariable;
  const sel = cox.selection;
  const notes = [
    `Cox proportional hazards models; ties: ${conv.ties ?? ctx.spec?.analyses?.cox?.ties ?? engineDefault('analyses.cox.ties')}; ${ci}: ${conv.ci ?? 'Wald'}.`,
    'Factor terms: hazard ratio of the level vs the reference level; numeric terms: per unit.',
    hasUni && 'Univariate: one model per term.',
    hasMulti && mv && `Multivariable model: ${mv.formula ?? ''} (n = ${mv.n}, events = ${mv.nevent}).`,
    sel?.rule && `Multivariable selection: ${sel.rule}.`,
    hasMulti && anyDropped && '– = term not in the multivariable model.',
    ctx.spec?.analyses?.cox?.strata && `Stratified on ${ctx.spec.analyses.cox.strata}.`,
    ctx.spec?.analyses?.cox?.cluster && `Robust (sandwich) SE clustered on ${ctx.spec.analyses.cox.cluster}.`,
    ...failedUni.map((f) => `Univariate model of ${(f.terms ?? [f.formula]).join(' + ')} not fitted: ${errorText(f.error)}`),
    mv?.error && `Multivariable model${mv.formula ? ` ${mv.formula}` : ''} not fitted: ${errorText(mv.error)}`,
    'NA = not estimable (e.g. an aliased coefficient).',
  ];
  return model(ctx, 'cox', 'Univariate and multivariable Cox regression', columns, rows, notes, { headerGroups });
}

// The proportional-hazards test of the multivariable model (cox.zph), shown
// with its Cox table: per term, then GLOBAL.
export function phTestModel(cox, ctx) {
  const ph = cox?.multivariable?.ph_test;
  if (!ph) return null;
  ctx = ensureCtx(ctx);
  const columns = [col('Term', 'left'), col('Chi-square'), col('df'), col('p')];
  const rows = (ph.by_term ?? []).map((t) =>
    data([t.term === 'GLOBAL' ? 'Global (all terms)' : colName(ctx, t.term), formatNumber(t.statistic, 3), String(t.df), formatP(t.p)]),
  );
  const anySmall = (ph.by_term ?? []).some((t) => t.term !== 'GLOBAL' && t.p < 0.05);
  const notes = [
    `Score test of Schoenfeld residuals against time, ${ph.call ?? 'cox.zph(fit, transform = "km")'} (survival 3.x), for the multivariable model.`,
    'p < 0.05: the hazard ratio of that term may change over follow-up (proportional hazards in doubt).',
    anySmall && 'A term with p < 0.05 here: its single hazard ratio averages an effect that changes over time; consider reporting restricted mean survival time, or a time-varying effect, for it.',
    ph.error && `Not computed: ${errorText(ph.error)}`,
    ...(ph.warnings ?? []).map((w) => (typeof w === 'string' ? w : w.message)),
  ];
  return model(ctx, 'cox-ph', 'Proportional-hazards test (cox.zph) of the multivariable Cox model', columns, rows, notes);
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
  title: 'Cox models',
  form: {
    toggle: 'Cox models (univariate, then multivariable)',
    onWithGroup: true,
    // Without a group it still models the covariates.
    withoutGroup: (options, spec) => Boolean(spec.covariates?.length),
    fields: [
      select('Ties', 'analyses.cox.ties', [['efron', 'Efron (R default)'], ['breslow', 'Breslow (SPSS, SAS default)']]),
      number('Multivariable: terms with univariate p below', 'analyses.cox.select_p', { step: 'any', min: '0', max: '1', placeholder: `${engineDefault('analyses.cox.select_p')} = all` }),
      list('Always include', 'analyses.cox.force', 'strings', 'columns, comma-separated'),
      select('Screening p of a term', 'analyses.cox.select_test', [['wald', 'Wald (whole term)'], ['lrt', 'likelihood ratio']]),
      number('CI level', 'analyses.cox.conf_int', { step: 'any', min: '0.5', max: '0.999', placeholder: `${engineDefault('analyses.cox.conf_int')}` }),
      check('Univariate models', 'analyses.cox.univariate', { checked: engineDefault('analyses.cox.univariate') }),
      check('Multivariable model', 'analyses.cox.multivariable', { checked: engineDefault('analyses.cox.multivariable') }),
      withNone(columnSelect('Stratified by', 'analyses.cox.strata', 'levels')),
      withNone(columnSelect('Robust SE clustered on', 'analyses.cox.cluster', 'any')),
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
    ...(cox?.univariate ?? []).filter((f) => f.rows).map((f) => [`Cox ${f.formula}`, f.rows]),
    ...(cox?.multivariable?.rows ? [[`Cox ${cox.multivariable.formula}`, cox.multivariable.rows]] : []),
  ],
  rBlock,
};
