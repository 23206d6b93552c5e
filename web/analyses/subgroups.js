// Subgroups: the treatment's HR within each level of each subgroup variable,
// the interaction test, the table and the forest plot.
//   subgroupModel(results.subgroups, ctx) -> TableModel (events/n per arm, HR, p, interaction p)
//   forestFigure(subgroups, options, doc)   options.overall = {label, hr, lower, upper, p, n, nevent, about}
//                                           adds a first row (a diamond); options.interaction = 'wald';
//                                           options.flat: one row per level, no variable rows nor
//                                           interaction column (the subcohorts' plot)
//   declaredLevels(spec, variable) -> the levels in the spec's order (subgroup entry, covariate, derive), or null
//   overallHr(results, spec) -> the overall row: the group's HR from the Cox model the subgroups use
//   subcohortForestFigure(result, options, doc)  the paper's Figure 4d: each subcohort's adjusted group HR
//   forestWeights(rows) -> square half-sides ∝ sqrt(1/se²): square AREA ∝ inverse-variance weight
//   estimable(level) -> whether a level's HR is drawn
//   defaultSubgroupVariables(spec, described)  the variables it starts with when switched on
// The default export is its entry in the registry (web/analyses/index.js).

import * as Plot from '@observablehq/plot';
import { formatInteger, formatP, formatRatioCI, formatSignificant } from '../format.js';
import { t } from '../i18n.js';
import { engineMessage } from '../engine_text.js';
import { notComputed, ciLabel, col, colName, data, ensureCtx, errorText, groupName, levelName, model } from '../table_model.js';
import { displayNames } from '../names.js';
import { FIGURE_WIDTH, figureStyle, groupInfo, makeFigure, plotStyle, textWidth } from '../plots.js';
import { check, list } from './fields.js';
import { engineDefault } from '../engine_defaults.js';
import { levelsOf } from '../form_rules.js';
import { cm, rName, rStr, rTerm } from '../r/escape.js';

export function subgroupModel(subgroups, ctx) {
  if (!subgroups?.variables?.length) return null;
  ctx = ensureCtx(ctx);
  const [control, treated] = ctx.groupLevels.length === 2 ? ctx.groupLevels.map((l) => groupName(ctx, l)) : [t('analyses.matching.control'), t('analyses.matching.treated')];
  const ci = ciLabel(ctx.spec?.analyses?.cox?.conf_int);
  const columns = [
    col(t('analyses.subgroups.col_subgroup'), 'left'),
    col(t('analyses.subgroups.col_events_n', { arm: control })),
    col(t('analyses.subgroups.col_events_n', { arm: treated })),
    col(t('analyses.col.hr', { ci })),
    col('p'),
    col(t('analyses.subgroups.col_interaction')),
  ];
  const rows = [];
  for (const v of subgroups.variables) {
    if (v.error) {
      rows.push(data([colName(ctx, v.variable), notComputed(), '', '', '', '']));
      continue;
    }
    rows.push(data([colName(ctx, v.variable), '', '', '', '', formatP(v.interaction?.lrt?.p)]));
    for (const l of v.levels ?? []) {
      rows.push(
        data(
          [levelName(ctx, v.variable, l.level), `${formatInteger(l.events_control)}/${formatInteger(l.n_control)}`, `${formatInteger(l.events_treated)}/${formatInteger(l.n_treated)}`,
            formatRatioCI(l.hr, l.lower, l.upper, 3), formatP(l.p), ''],
          1,
        ),
      );
    }
  }
  const conv = subgroups.conventions ?? {};
  const adjusted = ctx.spec?.analyses?.subgroups?.adjust;
  const hrNote = adjusted === true ? 'analyses.subgroups.note_hr_adjusted' : adjusted === false ? 'analyses.subgroups.note_hr_unadjusted' : 'analyses.subgroups.note_hr';
  const notes = [
    t(hrNote, { treated: conv.treated ?? treated, control, model: conv.per_level ? engineMessage(conv.per_level) : t('analyses.subgroups.cox_model') }),
    conv.interaction ? t('analyses.subgroups.note_interaction_method', { method: engineMessage(conv.interaction) }) : t('analyses.subgroups.note_interaction'),
    ...subgroups.variables.filter((v) => v.error).map((v) => t('analyses.note.error', { what: colName(ctx, v.variable), message: errorText(v.error) })),
    t('analyses.subgroups.note_na'),
  ];
  return model(ctx, 'subgroups', t('analyses.subgroups.table_title'), columns, rows, notes);
}

