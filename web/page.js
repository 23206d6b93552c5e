// What the parts of the page share: the engine client, the page's state, and
// small DOM helpers. The parts: data_input.js (the file in), form_view.js (the
// analysis form), results_view.js (the run's tables and figures), exports.js
// (link, report, R script, JSON); app.js wires them to the page.
import { EngineClient } from './client.js';
import { t } from './i18n.js';
import { engineMessage } from './engine_text.js';

export const $ = (id) => document.getElementById(id);
export const client = new EngineClient();

export const state = {
  fileName: '',
  fileBytes: null, // the file as the user gave it (fingerprinted)
  csvBytes: null, // what the engine reads (an xlsx sheet converted to CSV)
  described: null,
  spec: null,
  result: null,
  pendingShare: null, // {spec, sha256, size} from a link, until the file is given
  // The link refused the file given: Run stays off until the link's file is
  // given or the user detaches the analysis from the link.
  linkRefused: false,
  stash: {}, // options of analyses switched off, restored when switched on again
  touched: new Set(), // analyses the user switched on or off by hand
};

// Status lines the page has said, as functions of what they report, so a
// language switch says them again in the new language (resay).
const said = new Map();

/** `text` is a string, or a function giving it (said again on a language switch). */
export function setStatus(el, text, cls = '') {
  if (typeof text === 'function') said.set(el, text);
  else said.delete(el);
  el.textContent = typeof text === 'function' ? text() : text;
  el.className = cls;
}

export function resay() {
  for (const [el, say] of said) {
    if (el.isConnected) el.textContent = say();
    else said.delete(el);
  }
}

export function describeError(error) {
  const where = [];
  // A converted Excel sheet: say where the cell is in the sheet, not the CSV.
  const row = error.line != null ? state.sheetRowByLine?.[error.line] : null;
  if (row != null) where.push(t('page.error.sheet_row', { sheet: state.sheet, row }));
  else if (error.line != null) where.push(t('page.error.line', { line: error.line }));
  if (error.column != null) where.push(t('page.error.column', { column: error.column }));
  if (error.field) where.push(t('page.error.field', { field: error.field }));
  return engineMessage(error.message) + (where.length ? t('page.error.where', { where: where.join(t('page.list_separator')) }) : '');
}

export function option(value, label = value) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

export function button(label, onClick) {
  const b = Object.assign(document.createElement('button'), { type: 'button', textContent: label });
  b.addEventListener('click', onClick);
  return b;
}

export function addHeader(table, labels) {
  const head = table.createTHead().insertRow();
  for (const label of labels) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = label;
    head.appendChild(th);
  }
}
