// Median follow-up by the reverse Kaplan–Meier method.
//   followupModel(results.followup, ctx) -> TableModel
// The default export is its entry in the registry (web/analyses/index.js).

import { formatInteger } from '../format.js';
import { ciLabel, col, data, ensureCtx, medianCell, model, section, strataName, unitSuffix } from '../table_model.js';

export function followupModel(followup, ctx) {
  if (!followup?.overall && !followup?.by_group?.length) return null;
  ctx = ensureCtx(ctx);
  const conv = followup.conventions ?? {};
  const ciText = ciLabel(conv.conf_int);
  const columns = [col('Group', 'left'), col('n'), col(`Median follow-up${unitSuffix(ctx)} (${ciText})`)];
  const rows = [followup.overall, ...(followup.by_group ?? [])]
    .filter(Boolean)
    .map((f) => data([strataName(ctx, f.stratum), formatInteger(f.n), medianCell(ctx, f.median, f.lower, f.upper)]));
  const notes = [`Median follow-up: ${conv.method ?? 'reverse Kaplan–Meier'}; ${ciText}: ${conv.conf_type ?? 'log'} transformation.`, 'NR = not reached.'];
  return model(ctx, 'followup', 'Follow-up', columns, rows, notes);
}

export default {
  key: 'followup',
  title: 'Median follow-up',
  // Its switch sits in the Kaplan–Meier section: the reverse KM shares its options.
  form: { toggle: 'Median follow-up (reverse KM)', within: 'km' },
  tables: (followup, ctx) => [{ paper: 5, model: followupModel(followup, ctx) }],
  render: (followup, view) => view.table('followup'),
  rBlock: null,
};
