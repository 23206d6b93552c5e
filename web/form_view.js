// The analysis form: draws each analysis's section from its module
// (web/analyses/), shows the spec in the form, and turns each edit into the
// spec. The rules it applies (default columns, the event value, what a group
// switches on) are pure functions in form_rules.js.
//
//   renderAnalysisSections()    the analyses' sections (and the file's preview), at
//                               start and again in the new language on a language
//                               switch; renderForm() then refills every value
//   applySpec(spec) -> Promise<describe envelope | {ok: true}>   a new spec in the form
//   renderForm()                the form again from state.spec (focus kept)
//   syncSpecText()              the JSON editor (and a link's plan) from state.spec
//   onFormChange(event)         an edit of the form into state.spec
//   redescribe(), renderPreview()   the file's preview and column types (a
//                               column type is part of the spec: data.column_types)
import * as specForm from './spec_form.js';
import * as rules from './form_rules.js';
import { runPlan } from './share.js';
import { ANALYSES, analysisByKey } from './analyses/index.js';
import { engineDefault } from './engine_defaults.js';
import { markStale } from './results_view.js';
import { renderDerived } from './derive_view.js';
import { displayNames, withColumnName, withLevelNames } from './names.js';
import { renderSubcohorts } from './subcohort_view.js';
import { analysisSections, fillAnalysisFields, editField, fillColumnSelect } from './analysis_form.js';
import { $, state, client, option, button, addHeader, setStatus, describeError } from './page.js';
import { t } from './i18n.js';

const columnsFor = (kind) => rules.columnsFor(kind, state.spec, state.described);
const levelsOf = (column) => rules.levelsOf(state.described, column);

/**
 * Each analysis's section of the form, in the registry's order, in the page's
 * language. Safe to call again (a language switch): the sections are drawn
 * anew, and so is the preview, whose column-type choices are words; the
 * values come from the spec (renderForm), so nothing the user set is lost.
 */
export function renderAnalysisSections() {
  analysisSections($('analyses'));
  if (state.described) renderPreview();
}

// The time column's cells that are not numbers: which, and a button to read
// them as missing (data.missing_values); once read so, a note with Undo.
function renderTimeCells() {
  const box = $('time-cells');
  const fromColumn = !specForm.timeFromDates(state.spec);
  const problem = fromColumn && rules.timeNotNumbers(state.spec, state.described);
  const note = fromColumn && !problem && rules.timeMissingNote(state.spec, state.described);
  box.hidden = !problem && !note;
  if (box.hidden) return box.replaceChildren();
  const text = Object.assign(document.createElement('p'), { className: problem ? 'warning' : 'hint', textContent: (problem || note).text });
  const column = (problem || note).column;
  const action = problem
    ? button(t('form.time_cells.treat_missing'), () => changeData(rules.treatAsMissing(state.spec, column, problem.values)))
    : button(t('form.time_cells.undo'), () => changeData(rules.untreatMissing(state.spec, column)));
  box.replaceChildren(text, action);
}

// data.* changes what the engine reads: describe the file again with it.
async function changeData(spec) {
  state.spec = spec;
  await redescribe();
  $('time-cells').querySelector('button')?.focus();
}

// Returns the describe envelope: a link's column types may not fit the file.
export async function redescribe() {
  const envelope = await client.describe(state.spec?.data ?? {});
  if (!envelope.ok) {
    setStatus($('data-status'), describeError(envelope.error), 'error');
    return envelope;
  }
  state.described = envelope.result;
  renderPreview();
  renderForm();
  return envelope;
}

