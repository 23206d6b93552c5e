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

const KIND_NAMES = { cut: 'groups from cut points', flag: '0/1 flag', bed: 'BED', eqd2: 'EQD2', date_diff: 'time between two dates' };
const UNITS = ['days', 'weeks', 'months', 'years'];
// As the time-from-dates field's (index.html #date-format).
const FORMATS = { auto: 'detect (ISO, or unambiguous)', dmy: 'day/month/year', mdy: 'month/day/year', ymd: 'year-month-day' };

function labelled(text, el) {
  const label = document.createElement('label');
  label.append(`${text} `, el);
  return label;
}

function selectOf(names, value, aria, { none = '(choose)' } = {}) {
  const sel = document.createElement('select');
  const opts = names.map((n) => option(n));
  if (!names.includes(value)) opts.unshift(option(value ?? '', value ? value : none));
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
  const who = `derived column ${i + 1}`;
  const name = input(d.name, `${who} name`);
  const fields = [];
  let read;
  const numeric = columnsFor('numeric').filter((c) => c !== d.name);
  const any = columnsFor('any').filter((c) => c !== d.name);
  if (kind === 'cut') {
    const column = selectOf(numeric, o.column, `${who}: column to cut`);
    const breaks = input(specForm.formatList(o.breaks), `${who}: cut at`, { placeholder: 'e.g. 45' });
    const labels = input(specForm.formatList(o.labels), `${who}: labels`, { placeholder: 'from the cut points' });
    const right = Object.assign(document.createElement('input'), { type: 'checkbox', checked: Boolean(o.right) });
    right.setAttribute('aria-label', `${who}: closed on the right`);
    fields.push(labelled('Column', column), labelled('Cut at', breaks), labelled('Labels', labels), labelled('x ≤ cut is the lower group', right));
    read = (changed) => {
      const b = specForm.parseList(breaks.value, 'numbers');
      let l = specForm.parseList(labels.value, 'strings');
      // New cut points (or the side) make new groups: labels follow unless the user wrote their own for them.
      if (changed === breaks || changed === right || l.length !== b.length + 1) l = b.length ? specForm.cutLabels([...b].sort((x, y) => x - y), right.checked) : [];
      return { column: column.value, breaks: b, labels: l, right: right.checked };
    };
  } else if (kind === 'flag') {
    const column = selectOf(any, o.column, `${who}: column`);
    const values = input(specForm.formatList(o.values), `${who}: values that make 1`, { placeholder: 'e.g. T4' });
    fields.push(labelled('Column', column), labelled('1 when the value is', values));
    read = () => ({ column: column.value, values: specForm.parseList(values.value, 'strings') });
  } else if (kind === 'bed' || kind === 'eqd2') {
    const dose = selectOf(numeric, o.dose, `${who}: total dose (Gy)`);
    const fractions = selectOf(numeric, o.fractions, `${who}: fractions`);
    const ab = Object.assign(document.createElement('input'), { type: 'number', step: 'any', min: '0.1', value: o.alpha_beta ?? engineDefault(`derive.${kind}.alpha_beta`) });
    ab.setAttribute('aria-label', `${who}: alpha/beta (Gy)`);
    fields.push(labelled('Total dose (Gy)', dose), labelled('Fractions', fractions), labelled('α/β (Gy)', ab));
    read = () => ({ dose: dose.value, fractions: fractions.value, alpha_beta: ab.value === '' ? engineDefault(`derive.${kind}.alpha_beta`) : Number(ab.value) });
  } else {
    const start = selectOf(any, o.start, `${who}: start date`);
    const end = selectOf(any, o.end, `${who}: end date`);
    const unit = selectOf(UNITS, o.unit ?? engineDefault('derive.date_diff.unit'), `${who}: unit`);
    const format = selectOf(Object.keys(FORMATS), o.format ?? engineDefault('derive.date_diff.format'), `${who}: date format`);
    for (const opt of format.options) opt.textContent = FORMATS[opt.value] ?? opt.value;
    fields.push(labelled('From', start), labelled('To', end), labelled('In', unit), labelled('Dates written', format));
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
    const kind = Object.assign(document.createElement('span'), { className: 'derive-kind', textContent: KIND_NAMES[specForm.deriveKind(d)] });
    const remove = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Remove' });
    remove.setAttribute('aria-label', `remove derived column ${d.name}`);
    remove.addEventListener('click', () => onEdit(specForm.setDerive(spec, d.name, null)));
    row.addEventListener('change', (e) => {
      let next;
      try {
        next = read(e.target);
        if (!next.name) throw new Error('a derived column needs a name');
        e.target.setCustomValidity?.('');
      } catch (err) {
        e.target.setCustomValidity?.(err.message);
        e.target.reportValidity?.();
        return;
      }
      onEdit(specForm.setDerive(spec, d.name, next));
    });
    row.append(labelled('Name', name), kind, ...fields, remove);
    return row;
  });
  const kind = selectOf(specForm.DERIVE_KINDS, 'cut', 'kind of derived column to add');
  for (const o of kind.options) o.textContent = KIND_NAMES[o.value];
  const add = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Add a derived column' });
  add.id = 'add-derive';
  add.addEventListener('click', () => onEdit(specForm.setDerive(spec, null, specForm.newDerive(spec, kind.value, described))));
  const adder = document.createElement('div');
  adder.className = 'derive-add';
  adder.append(kind, add);
  host.replaceChildren(...list, adder);
}
