// Best cutpoint of a numeric column (maxstat, median, Youden) and the groups
// it forms: their KM, log-rank, Cox and optional matched comparisons.
//   cutpointModel(results.cutpoint, ctx)    maxstat / median / Youden cutpoints
//   cutGroupsModel(results.cutpoint, ctx)   groups n/events/median, HR vs reference, pairwise p, matched comparisons
//   cutpointFigure(cutpoint, options, doc)  the statistic at every candidate cut, the cutpoints marked
//   defaultCutpointColumn(spec, described)  the column it starts with when switched on
// The default export is its entry in the registry (web/analyses/index.js).

import * as Plot from '@observablehq/plot';
import { DASH, NOT_AVAILABLE, formatInteger, formatNumber, formatP, formatSignificant, pStatement } from '../format.js';
import { t } from '../i18n.js';
import { engineMessage } from '../engine_text.js';
import { notComputed, ciLabel, coefEntries, col, colName, cutValue, data, ensureCtx, errorText, hrCell, medianCell, model, pCell, section, unitSuffix } from '../table_model.js';
import { displayNames } from '../names.js';
import { FIGURE_WIDTH, LEGEND_ROW, figureStyle, kmFigure, makeFigure, plotStyle, topLegend } from '../plots.js';
import { check, columnSelect, number, select, text, withRules } from './fields.js';
import { getPath, setPath } from '../spec_form.js';
import { columnsFor } from '../form_rules.js';
import { engineDefault } from '../engine_defaults.js';
import { baselineModel, rMatchOptions, rScore } from './matching.js';
import { translatedAttr } from './lazy_text.js';
import { adjustName } from './logrank.js';
import { cm, oneLine, plain, rChr, rNum, rStr, specError } from '../r/escape.js';
import { FilterError, rFilter } from '../r/filter.js';

// How the groups' cutpoint was chosen (the engine's groups.use), as the tables name it.
const chosenBy = (method) => ({ maxstat: 'maxstat', median: t('analyses.cutpoint.by_median'), youden: 'Youden', value: t('analyses.cutpoint.by_value') })[method] ?? method;

// A matched comparison as the engine names it ("<level> vs <reference>"), in the page's language.
function comparisonText(comparison) {
  const parts = String(comparison).split(' vs ');
  return parts.length === 2 ? t('analyses.vs', { a: parts[0], b: parts[1] }) : String(comparison);
}

export function cutpointModel(cutpoint, ctx) {
  if (!cutpoint || !(cutpoint.maxstat || cutpoint.median || cutpoint.youden)) return null;
  ctx = ensureCtx(ctx);
  const columns = [col(t('analyses.cutpoint.col_method'), 'left'), col(t('analyses.cutpoint.col_cutpoint')), col(t('analyses.cutpoint.col_n_split')), col(t('analyses.cutpoint.col_statistic'), 'left'), col('p')];
  const rows = [];
  const m = cutpoint.maxstat?.error ? null : cutpoint.maxstat;
  if (cutpoint.maxstat?.error) rows.push(data([t('analyses.cutpoint.maxstat'), notComputed(), DASH, DASH, DASH]));
  if (m) rows.push(data([t('analyses.cutpoint.maxstat'), cutValue(m.cutpoint), `${formatInteger(m.n_low)} / ${formatInteger(m.n_high)}`, t('analyses.cutpoint.statistic', { value: formatNumber(m.statistic, 3) }), formatP(m.p)]));
  const md = cutpoint.median;
  if (md) rows.push(data([t('analyses.cutpoint.median'), cutValue(md.cutpoint), `${formatInteger(md.n_low)} / ${formatInteger(md.n_high)}`, DASH, DASH]));
  const y = cutpoint.youden;
  if (y)
    rows.push(
      data([t('analyses.cutpoint.youden_index'), cutValue(y.cutpoint), DASH,
        t('analyses.cutpoint.youden_cell', { j: formatNumber(y.youden, 3), sensitivity: formatNumber(y.sensitivity, 3), specificity: formatNumber(y.specificity, 3), auc: formatNumber(y.auc, 3) }), DASH]),
    );
  const conv = cutpoint.conventions ?? {};
  const notes = [
    conv.maxstat && t('analyses.cutpoint.note_maxstat', { text: engineMessage(conv.maxstat) }),
    cutpoint.maxstat?.error && t('analyses.cutpoint.note_maxstat_failed', { message: errorText(cutpoint.maxstat.error) }),
    conv.youden && t('analyses.cutpoint.note_youden', { text: engineMessage(conv.youden) }),
    conv.groups && t('analyses.cutpoint.note_groups', { text: engineMessage(conv.groups) }),
  ];
  const column = ctx.spec?.analyses?.cutpoint?.column;
  return model(ctx, 'cutpoint', column ? t('analyses.cutpoint.table_title_of', { column: colName(ctx, column) }) : t('analyses.cutpoint.table_title'), columns, rows, notes);
}

