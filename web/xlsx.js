// Excel (.xlsx) input: turns one sheet of a workbook into the CSV text the
// engine reads (core/csv.h), on the page's main thread before the bytes go to
// the worker, and identically in Node tests.
//
// API (bytes = Uint8Array | ArrayBuffer of the file):
//   isXlsx(bytes, fileName?)        -> boolean: zip magic and (no name or a .xlsx/.xlsm name)
//   isSpreadsheetFile(bytes, name?) -> boolean: anything to route through listSheets, which then
//                                      explains what is wrong (.xls, password, .ods, corrupt)
//   listSheets(bytes)               -> Promise<string[]> sheet names in workbook order (the parsed
//                                      cells are cached for sheetToCsv on the same bytes object)
//   sheetToCsv(bytes, sheetName)    -> Promise<{csv, rows, columns, notes, headerRow, sheetRowByLine}>
//       csv      RFC 4180, ',' delimiter, '\n' line ends, a final newline
//       rows     number of data rows; columns: header names (columns.length = width)
//       notes    plain-English sentences on everything that was changed or is worth a look
//       headerRow  sheet row (1-based, as Excel shows it) the header came from
//       sheetRowByLine[line] = sheet row of that CSV line (engine errors name CSV lines)
//   cellsToCsv(rows, sheetName)     -> the same result from read-excel-file's array of rows (tests)
// Errors are thrown as Error, naming the sheet and cell when there is one
// (error.sheet, error.row, error.column are set too).
//
// Table shape: the header is the first non-empty row; empty rows inside the
// table and columns with neither a name nor a value are left out; a column with
// values but no name (e.g. under a merged header cell) is named column_<letter>;
// a repeated name gets _2, _3; line breaks and runs of spaces in names become
// one space. Each of these adds a note, as do date, time and TRUE/FALSE cells
// and a column mixing numbers with text.
//
// Conventions: numbers are written with JavaScript's shortest round-trip form
// (String(x): '.' decimal, no grouping, "1e-10"), which core/csv.cpp parses
// back to the same double; dates as yyyy-mm-dd, with THH:MM:SS when they carry
// a time; times of day alone as HH:MM:SS; booleans as TRUE/FALSE. Formula cells
// give their cached value. Error cells (#N/A, #DIV/0!) and formulas saved
// without a cached value read as empty: read-excel-file reports them as empty.
//
// The CSV is the user's own data for the engine and the R script, not a
// table LocalSurv made: it is not passed through tables.js spreadsheetCell, so
// a cell '=1+1' or '-x' stays exactly as the sheet holds it (the page saves
// it as "csv-download"; a browser test checks it against lung.csv byte for byte).
//
// The library is read-excel-file's "universal" build: it takes an ArrayBuffer
// in both the browser and Node and starts no worker of its own for parsing, so
// the code path Node tests is the one the page runs.
import readXlsxFile, { readSheet } from 'read-excel-file/universal';
import { t, tn } from './i18n.js';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
// OLE2/CFB container: old binary .xls, and also what Excel writes for a
// password-protected .xlsx (the encrypted zip lives inside a CFB stream).
const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function asUint8(bytes) {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new TypeError('expected the file as a Uint8Array or an ArrayBuffer');
}

// The library only takes a whole ArrayBuffer; a Node Buffer is a view into a
// shared pool, so it must be copied out.
function asArrayBuffer(bytes) {
  if (bytes instanceof ArrayBuffer) return bytes;
  const u = asUint8(bytes);
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength);
}

function startsWith(u, magic) {
  if (u.length < magic.length) return false;
  return magic.every((b, i) => u[i] === b);
}

function containsUtf16(u, text) {
  const pattern = [];
  for (const ch of text) pattern.push(ch.charCodeAt(0), 0);
  outer: for (let i = 0; i + pattern.length <= u.length; i++) {
    for (let k = 0; k < pattern.length; k++) if (u[i + k] !== pattern[k]) continue outer;
    return true;
  }
  return false;
}

