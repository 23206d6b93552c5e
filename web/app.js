// The page: data in (CSV/TSV/xlsx, or the bundled example), the analysis
// spec built in a form (or restored from a reproduction link / JSON), the
// engine run in a worker with progress and cancel, and the results as
// publication tables and figures with their exports. Every number shown
// comes from the engine's result JSON; this file only arranges it.
import { EngineClient } from './client.js';
import { loadExample, registerServiceWorker } from './assets.js';
import * as specForm from './spec_form.js';
import * as tables from './tables.js';
import * as plots from './plots.js';
import { figureToSvg, svgToPng, download } from './figure_export.js';
import { sha256Hex, encodeShare, decodeShare, checkFingerprint, shareUrl, looksLikeShare, parseSpecJson, runPlan } from './share.js';
import { rScript } from './rscript.js';
import { isSpreadsheetFile, listSheets, sheetToCsv } from './xlsx.js';
import { buildReport } from './report.js';

const $ = (id) => document.getElementById(id);
const client = new EngineClient();

const state = {
  fileName: '',
  fileBytes: null, // the file as the user gave it (fingerprinted)
  csvBytes: null, // what the engine reads (an xlsx sheet converted to CSV)
  described: null,
  spec: null,
  result: null,
  pendingShare: null, // {spec, sha256, size} from a link, until the file is given
  stash: {}, // options of analyses switched off, restored when switched on again
  touched: new Set(), // analyses the user switched on or off by hand
};

function setStatus(el, text, cls = '') {
  el.textContent = text;
  el.className = cls;
}

export function describeError(error) {
  const where = [];
  // A converted Excel sheet: say where the cell is in the sheet, not the CSV.
  const row = error.line != null ? state.sheetRowByLine?.[error.line] : null;
  if (row != null) where.push(`sheet '${state.sheet}', row ${row}`);
  else if (error.line != null) where.push(`line ${error.line}`);
  if (error.column != null) where.push(`column ${error.column}`);
  if (error.field) where.push(`field "${error.field}"`);
  return error.message + (where.length ? ` (${where.join(', ')})` : '');
}

// ---------------------------------------------------------------- data in

// New data: whatever ran on the old file is gone (and a run still going is
// stopped), so nothing of it can be exported or linked with the new file.
function resetResults() {
  client.cancel();
  state.result = null;
  state.eventConfirmed = null;
  $('results-section').hidden = true;
  $('results').replaceChildren();
  $('warnings').replaceChildren();
  $('results-nav').replaceChildren();
}

async function openFile(bytes, name) {
  resetResults();
  $('csv-download').hidden = true;
  state.sheet = null;
  state.fileBytes = bytes;
  state.fileSha256 = null;
  state.fileName = name;
  $('sheet-chooser').hidden = true;
  $('data-notes').replaceChildren();
  if (isSpreadsheetFile(bytes, name)) {
    let sheets;
    try {
      sheets = await listSheets(bytes);
    } catch (e) {
      return fail(`Could not read ${name}: ${e.message}`);
    }
    $('sheet-select').replaceChildren(...sheets.map((s) => option(s)));
    $('sheet-chooser').hidden = sheets.length < 2;
    // A reproduction link names the sheet its analysis read.
    const wanted = state.pendingShare?.spec?.data?.sheet;
    const sheet = sheets.includes(wanted) ? wanted : sheets[0];
    $('sheet-select').value = sheet;
    return openSheet(sheet);
  }
  state.sheetRowByLine = null;
  return loadCsv(bytes, name);
}

async function openSheet(sheet) {
  let converted;
  try {
    converted = await sheetToCsv(state.fileBytes, sheet);
  } catch (e) {
    return fail(`Could not read sheet "${sheet}" of ${state.fileName}: ${e.message}`);
  }
  state.sheetRowByLine = converted.sheetRowByLine;
  state.sheet = sheet;
  $('csv-download').hidden = false;
  $('data-notes').replaceChildren(...(converted.notes ?? []).map((n) => Object.assign(document.createElement('li'), { textContent: `Reading the Excel sheet: ${n}` })));
  return loadCsv(new TextEncoder().encode(converted.csv), `${state.fileName} [${sheet}]`);
}

function fail(message) {
  setStatus($('data-status'), message, 'error');
  if (state.pendingShare) setStatus($('share-status'), 'Nothing from the link was restored: the file could not be read (see "1. Data"). Choose the file the link was made with.', 'error');
  $('setup-section').hidden = true;
  $('preview-details').hidden = true;
}

// The sheet an Excel file was read from travels in the spec (data.sheet).
function withSheet(spec) {
  const data = { ...(spec.data ?? {}) };
  if (state.sheet) data.sheet = state.sheet;
  else delete data.sheet;
  const out = { ...spec, data };
  if (!Object.keys(data).length) delete out.data;
  return out;
}

async function loadCsv(bytes, label, presetSpec = null) {
  hideShareConfirm();
  state.csvBytes = bytes;
  setStatus($('data-status'), `Reading ${label}…`);
  // Read the file as the spec about to be applied says (a link's or the
  // example's delimiter, decimal comma, column types), so the preview agrees.
  const envelope = await client.load(bytes, (state.pendingShare?.spec ?? presetSpec)?.data ?? {});
  if (!envelope.ok) return fail(`Could not read ${label}: ${describeError(envelope.error)}`);
  state.described = envelope.result;
  setStatus($('data-status'), `${label}: ${state.described.rows} rows, ${state.described.columns.length} columns.`);
  renderPreview();
  if (state.pendingShare) return restoreShare(state.pendingShare);
  clearShareHash();
  state.result = null;
  await applySpec(withSheet(presetSpec ?? specForm.defaultSpec(state.described)));
  $('setup-section').hidden = false;
}