export function cutGroupsModel(cutpoint, ctx) {
  const g = cutpoint?.groups;
  if (!g?.definition) return null;
  ctx = ensureCtx(ctx);
  const def = g.definition;
  const ci = ciLabel(ctx.spec?.analyses?.cox?.conf_int);
  const columns = [
    col(t('analyses.cutpoint.col_group'), 'left'),
    col('n'),
    col(t('analyses.col.events')),
    col(t('analyses.col.median', { unit: unitSuffix(ctx), ci: ciLabel(ctx.spec?.analyses?.km?.conf_int) })),
    col(t('analyses.col.hr', { ci })),
    col('p'),
    col(t('analyses.col.adjusted_p')),
  ];
  const w = columns.length;
  const rows = [section(t('analyses.cutpoint.section_groups', { cutpoint: cutValue(def.cutpoint), method: chosenBy(def.chosen_by) }), w)];
  const coxBy = new Map(
    (g.cox?.coefficients?.level ?? []).map((lvl, i) => [lvl, { hr: g.cox.coefficients.hr[i], lower: g.cox.coefficients.lower[i], upper: g.cox.coefficients.upper[i], p: g.cox.coefficients.p[i] }]),
  );
  const reference = def.reference ?? g.cox?.reference ?? def.levels?.[0];
  (def.levels ?? []).forEach((level, i) => {
    const km = (g.km_by_group ?? []).find((c) => c.stratum === level);
    const e = coxBy.get(level);
    rows.push(
      data([
        level,
        formatInteger(g.n?.[i]),
        formatInteger(g.events?.[i]),
        km ? medianCell(ctx, km.median?.estimate, km.median?.lower, km.median?.upper) : NOT_AVAILABLE,
        level === reference ? t('analyses.reference_hr') : hrCell(e),
        level === reference ? DASH : pCell(e),
        DASH,
      ], 1),
    );
  });
  if (g.logrank) {
    rows.push(section(t('analyses.logrank.table_title'), w));
    rows.push(data([t('analyses.cutpoint.overall_groups', { n: g.logrank.groups.length }), formatInteger(g.logrank.n?.reduce((a, b) => a + b, 0)), '', '', '', formatP(g.logrank.p), DASH], 1));
    for (const pr of g.logrank.pairwise?.pairs ?? []) {
      rows.push(data([t('analyses.vs', { a: pr.a, b: pr.b }), formatInteger(pr.n), '', '', '', formatP(pr.p), formatP(pr.p_adjusted)], 1));
    }
  }
  const errors = [];
  if (g.matched?.length) {
    rows.push(section(t('analyses.cutpoint.section_matched'), w));
    for (const m of g.matched) {
      const mo = m.matching?.matched_outcome;
      const k = m.matching?.counts;
      const e = coefEntries(mo?.cox)[0];
      if (m.error) errors.push(t('analyses.note.error', { what: comparisonText(m.comparison), message: errorText(m.error) }));
      else if (mo?.error) errors.push(t('analyses.note.error', { what: comparisonText(m.comparison), message: errorText(mo.error) }));
      rows.push(
        data([
          comparisonText(m.comparison),
          k ? `${formatInteger(k.matched_treated)} / ${formatInteger(k.matched_control)}` : NOT_AVAILABLE,
          mo?.cox ? formatInteger(mo.cox.nevent) : NOT_AVAILABLE,
          '',
          e ? hrCell(e) : NOT_AVAILABLE,
          e ? pCell(e) : NOT_AVAILABLE,
          DASH,
        ], 1),
      );
    }
  }
  const adjust = g.logrank?.pairwise?.adjust;
  const notes = [
    t(def.none ? 'analyses.cutpoint.note_groups_none' : 'analyses.cutpoint.note_groups_split', {
      reference: def.levels?.[0],
      filter: def.none,
      cutpoint: cutValue(def.cutpoint),
      rule: cutpoint.conventions?.groups ? engineMessage(cutpoint.conventions.groups) : t('analyses.cutpoint.high_rule'),
    }),
    g.cox?.call ? t('analyses.cutpoint.note_hr_call', { reference, call: g.cox.call }) : t('analyses.cutpoint.note_hr', { reference }),
    adjust && t('analyses.cutpoint.note_adjust', { adjust: adjustName(adjust) }),
    g.matched?.length && t('analyses.cutpoint.note_matched'),
    ...errors,
    t('analyses.note.nr'),
  ];
  const title = def.levels?.length ? t('analyses.cutpoint.groups_title_levels', { levels: def.levels.join(', ') }) : t('analyses.cutpoint.groups_title');
  return model(ctx, 'cut-groups', title, columns, rows, notes);
}