// Log-axis limits from 1-2-5 steps that hold [lo, hi] and 1.
const LOG_STOPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 4, 5, 10, 20, 50, 100];
function logDomain(values, limit = [0.05, 20]) {
  const v = values.filter((x) => x > 0 && Number.isFinite(x));
  const lo = Math.max(limit[0], Math.min(1, ...v));
  const hi = Math.min(limit[1], Math.max(1, ...v));
  return [[...LOG_STOPS].reverse().find((s) => s <= lo) ?? LOG_STOPS[0], LOG_STOPS.find((s) => s >= hi) ?? LOG_STOPS[LOG_STOPS.length - 1]];
}

/** A level's HR is drawn when its CI is finite and positive (else "not estimable", e.g. monotone likelihood). */
export const estimable = (l) => l.hr != null && l.lower > 0 && l.upper != null && Number.isFinite(l.upper) && l.hr > 1e-6 && l.hr < 1e6;

/** A variable's levels in the order the spec declares them, or null (then the engine's order stays). */
export function declaredLevels(spec, variable) {
  const asEntry = (t) => (typeof t === 'string' ? { column: t } : t ?? {});
  const sg = (spec?.analyses?.subgroups?.variables ?? []).map(asEntry).find((t) => t.column === variable);
  if (sg?.levels?.length) return sg.levels.map(String);
  const cov = (spec?.covariates ?? []).map(asEntry).find((t) => t.column === variable);
  if (cov?.levels?.length) return cov.levels.map(String);
  const d = (spec?.derive ?? []).find((x) => x.name === variable);
  if (d?.cut?.labels?.length) return d.cut.labels.map(String);
  if (d?.flag) return ['0', '1'];
  return null;
}

function inDeclaredOrder(levels, declared) {
  if (!declared) return levels;
  const at = (l) => {
    const k = declared.indexOf(String(l.level));
    return k < 0 ? declared.length : k;
  };
  // A stable sort: levels the spec does not name keep the engine's order, last.
  return levels.map((l, i) => [l, i]).sort((a, b) => at(a[0]) - at(b[0]) || a[1] - b[1]).map(([l]) => l);
}

/** The group's single coefficient in a Cox fit ({hr, lower, upper, p, se, n, nevent}), or null. */
function groupCoefficient(fit, column) {
  const c = fit?.coefficients;
  if (!c || fit.error || !column) return null;
  const ks = c.term.map((t, k) => (t === column ? k : -1)).filter((k) => k >= 0);
  if (ks.length !== 1) return null;
  const k = ks[0];
  return { hr: c.hr[k], lower: c.lower[k], upper: c.upper[k], p: c.p[k], se: c.se[k], n: fit.n, nevent: fit.nevent };
}

/**
 * The forest plot's overall row: the group's HR in the whole cohort from the
 * Cox model the subgroup rows use: the multivariable model when the subgroups
 * are adjusted, the univariate model of the group otherwise. Null when the
 * result has no such fit (or the group has more than two levels).
 */
export function overallHr(results, spec) {
  const column = groupInfo({ spec }).column;
  const adjusted = results?.subgroups?.conventions?.per_level?.includes('covariates');
  const cox = results?.cox;
  if (adjusted) {
    const c = groupCoefficient(cox?.multivariable, column);
    return c && { ...c, label: t('analyses.all_patients'), about: t('analyses.forest.about_multivariable') };
  }
  const uni = (cox?.univariate ?? []).find((f) => f?.coefficients?.term?.every((t) => t === column));
  const c = groupCoefficient(uni, column);
  return c && { ...c, label: t('analyses.all_patients'), about: t('analyses.forest.about_univariate', { column }) };
}