// Returns the describe envelope: a link's column types may not fit the file.
async function redescribe() {
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

function renderPreview() {
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
    sel.setAttribute('aria-label', `type of column ${c.name}`);
    sel.append(option('', `${c.type}${c.missing ? `, ${c.missing} missing` : ''}`), option('numeric'), option('categorical'));
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
}

function option(value, label = value) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

// ------------------------------------------------------------- the form

function columnsFor(kind) {
  const cols = state.described?.columns ?? [];
  const derived = (state.spec?.derive ?? []).filter((d) => d.bed || d.eqd2 || d.date_diff).map((d) => d.name);
  if (kind === 'numeric') return [...cols.filter((c) => c.type === 'numeric').map((c) => c.name), ...derived];
  if (kind === 'levels') return cols.filter((c) => c.levels && c.levels.length <= 50).map((c) => c.name);
  return cols.map((c) => c.name);
}

function fillColumnSelect(sel, value) {
  const names = columnsFor(sel.dataset.cols);
  const opts = names.map((n) => option(n));
  if (sel.dataset.none != null || !names.includes(value)) opts.unshift(option('', sel.dataset.none ?? '(choose)'));
  sel.replaceChildren(...opts);
  sel.value = value ?? '';
}

// A dose (BED) if there is one, else a numeric covariate, else any numeric
// column that is not the outcome or an identifier.
function defaultCutpointColumn() {
  const spec = state.spec;
  const numeric = columnsFor('numeric');
  if (numeric.includes('bed')) return 'bed';
  const taken = new Set([spec.time?.column, spec.event?.column, spec.group?.column]);
  const covs = (spec.covariates ?? []).map((t) => (typeof t === 'string' ? t : t.column));
  return covs.find((c) => numeric.includes(c)) ?? numeric.find((c) => !taken.has(c) && !/^(id|pid|patient|subject)(_?id)?$/i.test(c)) ?? '';
}

function levelsOf(column) {
  return state.described?.columns.find((c) => c.name === column)?.levels ?? [];
}

async function applySpec(spec) {
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
  if (spec.data?.column_types && Object.keys(spec.data.column_types).length) return redescribe();
  return { ok: true };
}

// Rebuilding the covariate and subcohort rows must not throw a keyboard or
// screen-reader user back to the top: focus returns to the same control.
function renderForm() {
  const active = document.activeElement;
  const key = active && active !== document.body ? active.id || active.getAttribute('aria-label') : null;
  fillForm();
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
  fillColumnSelect($('date-start'), dates?.start);
  fillColumnSelect($('date-end'), dates?.end);
  $('date-format').value = dates?.format ?? 'auto';
  for (const el of document.querySelectorAll('[data-when]'))
    el.hidden = el.dataset.when !== (dates ? 'time-dates' : 'time-column');
  $('time-unit').value = spec.time?.unit ?? 'days';
  fillColumnSelect($('event-column'), spec.event?.column);
  const eventLevels = levelsOf(spec.event?.column);
  const eventValue = String(spec.event?.values?.[0] ?? '1');
  $('event-value').replaceChildren(...(eventLevels.includes(eventValue) ? eventLevels : [eventValue, ...eventLevels]).map((l) => option(l)));
  $('event-value').value = eventValue;
  fillColumnSelect($('group-column'), spec.group?.column ?? '');
  const groupLevels = levelsOf(spec.group?.column);
  $('group-reference').replaceChildren(option('', '(first level)'), ...groupLevels.map((l) => option(l)));
  $('group-reference').value = spec.group?.reference ?? spec.group?.levels?.[0] ?? '';
  $('group-reference').disabled = !spec.group?.column;
  $('filter').value = spec.filter ?? '';
  renderCovariates();
  const bed = (spec.derive ?? []).find((d) => d.name === 'bed' && d.bed);
  $('bed-enabled').checked = Boolean(bed);
  fillColumnSelect($('bed-dose'), bed?.bed.dose ?? '');
  fillColumnSelect($('bed-fractions'), bed?.bed.fractions ?? '');
  $('bed-ab').value = bed?.bed.alpha_beta ?? 10;
  for (const box of document.querySelectorAll('[data-toggle]')) {
    const a = spec.analyses?.[box.dataset.toggle];
    box.checked = Boolean(a) && a.enabled !== false;
    const block = box.closest('.analysis');
    for (const el of block.querySelectorAll('[data-path]'))
      if (el.dataset.path.split('.')[1] === box.dataset.toggle) el.disabled = !box.checked;
  }
  for (const el of document.querySelectorAll('[data-path]')) {
    const v = specForm.getPath(spec, el.dataset.path);
    if (el.classList.contains('col-select')) fillColumnSelect(el, v ?? '');
    else if (el.type === 'checkbox') el.checked = el.dataset.path.endsWith('groups.match') ? Boolean(v) : v ?? el.defaultChecked;
    else if (el.dataset.type) el.value = specForm.formatList(v);
    else el.value = v ?? '';
  }
  const useValue = specForm.getPath(spec, 'analyses.cutpoint.groups.use') === 'value';
  const value = document.querySelector('[data-path="analyses.cutpoint.groups.value"]');
  value.disabled = value.disabled || !useValue;
  renderSubcohorts();
  syncSpecText();
}

function addHeader(table, labels) {
  const head = table.createTHead().insertRow();
  for (const label of labels) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = label;
    head.appendChild(th);
  }
}

