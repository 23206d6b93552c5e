// The registry of analyses: one module per analysis (web/analyses/<key>.js),
// in the order the page shows them (form sections and results). The page, the
// tables' blockModels and the exports loop over this list; adding an analysis
// means adding its module here (and its step in core/).
//
// A module's default export (see any of them, e.g. km.js):
//   key        its name in the spec's `analyses` and in the result's `results`
//   title      its heading in the results
//   form?      {toggle, checked?, within?, fields, switchedOn?}: its section of
//              the form (within: drawn inside another analysis's section;
//              switchedOn(options, spec, described): what it fills in when switched on;
//              onWithGroup, withoutGroup(options, spec) -> keep?, onWithCovariates:
//              how choosing a group or a covariate switches it, web/form_rules.js)
//   tables?    (part, ctx) -> [{paper, model}]: its tables; `paper` orders all
//              tables of a block as in the paper (Table 1, balance, Cox, ...)
//   render?    (part, view): its tables and figures, in place (web/results_view.js)
//   rowsUsed?  (part) -> [[label, rows report]]: the rows each of its models used
//   rBlock     its R code; null while it still lives in web/rscript.js

import table1 from './table1.js';
import km from './km.js';
import followup from './followup.js';
import logrank from './logrank.js';
import cox from './cox.js';
import logistic from './logistic.js';
import matching from './matching.js';
import subgroups from './subgroups.js';
import cutpoint from './cutpoint.js';

export const ANALYSES = Object.freeze([table1, km, followup, logrank, cox, logistic, matching, subgroups, cutpoint]);

export const analysisByKey = (key) => ANALYSES.find((a) => a.key === key);
