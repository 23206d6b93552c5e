// The engine's defaults that the page needs before anything has run: a
// checkbox's first state, a select's shown option, a number field's placeholder, the α/β of a new BED
// column. After a run every default is in the spec the engine echoes
// (result.spec), and the page reads it from there; this is the one place the
// page states them itself. tests/node/engine_defaults.test.mjs runs the
// engine and checks every value here against its echo, so a default that
// changes in core/ cannot leave the page showing the old one.
//
//   ENGINE_DEFAULTS                 spec-shaped: time.unit, analyses.<name>.<option>,
//                                   derive.<kind>.<option> (bed, eqd2, date_diff)
//   engineDefault('analyses.cox.ties') -> 'efron'   (undefined for an option not listed)

export const ENGINE_DEFAULTS = Object.freeze({
  time: { unit: 'days' },
  analyses: {
    table1: { yates: true, binary: 'counts' },
    km: { conf_type: 'log', conf_int: 0.95, by_group: true },
    followup: {},
    logrank: { rho: 0, pairwise_adjust: 'holm' },
    cox: { ties: 'efron', conf_int: 0.95, select_p: 0, select_test: 'wald', univariate: true, multivariable: true },
    matching: {
      distance: 'ps',
      ratio: 1,
      order: 'largest',
      caliper: 0,
      caliper_scale: 'sd',
      replace: false,
      smd: 'matchit',
      outcome_model: 'cluster',
      balance_criterion: 'p',
      balance_p: 0.1,
      balance_smd: 0.1,
      rounds: 1,
      round_rule: 'exact',
      seed: 1,
      balance_test: 'auto',
      yates: true,
    },
    subgroups: { adjust: false },
    cutpoint: { pmethod: 'lau94', minprop: 0.1, maxprop: 0.9, replicates: 10000, seed: 1, horizon: 0, groups: { use: 'maxstat', none_label: 'none' } },
  },
  derive: { bed: { alpha_beta: 10 }, eqd2: { alpha_beta: 10 }, date_diff: { unit: 'days', format: 'auto' } },
});

// (spec_form.js imports this file, so the lookup is not its getPath.)
export const engineDefault = (path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), ENGINE_DEFAULTS);