function renderCovariates() {
  const rows = specForm.covariateRows(state.spec, state.described);
  const table = document.createElement('table');
  table.className = 'covariate-table';
  addHeader(table, ['include', 'column', 'type', 'reference level', 'cut at (values)']);
  const body = table.createTBody();
  rows.forEach((r, i) => {
    const tr = body.insertRow();
    const inc = Object.assign(document.createElement('input'), { type: 'checkbox', checked: r.included, name: 'covariate', value: r.column });
    inc.setAttribute('aria-label', `include ${r.column}`);
    const type = document.createElement('select');
    type.append(option('auto'), option('numeric'), option('factor'));
    type.value = r.type;
    type.setAttribute('aria-label', `type of ${r.column}`);
    type.disabled = r.breaks.length > 0;
    const ref = document.createElement('select');
    ref.setAttribute('aria-label', `reference level of ${r.column}`);
    const levels = r.breaks.length ? specForm.cutLabels(r.breaks, r.right) : r.levels;
    ref.append(option('', '(first)'), ...levels.map((l) => option(l)));
    ref.value = r.reference;
    const cut = Object.assign(document.createElement('input'), { type: 'text', value: specForm.formatList(r.breaks), placeholder: r.numeric ? 'e.g. 45, or median' : '' });
    cut.disabled = !r.numeric;
    cut.setAttribute('aria-label', `cut ${r.column} at`);
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
      // Table 1 comes on with the first covariate unless the user chose otherwise.
      if (state.spec.covariates.length && !state.touched.has('table1')) (state.spec.analyses ??= {}).table1 ??= {};
      renderForm();
    };
    for (const el of [inc, type, ref]) el.addEventListener('change', update);
    cut.addEventListener('change', update);
    tr.insertCell().appendChild(inc);
    tr.insertCell().textContent = r.column;
    tr.insertCell().appendChild(type);
    tr.insertCell().appendChild(ref);
    tr.insertCell().appendChild(cut);
  });
  $('covariates').replaceChildren(table);
}

// A link may carry thousands of subcohorts: the form shows the first ones
// (rows for thousands would freeze the tab); the JSON holds them all.
const SUBCOHORT_ROWS = 100;

function renderSubcohorts() {
  const subs = state.spec.subcohorts ?? [];
  const more = subs.length - SUBCOHORT_ROWS;
  $('subcohorts').replaceChildren(
    ...subs.slice(0, SUBCOHORT_ROWS).map((s, i) => {
      const row = document.createElement('div');
      row.className = 'subcohort';
      const name = Object.assign(document.createElement('input'), { type: 'text', value: s.name, placeholder: 'name' });
      name.setAttribute('aria-label', `subcohort ${i + 1} name`);
      const filter = Object.assign(document.createElement('input'), { type: 'text', value: s.filter, placeholder: 'e.g. liver_met == 1' });
      filter.setAttribute('aria-label', `subcohort ${i + 1} filter`);
      const remove = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Remove' });
      const own = s.analyses ? Object.assign(document.createElement('span'), { className: 'hint', textContent: ' (own analyses: see the JSON)' }) : '';
      name.addEventListener('change', () => { s.name = name.value; syncSpecText(); });
      filter.addEventListener('change', () => { s.filter = filter.value; syncSpecText(); });
      remove.addEventListener('click', () => {
        subs.splice(i, 1);
        if (!subs.length) delete state.spec.subcohorts;
        renderForm();
      });
      row.append(name, filter, remove, own);
      return row;
    }),
    more > 0 ? Object.assign(document.createElement('p'), { className: 'hint', textContent: `…and ${more.toLocaleString('en')} more subcohort${more === 1 ? '' : 's'}, not shown here: see the analysis spec (JSON) below.` }) : '',
  );
}

function syncSpecText() {
  $('spec-text').value = JSON.stringify(state.spec, null, 2);
  // The link's confirmation says what a run does now, edits included.
  if (!$('share-confirm').hidden) $('share-plan').textContent = runPlan(state.spec).text;
}

