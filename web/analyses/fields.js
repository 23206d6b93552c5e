// The fields of an analysis's form section, as plain data (each analysis
// module lists its own; web/form_view.js draws them). A field edits the spec
// at its `path` (data-path); `attrs` are the element's attributes.
//
//   check(label, path, {checked})               a checkbox after its label
//   select(label, path, options, attrs?)        options: 'value' or [value, label]
//   number(label, path, attrs?)                 <input type="number">
//   list(label, path, 'numbers'|'strings', placeholder)   comma-separated (data-type)
//   text(label, path, placeholder)              <input type="text">
//   columnSelect(label, path, kind)             a column of the file ('numeric', 'levels', 'any');
//                                               withNone(it): '(none)' first
// A select with the attribute data-number writes its value as a number.
// A number's placeholder that shows the engine's default takes it from
// engineDefault (web/engine_defaults.js), never a retyped value.
//
// Texts in the page's language. A field's label, an option's label, its
// placeholder (and aria-label or title), and the section's toggle (form.toggle)
// may each be given as
//   'analyses.km.conf_type_label'   a key of the translation files (a string
//                                   starting with "analyses.", "form." or "page."): shown as t(key)
//   () => t(key, {value: engineDefault(...)})   a function, called when drawn
//   'CI type'                       any other string, shown as it is
// fieldText(x) says which (web/analysis_form.js draws every text through it).
// They are resolved each time the form is drawn, so a language switch
// (renderAnalysisSections) shows them in the new language. A plain option
// 'log' shows its value; a value that is a word needs [value, key]. A column
// select's data-none (withNone here, or in index.html) is drawn the same way.
//
// A field's own rules, added with withRules(field, rules) (all optional):
//   shows(value, spec) -> shown  how the spec's value shows in a checkbox or a
//                                select (default: the value, else the engine's default)
//   enabledIf(spec) -> boolean   usable only then (besides its analysis being on)
//   afterEdit(spec, value) -> redraw?   what else an edit changes in the spec
import { t } from '../i18n.js';

const TEXT_KEY = /^(analyses|form|page)\.[\w.-]+$/;

/** A field's text in the page's language (see above): a key, a function, or a text as it is. */
export function fieldText(x) {
  if (typeof x === 'function') return String(x());
  if (typeof x === 'string' && TEXT_KEY.test(x)) return t(x);
  return x == null ? '' : String(x);
}

export const check = (label, path, { checked = false } = {}) => ({ label, tag: 'input', attrs: { type: 'checkbox', 'data-path': path }, checked });
export const select = (label, path, options, attrs = {}) => ({ label, tag: 'select', attrs: { 'data-path': path, ...attrs }, options });
export const number = (label, path, attrs = {}) => ({ label, tag: 'input', attrs: { 'data-path': path, type: 'number', ...attrs } });
export const list = (label, path, type, placeholder) => ({ label, tag: 'input', attrs: { 'data-path': path, 'data-type': type, type: 'text', placeholder } });
export const text = (label, path, placeholder) => ({ label, tag: 'input', attrs: { 'data-path': path, type: 'text', ...(placeholder != null ? { placeholder } : {}) } });
export const columnSelect = (label, path, kind) => ({ label, tag: 'select', attrs: { 'data-path': path, class: 'col-select', 'data-cols': kind, 'data-derived': 'true' } });
export const withRules = (field, rules) => ({ ...field, ...rules });
// A column select whose first choice is no column ('' removes the option);
// data-none holds the key of its text ("(none)").
export const withNone = (field) => ({ ...field, attrs: { ...field.attrs, 'data-none': 'form.none' } });
