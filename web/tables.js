// Publication-ready tables built from the engine's result JSON (docs/spec.md),
// rendered as accessible HTML and exported as CSV / TSV / clipboard HTML.
// Everything here is pure: result JSON in, TableModel / string / DOM out.
// Each analysis builds its own tables (web/analyses/<key>.js, on the shared
// cells of web/table_model.js, which also defines TableModel and the context);
// this file gathers them per results block and renders and exports them.
//
// API:
//   analysisBlocks(result, {levelLabels, displayUnit}?) -> [{key, label, error?, results, ctx}]
//                                             the whole cohort, then each subcohort
//   makeContext({spec, cohort, results, key, label, levelLabels})   (table_model.js)
//   blockModels(block)                        every model that block's results support, in paper order
//   partErrors(part) -> [{where, message, field, detail}]   the errors inside one analysis's result
//                                             (a model, a test, a variable, a comparison that failed)
//   renderTable(model, document?) -> <table class="ls-table">
//   toCsv(model, {title, notes, bom}?), toTsv(model, {title, notes}?), toClipboardHtml(model)
//   spreadsheetCell(text) -> text    what every cell of those three exports goes through (formula neutralising)
//   copyTable(model, navigator?, {ClipboardItem, Blob}?) -> Promise<'html'|'text'>
// Every builder returns null when its section is absent (or cannot make a table).
// A part that could not be computed is {error: {message, field, detail}}
// (docs/spec.md); builders show it as a "not computed" row and a note.
// Labels and notes are in the page's language (web/i18n.js); numbers read the same in every language.

import { escapeHtml } from './html.js';
import { t } from './i18n.js';
import { makeContext, partErrors } from './table_model.js';
import { ANALYSES } from './analyses/index.js';

export { makeContext, partErrors };

/** The whole-cohort block, then one per subcohort, each with its own context. */
export function analysisBlocks(result, { levelLabels = null, displayUnit = null } = {}) {
  const r = result && result.result && !result.results ? result.result : result;
  if (!r) return [];
  const blocks = [];
  const spec = r.spec ?? null;
  blocks.push({
    key: 'main',
    label: '',
    results: r.results ?? {},
    ctx: makeContext({ spec, cohort: r.cohort, results: r.results, key: 'main', label: '', levelLabels, displayUnit }),
  });
  (r.subcohorts ?? []).forEach((s, i) => {
    const subSpec = spec?.subcohorts?.find((x) => x.name === s.name) ?? spec?.subcohorts?.[i];
    // A subcohort may set its own covariates and analyses; everything else is the study's.
    const effective = spec
      ? { ...spec, covariates: subSpec?.covariates ?? spec.covariates, analyses: subSpec?.analyses ?? spec.analyses }
      : null;
    const key = `sub${i + 1}`;
    blocks.push({
      key,
      label: s.name,
      error: s.error,
      results: s.results ?? {},
      ctx: makeContext({ spec: effective, cohort: s.cohort, results: s.results, key, label: s.name, levelLabels, displayUnit }),
    });
  });
  return blocks;
}

/** Every table a block's results support, in the paper's order. */
export function blockModels(block) {
  const r = block?.results ?? {};
  const ctx = block?.ctx ?? makeContext({ results: r });
  return ANALYSES.flatMap((a) => a.tables?.(r[a.key], ctx) ?? [])
    .filter((t) => t.model)
    .sort((x, y) => x.paper - y.paper)
    .map((t) => t.model);
}

// ---------------------------------------------------------------- rendering

function alignClass(align) {
  return `ls-align-${align === 'left' || align === 'center' ? align : 'right'}`;
}