function onFormChange(e) {
  const el = e.target;
  const spec = state.spec;
  if (!spec) return;
  if (el.closest('#covariates') || el.closest('#subcohorts')) return;
  if (el.dataset.toggle) {
    const key = el.dataset.toggle;
    state.touched.add(key);
    spec.analyses = spec.analyses ?? {};
    if (el.checked) spec.analyses[key] = state.stash[key] ?? spec.analyses[key] ?? {};
    else {
      state.stash[key] = spec.analyses[key];
      delete spec.analyses[key];
    }
    if (key === 'cutpoint' && el.checked && !spec.analyses.cutpoint.column) spec.analyses.cutpoint.column = defaultCutpointColumn();
    // Subgroups are categories: factor covariates and cut ones, not a continuous age.
    if (key === 'subgroups' && el.checked && !spec.analyses.subgroups.variables)
      spec.analyses.subgroups.variables = (spec.covariates ?? []).map((t) => (typeof t === 'string' ? { column: t } : t))
        .filter((t) => t.type === 'factor' || (levelsOf(t.column).length >= 2 && levelsOf(t.column).length <= 10))
        .map((t) => t.column);
    return renderForm();
  }
  if (el.dataset.path) {
    let v;
    if (el.type === 'checkbox') v = el.checked;
    else if (el.dataset.type) {
      try {
        v = specForm.parseList(el.value, el.dataset.type);
        el.setCustomValidity('');
      } catch (err) {
        el.setCustomValidity(err.message);
        el.reportValidity();
        return;
      }
    } else if (el.type === 'number') v = el.value === '' ? undefined : Number(el.value);
    else v = el.value;
    specForm.setPath(spec, el.dataset.path, v);
    if (el.dataset.path === 'analyses.cutpoint.groups.use' && v !== 'value') {
      specForm.setPath(spec, 'analyses.cutpoint.groups.value', undefined);
      return renderForm();
    }
    return syncSpecText();
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
    case 'display-unit':
      if (state.result) renderResults(state.result);
      return;
    case 'time-unit': {
      spec.time = { ...spec.time, unit: el.value };
      const dd = specForm.timeFromDates(spec);
      if (dd) dd.unit = el.value;
      return syncSpecText();
    }
    case 'event-column': {
      state.spec = specForm.dropColumnEverywhere(spec, el.value);
      const levels = levelsOf(el.value);
      state.spec.event = { column: el.value, values: [levels.find((l) => /^(dead|death|died|event|yes|true)$/i.test(l)) ?? levels[levels.length - 1] ?? '1'] };
      return renderForm();
    }
    case 'event-value':
      spec.event = { ...spec.event, values: [el.value] };
      return syncSpecText();
    case 'group-column': {
      const s2 = specForm.dropColumnEverywhere(spec, el.value);
      s2.analyses ??= {};
      if (el.value) {
        s2.group = { column: el.value };
        // A group to compare: the log-rank test and Cox model come on unless
        // the user switched them off.
        for (const key of ['logrank', 'cox']) if (!state.touched.has(key)) s2.analyses[key] ??= {};
      } else {
        delete s2.group;
        // Without a group nothing compares groups: those analyses go off
        // (log-rank stays for its 'by' columns, Cox for its covariates).
        for (const key of ['matching', 'subgroups']) delete s2.analyses[key];
        if (!s2.analyses.logrank?.by?.length) delete s2.analyses.logrank;
        if (!s2.covariates?.length) delete s2.analyses.cox;
      }
      state.spec = s2;
      return renderForm();
    }
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
    case 'bed-enabled':
    case 'bed-dose':
    case 'bed-fractions':
    case 'bed-ab':
      state.spec = specForm.setBed(spec, $('bed-enabled').checked
        ? { dose: $('bed-dose').value, fractions: $('bed-fractions').value, alphaBeta: Number($('bed-ab').value) || 10 }
        : null);
      return renderForm();
    default:
  }
}

// ------------------------------------------------------------------- run

// R's lung data code the status 1 = censored, 2 = dead: with the event value
// 1, every death would be counted as censored. True when the event column
// holds exactly 1 and 2 and the event value is 1.
function eventLooksOneTwo(spec, described) {
  const levels = described?.columns.find((c) => c.name === spec?.event?.column)?.levels ?? [];
  const values = spec?.event?.values ?? [1];
  return levels.length === 2 && levels.map(Number).sort().join() === '1,2' && values.length === 1 && Number(values[0]) === 1;
}

// Asks before a run that would count every 2 of a 1/2 event column as
// censored; resolves to true to run (with the user's choice applied).
function confirmEventCoding() {
  const column = state.spec.event.column;
  if (!eventLooksOneTwo(state.spec, state.described) || state.eventConfirmed === column) return Promise.resolve(true);
  return new Promise((resolve) => {
    const box = document.createElement('div');
    box.id = 'event-confirm';
    box.className = 'confirm';
    box.setAttribute('role', 'alertdialog');
    box.setAttribute('aria-label', 'Confirm the event value');
    const text = Object.assign(document.createElement('p'), {
      className: 'warning',
      textContent: `Column '${column}' holds 1 and 2 (as R's lung data, where 1 = censored and 2 = dead), and the event value is 1: every 2 would be counted as censored.`,
    });
    const done = (ok) => {
      box.remove();
      resolve(ok);
    };
    const use2 = button('Count 2 as the event', () => {
      state.spec.event = { ...state.spec.event, values: ['2'] };
      renderForm();
      done(true);
    });
    const keep = button('Run with 1 as the event', () => {
      state.eventConfirmed = column;
      done(true);
    });
    const cancel = button('Cancel', () => done(false));
    box.append(text, use2, keep, cancel);
    $('event-confirm')?.remove();
    $('run-button').closest('.run-row').after(box);
    use2.focus();
  });
}