/** The cutpoint column, from options, the spec, or maxstat's call ("~ bed,"). */
function cutColumn(cutpoint, options) {
  const column = options.column ?? options.spec?.analyses?.cutpoint?.column ?? /~\s*([^,\s)]+)/.exec(cutpoint.conventions?.maxstat ?? '')?.[1];
  return column ? displayNames(options.spec).column(column) : t('analyses.cutpoint.variable');
}

const CUT_STYLES = {
  maxstat: { stroke: '#000000', dash: 'none' },
  median: { stroke: '#0072B2', dash: '6,3' },
  youden: { stroke: '#D55E00', dash: '2,2' },
  groups: { stroke: '#009E73', dash: '9,3,2,3' },
};

/**
 * Maximally selected log-rank statistic at every candidate cut, with the
 * maxstat cutpoint, the median, Youden's cutpoint and (when chosen another
 * way) the cutpoint that formed the groups marked by vertical lines.
 */
export function cutpointFigure(cutpoint, options = {}, doc = globalThis.document) {
  const cand = cutpoint?.maxstat?.candidates;
  if (!cand?.cut?.length) throw new Error(t('analyses.cutpoint.no_candidates'));
  const column = cutColumn(cutpoint, options);
  const pts = cand.cut.map((x, i) => ({ x, y: cand.statistic[i] }));
  const num = (x) => formatSignificant(x, 4);
  const markers = [];
  const ms = cutpoint.maxstat;
  if (ms.cutpoint != null) markers.push({ key: 'maxstat', x: ms.cutpoint, label: t('analyses.cutpoint.marker_maxstat', { cut: num(ms.cutpoint), statistic: formatNumber(ms.statistic, 2), p: pStatement(ms.p) }) });
  if (cutpoint.median?.cutpoint != null) markers.push({ key: 'median', x: cutpoint.median.cutpoint, label: t('analyses.cutpoint.marker_median', { cut: num(cutpoint.median.cutpoint) }) });
  if (cutpoint.youden?.cutpoint != null) markers.push({ key: 'youden', x: cutpoint.youden.cutpoint, label: t('analyses.cutpoint.marker_youden', { cut: num(cutpoint.youden.cutpoint) }) });
  const def = cutpoint.groups?.definition;
  if (def?.cutpoint != null && !['maxstat', 'median', 'youden'].includes(def.chosen_by)) {
    markers.push({ key: 'groups', x: def.cutpoint, label: t('analyses.cutpoint.marker_groups', { cut: num(def.cutpoint), method: chosenBy(def.chosen_by) }) });
  }
  if (def?.chosen_by && markers.find((m) => m.key === def.chosen_by)) markers.find((m) => m.key === def.chosen_by).label += t('analyses.cutpoint.marker_used');
  const xs = [...cand.cut, ...markers.map((m) => m.x)];
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const pad = (x1 - x0) * 0.05 || 1;
  const width = options.width ?? FIGURE_WIDTH;
  const entries = markers.map((m) => ({ label: m.label, stroke: CUT_STYLES[m.key].stroke, dash: CUT_STYLES[m.key].dash }));
  const marginTop = 16 + entries.length * LEGEND_ROW;
  const svg = Plot.plot({
    document: doc,
    width,
    height: options.height ?? 300 + marginTop,
    marginLeft: 56,
    marginRight: 20,
    marginTop,
    marginBottom: 40,
    style: plotStyle(options),
    x: { domain: [x0 - pad, x1 + pad], label: column, labelAnchor: 'center', labelArrow: 'none' },
    y: { domain: [0, Math.max(...cand.statistic) * 1.1], label: t('analyses.cutpoint.axis'), labelAnchor: 'center', labelArrow: 'none' },
    marks: [
      Plot.frame({ anchor: 'left' }),
      Plot.frame({ anchor: 'bottom' }),
      ...markers.map((m) => Plot.ruleX([m.x], { stroke: CUT_STYLES[m.key].stroke, strokeDasharray: CUT_STYLES[m.key].dash, strokeWidth: 1.5, className: `ls-cut-marker ls-cut-${m.key}` })),
      Plot.line(pts, { x: 'x', y: 'y', stroke: '#555', strokeWidth: 1.2, className: 'ls-cut-line' }),
      Plot.dot(pts, { x: 'x', y: 'y', r: 2.5, fill: '#555', className: 'ls-cut-stat' }),
      ...topLegend(entries, { className: 'ls-cut-legend' }),
    ],
  });
  const conv = cutpoint.conventions ?? {};
  const caption =
    options.caption ??
    t('analyses.cutpoint.caption', { column, n: pts.length, method: conv.maxstat ? engineMessage(conv.maxstat) : 'maxstat' }) +
      (conv.groups ? t('analyses.cutpoint.note_groups', { text: engineMessage(conv.groups) }) : '');
  const ariaLabel = t('analyses.cutpoint.aria', { n: pts.length, column, markers: markers.map((m) => m.label).join(t('analyses.list_gap')) });
  return makeFigure(doc, { className: 'ls-cutpoint-figure', ariaLabel, svgs: [svg], caption, width, style: figureStyle(options) });
}