// A d3-style symbol: a vertical stroke 8 px tall.
const POINT_TICK = { draw(context) { context.moveTo(0, -4); context.lineTo(0, 4); } };
// Largest square half-side (px); the rest scale so that area ∝ 1/se².
const SQUARE_MAX = 7;
export function forestWeights(rows) {
  const w = rows.map((r) => (r.se > 0 ? 1 / (r.se * r.se) : null));
  const max = Math.max(...w.filter((x) => x != null));
  return w.map((x) => (x == null || !(max > 0) ? SQUARE_MAX / 2 : SQUARE_MAX * Math.sqrt(x / max)));
}

/**
 * Subgroup forest plot (the paper's Figure 3): per variable a header row with
 * the interaction p (likelihood-ratio test; options.interaction = 'wald' for
 * the joint Wald test), per level n (events), HR (CI) on a log axis, p.
 */
export function forestFigure(subgroups, options = {}, doc = globalThis.document) {
  const variables = subgroups?.variables ?? [];
  if (!variables.some((v) => !v.error)) throw new Error(t('analyses.forest.no_results'));
  const interactionTest = options.interaction ?? 'lrt';
  const rows = [];
  // An optional first row for the whole cohort (e.g. the multivariable Cox HR of the group).
  const ov = options.overall;
  if (ov) {
    const ok = estimable(ov);
    rows.push({ kind: 'level', overall: true, id: 'v0', label: ov.label ?? t('analyses.forest.overall'), nText: ov.n != null ? `${ov.n} (${ov.nevent ?? '–'})` : '', ok, hr: ov.hr, lower: ov.lower, upper: ov.upper, se: ov.se, hrText: ok ? formatRatioCI(ov.hr, ov.lower, ov.upper) : t('analyses.forest.not_estimable'), pText: ok ? formatP(ov.p) : '–' });
  }
  const flat = options.flat === true;
  const names = displayNames(options.spec);
  const variableLabel = (v) => options.labels?.[v] ?? names.column(v);
  for (const v of variables) {
    // A variable that could not be analysed ({variable, error}) keeps its place, without levels.
    if (v.error) {
      rows.push({ kind: 'variable', id: `v${rows.length}`, label: t('analyses.forest.not_analysed', { variable: variableLabel(v.variable) }), pInt: '–' });
      continue;
    }
    const pInt = v.interaction?.[interactionTest]?.p;
    if (!flat) rows.push({ kind: 'variable', id: `v${rows.length}`, label: variableLabel(v.variable), pInt: pInt == null ? '–' : formatP(pInt) });
    for (const l of flat ? v.levels : inDeclaredOrder(v.levels, declaredLevels(options.spec, v.variable))) {
      const ok = estimable(l);
      rows.push({
        kind: 'level',
        id: `v${rows.length}`,
        variable: v.variable,
        level: l.level,
        label: flat ? String(l.level) : `   ${names.level(v.variable, l.level)}`,
        se: l.se,
        nText: `${l.n} (${l.nevent})`,
        ok,
        hr: l.hr,
        lower: l.lower,
        upper: l.upper,
        hrText: ok ? formatRatioCI(l.hr, l.lower, l.upper) : t('analyses.forest.not_estimable'),
        pText: ok ? formatP(l.p) : '–',
      });
    }
  }
  const drawn = rows.filter((r) => r.kind === 'level' && r.ok);
  const [d0, d1] = options.domain ?? logDomain(drawn.flatMap((r) => [r.lower, r.upper]));
  const clamp = (x) => Math.min(d1, Math.max(d0, x));
  for (const r of drawn) {
    r.lo = clamp(r.lower);
    r.hi = clamp(r.upper);
    r.loCut = r.lower < d0;
    r.hiCut = r.upper > d1;
    r.inside = r.hr >= d0 && r.hr <= d1;
  }

  // Squares: area ∝ inverse-variance weight (1/se² of the log HR) among the
  // levels; the overall row is a diamond of the largest size.
  const squares = drawn.filter((r) => r.inside && !r.overall);
  forestWeights(squares).forEach((h, i) => {
    squares[i].half = h;
  });
  const st = figureStyle(options);
  const tw = (s) => textWidth(s, st.fontSize);
  const width = options.width ?? FIGURE_WIDTH;
  const firstHeader = options.firstHeader ?? t('analyses.subgroups.col_subgroup');
  const nHeader = t('analyses.forest.n_events');
  const piHeader = t('analyses.forest.p_interaction');
  const labelW = Math.max(tw(firstHeader), ...rows.map((r) => tw(r.label))) + 10;
  const nW = Math.max(tw(nHeader), ...rows.map((r) => tw(r.nText ?? ''))) + 12;
  const hrW = Math.max(tw(t('analyses.col.hr', { ci: ciLabel(0.95) })), ...rows.map((r) => tw(r.hrText ?? ''))) + 12;
  const pW = tw('<0.001') + 12;
  const piW = flat ? 0 : tw(piHeader) + 4;
  const marginLeft = labelW + nW;
  const marginRight = hrW + pW + piW + 8;
  const rowH = Math.max(18, Math.round(st.fontSize * 1.6));
  const marginTop = 28;
  const marginBottom = 62;
  const height = marginTop + marginBottom + rows.length * rowH;
  const { column, levels } = groupInfo(options);
  const treated = subgroups.conventions?.treated ?? (column && levels[1] != null ? `${column} = ${levels[1]}` : t('analyses.forest.treated'));
  const reference = column && levels[0] != null ? `${column} = ${levels[0]}` : t('analyses.forest.reference');
  const conf = Math.round(100 * (options.spec?.analyses?.cox?.conf_int ?? engineDefault('analyses.cox.conf_int')));
  const ciText = ciLabel(conf / 100);
  const header = (text, dx, anchor) => Plot.text([text], { frameAnchor: anchor === 'start' && dx < 0 ? 'top-left' : 'top-right', dx, dy: -marginTop + 6, lineAnchor: 'top', textAnchor: anchor, fontWeight: 'bold', text: (d) => d, className: 'ls-forest-header' });
  const vars = rows.filter((r) => r.kind === 'variable' || r.overall);
  const lv = rows.filter((r) => r.kind === 'level' && !r.overall);
  const values = rows.filter((r) => r.kind === 'level');
  const svg = Plot.plot({
    document: doc,
    width,
    height,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom,
    style: plotStyle(options),
    x: { type: 'log', domain: [d0, d1], ticks: LOG_STOPS.filter((t) => t >= d0 && t <= d1 && (t !== 0.25 && t !== 4 || t === d0 || t === d1)), tickFormat: (x) => formatSignificant(x, 2), label: t('analyses.forest.axis', { ci: ciText }), labelAnchor: 'center', labelArrow: 'none', labelOffset: 56 },
    y: { type: 'point', domain: rows.map((r) => r.id), axis: null, padding: 0.5 },
    r: { type: 'identity' },
    marks: [
      Plot.ruleX([1], { stroke: '#555', strokeDasharray: '3,3' }),
      Plot.frame({ anchor: 'bottom' }),
      header(firstHeader, -marginLeft, 'start'),
      Plot.text([nHeader], { frameAnchor: 'top-left', dx: -8, dy: -marginTop + 6, lineAnchor: 'top', textAnchor: 'end', fontWeight: 'bold', text: (d) => d }),
      Plot.text([t('analyses.col.hr', { ci: ciText })], { frameAnchor: 'top-right', dx: 8, dy: -marginTop + 6, lineAnchor: 'top', textAnchor: 'start', fontWeight: 'bold', text: (d) => d }),
      Plot.text(['P'], { frameAnchor: 'top-right', dx: 8 + hrW, dy: -marginTop + 6, lineAnchor: 'top', textAnchor: 'start', fontWeight: 'bold', text: (d) => d }),
      flat ? null : Plot.text([piHeader], { frameAnchor: 'top-right', dx: 8 + hrW + pW, dy: -marginTop + 6, lineAnchor: 'top', textAnchor: 'start', fontWeight: 'bold', text: (d) => d }),
      Plot.text(vars.filter((r) => !r.overall), { y: 'id', text: 'label', frameAnchor: 'left', dx: -marginLeft, textAnchor: 'start', fontWeight: 'bold', className: 'ls-forest-variable' }),
      Plot.text(vars.filter((r) => r.overall), { y: 'id', text: 'label', frameAnchor: 'left', dx: -marginLeft, textAnchor: 'start', fontWeight: 'bold', className: 'ls-forest-overall' }),
      Plot.text(vars.filter((r) => !r.overall), { y: 'id', text: 'pInt', frameAnchor: 'right', dx: 8 + hrW + pW, textAnchor: 'start', className: 'ls-forest-pint' }),
      Plot.text(lv, { y: 'id', text: 'label', frameAnchor: 'left', dx: -marginLeft, textAnchor: 'start', className: 'ls-forest-level' }),
      Plot.text(values, { y: 'id', text: 'nText', frameAnchor: 'left', dx: -8, textAnchor: 'end', className: 'ls-forest-n' }),
      Plot.text(values, { y: 'id', text: 'hrText', frameAnchor: 'right', dx: 8, textAnchor: 'start', className: 'ls-forest-hrtext' }),
      Plot.text(values, { y: 'id', text: 'pText', frameAnchor: 'right', dx: 8 + hrW, textAnchor: 'start', className: 'ls-forest-p' }),
      Plot.ruleY(drawn, { y: 'id', x1: 'lo', x2: 'hi', stroke: '#000', strokeWidth: st.lineWidth, className: 'ls-forest-ci' }),
      // CIs running off the axis end in an arrowhead-like chevron.
      Plot.text(drawn.filter((r) => r.loCut), { y: 'id', x: 'lo', text: () => '<', dx: 2, fontWeight: 'bold', className: 'ls-forest-cut' }),
      Plot.text(drawn.filter((r) => r.hiCut), { y: 'id', x: 'hi', text: () => '>', dx: -2, fontWeight: 'bold', className: 'ls-forest-cut' }),
      // The estimate as a short tick on every row, so that a tiny square (a level with few events) still shows where it is.
      Plot.dot(drawn.filter((r) => r.inside && !r.overall), { y: 'id', x: 'hr', symbol: POINT_TICK, stroke: '#000', strokeWidth: st.lineWidth, className: 'ls-forest-point' }),
      // Plot's symbol size is π r², and a square of side 2h has area 4h², so r = 2h/√π.
      Plot.dot(squares, { y: 'id', x: 'hr', symbol: 'square', r: (d) => (2 * d.half) / Math.sqrt(Math.PI), fill: '#000', stroke: 'none', className: 'ls-forest-hr' }),
      Plot.dot(drawn.filter((r) => r.inside && r.overall), { y: 'id', x: 'hr', symbol: 'diamond', r: SQUARE_MAX * 1.2, fill: '#000', stroke: 'none', className: 'ls-forest-overall-hr' }),
      Plot.text([t('analyses.forest.favours_left', { arm: treated })], { frameAnchor: 'bottom-left', dy: 26, lineAnchor: 'top', textAnchor: 'start', text: (d) => d, fill: '#333' }),
      Plot.text([t('analyses.forest.favours_right', { arm: reference })], { frameAnchor: 'bottom-right', dy: 26, lineAnchor: 'top', textAnchor: 'end', text: (d) => d, fill: '#333' }),
    ].filter(Boolean),
  });
  const adjusted = subgroups.conventions?.per_level?.includes('covariates');
  const caption =
    options.caption ??
    t(adjusted ? 'analyses.forest.caption_adjusted' : 'analyses.forest.caption', { treated, reference, ci: ciText }) +
      (ov ? t('analyses.forest.caption_overall', { label: ov.label ?? t('analyses.forest.overall'), treated, about: ov.about ?? t('analyses.forest.whole_cohort') }) : '') +
      t(interactionTest === 'lrt' ? 'analyses.forest.caption_interaction_lrt' : 'analyses.forest.caption_interaction_wald') +
      (rows.some((r) => r.kind === 'level' && !r.ok) ? t('analyses.forest.caption_not_estimable') : '');
  const ariaLabel = t('analyses.forest.aria', { treated, reference, levels: lv.length, variables: variables.length });
  const fig = makeFigure(doc, { className: 'ls-forest-figure', ariaLabel, svgs: [svg], caption, width, style: figureStyle(options) });
  fig.forestRows = rows;
  return fig;
}