// An OpenDocument file stores its uncompressed "mimetype" entry first.
function isOds(u) {
  const head = new TextDecoder('latin1').decode(u.subarray(0, 120));
  return head.includes('mimetype') && head.includes('opendocument.spreadsheet');
}

export function isXlsx(bytes, fileName) {
  const u = asUint8(bytes);
  if (!startsWith(u, ZIP_MAGIC) || isOds(u)) return false;
  return fileName == null || fileName === '' || /\.xls[xm]$/i.test(fileName);
}

export function isSpreadsheetFile(bytes, fileName) {
  const u = asUint8(bytes);
  if (startsWith(u, ZIP_MAGIC) || startsWith(u, CFB_MAGIC)) return true;
  return fileName != null && /\.(xlsx|xlsm|xls|ods|numbers)$/i.test(fileName);
}

// A message that ends in how to get a readable file instead.
const withSaveAs = (key, params = {}) => new Error(t(key, { ...params, save_as: t('figures.xlsx.save_as') }));

/** Throws a readable Error when the bytes cannot be an .xlsx workbook. */
function checkContainer(u) {
  if (u.length === 0) throw new Error(t('figures.xlsx.empty_file'));
  if (startsWith(u, CFB_MAGIC)) {
    if (containsUtf16(u, 'EncryptedPackage') || containsUtf16(u, 'EncryptionInfo')) throw withSaveAs('figures.xlsx.password');
    throw withSaveAs('figures.xlsx.old_xls');
  }
  if (!startsWith(u, ZIP_MAGIC)) throw withSaveAs('figures.xlsx.not_xlsx');
  if (isOds(u)) throw withSaveAs('figures.xlsx.ods');
}