const C = 'analyses.cutpoint';
/**
 * A dose (BED) if there is one, else a numeric covariate, else any numeric
 * column that is not the outcome or an identifier.
 */
export function defaultCutpointColumn(spec, described) {
  const numeric = columnsFor('numeric', spec, described);
  if (numeric.includes('bed')) return 'bed';
  const taken = new Set([spec.time?.column, spec.event?.column, spec.group?.column]);
  const covs = (spec.covariates ?? []).map((t) => (typeof t === 'string' ? t : t.column));
  return covs.find((c) => numeric.includes(c)) ?? numeric.find((c) => !taken.has(c) && !/^(id|pid|patient|subject)(_?id)?$/i.test(c)) ?? '';
}

// cutpoint groups.use: the names in cp_cuts.
const CUT_USES = ['maxstat', 'median', 'youden', 'value'];
// maxstat.test finds a column with a name R would backquote only under a plain alias.
const CUT_ALIAS = 'cut_x_';

// The cut groups' reference group, or (as the engine) the cutpoint block's
// error when its filter cannot be used.
function referenceGroup(none, tree) {
  try {
    return `cp_none <- with(d, ${rFilter(tree)})`;
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    return `stop(${rStr(`the reference group's filter (${none}) cannot be used: ${e.message.replace(/^filter: /, '')}`)})`;
  }
}