/**
 * The paper's Figure 4d: one row per subcohort with the group's adjusted HR
 * from that subcohort's multivariable Cox model (its Cox table), the models'
 * covariates in the caption. Throws when no subcohort has such a fit.
 */
export function subcohortForestFigure(result, options = {}, doc = globalThis.document) {
  const spec = options.spec ?? result?.spec;
  const { column } = groupInfo({ ...options, spec });
  const fits = (result?.subcohorts ?? [])
    .map((s) => ({ name: s.name, fit: s.error ? null : s.results?.cox?.multivariable }))
    .map((s) => ({ ...s, c: groupCoefficient(s.fit, column) }))
    .filter((s) => s.c);
  if (!fits.length) throw new Error(t('analyses.forest.no_subcohort_fit'));
  const levels = fits.map((s) => ({ level: s.name, ...s.c }));
  const adjustedFor = fits
    .map((s) => t('analyses.forest.adjusted_for_one', { name: s.name, terms: [...new Set(s.fit.coefficients.term.filter((term) => term !== column))].join(', ') || t('analyses.forest.nothing_else') }))
    .join(t('analyses.list_gap'));
  const conf = Math.round(100 * (spec?.analyses?.cox?.conf_int ?? engineDefault('analyses.cox.conf_int')));
  const { levels: gl } = groupInfo({ ...options, spec });
  const treated = column && gl[1] != null ? `${column} = ${gl[1]}` : t('analyses.forest.treated');
  const reference = column && gl[0] != null ? `${column} = ${gl[0]}` : t('analyses.forest.reference');
  const caption = options.caption ?? t('analyses.forest.subcohort_caption', { treated, reference, ci: ciLabel(conf / 100), adjusted: adjustedFor });
  const subcohort = t('analyses.forest.subcohort');
  const fig = forestFigure({ conventions: { treated }, variables: [{ variable: subcohort, levels }] }, { ...options, spec, flat: true, firstHeader: subcohort, caption }, doc);
  fig.classList.add('ls-subcohort-forest-figure');
  fig.querySelector('.ls-figure-graphic').setAttribute('aria-label', t('analyses.forest.subcohort_aria', { treated, reference, n: fits.length }));
  return fig;
}