async function run(event) {
  event?.preventDefault();
  // A field the spec could not take (e.g. "12, 3x" as times) must be fixed first.
  if (!$('setup-form').checkValidity()) {
    $('setup-form').reportValidity();
    return;
  }
  if (!(await confirmEventCoding())) return;
  $('results-section').hidden = false;
  setStatus($('run-status'), 'Running…');
  $('run-button').disabled = true;
  $('cancel-button').disabled = false;
  const progress = $('run-progress');
  progress.hidden = false;
  progress.value = 0;
  const envelope = await client.run(state.spec, {
    onProgress: ({ stage, done, total }) => {
      progress.max = Math.max(total, 1);
      progress.value = done;
      $('run-stage').textContent = stage === 'done' ? '' : `${stage}…`;
    },
  });
  $('run-button').disabled = false;
  $('cancel-button').disabled = true;
  progress.hidden = true;
  $('run-stage').textContent = '';
  if (envelope.cancelled) return setStatus($('run-status'), 'Cancelled.');
  if (!envelope.ok) return setStatus($('run-status'), `The analysis stopped: ${describeError(envelope.error)}`, 'error');
  state.result = envelope.result;
  renderResults(envelope.result);
  const c = envelope.result.cohort;
  const failed = failedParts(envelope.result);
  setStatus($('run-status'), `Done: ${c.rows_used} of ${c.rows_available} rows used (${c.rows_dropped} dropped for missing values), ${c.events} events.${
    failed ? ` ${failed} ${failed === 1 ? 'part' : 'parts'} could not be computed: see the messages in their sections.` : ''}`);
  await updateShareHash();
}

// --------------------------------------------------------------- results

// A table (its caption is its title) or a figure with a heading, and its
// export buttons.
function card(title, content, buttons, id) {
  const section = document.createElement('section');
  section.className = 'card';
  if (id) section.id = id;
  if (title) section.append(Object.assign(document.createElement('h4'), { textContent: title }));
  const bar = document.createElement('div');
  bar.className = 'card-buttons';
  bar.append(...buttons);
  section.append(content, bar);
  return section;
}

function button(label, onClick) {
  const b = Object.assign(document.createElement('button'), { type: 'button', textContent: label });
  b.addEventListener('click', onClick);
  return b;
}


function tableCard(model) {
  const el = tables.renderTable(model, document);
  const status = Object.assign(document.createElement('span'), { className: 'copy-status' });
  return card('', el, [
    button('Copy table', async () => {
      try {
        const how = await tables.copyTable(model, navigator);
        status.textContent = how === 'html' ? 'Copied.' : 'Copied as text.';
      } catch (e) {
        status.textContent = `Could not copy: ${e.message}`;
      }
    }),
    // The BOM makes Excel read the file as UTF-8 (en dashes, ≥).
    button('CSV', () => download(new Blob(['\uFEFF', tables.toCsv(model)], { type: 'text/csv;charset=utf-8' }), `${model.id}.csv`, document)),
    status,
  ], `card-${model.id}`);
}

function figureCard(title, fig, name) {
  return card(title, fig, [
    button('SVG', () => download(new Blob([figureToSvg(fig)], { type: 'image/svg+xml' }), `${name}.svg`, document)),
    button('PNG (300 dpi)', async () => download(await svgToPng(figureToSvg(fig), { dpi: 300, widthInches: 7 }), `${name}.png`, document)),
  ], `fig-${name}`);
}

// A card, or a short note when a builder cannot use this result part.
function tryCard(build) {
  try {
    return build();
  } catch (e) {
    console.warn(e);
    return Object.assign(document.createElement('p'), { className: 'warning', textContent: `Not shown: ${e.message}` });
  }
}

const ANALYSIS_TITLES = {
  table1: 'Table 1',
  km: 'Kaplan–Meier',
  followup: 'Median follow-up',
  logrank: 'Log-rank tests',
  cox: 'Cox models',
  logistic: 'Propensity model',
  matching: 'Propensity-score matching',
  subgroups: 'Subgroups',
  cutpoint: 'Cutpoint',
};

// What the engine said about a part it could not compute: the message (with
// the column or option), and R's own wording for R users.
function errorLine(error, prefix) {
  const box = document.createElement('div');
  box.className = 'error-message';
  box.append(Object.assign(document.createElement('p'), { className: 'error', textContent: `${prefix}${describeError(error)}` }));
  if (error.detail) {
    const d = document.createElement('details');
    d.append(Object.assign(document.createElement('summary'), { textContent: "In R's words" }), Object.assign(document.createElement('code'), { textContent: error.detail }));
    box.append(d);
  }
  return box;
}

// An analysis that failed, in the place its tables and figures would be;
// or the parts of one that failed (a model, a test, a comparison).
function errorCard(key, error, parts = []) {
  const section = document.createElement('section');
  section.className = 'card analysis-error';
  section.dataset.analysis = key;
  section.append(Object.assign(document.createElement('h4'), { textContent: error ? ANALYSIS_TITLES[key] : `${ANALYSIS_TITLES[key]}: not everything could be computed` }));
  if (error) section.append(errorLine(error, 'Not computed: '));
  for (const p of parts) section.append(errorLine(p, `${p.where}: `));
  return section;
}

// How many analyses, models, tests or comparisons of a result failed.
function failedParts(result) {
  const parts = [{ results: result.results }, ...(result.subcohorts ?? [])];
  return parts.reduce((n, s) => n + (s.error ? 1 : Object.values(s.results ?? {}).reduce((k, a) => k + (a?.error ? 1 : tables.partErrors(a).length), 0)), 0);
}