// Its block of the R script (web/analyses/index.js: rBlock).
function rBlock(a, { path: p, covariates, ties, analyses, filterTree }) {
  // The cut groups' log-rank uses the cohort's log-rank options, as LocalSurv.
  const { logrank } = analyses;
  const rho = logrank ? logrank.rho : 0;
  const adjust = logrank ? logrank.pairwise_adjust : 'holm';
  const x = a.column;
  const gr = a.groups;
  const pm = a.pmethod === 'condmc' ? 'condMC' : 'Lau94';
  const about = cm`Reproduces ${p}.cutpoint: maxstat.test(smethod = "LogRank", pmethod = "${pm}", minprop = ${a.minprop}, maxprop = ${a.maxprop})
for ${x}; also its median and Youden's index. High = ${x} > cutpoint.${pm === 'condMC' ? '\nThe condMC p is a Monte Carlo p: R\'s random numbers differ from LocalSurv\'s, so it agrees only up to Monte Carlo error.' : ''}${gr ? `\nGroups (${p}.cutpoint.groups): cut by the ${gr.use} cutpoint${gr.none ? `, rows with ${gr.none} form the reference group "${gr.none_label}"` : ''}; KM, log-rank, Cox, ${gr.match ? 'and each group matched against the reference' : ''}.` : ''}`;
  let s = gr && gr.none ? `${referenceGroup(gr.none, filterTree('analyses.cutpoint.groups.none'))}   # the reference group (takes no part in choosing the cutpoint)\n` : 'cp_none <- rep(FALSE, nrow(d))\n';
  s += `cp_d <- ls_complete(d[!cp_none, , drop = FALSE], ${rStr(x)})\n`;
  const xt = plain(x, CUT_ALIAS);
  if (xt === CUT_ALIAS) s += `cp_d$${CUT_ALIAS} <- cp_d[[${rStr(x)}]]   # the column under a plain name, for maxstat.test\n`;
  s += `${pm === 'condMC' ? `set.seed(${rNum(a.seed, 'cutpoint.seed')}); ` : ''}ms <- maxstat.test(Surv(time_, event_) ~ ${xt}, data = cp_d, smethod = "LogRank", pmethod = ${rStr(pm)},\n                  minprop = ${rNum(a.minprop, 'cutpoint.minprop')}, maxprop = ${rNum(a.maxprop, 'cutpoint.maxprop')}${pm === 'condMC' ? `, B = ${rNum(a.replicates, 'cutpoint.replicates')}` : ''})\nprint(ms)\n`;
  s += `cp_cuts <- list(maxstat = unname(ms$estimate), median = median(cp_d[[${rStr(x)}]]),\n                youden = youden_cut(cp_d[[${rStr(x)}]], cp_d$time_, cp_d$event_, ${rNum(a.horizon || 0, 'cutpoint.horizon')}))\nstr(cp_cuts)\n`;
  s += `put(${rStr(p + '.cutpoint')}, list(maxstat = list(cutpoint = unname(ms$estimate), statistic = unname(ms$statistic), p = ms$p.value,
                                    candidates = list(cut = ms$cuts, statistic = unname(ms$stats))),
                                    median = cp_cuts$median, youden = cp_cuts$youden))\n`;
  if (gr) {
    // The engine reads only these: one of the names in cp_cuts.
    if (!CUT_USES.includes(gr.use)) throw specError('analyses.cutpoint.groups.use', `is '${oneLine(gr.use)}'; it must be one of: ${CUT_USES.join(', ')}`);
    const cut = gr.use === 'value' ? rNum(gr.value, 'cutpoint.groups.value') : `cp_cuts$${gr.use}`;
    s += `\n# ${cm`Cut groups: ${gr.none ? `"${gr.none_label}", ` : ''}${x} <= cutpoint, ${x} > cutpoint.`}\n`;
    s += `cp <- ${cut}\n`;
    s += `lab <- paste(${rStr(x)}, c("<=", ">"), format(cp))\n`;
    s += `d$cut_group_ <- ifelse(cp_none, ${rStr(gr.none_label)}, ifelse(d[[${rStr(x)}]] <= cp, lab[1], lab[2]))\n`;
    s += `d$cut_group_ <- factor(d$cut_group_, levels = c(${gr.none ? rStr(gr.none_label) + ', ' : ''}lab))\n`;
    s += 'cg <- d[!is.na(d$cut_group_), , drop = FALSE]\n';
    s += `print(table(cg$cut_group_))\nkm_cg <- survfit(Surv(time_, event_) ~ cut_group_, data = cg)\nprint(km_cg)\n`;
    s += `lr_cg <- survdiff(Surv(time_, event_) ~ cut_group_, data = cg, rho = ${rNum(rho, 'logrank.rho')})\nprint(lr_cg)\n`;
    s += `cg_res <- lr_key(lr_cg)\nif (nlevels(cg$cut_group_) > 2) cg_res$pairwise <- pairwise_lr(cg$time_, cg$event_, cg$cut_group_, ${rNum(rho, 'logrank.rho')}, ${rStr(adjust)})\n`;
    s += `fit <- coxph(Surv(time_, event_) ~ cut_group_, data = cg, ties = ${rStr(ties)})\nprint(summary(fit))\n`;
    s += `put(${rStr(p + '.cutpoint.groups')}, list(cutpoint = cp, levels = levels(cg$cut_group_), logrank = cg_res, cox = cox_key(fit), km = km_key(km_cg, NULL)))\n`;
    if (gr.match) {
      const mopts = gr.match;   // every option written out by the engine
      s += `# Each cut group matched against the reference group (cut group = "treated").\n`;
      s += `cg_mo <- ${rMatchOptions(mopts)}\n`;
      s += `ref <- levels(cg$cut_group_)[1]\n`;
      s += `# Each comparison in its own block, as LocalSurv: one that fails loses no other.\n`;
      s += `for (lv in levels(cg$cut_group_)[-1]) ls_block(paste0(${rStr(p + '.cutpoint.groups.matched.')}, match(lv, levels(cg$cut_group_)) - 2), {\n`;
      s += `  dm <- cg[cg$cut_group_ %in% c(ref, lv), , drop = FALSE]\n  dm$treat_ <- as.integer(dm$cut_group_ == lv)\n`;
      s += `  dm$cut_group_ <- droplevels(dm$cut_group_)\n`;
      s += `  cat("\\n== matching:", lv, "vs", ref, "\\n")\n`;
      s += `  mr <- match_rounds(dm, covariates, ${rScore(mopts, covariates)}, ${rChr(mopts.exact)}, cg_mo)\n`;
      s += `  res <- list(comparison = paste(lv, "vs", ref), rounds = mr$rounds, stop = mr$stop)\n`;
      s += `  if (!is.null(mr$m) && any(mr$m$weights > 0))\n`;
      s += `    res$outcome <- tryCatch(matched_outcome(mr$m, "cut_group_", cg_mo, ${rStr(ties)}), error = function(e) list(error = conditionMessage(e)))\n`;
      s += `  put(paste0(${rStr(p + '.cutpoint.groups.matched.')}, match(lv, levels(cg$cut_group_)) - 2), res)\n})\n`;
    }
  }
  return { title: 'Cutpoint', about, code: s };
}