function columnLetter(index) {
  // 0 -> A, 25 -> Z, 26 -> AA
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function libraryError(err, sheetName) {
  const inSheet = sheetName != null;
  const cell = /row (\d+), col (\d+): (\w+)/.exec(err?.message ?? '');
  let e;
  if (cell) {
    const [, row, col, code] = cell;
    const letter = columnLetter(Number(col) - 1);
    e = withSaveAs(inSheet ? 'figures.xlsx.bad_cell_in_sheet' : 'figures.xlsx.bad_cell', { sheet: sheetName, cell: `${letter}${row}`, row, column: letter, code });
    e.row = Number(row);
    e.column = letter;
  } else if (err?.name === 'InvalidInputError') {
    e = withSaveAs('figures.xlsx.not_workbook', { message: err.message });
  } else {
    e = withSaveAs(inSheet ? 'figures.xlsx.unreadable_sheet' : 'figures.xlsx.unreadable', { sheet: sheetName, message: err?.message ?? err });
  }
  if (sheetName != null) e.sheet = sheetName;
  e.cause = err;
  return e;
}

// listSheets reads every sheet anyway, so the page's usual listSheets ->
// sheetToCsv sequence parses the workbook once: the cells are kept per bytes
// object (weakly, so they go when the file does). Callers must not change the
// bytes in between.
const parsed = new WeakMap();

export async function listSheets(bytes) {
  const u = asUint8(bytes);
  checkContainer(u);
  const buffer = asArrayBuffer(bytes);
  try {
    const sheets = await readXlsxFile(buffer);
    parsed.set(bytes, new Map(sheets.map((s) => [s.sheet, s.data])));
    return sheets.map((s) => s.sheet);
  } catch (err) {
    // One unreadable cell anywhere makes reading every sheet fail; asking for a
    // sheet that cannot exist (Excel forbids ':' in names) still yields the
    // names, so the user can pick a sheet that reads, and the bad one will be
    // reported with its name when chosen.
    if (err?.name === 'InvalidSpreadsheetError') {
      try {
        await readSheet(buffer, ':');
      } catch (probe) {
        if (probe?.name === 'SheetNotFoundError' && Array.isArray(probe.sheets)) return probe.sheets;
      }
    }
    throw libraryError(err);
  }
}

// Same grammar as parse_number in core/csv.cpp, so "will the engine call this a number" is answered here the same way.
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MISSING_TOKENS = new Set(['', 'NA', 'N/A', '.', 'NaN', 'null']);

function formatNumber(x) {
  if (!Number.isFinite(x)) return '';
  return Object.is(x, -0) ? '0' : String(x);
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** {text, kind: 'date' | 'datetime' | 'time'} for a Date the library built from an Excel serial (UTC). */
function formatDate(d) {
  let t = d.getTime();
  // The library floors serial * 86400000, so 14:30 can arrive as 14:29:59.999.
  const whole = Math.round(t / 1000) * 1000;
  if (Math.abs(whole - t) <= 1) t = whole;
  const u = new Date(t);
  const ms = u.getUTCMilliseconds();
  const time =
    `${pad(u.getUTCHours())}:${pad(u.getUTCMinutes())}:${pad(u.getUTCSeconds())}` + (ms ? `.${pad(ms, 3)}` : '');
  const year = u.getUTCFullYear();
  const date = `${year < 0 ? '-' : ''}${pad(Math.abs(year), 4)}-${pad(u.getUTCMonth() + 1)}-${pad(u.getUTCDate())}`;
  // Serial numbers below 1 are times of day with no date; Excel's day 0 is 1899-12-30.
  if (date === '1899-12-30') return { text: time, kind: 'time' };
  const midnight = u.getUTCHours() === 0 && u.getUTCMinutes() === 0 && u.getUTCSeconds() === 0 && ms === 0;
  return midnight ? { text: date, kind: 'date' } : { text: `${date}T${time}`, kind: 'datetime' };
}

function cellText(v) {
  if (v === null || v === undefined) return { text: '', kind: 'empty' };
  if (typeof v === 'number') return { text: formatNumber(v), kind: 'number' };
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE', kind: 'boolean' };
  if (v instanceof Date) return formatDate(v);
  const s = String(v);
  const trimmed = s.trim();
  if (MISSING_TOKENS.has(trimmed)) return { text: s, kind: 'missing' };
  return { text: s, kind: NUMBER_RE.test(trimmed) ? 'numeric-text' : 'text' };
}

// Quote whatever could split a field or fool the engine's delimiter sniffing.
function csvField(s) {
  return /[",;\t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function isEmptyCell(v) {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

function listRows(rowNumbers) {
  const shown = rowNumbers.slice(0, 5).join(', ');
  return rowNumbers.length > 5 ? `${shown}, …` : shown;
}

/**
 * The sheet's cells (array of rows, as read-excel-file returns them) to CSV.
 * Exported for tests that build cell arrays directly.
 */
export function cellsToCsv(data, sheetName) {
  const isBlankRow = (row) => !row || row.every(isEmptyCell);
  let first = 0;
  while (first < data.length && isBlankRow(data[first])) first++;
  if (first === data.length) throw new Error(t('figures.xlsx.empty_sheet', { sheet: sheetName }));
  let last = data.length - 1;
  while (isBlankRow(data[last])) last--;

  const notes = [];
  const headerRow = first + 1;
  if (first > 0) notes.push(t('figures.xlsx.header_row', { row: headerRow }));

  const kept = [];
  const skipped = [];
  for (let r = first + 1; r <= last; r++) {
    if (isBlankRow(data[r])) skipped.push(r + 1);
    else kept.push(r);
  }
  if (skipped.length) notes.push(tn('figures.xlsx.empty_rows', skipped.length, { rows: listRows(skipped) }));

  let width = 0;
  for (const r of [first, ...kept]) {
    const row = data[r];
    for (let c = row.length - 1; c >= width; c--) {
      if (!isEmptyCell(row[c])) {
        width = c + 1;
        break;
      }
    }
  }
  const cell = (r, c) => (data[r] && c < data[r].length ? data[r][c] : null);

  // Columns with neither a name nor a value are gaps in the layout, not data.
  const columnsUsed = [];
  const dropped = [];
  for (let c = 0; c < width; c++) {
    const used = !isEmptyCell(cell(first, c)) || kept.some((r) => !isEmptyCell(cell(r, c)));
    if (used) columnsUsed.push(c);
    else dropped.push(columnLetter(c));
  }
  if (dropped.length) notes.push(tn('figures.xlsx.empty_columns', dropped.length, { columns: dropped.join(', ') }));

  const names = [];
  const seen = new Set();
  for (const c of columnsUsed) {
    const letter = columnLetter(c);
    const raw = cellText(cell(first, c)).text.trim();
    let name = raw.replace(/\s+/g, ' ');
    if (name !== raw) notes.push(t('figures.xlsx.header_spaces', { column: letter, name }));
    if (name === '') {
      // A column name, so the same in every language (the spec and the link name columns).
      name = `column_${letter}`;
      notes.push(t('figures.xlsx.header_missing', { column: letter, name }));
    }
    if (seen.has(name)) {
      let k = 2;
      while (seen.has(`${name}_${k}`)) k++;
      notes.push(t('figures.xlsx.header_duplicate', { name, column: letter, renamed: `${name}_${k}` }));
      name = `${name}_${k}`;
    }
    seen.add(name);
    names.push(name);
  }

  const lines = [names.map(csvField).join(',')];
  // Header names hold no newline (whitespace is collapsed above): the header is CSV line 1.
  const sheetRowByLine = [null, headerRow];

  const stats = columnsUsed.map(() => ({ date: 0, datetime: 0, time: 0, boolean: 0, number: 0, text: 0, firstText: null }));
  for (const r of kept) {
    const fields = [];
    columnsUsed.forEach((c, j) => {
      const { text, kind } = cellText(cell(r, c));
      const s = stats[j];
      if (kind in s) s[kind]++;
      if (kind === 'numeric-text') s.number++;
      if (kind === 'text' && !s.firstText) s.firstText = { text, address: `${columnLetter(c)}${r + 1}` };
      fields.push(csvField(text));
    });
    const line = fields.join(',');
    lines.push(line);
    const spans = line.split('\n').length;
    for (let k = 0; k < spans; k++) sheetRowByLine.push(r + 1);
  }

  names.forEach((name, j) => {
    const s = stats[j];
    if (s.date) notes.push(tn('figures.xlsx.dates', s.date, { name, format: 'yyyy-mm-dd' }));
    if (s.datetime) notes.push(tn('figures.xlsx.datetimes', s.datetime, { name, format: 'yyyy-mm-ddTHH:MM:SS' }));
    if (s.time) notes.push(tn('figures.xlsx.times', s.time, { name, format: 'HH:MM:SS' }));
    if (s.boolean) notes.push(tn('figures.xlsx.booleans', s.boolean, { name }));
    if (s.number && s.text && s.firstText) {
      const numbers = tn('figures.xlsx.numbers', s.number);
      const texts = tn('figures.xlsx.text_cells', s.text);
      notes.push(t('figures.xlsx.mixed', { name, numbers, texts, first: s.firstText.text, cell: s.firstText.address }));
    }
  });
  if (kept.length === 0) notes.push(t('figures.xlsx.no_data_rows', { sheet: sheetName }));

  return { csv: `${lines.join('\n')}\n`, rows: kept.length, columns: names, notes, headerRow, sheetRowByLine };
}

export async function sheetToCsv(bytes, sheetName) {
  const u = asUint8(bytes);
  checkContainer(u);
  if (typeof sheetName !== 'string' || sheetName === '') throw new Error(t('figures.xlsx.no_sheet_chosen'));
  let data = parsed.get(bytes)?.get(sheetName);
  if (data) return cellsToCsv(data, sheetName);
  try {
    data = await readSheet(asArrayBuffer(bytes), sheetName);
  } catch (err) {
    if (err?.name === 'SheetNotFoundError') {
      const names = Array.isArray(err.sheets) ? err.sheets.map((s) => t('figures.xlsx.quoted', { name: s })).join(t('figures.list_join')) : '';
      const e = new Error(names ? t('figures.xlsx.no_such_sheet_list', { sheet: sheetName, sheets: names }) : t('figures.xlsx.no_such_sheet', { sheet: sheetName }));
      e.sheet = sheetName;
      throw e;
    }
    throw libraryError(err, sheetName);
  }
  return cellsToCsv(data, sheetName);
}