function renderBlock(b, index) {
  const wrap = document.createElement('section');
  wrap.className = 'result-block';
  wrap.id = `result-${index}`;
  const label = b.label || 'Whole cohort';
  const h = document.createElement('h3');
  h.textContent = b.label ? `Subcohort: ${b.label}` : label;
  wrap.appendChild(h);
  if (b.error) {
    wrap.appendChild(errorLine(typeof b.error === 'string' ? { message: b.error } : b.error, 'Not analysed: '));
    return wrap;
  }
  const r = b.results;
  const models = new Map((tables.blockModels(b) ?? []).filter(Boolean).map((m) => [m.name, m]));
  const add = (el) => el && wrap.appendChild(el);
  const table = (name) => models.has(name) && add(tryCard(() => tableCard(models.get(name))));
  const key = b.key;
  const opts = { ...b.ctx, displayUnit: $('display-unit').value || undefined };
  const figure = (title, name, build) => add(tryCard(() => figureCard(`${title}${b.label ? ` (${b.label})` : ''}`, build(), `${key}-${name}`)));
  // Each analysis in its place: its tables and figures, or what stopped it;
  // then any of its parts that failed.
  const analysis = (name, render) => {
    if (!r[name]) return;
    if (r[name].error) return add(errorCard(name, r[name].error));
    render?.(r[name]);
    const parts = tables.partErrors(r[name]);
    if (parts.length) add(errorCard(name, null, parts));
  };
  analysis('table1', () => table('table1'));
  analysis('km', (km) => {
    figure('Kaplan–Meier', 'km', () => plots.kmFigure(km, { ...opts, logrank: r.logrank?.error ? null : r.logrank }, document));
    table('km');
  });
  analysis('followup', () => table('followup'));
  analysis('logrank', () => table('logrank'));
  analysis('cox', () => table('cox'));
  analysis('logistic');
  analysis('matching', (m) => {
    table('rounds');
    if (m.rounds?.length > 1) figure('Matching rounds', 'rounds', () => plots.roundsFigure(m, opts, document));
    table('baseline');
    figure('Love plot', 'love', () => plots.loveFigure(m, opts, document));
    const post = m.matched_outcome;
    if (post && !post.error) figure('Kaplan–Meier after matching', 'km-matched', () => plots.kmFigure(post, opts, document));
    table('matched-outcome');
  });
  analysis('subgroups', (sg) => {
    if (sg.variables?.some((v) => !v.error)) figure('Subgroups', 'forest', () => plots.forestFigure(sg, opts, document));
    table('subgroups');
  });
  analysis('cutpoint', (cp) => {
    if (!cp.maxstat?.error) figure('Cutpoint selection', 'cutpoint', () => plots.cutpointFigure(cp, opts, document));
    table('cutpoint');
    add(useCutpointButton(b));
    const g = cp.groups;
    if (g && !g.error) figure('Kaplan–Meier by cutpoint groups', 'km-cut', () => plots.kmFigure(g, opts, document));
    table('cut-groups');
    (g?.matched ?? []).forEach((mm, i) => {
      const post = mm.matching?.matched_outcome;
      if (post && !post.error) figure(`${mm.comparison}, after matching`, `km-cut-matched-${i + 1}`, () => plots.kmFigure(post, opts, document));
    });
    for (const [name] of models) if (name.startsWith('cut-baseline')) table(name);
  });
  const rows = rowsUsed(r);
  if (rows.length) {
    const d = document.createElement('details');
    d.className = 'rows-used';
    d.append(Object.assign(document.createElement('summary'), { textContent: 'Rows used per analysis' }));
    const t = document.createElement('table');
    addHeader(t, ['analysis', 'rows available', 'used', 'dropped', 'first missing column of each dropped row']);
    const body = t.createTBody();
    for (const [what, rep] of rows) {
      const tr = body.insertRow();
      const missing = Object.entries(rep.dropped_for_missing ?? {}).map(([col, n]) => `${col}: ${n}`).join(', ');
      for (const cell of [what, rep.rows_available, rep.rows_used, rep.rows_dropped, missing || '–']) tr.insertCell().textContent = cell;
    }
    d.appendChild(t);
    wrap.appendChild(d);
  }
  const conventions = Object.entries(r).flatMap(([name, a]) =>
    Object.entries(a?.conventions ?? {}).map(([k, v]) => [`${name}: ${k}`, typeof v === 'string' ? v : JSON.stringify(v)]));
  if (conventions.length) {
    const d = document.createElement('details');
    d.className = 'conventions';
    d.append(Object.assign(document.createElement('summary'), { textContent: 'Conventions used' }));
    const t = document.createElement('table');
    for (const [k, v] of conventions) {
      const tr = t.insertRow();
      tr.insertCell().textContent = k;
      tr.insertCell().textContent = v;
    }
    d.appendChild(t);
    wrap.appendChild(d);
  }
  return wrap;
}

// "Cut at the selected cutpoint": the chosen cut of a file column becomes
// that covariate's cut in the form (main cohort only: covariates are shared).
function useCutpointButton(b) {
  const cp = b.results.cutpoint;
  const column = b.ctx.spec?.analyses?.cutpoint?.column;
  const cut = cp.groups?.definition?.cutpoint ?? cp.maxstat?.cutpoint;
  const how = cp.groups?.definition?.chosen_by ?? 'maxstat';
  if (b.key !== 'main' || !Number.isFinite(cut) || !state.described.columns.some((c) => c.name === column && c.type === 'numeric')) return null;
  return button(`Use ${column} cut at ${cut} (${how}) as a covariate`, () => {
    // x <= cut low, as the cutpoint's groups and maxstat split.
    const rows = specForm.covariateRows(state.spec, state.described).map((r) => (r.column === column ? { ...r, included: true, breaks: [cut], right: true, type: 'auto', reference: '' } : r));
    state.spec = specForm.applyCovariateRows(state.spec, rows);
    renderForm();
    $('covariates').scrollIntoView();
    setStatus($('spec-status'), `${column} is now cut at ${cut}; run again to use it.`, 'ok');
  });
}