/** <table class="ls-table"> with caption, thead (th scope=col / colgroup), tbody (row headers th scope=row), tfoot notes. */
export function renderTable(model, document = globalThis.document) {
  const el = (tag, attrs = {}, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) if (v != null) e.setAttribute(k, String(v));
    if (text != null) e.textContent = text;
    return e;
  };
  const n = model.columns.length;
  const table = el('table', { class: 'ls-table', id: `table-${model.id}`, 'data-table': model.name ?? model.id });
  table.append(el('caption', {}, model.title));
  const thead = el('thead');
  if (model.headerGroups?.length) {
    const tr = el('tr', { class: 'ls-header-groups' });
    for (const g of model.headerGroups) {
      tr.append(g.label ? el('th', { scope: 'colgroup', colspan: g.span > 1 ? g.span : null }, g.label) : el('td', { colspan: g.span > 1 ? g.span : null }));
    }
    thead.append(tr);
  }
  const hr = el('tr');
  model.columns.forEach((c) => hr.append(el('th', { scope: 'col', class: alignClass(c.align) }, c.label)));
  thead.append(hr);
  table.append(thead);
  const tbody = el('tbody');
  for (const row of model.rows) {
    if (row.kind === 'section') {
      const tr = el('tr', { class: 'ls-section' });
      tr.append(el('th', { scope: 'rowgroup', colspan: n }, row.cells[0]));
      tbody.append(tr);
      continue;
    }
    const tr = el('tr', row.indent ? { class: `ls-indent-${row.indent}` } : {});
    row.cells.forEach((cell, i) => {
      const align = alignClass(model.columns[i]?.align);
      tr.append(i === 0 ? el('th', { scope: 'row', class: `${align} ls-row-label` }, cell) : el('td', { class: align }, cell));
    });
    tbody.append(tr);
  }
  table.append(tbody);
  if (model.notes?.length) {
    const tfoot = el('tfoot');
    for (const note of model.notes) {
      const tr = el('tr', { class: 'ls-note' });
      tr.append(el('td', { colspan: n }, note));
      tfoot.append(tr);
    }
    table.append(tfoot);
  }
  return table;
}

// ---------------------------------------------------------------- exports

const INDENT = '  ';

function gridOf(model, { title = true, notes = true } = {}) {
  const n = model.columns.length;
  const lines = [];
  if (title) lines.push([model.title]);
  if (model.headerGroups?.length) {
    const row = [];
    for (const g of model.headerGroups) row.push(g.label, ...Array(Math.max(0, (g.span ?? 1) - 1)).fill(''));
    lines.push(row);
  }
  lines.push(model.columns.map((c) => c.label));
  for (const r of model.rows) {
    const cells = r.kind === 'section' ? [r.cells[0], ...Array(n - 1).fill('')] : [...r.cells];
    if (r.indent) cells[0] = INDENT.repeat(r.indent) + cells[0];
    lines.push(cells);
  }
  if (notes && model.notes?.length) {
    lines.push([]);
    for (const note of model.notes) lines.push([note]);
  }
  return lines;
}

// A cell a spreadsheet reads as a plain number: sign, digits, decimals,
// exponent ('-0.52', '+3', '-1.2e-5', '.5'). Nothing else that starts with a
// sign is left alone ('-1+1', '-SUM(A1)', '-∞', '-1.23 (0.45)').
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The one gate between a table cell and a spreadsheet (CSV, TSV clipboard
 * text, clipboard HTML). Column names, levels and labels come from the user's
 * file or a share link, so a cell that Excel, LibreOffice or Google Sheets
 * would read as a formula or DDE call (OWASP CSV injection: a first character
 * of =, +, -, @, tab or CR; here also after leading white space, as a table's
 * indent puts it there) gets a leading apostrophe and stays text. Real
 * numbers, negative ones included, stay numbers.
 */
export function spreadsheetCell(text) {
  const s = String(text ?? '');
  if (/^[\t\r]/.test(s)) return `'${s}`;
  const t = s.trim();
  return /^[=+\-@]/.test(t) && !PLAIN_NUMBER.test(t) ? `'${s}` : s;
}

