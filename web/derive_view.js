// The form's "Derived columns": every derived column of the spec (a cut into
// groups, a 0/1 flag, BED or EQD2 from dose and fractions, the time between
// two dates) with its definition editable, and new ones of each kind. The
// rules (new names, renaming or removing a column everywhere) are pure
// functions in spec_form.js; this file only draws rows and reads them back.
// The time from two dates is edited with the time, not here.
//
//   renderDerived(host, {spec, described, columnsFor, onEdit})
//       onEdit(spec): a new spec to apply (the caller re-renders the form)
import * as specForm from './spec_form.js';
import { engineDefault } from './engine_defaults.js';
import { option } from './page.js';
import { t } from './i18n.js';

// Texts in the page's language: the keys of each kind's name, a unit, a date format.
const kindName = (kind) => t(`form.derive.kind.${kind}`);
const UNITS = ['days', 'weeks', 'months', 'years'];
// As the time-from-dates field's (index.html #date-format).
const FORMATS = ['auto', 'dmy', 'mdy', 'ymd'];

// label: the key of its text.
function labelled(label, el) {
  const out = document.createElement('label');
  out.append(`${t(`form.derive.field.${label}`)} `, el);
  return out;
}

// named(value) -> the option's text (default: the value itself, a column's name).
function selectOf(names, value, aria, named = (n) => n) {
  const sel = document.createElement('select');
  const opts = names.map((n) => option(n, named(n)));
  if (!names.includes(value)) opts.unshift(option(value ?? '', value ? value : t('form.choose')));
  sel.replaceChildren(...opts);
  sel.value = value ?? '';
  sel.setAttribute('aria-label', aria);
  return sel;
}

function input(value, aria, attrs = {}) {
  const el = Object.assign(document.createElement('input'), { type: 'text', value: value ?? '', ...attrs });
  el.setAttribute('aria-label', aria);
  return el;
}

// One row: its fields, and read() -> the derive the fields say (throws with
// the field named when a list does not parse).
function deriveRow(d, i, { spec, columnsFor }) {
  const kind = specForm.deriveKind(d);
  const o = d[kind];
  const n = i + 1;
  // The aria-label of field `what` of this row.
  const who = (what) => t(`form.derive.aria.${what}`, { n });
  const name = input(d.name, who('name'));
  const fields = [];
  let read;
  const numeric = columnsFor('numeric').filter((c) => c !== d.name);
  const any = columnsFor('any').filter((c) => c !== d.name);
  if (kind === 'cut') {
    const column = selectOf(numeric, o.column, who('cut_column'));
    const breaks = input(specForm.formatList(o.breaks), who('cut_at'), { placeholder: t('form.derive.placeholder.cut_at') });
    const labels = input(specForm.formatList(o.labels), who('labels'), { placeholder: t('form.derive.placeholder.labels') });
    const right = Object.assign(document.createElement('input'), { type: 'checkbox', checked: Boolean(o.right) });
    right.setAttribute('aria-label', who('right'));
    fields.push(labelled('column', column), labelled('cut_at', breaks), labelled('labels', labels), labelled('right', right));
    read = (changed) => {
      const b = specForm.parseList(breaks.value, 'numbers');
      let l = specForm.parseList(labels.value, 'strings');
      // New cut points (or the side) make new groups: labels follow unless the user wrote their own for them.
      if (changed === breaks || changed === right || l.length !== b.length + 1) l = b.length ? specForm.cutLabels([...b].sort((x, y) => x - y), right.checked) : [];
      return { column: column.value, breaks: b, labels: l, right: right.checked };
    };
  } else if (kind === 'flag') {
    const column = selectOf(any, o.column, who('column'));
    // The example is a value of the data (a T stage), not a word.
    const values = input(specForm.formatList(o.values), who('values'), { placeholder: t('form.derive.placeholder.values', { example: 'T4' }) });
    fields.push(labelled('column', column), labelled('values', values));
    read = () => ({ column: column.value, values: specForm.parseList(values.value, 'strings') });
  } else if (kind === 'bed' || kind === 'eqd2') {
    const dose = selectOf(numeric, o.dose, who('dose'));
    const fractions = selectOf(numeric, o.fractions, who('fractions'));
    const ab = Object.assign(document.createElement('input'), { type: 'number', step: 'any', min: '0.1', value: o.alpha_beta ?? engineDefault(`derive.${kind}.alpha_beta`) });
    ab.setAttribute('aria-label', who('alpha_beta'));
    fields.push(labelled('dose', dose), labelled('fractions', fractions), labelled('alpha_beta', ab));
    read = () => ({ dose: dose.value, fractions: fractions.value, alpha_beta: ab.value === '' ? engineDefault(`derive.${kind}.alpha_beta`) : Number(ab.value) });
  } else {
    const start = selectOf(any, o.start, who('start'));
    const end = selectOf(any, o.end, who('end'));
    const unit = selectOf(UNITS, o.unit ?? engineDefault('derive.date_diff.unit'), who('unit'), (u) => t(`analyses.unit.${u}`));
    const format = selectOf(FORMATS, o.format ?? engineDefault('derive.date_diff.format'), who('format'), (f) => t(`form.date_format.${f}`));
    fields.push(labelled('start', start), labelled('end', end), labelled('unit', unit), labelled('format', format));
    read = () => ({ ...o, start: start.value, end: end.value, unit: unit.value, format: format.value });
  }
  return { name, fields, read: (changed) => ({ name: name.value.trim(), [kind]: read(changed) }) };
}

export function renderDerived(host, { spec, described, columnsFor, onEdit }) {
  const rows = (spec.derive ?? []).filter((d) => d.name !== specForm.DATE_TIME && specForm.deriveKind(d));
  const list = rows.map((d, i) => {
    const row = document.createElement('div');
    row.className = 'derive-row';
    const { name, fields, read } = deriveRow(d, i, { spec, columnsFor });
    const kind = Object.assign(document.createElement('span'), { className: 'derive-kind', textContent: kindName(specForm.deriveKind(d)) });
    const remove = Object.assign(document.createElement('button'), { type: 'button', textContent: t('form.remove') });
    remove.setAttribute('aria-label', t('form.derive.remove_aria', { name: d.name }));
    remove.addEventListener('click', () => onEdit(specForm.setDerive(spec, d.name, null)));
    row.addEventListener('change', (e) => {
      let next;
      try {
        next = read(e.target);
        if (!next.name) throw new Error(t('form.derive.needs_name'));
        e.target.setCustomValidity?.('');
      } catch (err) {
        e.target.setCustomValidity?.(err.message);
        e.target.reportValidity?.();
        return;
      }
      onEdit(specForm.setDerive(spec, d.name, next));
    });
    row.append(labelled('name', name), kind, ...fields, remove);
    return row;
  });
  const kind = selectOf(specForm.DERIVE_KINDS, 'cut', t('form.derive.kind_aria'), kindName);
  const add = Object.assign(document.createElement('button'), { type: 'button', textContent: t('form.derive.add') });
  add.id = 'add-derive';
  add.addEventListener('click', () => onEdit(specForm.setDerive(spec, null, specForm.newDerive(spec, kind.value, described))));
  const adder = document.createElement('div');
  adder.className = 'derive-add';
  adder.append(kind, add);
  host.replaceChildren(...list, adder);
}
