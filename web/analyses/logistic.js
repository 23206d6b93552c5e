// The propensity model (logistic regression of the group on the
// covariates), fitted for matching: the page reports only what stopped it
// and the rows it used.
// The default export is its entry in the registry (web/analyses/index.js).

import { model, section } from '../table_model.js';

export default {
  key: 'logistic',
  title: 'Propensity model',
  // No form section, table or figure of its own: the page shows only what
  // stopped it (the matching section holds its options and results).
  rowsUsed: (logistic) => (logistic?.rows ? [['propensity model', logistic.rows]] : []),
  rBlock: null,
};