function csvField(s) {
  const v = spreadsheetCell(s);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** RFC 4180: CRLF records, fields with comma, quote or line break quoted, quotes doubled. The string is text; save it as UTF-8 (bom: true prepends U+FEFF so Excel reads it as UTF-8). */
export function toCsv(model, { title = true, notes = true, bom = false } = {}) {
  const body = gridOf(model, { title, notes })
    .map((cells) => cells.map(csvField).join(','))
    .join('\r\n');
  return `${bom ? '\uFEFF' : ''}${body}\r\n`;
}

/** Tab-separated, for the plain-text clipboard: tabs and line breaks inside a cell become spaces. */
export function toTsv(model, { title = true, notes = true } = {}) {
  return (
    gridOf(model, { title, notes })
      .map((cells) => cells.map((c) => spreadsheetCell(c).replace(/[\t\r\n]+/g, ' ')).join('\t'))
      .join('\r\n') + '\r\n'
  );
}

/** A cell's text for the clipboard's HTML table: neutralised as in the CSV, then escaped. */
const htmlCell = (s) => escapeHtml(spreadsheetCell(s));

// Inline styles only: Word and Excel drop stylesheets on paste.
// mso-number-format:'\@' (single quotes: the style attribute is in double quotes) makes Excel keep each cell as text, so '0.050'
// stays '0.050', '<0.001' is not read as a formula and '3/12' is not a date.
const CELL = "padding:2px 6px;font-family:Arial,Helvetica,sans-serif;font-size:10pt;vertical-align:top;mso-number-format:'\\@';";
const RULE = 'border-bottom:1px solid #000;';

/** A self-contained <table> string with inline styles, for text/html on the clipboard. */
export function toClipboardHtml(model) {
  const n = model.columns.length;
  const align = (a) => `text-align:${a === 'left' || a === 'center' ? a : 'right'};`;
  const out = [];
  out.push(`<table style="border-collapse:collapse;border-top:1px solid #000;border-bottom:1px solid #000;">`);
  out.push(`<thead>`);
  out.push(`<tr><td colspan="${n}" style="${CELL}font-weight:bold;text-align:left;">${htmlCell(model.title)}</td></tr>`);
  if (model.headerGroups?.length) {
    out.push(
      '<tr>' +
        model.headerGroups
          .map((g) => `<th colspan="${g.span ?? 1}" style="${CELL}text-align:center;${g.label ? RULE : ''}">${htmlCell(g.label)}</th>`)
          .join('') +
        '</tr>',
    );
  }
  out.push('<tr>' + model.columns.map((c) => `<th style="${CELL}${align(c.align)}${RULE}font-weight:bold;">${htmlCell(c.label)}</th>`).join('') + '</tr>');
  out.push(`</thead><tbody>`);
  for (const r of model.rows) {
    if (r.kind === 'section') {
      out.push(`<tr><td colspan="${n}" style="${CELL}text-align:left;font-weight:bold;">${htmlCell(r.cells[0])}</td></tr>`);
      continue;
    }
    // Non-breaking spaces survive the paste in both Word and Excel, padding does not in Excel.
    const lead = r.indent ? '&nbsp;'.repeat(3 * r.indent) : '';
    out.push(
      '<tr>' +
        r.cells.map((c, i) => `<td style="${CELL}${align(model.columns[i]?.align)}">${i === 0 ? lead : ''}${htmlCell(c)}</td>`).join('') +
        '</tr>',
    );
  }
  out.push('</tbody>');
  if (model.notes?.length) {
    out.push('<tfoot>');
    model.notes.forEach((note, i) =>
      out.push(`<tr><td colspan="${n}" style="${CELL}text-align:left;font-size:8pt;${i === 0 ? 'border-top:1px solid #000;' : ''}">${htmlCell(note)}</td></tr>`),
    );
    out.push('</tfoot>');
  }
  out.push('</table>');
  return out.join('');
}

/**
 * Copies the table: text/html (toClipboardHtml) + text/plain (toTsv) with
 * ClipboardItem where the browser has it, else plain text. Resolves to
 * 'html' or 'text'; rejects when no clipboard is available.
 */
export async function copyTable(model, navigator = globalThis.navigator, { ClipboardItem = globalThis.ClipboardItem, Blob = globalThis.Blob } = {}) {
  const clipboard = navigator?.clipboard;
  if (!clipboard) throw new Error(t('analyses.no_clipboard'));
  const text = toTsv(model);
  if (typeof clipboard.write === 'function' && typeof ClipboardItem === 'function' && typeof Blob === 'function') {
    try {
      await clipboard.write([
        new ClipboardItem({
          'text/html': new Blob([toClipboardHtml(model)], { type: 'text/html' }),
          'text/plain': new Blob([text], { type: 'text/plain' }),
        }),
      ]);
      return 'html';
    } catch {
      // Some browsers refuse text/html writes (permissions, policy): plain text still helps.
    }
  }
  await clipboard.writeText(text);
  return 'text';
}