export function renderPreview() {
  const d = state.described;
  const table = document.createElement('table');
  const head = table.createTHead();
  const names = head.insertRow();
  const typeRow = head.insertRow();
  for (const c of d.columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = c.name;
    names.appendChild(th);
    const td = document.createElement('th');
    const sel = document.createElement('select');
    sel.setAttribute('aria-label', t('form.preview.type_aria', { column: c.name }));
    const type = t(`form.column_type.${c.type}`);
    sel.append(
      option('', c.missing ? t('form.preview.type_missing', { type, n: c.missing }) : type),
      option('numeric', t('form.column_type.numeric')),
      option('categorical', t('form.column_type.categorical')),
    );
    sel.value = specForm.columnType(state.spec, c.name);
    sel.addEventListener('change', async () => {
      state.spec.data = specForm.setColumnType(state.spec.data, c.name, sel.value);
      await redescribe();
    });
    td.appendChild(sel);
    typeRow.appendChild(td);
  }
  const body = table.createTBody();
  for (const row of d.preview) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell ?? 'NA';
  }
  $('preview').replaceChildren(table);
  $('preview-details').hidden = false;
  $('skip-to-run').hidden = false;
}

export async function applySpec(spec) {
  const previous = state.spec;
  state.spec = structuredClone(spec);
  state.spec.analyses ??= {};
  state.stash = {};
  state.touched = new Set();
  try {
    renderForm();
  } catch (e) {
    state.spec = previous;
    if (previous) renderForm();
    throw e;
  }
  // Column types set in the spec change what the engine reads: describe again.
  // So do a column's own missing texts (data.missing_values).
  const given = (o) => o && typeof o === 'object' && Object.keys(o).length > 0;
  if (given(spec.data?.column_types) || given(spec.data?.missing_values)) return redescribe();
  return { ok: true };
}

// Rebuilding the covariate and subcohort rows must not throw a keyboard or
// screen-reader user back to the top: focus returns to the same control.
export function renderForm() {
  const active = document.activeElement;
  const key = active && active !== document.body ? active.id || active.getAttribute('aria-label') : null;
  fillForm();
  // Every change of the spec ends here: results of another spec say so.
  markStale();
  if (key && !document.body.contains(active)) {
    const again = document.getElementById(key) ?? [...document.querySelectorAll('[aria-label]')].find((el) => el.getAttribute('aria-label') === key);
    again?.focus();
  }
}

function fillForm() {
  const spec = state.spec;
  const dates = specForm.timeFromDates(spec);
  $('time-source').value = dates ? 'dates' : 'column';
  fillColumnSelect($('time-column'), dates ? '' : spec.time?.column);
  renderTimeCells();
  fillColumnSelect($('date-start'), dates?.start);
  fillColumnSelect($('date-end'), dates?.end);
  $('date-format').value = dates?.format ?? engineDefault('derive.date_diff.format');
  for (const el of document.querySelectorAll('[data-when]'))
    el.hidden = el.dataset.when !== (dates ? 'time-dates' : 'time-column');
  $('time-unit').value = spec.time?.unit ?? engineDefault('time.unit');
  fillColumnSelect($('event-column'), spec.event?.column);
  const eventLevels = levelsOf(spec.event?.column);
  const eventValue = String(spec.event?.values?.[0] ?? '1');
  $('event-value').replaceChildren(...(eventLevels.includes(eventValue) ? eventLevels : [eventValue, ...eventLevels]).map((l) => option(l)));
  $('event-value').value = eventValue;
  fillColumnSelect($('group-column'), spec.group?.column ?? '');
  const groupLevels = levelsOf(spec.group?.column);
  $('group-reference').replaceChildren(option('', t('form.group.first_level')), ...groupLevels.map((l) => option(l)));
  $('group-reference').value = spec.group?.reference ?? spec.group?.levels?.[0] ?? '';
  $('group-reference').disabled = !spec.group?.column;
  $('filter').value = spec.filter ?? '';
  renderCovariates();
  renderGroupNames();
  renderDerived($('derived'), {
    spec,
    described: state.described,
    columnsFor,
    onEdit: (next) => {
      state.spec = next;
      renderForm();
    },
  });
  fillAnalysisFields($('analyses'), spec);
  renderSubcohorts($('subcohorts'), { onEdit: renderForm, sync: syncSpecText });
  syncSpecText();
}