// Each analysis uses the rows complete on what it needs; the engine says how
// many and why the others were left out.
function rowsUsed(r) {
  const out = [];
  if (r.logrank?.by_group?.rows) out.push(['log-rank', r.logrank.by_group.rows]);
  for (const t of r.logrank?.by ?? []) if (t.rows) out.push([`log-rank by ${t.variable}`, t.rows]);
  for (const f of r.cox?.univariate ?? []) if (f.rows) out.push([`Cox ${f.formula}`, f.rows]);
  if (r.cox?.multivariable?.rows) out.push([`Cox ${r.cox.multivariable.formula}`, r.cox.multivariable.rows]);
  if (r.logistic?.rows) out.push(['propensity model', r.logistic.rows]);
  if (r.matching?.rows) out.push(['matching', r.matching.rows]);
  for (const v of r.subgroups?.variables ?? []) if (v.rows) out.push([`subgroups: ${v.variable}`, v.rows]);
  if (r.cutpoint?.rows) out.push(['cutpoint', r.cutpoint.rows]);
  if (r.cutpoint?.groups?.rows) out.push(['cutpoint groups', r.cutpoint.groups.rows]);
  return out.filter(([, rep]) => typeof rep === 'object' && rep.rows_used != null);
}

function renderResults(result) {
  $('warnings').replaceChildren(
    ...result.warnings.map((w) => {
      const p = Object.assign(document.createElement('p'), {
        className: 'warning',
        textContent: `Warning (${[w.subcohort, w.analysis, w.variable ?? w.model, w.comparison].filter(Boolean).join(', ')}): ${w.message}`,
      });
      if (!w.detail) return p;
      // R's own wording, for R users.
      const d = document.createElement('details');
      d.className = 'warning-detail';
      d.append(Object.assign(document.createElement('summary'), { textContent: "In R's words" }), Object.assign(document.createElement('code'), { textContent: w.detail }));
      const box = document.createElement('div');
      box.append(p, d);
      return box;
    }),
  );
  const blocks = tables.analysisBlocks(result, { displayUnit: $('display-unit').value || null });
  $('results-nav').replaceChildren(...blocks.map((b, i) => Object.assign(document.createElement('a'), { href: `#result-${i}`, textContent: b.label || 'Whole cohort' })));
  $('results').replaceChildren(...blocks.map(renderBlock));
}

// ------------------------------------------------------- share & export

// The link pins the spec as the engine echoed it (every default written out),
// so a later version's defaults cannot change what it reproduces.
async function updateShareHash() {
  if (!state.fileBytes || !state.result) return;
  state.fileSha256 ??= await sha256Hex(state.fileBytes);
  const fragment = await encodeShare({ spec: state.result.spec, sha256: state.fileSha256, size: state.fileBytes.length });
  history.replaceState(null, '', shareUrl(location, fragment));
}

function clearShareHash() {
  if (looksLikeShare(location.hash)) history.replaceState(null, '', shareUrl(location, '#').slice(0, -1));
}

async function copyShareLink() {
  if (!state.result) return setStatus($('share-status'), 'Run the analysis first: the link reproduces its results.', 'error');
  try {
    await updateShareHash();
  } catch (e) {
    return setStatus($('share-status'), `The link could not be made: ${e.message}`, 'error');
  }
  try {
    await navigator.clipboard.writeText(location.href);
    setStatus($('share-status'), 'Reproduction link copied. It holds the settings and the file\'s fingerprint, no patient data.', 'ok');
  } catch {
    setStatus($('share-status'), `Copy this link: ${location.href}`, 'ok');
  }
}

async function restoreFromHash() {
  if (!looksLikeShare(location.hash)) return;
  hideShareConfirm();
  try {
    state.pendingShare = await decodeShare(location.hash);
    setStatus($('share-status'), `This link reproduces an analysis. Choose the same data file (${state.pendingShare.size.toLocaleString('en')} bytes, SHA-256 ${state.pendingShare.sha256.slice(0, 12)}…); it is checked, and you confirm the run, before anything runs.`, 'ok');
  } catch (e) {
    state.pendingShare = null;
    setStatus($('share-status'), e instanceof Error && e.name === 'ShareError' ? e.message : `This link could not be opened: ${e?.message ?? e}`, 'error');
  }
}

// The file is read: the link's analysis goes into the form and waits. A link
// can ask for any amount of work (thousands of subcohorts), so nothing runs
// until the user has seen what it does and confirms. Each step that can fail
// says so, and "restored" is said only when every step passed.
async function restoreShare(share) {
  state.pendingShare = null;
  const status = $('share-status');
  let check;
  try {
    check = await checkFingerprint(share, state.fileBytes);
  } catch (e) {
    check = { ok: false, message: `The file could not be checked against the link (${e.message}).` };
  }
  let described;
  try {
    described = await applySpec(share.spec);
  } catch (e) {
    setStatus(status, `The link's settings could not be put into the form: ${e?.message ?? e}. The form shows this file's usual settings instead; nothing has run.`, 'error');
    try {
      await applySpec(withSheet(specForm.defaultSpec(state.described)));
      $('setup-section').hidden = false;
    } catch (again) {
      console.warn(again);
    }
    return;
  }
  $('setup-section').hidden = false;
  if (!described.ok) {
    setStatus(status, `The link's data settings do not fit this file: ${describeError(described.error)}. Its other settings are in the form below; nothing has run.`, 'error');
    return;
  }
  // A different file would not reproduce the link's numbers: the user sees
  // why and may still run it deliberately with "Run analysis".
  if (!check.ok) {
    setStatus(status, `${check.message} The link's settings are in the form below; nothing runs unless you press "Run analysis".`, 'error');
    return;
  }
  setStatus(status, 'This is the file the link was made with: its settings are restored below. Nothing has run yet.', 'ok');
  $('share-plan').textContent = runPlan(state.spec).text;
  $('share-confirm').hidden = false;
}

