// The form's subcohorts: each one's name and filter, and — under "Own
// covariates and analyses" — whether it uses the study's covariates and
// analyses or its own, with every analysis option editable as for the whole
// cohort (the same fields, analysis_form.js). The paper's dose analysis, for
// example, runs only within the bone-metastasis subcohort.
//
//   renderSubcohorts(host, {onEdit, sync})   onEdit(): the spec changed, redraw the
//       form; sync(): the spec changed, only the JSON needs updating
import * as specForm from './spec_form.js';
import * as rules from './form_rules.js';
import { analysisByKey } from './analyses/index.js';
import { fieldText } from './analyses/fields.js';
import { analysisSections, fillAnalysisFields, editField } from './analysis_form.js';
import { formatThousands } from './format.js';
import { state } from './page.js';
import { t, tn } from './i18n.js';

// A link may carry thousands of subcohorts: the form shows the first ones
// (rows for thousands would freeze the tab); the JSON holds them all.
const SUBCOHORT_ROWS = 100;

// Which subcohorts' own settings are open, kept across redraws (by object:
// removing one subcohort does not open its neighbour).
const open = new WeakSet();
// Options of a subcohort's analyses switched off, restored when switched on.
const stashes = new WeakMap();

/** What the subcohort runs, as the study sees it: its own covariates and analyses over the study's. */
const viewOf = (spec, s) => ({ ...spec, covariates: s.covariates ?? spec.covariates ?? [], analyses: s.analyses ?? spec.analyses ?? {} });

function summaryText(s) {
  const own = [];
  if (s.covariates) own.push(tn('form.subcohort.own_covariates_count', s.covariates.length));
  if (s.analyses) {
    const titles = Object.keys(s.analyses).map((k) => fieldText(analysisByKey(k)?.title ?? k));
    own.push(t('form.subcohort.own_analyses_list', { list: titles.join(t('form.list_separator')) || t('form.subcohort.no_analyses') }));
  }
  return own.length ? t('form.subcohort.own_summary', { own: own.join(t('form.clause_separator')) }) : t('form.subcohort.own_summary_none');
}

function checkbox(text, checked, aria) {
  const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked });
  if (aria) box.setAttribute('aria-label', aria);
  const label = document.createElement('label');
  label.className = 'inline';
  label.append(box, ` ${text}`);
  return { box, label };
}

// The covariate ticks of a subcohort with its own list; a column ticked here
// that the study describes (type, levels, reference) comes with that description.
function ownCovariates(spec, s, i, onEdit) {
  const view = viewOf(spec, s);
  const wrap = document.createElement('div');
  wrap.className = 'own-covariates';
  for (const r of specForm.covariateRows(view, state.described)) {
    const name = r.breaks.length ? specForm.cutName(r.column) : r.column;
    const { box, label } = checkbox(name, r.included, t('form.subcohort.include_aria', { n: i + 1, column: name }));
    box.addEventListener('change', () => {
      const rows = specForm.covariateRows(view, state.described).map((x) => (x.column === r.column ? { ...x, included: box.checked } : x));
      const covariates = specForm.applyCovariateRows(view, rows).covariates;
      const study = (spec.covariates ?? []).map((t) => (typeof t === 'string' ? { column: t } : t));
      s.covariates = covariates.map((t) => structuredClone(study.find((x) => x.column === t.column) ?? t));
      onEdit();
    });
    wrap.append(label);
  }
  return wrap;
}

