// The analyses' form fields, drawn from their modules (web/analyses/) and
// read back into a spec. The whole cohort's section (form_view.js) and each
// subcohort's own analyses (subcohort_view.js) use the same fields: `spec`
// is the spec the fields show and edit — the study's, or a subcohort's view
// of it (its own analyses and covariates over the study's other settings).
//
//   analysisSections(host)        each analysis's section, in the registry's order, in
//                                 the page's language (drawn again on a language switch)
//   fillAnalysisFields(root, spec)   the fields under root show spec
//   editField(el, spec) -> 'render' | 'sync' | null   one edited field into spec
//                                 (null: the value does not parse; el says why)
//   fillColumnSelect(sel, value)  a column select: the columns its kind allows
import * as specForm from './spec_form.js';
import * as rules from './form_rules.js';
import { ANALYSES } from './analyses/index.js';
import { fieldText } from './analyses/fields.js';
import { t } from './i18n.js';
import { engineDefault } from './engine_defaults.js';
import { state, option } from './page.js';

const columnsFor = (kind) => rules.columnsFor(kind, state.spec, state.described);
// Every analysis's form field by its spec path: its own rules (web/analyses/fields.js).
const FIELDS = new Map(ANALYSES.flatMap((a) => a.form?.fields ?? []).map((f) => [f.attrs['data-path'], f]));

// The attributes a user reads or hears; the others (data-path...) are never texts.
const TEXT_ATTRS = new Set(['placeholder', 'aria-label', 'title']);

// One field: "<label>Label <input|select ...></label>", its texts in the page's language.
function fieldElement(f) {
  const el = document.createElement(f.tag);
  for (const [k, v] of Object.entries(f.attrs)) el.setAttribute(k, TEXT_ATTRS.has(k) || typeof v === 'function' ? fieldText(v) : v);
  if (f.checked) el.defaultChecked = true;
  for (const o of f.options ?? []) {
    const opt = document.createElement('option');
    if (Array.isArray(o)) opt.value = o[0];
    opt.textContent = Array.isArray(o) ? fieldText(o[1]) : o;
    el.append(opt);
  }
  const label = document.createElement('label');
  label.append(`${fieldText(f.label)} `, el);
  return label;
}

// A select left out of the spec shows the engine's default (shown, not
// written: the spec changes only when the user picks). A value the form does
// not list (a link's order "given") gets its own option instead of a blank.
function showSelected(el, value) {
  const v = value == null ? '' : String(value);
  if (v && ![...el.options].some((o) => o.value === v)) el.append(option(v));
  el.value = v;
}

function toggleElement(key, form) {
  const box = Object.assign(document.createElement('input'), { type: 'checkbox' });
  box.dataset.toggle = key;
  box.defaultChecked = form.checked ?? true;
  const label = document.createElement('label');
  label.className = 'inline';
  label.append(box, ` ${fieldText(form.toggle)}`);
  return label;
}

// A column list may hold {column, levels} terms (subgroup variables in their order).
const termName = (x) => (x && typeof x === 'object' ? x.column : x);

// Drawn again into the same host (a language switch): the host's old sections go.
export function analysisSections(host) {
  host.replaceChildren();
  const sections = new Map();
  for (const a of ANALYSES) {
    if (!a.form) continue;
    const parts = [toggleElement(a.key, a.form), ...(a.form.fields ?? []).map(fieldElement)];
    const within = a.form.within && sections.get(a.form.within);
    if (within) {
      within.append(...parts);
      continue;
    }
    const div = document.createElement('div');
    div.className = 'analysis';
    div.append(...parts);
    sections.set(a.key, div);
    host.append(div);
  }
}

export function fillColumnSelect(sel, value) {
  const names = columnsFor(sel.dataset.cols);
  const opts = names.map((n) => option(n));
  if (sel.dataset.none != null || !names.includes(value)) opts.unshift(option('', fieldText(sel.dataset.none ?? 'form.choose')));
  // The time column the user (or a link) chose stays shown even when it is not
  // a column of numbers: never another column in its place.
  if (sel.dataset.cols === 'time' && value && !names.includes(value)) {
    const inFile = state.described.columns.some((c) => c.name === value);
    opts.push(option(value, t(inFile ? 'form.column.not_numbers' : 'form.column.not_in_file', { column: value })));
  }
  sel.replaceChildren(...opts);
  sel.value = value ?? '';
}

export function fillAnalysisFields(root, spec) {
  for (const box of root.querySelectorAll('[data-toggle]')) {
    box.checked = rules.analysisOn(spec, box.dataset.toggle);
    const block = box.closest('.analysis');
    for (const el of block.querySelectorAll('[data-path]'))
      if (el.dataset.path.split('.')[1] === box.dataset.toggle) el.disabled = !box.checked;
  }
  for (const el of root.querySelectorAll('[data-path]')) {
    const v = specForm.getPath(spec, el.dataset.path);
    if (el.classList.contains('col-select')) fillColumnSelect(el, v ?? '');
    else if (el.type === 'checkbox') el.checked = FIELDS.get(el.dataset.path)?.shows?.(v) ?? v ?? el.defaultChecked;
    else if (el.dataset.type) el.value = specForm.formatList(Array.isArray(v) ? v.map(termName) : v);
    else if (el.tagName === 'SELECT') {
      const shows = FIELDS.get(el.dataset.path)?.shows;
      showSelected(el, shows ? shows(v, spec) : v ?? engineDefault(el.dataset.path));
    }
    else el.value = v ?? '';
  }
  for (const el of root.querySelectorAll('[data-path]')) {
    const enabledIf = FIELDS.get(el.dataset.path)?.enabledIf;
    if (enabledIf) el.disabled = el.disabled || !enabledIf(spec);
  }
}

export function editField(el, spec) {
  let v;
  if (el.type === 'checkbox') v = el.checked;
  else if (el.dataset.type) {
    try {
      v = specForm.parseList(el.value, el.dataset.type);
      el.setCustomValidity('');
      // A listed column written as {column, levels} keeps its levels.
      const old = specForm.getPath(spec, el.dataset.path);
      if (Array.isArray(old)) v = v.map((name) => old.find((x) => termName(x) === name && typeof x === 'object') ?? name);
    } catch (err) {
      el.setCustomValidity(err.message);
      el.reportValidity();
      return null;
    }
  } else if (el.type === 'number' || el.dataset.number) v = el.value === '' ? undefined : Number(el.value);
  else v = el.value;
  specForm.setPath(spec, el.dataset.path, v);
  return FIELDS.get(el.dataset.path)?.afterEdit?.(spec, v) ? 'render' : 'sync';
}
