// Median follow-up by the reverse Kaplan–Meier method.
//   followupModel(results.followup, ctx) -> TableModel
// The default export is its entry in the registry (web/analyses/index.js).

import { formatInteger } from '../format.js';
import { t } from '../i18n.js';
import { engineMessage } from '../engine_text.js';
import { ciLabel, col, data, ensureCtx, medianCell, model, section, strataName, unitSuffix } from '../table_model.js';
import { GROUP_ALIAS, cm, plain, rStr } from '../r/escape.js';

export function followupModel(followup, ctx) {
  if (!followup?.overall && !followup?.by_group?.length) return null;
  ctx = ensureCtx(ctx);
  const conv = followup.conventions ?? {};
  const ciText = ciLabel(conv.conf_int);
  const columns = [col(t('analyses.col.group'), 'left'), col('n'), col(t('analyses.followup.col_median', { unit: unitSuffix(ctx), ci: ciText }))];
  const rows = [followup.overall, ...(followup.by_group ?? [])]
    .filter(Boolean)
    .map((f) => data([strataName(ctx, f.stratum), formatInteger(f.n), medianCell(ctx, f.median, f.lower, f.upper)]));
  const notes = [
    t('analyses.followup.note_method', { method: conv.method ? engineMessage(conv.method) : t('analyses.followup.reverse_km'), ci: ciText, transform: conv.conf_type ?? 'log' }),
    t('analyses.note.nr'),
  ];
  return model(ctx, 'followup', t('analyses.followup.table_title'), columns, rows, notes);
}

// Its block of the R script (web/analyses/index.js: rBlock).
function rBlock(_options, { path: p, spec }) {
  const g = spec.group;
  const about = cm`Reproduces ${p}.followup: median follow-up by reverse Kaplan-Meier (censorings as events).`;
  let s = 'fu_all <- survfit(Surv(time_, 1 - event_) ~ 1, data = d)\nprint(fu_all)\n';
  s += `put(${rStr(p + '.followup.overall')}, km_key(fu_all, NULL)[[1]])\n`;
  if (g) {
    s += `fu_grp <- survfit(Surv(time_, 1 - event_) ~ ${plain(g.column, GROUP_ALIAS)}, data = d)\nprint(fu_grp)\n`;
    s += `put(${rStr(p + '.followup.by_group')}, km_key(fu_grp, NULL))\n`;
  }
  return { title: 'Follow-up', about, code: s };
}

export default {
  key: 'followup',
  get title() {
    return t('analyses.followup.title');
  },
  // Its switch sits in the Kaplan–Meier section: the reverse KM shares its options.
  form: {
    get toggle() {
      return t('analyses.followup.toggle');
    },
    within: 'km',
  },
  tables: (followup, ctx) => [{ paper: 5, model: followupModel(followup, ctx) }],
  render: (followup, view) => view.table('followup'),
  rBlock,
};