function ownAnalyses(spec, s, i, onEdit, sync) {
  const host = document.createElement('div');
  host.className = 'own-analyses';
  analysisSections(host);
  for (const box of host.querySelectorAll('[data-toggle]')) box.setAttribute('aria-label', t('form.subcohort.toggle_aria', { n: i + 1, analysis: box.parentElement.textContent.trim() }));
  fillAnalysisFields(host, viewOf(spec, s));
  host.addEventListener('change', (e) => {
    const el = e.target;
    const view = viewOf(spec, s);
    if (el.dataset.toggle) {
      const out = rules.toggleAnalysis(view, el.dataset.toggle, el.checked, { stash: stashes.get(s) ?? {}, described: state.described, switchedOn: analysisByKey(el.dataset.toggle)?.form?.switchedOn });
      stashes.set(s, out.stash);
      s.analyses = out.spec.analyses;
      return onEdit();
    }
    if (!el.dataset.path) return;
    // view.analyses is s.analyses itself: the field edits the subcohort's own options.
    const done = editField(el, view);
    if (done === 'render') onEdit();
    else if (done) sync();
  });
  return host;
}

function ownSettings(spec, s, i, onEdit, sync) {
  const details = document.createElement('details');
  details.className = 'subcohort-own';
  details.open = open.has(s);
  const summary = Object.assign(document.createElement('summary'), { textContent: summaryText(s) });
  details.append(summary);
  const fill = () => {
    const cov = checkbox(t('form.subcohort.own_covariates'), Boolean(s.covariates), t('form.subcohort.own_covariates_aria', { n: i + 1 }));
    cov.box.addEventListener('change', () => {
      if (cov.box.checked) s.covariates = structuredClone(spec.covariates ?? []);
      else delete s.covariates;
      onEdit();
    });
    const ana = checkbox(t('form.subcohort.own_analyses'), Boolean(s.analyses), t('form.subcohort.own_analyses_aria', { n: i + 1 }));
    ana.box.addEventListener('change', () => {
      if (ana.box.checked) s.analyses = structuredClone(spec.analyses ?? {});
      else delete s.analyses;
      onEdit();
    });
    details.append(cov.label, ...(s.covariates ? [ownCovariates(spec, s, i, onEdit)] : []), ana.label, ...(s.analyses ? [ownAnalyses(spec, s, i, onEdit, sync)] : []));
  };
  // Drawn when opened: a hundred subcohorts' every field would be thousands of controls.
  if (details.open) fill();
  details.addEventListener('toggle', () => {
    if (details.open) open.add(s);
    else open.delete(s);
    if (details.open && details.children.length === 1) fill();
  });
  return details;
}

export function renderSubcohorts(host, { onEdit, sync }) {
  const spec = state.spec;
  const subs = spec.subcohorts ?? [];
  const more = subs.length - SUBCOHORT_ROWS;
  host.replaceChildren(
    ...subs.slice(0, SUBCOHORT_ROWS).map((s, i) => {
      const row = document.createElement('div');
      row.className = 'subcohort';
      const name = Object.assign(document.createElement('input'), { type: 'text', value: s.name, placeholder: t('form.subcohort.name_placeholder') });
      name.setAttribute('aria-label', t('form.subcohort.name_aria', { n: i + 1 }));
      // The example is a filter (R-like code on the example's columns), not words.
      const filter = Object.assign(document.createElement('input'), { type: 'text', value: s.filter, placeholder: t('form.subcohort.filter_placeholder', { example: 'liver_met == 1' }) });
      filter.setAttribute('aria-label', t('form.subcohort.filter_aria', { n: i + 1 }));
      const remove = Object.assign(document.createElement('button'), { type: 'button', textContent: t('form.remove') });
      name.addEventListener('change', () => { s.name = name.value; sync(); });
      filter.addEventListener('change', () => { s.filter = filter.value; sync(); });
      remove.addEventListener('click', () => {
        subs.splice(i, 1);
        if (!subs.length) delete spec.subcohorts;
        onEdit();
      });
      row.append(name, filter, remove, ownSettings(spec, s, i, onEdit, sync));
      return row;
    }),
    more > 0 ? Object.assign(document.createElement('p'), { className: 'hint', textContent: tn('form.subcohort.more', more, { count: formatThousands(more) }) }) : '',
  );
}