function hideShareConfirm() {
  $('share-confirm').hidden = true;
}

// The CSV the R script reads: the file itself, or an Excel sheet saved as CSV
// (the page offers that download).
function csvName() {
  const base = state.fileName.replace(/\.(xlsx|xlsm)$/i, '') || 'data';
  return state.sheet && /\.(xlsx|xlsm)$/i.test(state.fileName) ? `${base}-${state.sheet}.csv`.replace(/[^\w.-]+/g, '_') : state.fileName || 'data.csv';
}

function reportHtml() {
  return buildReport({
    result: state.result,
    resultsElement: $('results'),
    warningsElement: $('warnings'),
    fileName: state.fileName,
    figureToSvg,
  });
}

// An export never throws out of its button (a link may have filled the form
// with settings the engine refused): what went wrong shows beside the buttons.
function exportButton(id, make, what, needsResult) {
  $(id).addEventListener('click', async () => {
    const status = $('export-status');
    if (needsResult && !state.result) return setStatus(status, `${what} needs results: run the analysis first.`, 'error');
    setStatus(status, '');
    try {
      await make();
    } catch (e) {
      console.warn(e);
      setStatus(status, `${what} could not be made: ${e?.message ?? e}. Check the settings (the analysis spec JSON) and run the analysis again.`, 'error');
    }
  });
}

// ------------------------------------------------------------------ wiring

function setupData() {
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer.files[0];
    if (file) await openFile(new Uint8Array(await file.arrayBuffer()), file.name);
  });
  $('file-input').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (file) await openFile(new Uint8Array(await file.arrayBuffer()), file.name);
  });
  $('sheet-select').addEventListener('change', (e) => openSheet(e.target.value));
  $('example-button').addEventListener('click', async () => {
    let ex;
    resetResults();
    try {
      ex = await loadExample();
    } catch (e) {
      return fail(`Could not load the example: ${e.message}`);
    }
    state.fileBytes = ex.csvBytes;
    state.fileSha256 = null;
    state.sheet = null;
    state.sheetRowByLine = null;
    $('csv-download').hidden = true;
    state.fileName = ex.name;
    $('sheet-chooser').hidden = true;
    $('data-notes').replaceChildren();
    await loadCsv(ex.csvBytes, `${ex.name} (example)`, state.pendingShare ? null : JSON.parse(ex.specJson));
  });
}

function setup() {
  setupData();
  $('setup-form').addEventListener('change', onFormChange);
  $('setup-form').addEventListener('submit', run);
  $('cancel-button').addEventListener('click', () => {
    client.cancel();
    $('run-button').disabled = false;
    $('cancel-button').disabled = true;
  });
  $('add-subcohort').addEventListener('click', () => {
    state.spec.subcohorts = [...(state.spec.subcohorts ?? []), { name: `subcohort ${(state.spec.subcohorts?.length ?? 0) + 1}`, filter: '' }];
    renderForm();
  });
  $('spec-apply').addEventListener('click', async () => {
    let parsed;
    try {
      // The same depth, size and type checks as a link's spec: pasted text is as hostile.
      parsed = parseSpecJson($('spec-text').value, 'The spec');
    } catch (e) {
      return setStatus($('spec-status'), `Not applied: ${e.message}`, 'error');
    }
    try {
      await applySpec(parsed);
      setStatus($('spec-status'), 'Applied.', 'ok');
    } catch (e) {
      setStatus($('spec-status'), `Not applied: ${e.message} (the engine checks every field when you run).`, 'error');
    }
  });
  $('share-button').addEventListener('click', copyShareLink);
  $('share-run').addEventListener('click', () => {
    hideShareConfirm();
    run();
  });
  $('setup-form').addEventListener('submit', hideShareConfirm);
  exportButton('report-button', () => download(reportHtml(), 'localsurv-report.html', document, 'text/html'), 'The report', true);
  // The script is written from the engine's reading of the spec (its defaults, its filter trees).
  exportButton('rscript-button', async () => {
    const read = await client.readSpec(state.result?.spec ?? state.spec ?? {});
    if (!read.ok) throw new Error(read.error.message);
    download(rScript(read.result, { dataFile: csvName(), data: state.result?.data }), 'localsurv-analysis.R', document, 'text/plain');
  }, 'The R script', false);
  $('csv-download').addEventListener('click', () => download(new Blob([state.csvBytes], { type: 'text/csv' }), csvName(), document));
  exportButton('json-button', () => download(JSON.stringify(state.result, null, 1), 'localsurv-result.json', document, 'application/json'), 'The result file', true);
  restoreFromHash();
  // A link pasted into an open tab changes only the fragment: no reload.
  window.addEventListener('hashchange', restoreFromHash);
  registerServiceWorker();
  // Load the engine now, while the user picks a file: no request is made
  // once a file is being analysed (the answer, "no data yet", is ignored).
  client.describe({});
}

setup();