/** Subgroups are categories: factor covariates and ones with 2 to 10 levels, not a continuous age. */
export function defaultSubgroupVariables(spec, described) {
  return (spec.covariates ?? [])
    .map((t) => (typeof t === 'string' ? { column: t } : t))
    .filter((t) => t.type === 'factor' || (levelsOf(described, t.column).length >= 2 && levelsOf(described, t.column).length <= 10))
    .map((t) => t.column);
}


// Its block of the R script (web/analyses/index.js: rBlock).
function rBlock(a, { path: p, spec, ties }) {
  if (!spec.group) return null;   // each subgroup's treatment effect needs a group
  const g = spec.group.column;
  const about = cm`Reproduces ${p}.subgroups: within each level coxph(Surv ~ ${g}${a.adjust ? ' + covariates' : ''}, ties = "${ties}");
treatment x subgroup interaction: likelihood-ratio test of coxph(~ ${g} * x) against coxph(~ ${g} + x)${a.adjust ? ' (both + covariates)' : ''}, on the rows with x${a.adjust ? ' and the covariates' : ''} known.`;
  let s = '';
  a.variables.forEach((v, i) => {
    const { lv } = rTerm(v);
    s += `\n# ${cm`subgroup variable ${v.column}`}\n`;
    s += `sg_adj <- ${a.adjust ? `setdiff(covariates, ${rStr(v.column)})   # adjusted for the other covariates` : 'character(0)'}\n`;
    s += `ds <- d\nds[[${rStr(v.column)}]] <- ls_factor(ds[[${rStr(v.column)}]], ${lv}, all = raw[[${rStr(v.column)}]])\n`;
    s += `ds <- ls_complete(ds, c(${rStr(v.column)}, sg_adj))\n`;
    s += `sg_levels <- lapply(levels(ds[[${rStr(v.column)}]]), function(lv) {\n`;
    s += `  dl <- ds[ds[[${rStr(v.column)}]] == lv, , drop = FALSE]\n`;
    s += `  fit <- tryCatch(suppressWarnings(coxph(ls_formula(quote(Surv(time_, event_)), ${rStr(g)}, sg_adj), data = dl, ties = ${rStr(ties)})), error = function(e) NULL)\n`;
    s += `  if (is.null(fit)) return(list(level = lv, n = nrow(dl)))\n`;
    s += `  k <- cox_key(fit); list(level = lv, n = nrow(dl), nevent = sum(dl$event_), coef = k$coef[1], se = k$se[1], hr = k$hr[1],\n`;
    s += `                          lower = k$lower[1], upper = k$upper[1], p = k$p[1])\n})\n`;
    s += `full <- coxph(ls_formula(quote(Surv(time_, event_)), quote(${rName(g)} * ${rName(v.column)}), sg_adj), data = ds, ties = ${rStr(ties)})\n`;
    s += `reduced <- coxph(ls_formula(quote(Surv(time_, event_)), c(${rStr(g)}, ${rStr(v.column)}), sg_adj), data = ds, ties = ${rStr(ties)})\n`;
    s += `lrt <- 2 * (full$loglik[2] - reduced$loglik[2]); lrt_df <- sum(!is.na(coef(full))) - sum(!is.na(coef(reduced)))\n`;
    s += `cat("\\n==", ${rStr(v.column)}, "\\n"); print(ls_table(sg_levels))\n`;
    s += `cat("interaction LRT:", lrt, "df", lrt_df, "p", pchisq(lrt, lrt_df, lower.tail = FALSE), "\\n")\n`;
    s += `put(${rStr(`${p}.subgroups.${i}`)}, list(variable = ${rStr(v.column)}, n = nrow(ds), levels = sg_levels,\n`;
    s += `     interaction = list(lrt_statistic = lrt, lrt_df = lrt_df, lrt_p = pchisq(lrt, lrt_df, lower.tail = FALSE))))\n`;
  });
  return { title: 'Subgroups', about, code: s };
}

