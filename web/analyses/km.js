// Kaplan–Meier: survival by group (survfit), its summary table and its figure
// (the figure itself is web/plots.js's kmFigure, shared with the matched
// cohort and the cutpoint groups).
//   kmSummaryModel(results.km, ctx) -> TableModel (n, events, median (95% CI), S(t) at km.times)
// The default export is its entry in the registry (web/analyses/index.js).

import { t } from '../i18n.js';
import { engineMessage } from '../engine_text.js';
import { DAYS_PER, amount, unitName } from '../units.js';
import { beyondFollowUpNote, ciLabel, curveCells, curveColumns, data, ensureCtx, model } from '../table_model.js';
import { kmFigure } from '../plots.js';
import { check, list, number, select } from './fields.js';
import { engineDefault } from '../engine_defaults.js';
import { GROUP_ALIAS, cm, plain, rNum, rNums, rStr } from '../r/escape.js';

export function kmSummaryModel(km, ctx) {
  if (!km?.overall && !km?.by_group?.length) return null;
  ctx = ensureCtx(ctx);
  const curves = [km.overall, ...(km.by_group ?? [])].filter(Boolean);
  const times = curves[0].at_times?.time ?? [];
  const conv = km.conventions ?? {};
  const ciText = ciLabel(conv.conf_int);
  const rows = curves.map((c) => data(curveCells(ctx, c, times)));
  const notes = [
    t('analyses.km.note_method', { ci: ciText, transform: conv.conf_type ?? engineDefault('analyses.km.conf_type'), variance: conv.variance ?? 'Greenwood' }),
    times.length && t('analyses.km.note_times', { times: times.map((time) => (ctx.dataUnit ? amount(time, ctx.dataUnit) : String(time))).join(t('analyses.list_comma')), source: conv.at_times ? engineMessage(conv.at_times) : 'summary.survfit' }),
    ctx.unit !== ctx.dataUnit && t('analyses.km.note_shown_in', { unit: unitName(ctx.unit), data_unit: unitName(ctx.dataUnit), month: amount(DAYS_PER.months, 'days'), year: amount(DAYS_PER.years, 'days') }),
    t('analyses.note.nr'),
    beyondFollowUpNote(curves, times),
  ];
  return model(ctx, 'km', t('analyses.km.table_title'), curveColumns(ctx, times, ciText), rows, notes);
}

// Its block of the R script (web/analyses/index.js: rBlock).
function rBlock(a, { path: p, spec }) {
  const g = spec.group;
  const ct = rStr(a.conf_type);
  const times = rNums(a.times, 'km.times');
  const about = cm`Reproduces ${p}.km: survfit() with conf.type ${a.conf_type}, ${a.conf_int} CI, Greenwood variance;\nsurvival at the requested times from summary(times =, extend = TRUE) (std.err there = SE of S).`;
  let s = `km_times <- ${times}\n`;
  s += `km_all <- survfit(Surv(time_, event_) ~ 1, data = d, conf.type = ${ct}, conf.int = ${rNum(a.conf_int, 'km.conf_int')})\n`;
  s += 'print(km_all)\nif (length(km_times)) print(summary(km_all, times = km_times, extend = TRUE))\n';
  s += `put(${rStr(p + '.km.overall')}, km_key(km_all, km_times)[[1]])\n`;
  if (g && a.by_group !== false) {
    s += `km_grp <- survfit(Surv(time_, event_) ~ ${plain(g.column, GROUP_ALIAS)}, data = d, conf.type = ${ct}, conf.int = ${rNum(a.conf_int, 'km.conf_int')})\n`;
    s += 'print(km_grp)\nif (length(km_times)) print(summary(km_grp, times = km_times, extend = TRUE))\n';
    s += `put(${rStr(p + '.km.by_group')}, km_key(km_grp, km_times))\n`;
  }
  return { title: 'Kaplan-Meier', about, code: s };
}

export default {
  key: 'km',
  get title() {
    return t('analyses.km.title');
  },
  form: {
    get toggle() {
      return t('analyses.km.toggle');
    },
    fields: [
      select('analyses.km.field.conf_type', 'analyses.km.conf_type', ['log', 'log-log', 'plain']),
      number('analyses.field.conf_int', 'analyses.km.conf_int', { step: 'any', min: '0.5', max: '0.999', placeholder: `${engineDefault('analyses.km.conf_int')}` }),
      list('analyses.km.field.times', 'analyses.km.times', 'numbers', 'analyses.km.field.times_placeholder'),
      check('analyses.km.field.by_group', 'analyses.km.by_group', { checked: engineDefault('analyses.km.by_group') }),
    ],
  },
  tables: (km, ctx) => [{ paper: 4, model: kmSummaryModel(km, ctx) }],
  render(km, view) {
    const lr = view.results.logrank;
    view.figure(t('analyses.km.figure'), 'km', () => kmFigure(km, { ...view.opts, logrank: lr?.error ? null : lr }, view.document));
    view.table('km');
  },
  rBlock,
};
