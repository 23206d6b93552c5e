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
//   rBlock     (options, cohort) -> {title, about, code} | null: its block of the
//              R script (web/rscript.js writes the frame: the data, each cohort,
//              and this block in ls_block() for each cohort where it is on, in
//              R_ORDER). options: its options in that cohort, every default
//              written out (the engine's readSpec); cohort: {path (its result
//              path, e.g. 'results', 'subcohorts.0.results'), spec, covariates,
//              analyses (the cohort's), ties (its Cox ties), filterTree(field)
//              (the engine's tree of one of the cohort's filters, e.g.
//              'analyses.cutpoint.groups.none')}. `code` runs on the cohort `d`
//              (and the file `raw`, the helpers of web/r/helpers.R); `about`
//              says what of the result it reproduces (comment text). null: no
//              block for this cohort (e.g. no group). Every text and number
//              goes into R through web/r/escape.js (filters: web/r/filter.js).

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

// The order of the analyses' blocks in the R script: Table 1 first, the rest
// in the order the engine runs them (core/study/analysis.cpp). A new analysis
// is listed here too (tests/node/form_rules.test.mjs checks that each is).
export const R_ORDER = Object.freeze(['table1', 'km', 'followup', 'logrank', 'cox', 'logistic', 'matching', 'cutpoint', 'subgroups']);

export const analysisByKey = (key) => ANALYSES.find((a) => a.key === key);