// A column's display names (spec.labels, names.js): "shown as" and its
// levels' names, comma-separated in the order of `levels`. The tables,
// figures and exports use them; the R script keeps the file's names.
function nameInputs(column, levels) {
  const names = displayNames(state.spec);
  const name = Object.assign(document.createElement('input'), { type: 'text', value: names.column(column) === column ? '' : names.column(column), placeholder: column });
  name.setAttribute('aria-label', t('form.names.shown_as_aria', { column }));
  name.addEventListener('change', () => {
    state.spec = withColumnName(state.spec, column, name.value.trim());
    renderForm();
  });
  const shown = levels.slice(0, 20);
  const levelNames = Object.assign(document.createElement('input'), {
    type: 'text',
    value: shown.some((l) => names.hasLevel(column, l)) ? shown.map((l) => (names.hasLevel(column, l) ? names.level(column, l) : '')).join(', ') : '',
    placeholder: shown.join(', '),
    disabled: !shown.length,
  });
  levelNames.setAttribute('aria-label', t('form.names.level_names_aria', { column }));
  levelNames.addEventListener('change', () => {
    const given = levelNames.value.split(',').map((x) => x.trim());
    if (levelNames.value.trim() && given.length !== shown.length) {
      levelNames.setCustomValidity(t('form.names.count', { n: shown.length, levels: shown.join(', ') }));
      levelNames.reportValidity();
      return;
    }
    levelNames.setCustomValidity('');
    state.spec = withLevelNames(state.spec, column, Object.fromEntries(shown.map((l, k) => [l, given[k] ?? ''])));
    renderForm();
  });
  return [name, levelNames];
}

function renderGroupNames() {
  const column = state.spec.group?.column;
  $('group-names').replaceChildren(...(column ? nameInputs(column, levelsOf(column)).map((el, k) => {
    const label = document.createElement('label');
    label.append(`${t(k ? 'form.names.group_levels' : 'form.names.group')} `, el);
    return label;
  }) : []));
}

function renderCovariates() {
  const rows = specForm.covariateRows(state.spec, state.described);
  const table = document.createElement('table');
  table.className = 'covariate-table';
  addHeader(table, ['include', 'column', 'type', 'reference', 'cut', 'shown_as', 'level_names'].map((k) => t(`form.covariates.head.${k}`)));
  const body = table.createTBody();
  rows.forEach((r, i) => {
    const tr = body.insertRow();
    const inc = Object.assign(document.createElement('input'), { type: 'checkbox', checked: r.included, name: 'covariate', value: r.column });
    inc.setAttribute('aria-label', t('form.covariates.include_aria', { column: r.column }));
    const type = document.createElement('select');
    type.append(...['auto', 'numeric', 'factor'].map((v) => option(v, t(`form.covariate_type.${v}`))));
    type.value = r.type;
    type.setAttribute('aria-label', t('form.covariates.type_aria', { column: r.column }));
    type.disabled = r.breaks.length > 0;
    const ref = document.createElement('select');
    ref.setAttribute('aria-label', t('form.covariates.reference_aria', { column: r.column }));
    const levels = r.breaks.length ? specForm.cutLabels(r.breaks, r.right) : r.levels;
    ref.append(option('', t('form.covariates.first')), ...levels.map((l) => option(l)));
    ref.value = r.reference;
    const cut = Object.assign(document.createElement('input'), { type: 'text', value: specForm.formatList(r.breaks), placeholder: r.numeric ? t('form.covariates.cut_placeholder') : '' });
    cut.disabled = !r.numeric;
    cut.setAttribute('aria-label', t('form.covariates.cut_aria', { column: r.column }));
    const update = () => {
      const all = specForm.covariateRows(state.spec, state.described);
      let breaks;
      try {
        breaks = specForm.parseBreaks(cut.value, state.described.columns.find((c) => c.name === r.column)?.median);
        cut.setCustomValidity('');
      } catch (e) {
        cut.setCustomValidity(e.message);
        cut.reportValidity();
        return;
      }
      const cutChanged = specForm.formatList(breaks) !== specForm.formatList(all[i].breaks);
      all[i] = { ...all[i], included: inc.checked, type: type.value, reference: ref.value, breaks };
      // A new or removed cut makes new levels: the old type and reference no longer apply.
      if (cutChanged) all[i] = { ...all[i], type: 'auto', reference: '', right: false };
      state.spec = specForm.applyCovariateRows(state.spec, all);
      state.spec = rules.withCovariateAnalyses(state.spec, { touched: state.touched, analyses: ANALYSES });
      renderForm();
    };
    for (const el of [inc, type, ref]) el.addEventListener('change', update);
    cut.addEventListener('change', update);
    tr.insertCell().appendChild(inc);
    const name = tr.insertCell();
    name.textContent = r.column;
    if (r.derived) name.append(' ', Object.assign(document.createElement('span'), { className: 'hint', textContent: t('form.covariates.derived', { text: r.derived }) }));
    tr.insertCell().appendChild(type);
    tr.insertCell().appendChild(ref);
    tr.insertCell().appendChild(cut);
    // A cut's groups are named under the cut's own column (age_cut).
    const named = r.breaks.length ? specForm.cutName(r.column) : r.column;
    for (const el of nameInputs(named, levels)) tr.insertCell().appendChild(el);
  });
  $('covariates').replaceChildren(table);
}

