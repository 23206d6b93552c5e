// English texts: the analysis form (form_view.js, analysis_form.js, derive_view.js, subcohort_view.js, spec_form.js, form_rules.js, analyses/fields.js).
export default {
};