export default {
  key: 'cutpoint',
  get title() {
    return t('analyses.cutpoint.title');
  },
  form: {
    get toggle() {
      return t('analyses.cutpoint.toggle');
    },
    checked: false,
    switchedOn: (options, spec, described) => (options.column ? options : { ...options, column: defaultCutpointColumn(spec, described) }),
    fields: [
      columnSelect('analyses.cutpoint.field.column', `${C}.column`, 'numeric'),
      select('analyses.cutpoint.field.pmethod', `${C}.pmethod`, [['lau94', 'analyses.cutpoint.field.pmethod_lau94'], ['condmc', 'analyses.cutpoint.field.pmethod_condmc']]),
      // A value is asked for only when the groups are cut at a value.
      // No groups object in the spec = no groups formed ('no groups'); a groups
      // object without use = the engine's default.
      number('analyses.cutpoint.field.minprop', `${C}.minprop`, { step: 'any', min: '0', max: '0.5', placeholder: `${engineDefault(`${C}.minprop`)}` }),
      number('analyses.cutpoint.field.maxprop', `${C}.maxprop`, { step: 'any', min: '0.5', max: '1', placeholder: `${engineDefault(`${C}.maxprop`)}` }),
      withRules(number('analyses.cutpoint.field.replicates', `${C}.replicates`, { step: '1', min: '1', placeholder: `${engineDefault(`${C}.replicates`)}` }), { enabledIf: (spec) => getPath(spec, `${C}.pmethod`) === 'condmc' }),
      withRules(number('analyses.cutpoint.field.seed', `${C}.seed`, { step: '1', placeholder: `${engineDefault(`${C}.seed`)}` }), { enabledIf: (spec) => getPath(spec, `${C}.pmethod`) === 'condmc' }),
      number('analyses.cutpoint.field.horizon', `${C}.horizon`, { step: 'any', min: '0', placeholder: `${engineDefault(`${C}.horizon`)}` }),
      withRules(select('analyses.cutpoint.field.use', `${C}.groups.use`, [['', 'analyses.cutpoint.field.use_none'], ['maxstat', 'analyses.cutpoint.field.use_maxstat'], ['median', 'analyses.cutpoint.field.use_median'], ['youden', 'Youden'], ['value', 'analyses.cutpoint.field.use_value']]), {
        shows: (use, spec) => use ?? (getPath(spec, `${C}.groups`) ? engineDefault(`${C}.groups.use`) : ''),
        // Redrawn either way, so the Value field follows (it stayed disabled before).
        afterEdit(spec, use) {
          if (!use) setPath(spec, `${C}.groups`, undefined);
          else if (use !== 'value') setPath(spec, `${C}.groups.value`, undefined);
          return true;
        },
      }),
      withRules(number('analyses.cutpoint.field.value', `${C}.groups.value`, { step: 'any' }), { enabledIf: (spec) => getPath(spec, `${C}.groups.use`) === 'value' }),
      translatedAttr(text('analyses.cutpoint.field.none', `${C}.groups.none`, ''), 'placeholder', 'analyses.cutpoint.field.none_placeholder', { example: 'lt_bone == 0' }),
      text('analyses.cutpoint.field.none_label', `${C}.groups.none_label`, engineDefault(`${C}.groups.none_label`)),
      // match is true or an object of matching options: either way, on.
      withRules(check('analyses.cutpoint.field.match', `${C}.groups.match`), { shows: Boolean }),
    ],
  },
  tables: (cp, ctx) => [
    { paper: 10, model: cutpointModel(cp, ctx) },
    { paper: 11, model: cutGroupsModel(cp, ctx) },
    ...(cp?.groups?.matched ?? []).map((m, i) => {
      if (!m.matching) return { paper: 12, model: null };
      const [treatedLabel, controlLabel] = m.comparison.split(' vs ');
      const title = t('analyses.cutpoint.matched_baseline_title', { comparison: comparisonText(m.comparison) });
      return { paper: 12, model: baselineModel(m.matching, ctx, { treatedLabel, controlLabel, name: `cut-baseline-${i + 1}`, title }) };
    }),
  ],
  render(cp, view) {
    if (!cp.maxstat?.error) view.figure(t('analyses.cutpoint.figure'), 'cutpoint', () => cutpointFigure(cp, view.opts, view.document));
    view.table('cutpoint');
    // "Cut at the selected cutpoint": an action of the page (it edits the form).
    view.add(view.actions.useCutpoint?.());
    const g = cp.groups;
    if (g && !g.error) view.figure(t('analyses.cutpoint.km_figure'), 'km-cut', () => kmFigure(g, view.opts, view.document));
    view.table('cut-groups');
    (g?.matched ?? []).forEach((mm, i) => {
      const post = mm.matching?.matched_outcome;
      if (post && !post.error) view.figure(t('analyses.cutpoint.matched_km_figure', { comparison: comparisonText(mm.comparison) }), `km-cut-matched-${i + 1}`, () => kmFigure(post, view.opts, view.document));
    });
    for (const name of view.tableNames()) if (name.startsWith('cut-baseline')) view.table(name);
  },
  rowsUsed: (cp) => [...(cp?.rows ? [[t('analyses.cutpoint.rows_used'), cp.rows]] : []), ...(cp?.groups?.rows ? [[t('analyses.cutpoint.rows_used_groups'), cp.groups.rows]] : [])],
  rBlock,
};
