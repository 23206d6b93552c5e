// The propensity model (logistic regression of the group on the
// covariates), fitted for matching: the page reports only what stopped it
// and the rows it used.
// The default export is its entry in the registry (web/analyses/index.js).

import { t } from '../i18n.js';
import { cm, rStr } from '../r/escape.js';

// Its block of the R script (web/analyses/index.js: rBlock).
function rBlock(_options, { path: p, spec }) {
  if (!spec.group) return null;   // the propensity model needs a group
  const g = spec.group;
  const about = cm`Reproduces ${p}.logistic: glm(treated ~ covariates, family = binomial), "treated" = the group's second level;\nrows complete on the covariates.`;
  let s = `ps_fit <- glm(ls_formula(quote(treat_), covariates), family = binomial, data = d)\n`;
  s += `cat("\\nPropensity model: treated =", levels(d[[${rStr(g.column)}]])[2], "\\n"); print(summary(ps_fit))\n`;
  s += `put(${rStr(p + '.logistic')}, glm_key(ps_fit))\n`;
  return { title: 'Propensity model (logistic regression)', about, code: s };
}

export default {
  key: 'logistic',
  get title() {
    return t('analyses.logistic.title');
  },
  // No form section, table or figure of its own: the page shows only what
  // stopped it (the matching section holds its options and results).
  rowsUsed: (logistic) => (logistic?.rows ? [[t('analyses.logistic.rows_used'), logistic.rows]] : []),
  rBlock,
};