export default {
  key: 'subgroups',
  get title() {
    return t('analyses.subgroups.title');
  },
  form: {
    get toggle() {
      return t('analyses.subgroups.toggle');
    },
    checked: false,
    withoutGroup: () => false,
    switchedOn: (options, spec, described) => (options.variables ? options : { ...options, variables: defaultSubgroupVariables(spec, described) }),
    fields: [
      list('analyses.subgroups.field.variables', 'analyses.subgroups.variables', 'strings', 'analyses.field.columns_placeholder'),
      check('analyses.subgroups.field.adjust', 'analyses.subgroups.adjust', { checked: engineDefault('analyses.subgroups.adjust') }),
    ],
  },
  tables: (sg, ctx) => [{ paper: 7, model: subgroupModel(sg, ctx) }],
  render(sg, view) {
    if (sg.variables?.some((v) => !v.error)) view.figure(t('analyses.subgroups.figure'), 'forest', () => forestFigure(sg, { ...view.opts, overall: overallHr(view.results, view.opts.spec) ?? undefined }, view.document));
    view.table('subgroups');
  },
  rowsUsed: (sg) => (sg?.variables ?? []).filter((v) => v.rows).map((v) => [t('analyses.subgroups.rows_used', { variable: v.variable }), v.rows]),
  rBlock,
};
