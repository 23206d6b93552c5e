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
// A field's own rules, added with withRules(field, rules) (all optional):
//   shows(value, spec) -> shown  how the spec's value shows in a checkbox or a
//                                select (default: the value, else the engine's default)
//   enabledIf(spec) -> boolean   usable only then (besides its analysis being on)
//   afterEdit(spec, value) -> redraw?   what else an edit changes in the spec

export const check = (label, path, { checked = false } = {}) => ({ label, tag: 'input', attrs: { type: 'checkbox', 'data-path': path }, checked });
export const select = (label, path, options, attrs = {}) => ({ label, tag: 'select', attrs: { 'data-path': path, ...attrs }, options });
export const number = (label, path, attrs = {}) => ({ label, tag: 'input', attrs: { 'data-path': path, type: 'number', ...attrs } });
export const list = (label, path, type, placeholder) => ({ label, tag: 'input', attrs: { 'data-path': path, 'data-type': type, type: 'text', placeholder } });
export const text = (label, path, placeholder) => ({ label, tag: 'input', attrs: { 'data-path': path, type: 'text', ...(placeholder != null ? { placeholder } : {}) } });
export const columnSelect = (label, path, kind) => ({ label, tag: 'select', attrs: { 'data-path': path, class: 'col-select', 'data-cols': kind, 'data-derived': 'true' } });
export const withRules = (field, rules) => ({ ...field, ...rules });
// A column select whose first choice is no column ('' removes the option).
export const withNone = (field) => ({ ...field, attrs: { ...field.attrs, 'data-none': '(none)' } });