export function syncSpecText() {
  $('spec-text').value = JSON.stringify(state.spec, null, 2);
  // The link's confirmation says what a run does now, edits included.
  if (!$('share-confirm').hidden) $('share-plan').textContent = runPlan(state.spec).text;
}


export function onFormChange(e) {
  const el = e.target;
  const spec = state.spec;
  if (!spec) return;
  // These parts read their own edits, and may have redrawn the form already
  // (the element is then detached, and closest() would not find them): the
  // event's path was fixed when it was dispatched.
  const own = new Set(['covariates', 'subcohorts', 'derived', 'group-names']);
  if (e.composedPath().some((n) => own.has(n.id))) return;
  if (el.dataset.toggle) {
    const key = el.dataset.toggle;
    state.touched.add(key);
    ({ spec: state.spec, stash: state.stash } = rules.toggleAnalysis(spec, key, el.checked, { stash: state.stash, described: state.described, switchedOn: analysisByKey(key)?.form?.switchedOn }));
    return renderForm();
  }
  if (el.dataset.path) {
    const done = editField(el, spec);
    if (done) return done === 'render' ? renderForm() : syncSpecText();
    return;
  }
  switch (el.id) {
    case 'time-source':
    case 'time-column':
    case 'date-start':
    case 'date-end':
    case 'date-format': {
      const dates = $('time-source').value === 'dates';
      state.spec = specForm.setTimeSource(dates ? spec : specForm.dropColumnEverywhere(spec, $('time-column').value), dates
        ? { kind: 'dates', start: $('date-start').value, end: $('date-end').value, format: $('date-format').value }
        : { kind: 'column', column: $('time-column').value || columnsFor('numeric')[0] });
      return renderForm();
    }
    case 'display-unit': // the results view's, not the spec's (app.js)
      return;
    case 'time-unit': {
      spec.time = { ...spec.time, unit: el.value };
      const dd = specForm.timeFromDates(spec);
      if (dd) dd.unit = el.value;
      return syncSpecText();
    }
    case 'event-column':
      state.spec = rules.setEventColumn(spec, el.value, state.described);
      return renderForm();
    case 'event-value':
      spec.event = { ...spec.event, values: [el.value] };
      return syncSpecText();
    case 'group-column':
      state.spec = rules.setGroupColumn(spec, el.value, { touched: state.touched, analyses: ANALYSES });
      return renderForm();
    case 'group-reference':
      if (spec.group) {
        delete spec.group.levels;
        if (el.value) spec.group.reference = el.value;
        else delete spec.group.reference;
      }
      return syncSpecText();
    case 'filter':
      specForm.setPath(spec, 'filter', el.value.trim());
      return syncSpecText();
    default:
  }
}
