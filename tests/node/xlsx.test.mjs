// web/xlsx.js: Excel sheets to the CSV text the engine reads.
// Checked against: hand-written expected CSV for workbooks built with
// write-excel-file (tests/fixtures/*.xlsx, rewritten by running this file with
// LOCALSURV_WRITE_FIXTURES=1); the wasm engine's describe() on that CSV (column
// types, missing counts); and the native CLI's result JSON on
// tests/reference/datasets/lung.csv, which the same data read back from an
// .xlsx must reproduce byte for byte.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import writeExcelFile from 'write-excel-file/node';
import { isXlsx, isSpreadsheetFile, listSheets, sheetToCsv, cellsToCsv } from '../../web/xlsx.js';
import { loadEngine, runCli, datasetPath, specCases, root } from './harness.mjs';

const fixtures = path.join(root, 'tests/fixtures');
const utc = (...a) => new Date(Date.UTC(...a));
const day = (y, m, d) => ({ value: utc(y, m - 1, d), format: 'yyyy-mm-dd' });
const stamp = (y, m, d, hh, mm, ss = 0) => ({ value: utc(y, m - 1, d, hh, mm, ss), format: 'yyyy-mm-dd hh:mm:ss' });
const clock = (hh, mm, ss = 0) => ({ value: utc(1899, 11, 30, hh, mm, ss), format: 'hh:mm:ss' });
const formula = (f) => ({ type: 'Formula', value: f });

// write-excel-file writes formulas without a cached result; Excel saves one,
// typed t="str" for text and t="e" for an error. This feature adds them; a
// formula not in `values` stays uncalculated, as some tools save it.
function cachedFormulaValues(values) {
  const cell = (attrs, f) => {
    const v = values[f];
    if (v == null) return `<c ${attrs}><f>${f}</f></c>`;
    if (typeof v === 'number') return `<c ${attrs}><f>${f}</f><v>${v}</v></c>`;
    const type = v.startsWith('#') ? 'e' : 'str';
    return `<c ${attrs} t="${type}"><f>${f}</f><v>${v}</v></c>`;
  };
  return {
    files: {
      transform: {
        'xl/worksheets/sheet{id}.xml': {
          transform: (xml) => xml.replace(/<c ([^>]*)><f>([^<]*)<\/f><\/c>/g, (m, attrs, f) => cell(attrs, f)),
        },
      },
    },
  };
}

// A shared-string index past the end of the table: an unreadable cell, on the second sheet only.
const corruptSecondSheetA2 = {
  files: {
    transform: {
      'xl/worksheets/sheet{id}.xml': {
        transform: (xml, options, { sheetIndex }) =>
          sheetIndex === 1 ? xml.replace(/(<c r="A2"[^>]*t="s"[^>]*><v>)\d+(<\/v>)/, '$1999$2') : xml,
      },
    },
  },
};

const PATIENTS = [
  ['id', 'time', 'status', 'ratio', 'tiny', 'big', 'diagnosed', 'visit', 'smoker', 'note', 'city', 'double_time'],
  [1, 306, 1, 0.1, 1e-10, 1e21, day(2019, 3, 12), stamp(2019, 3, 12, 14, 30), true, 'plain', 'Zürich', formula('B2*2')],
  [2, 455.5, 0, 1 / 3, 5e-324, { value: 1234567.891, format: '#,##0.00' }, day(2020, 2, 29), stamp(2020, 2, 29, 0, 0, 1), false, 'a, b', 'São Paulo', formula('B3*2')],
  [3, null, 1, -2.5, null, 9007199254740992, null, null, null, 'say "hi"', '東京', formula('B4*2')],
  [4, 1010, null, 0.1 + 0.2, 2.5e-7, 123456789012, day(1999, 12, 31), stamp(2000, 1, 1, 23, 59, 59), true, 'two\nlines', null, formula('B5*2')],
];

const PATIENTS_CSV = [
  'id,time,status,ratio,tiny,big,diagnosed,visit,smoker,note,city,double_time',
  '1,306,1,0.1,1e-10,1e+21,2019-03-12,2019-03-12T14:30:00,TRUE,plain,Zürich,612',
  '2,455.5,0,0.3333333333333333,5e-324,1234567.891,2020-02-29,2020-02-29T00:00:01,FALSE,"a, b",São Paulo,911',
  '3,,1,-2.5,,9007199254740992,,,,"say ""hi""",東京,',
  '4,1010,,0.30000000000000004,2.5e-7,123456789012,1999-12-31,2000-01-01T23:59:59,TRUE,"two\nlines",,2020',
  '',
].join('\n');

const LAYOUT = [
  [],
  [],
  ['group', null, { value: 'dose', columnSpan: 2 }, null, 'wake\ntime', 'group', 'alive'],
  ['a', null, 1, 2, clock(8, 15), 'x', 12],
  [],
  ['b', null, 3, 4, clock(23, 59, 30), 'y', '<0.1'],
  ['NA', null, null, 5, null, ' z ', 'NA'],
];

const LAYOUT_CSV = 'group,dose,column_D,wake time,group_2,alive\na,1,2,08:15:00,x,12\nb,3,4,23:59:30,y,<0.1\nNA,,5,,z,NA\n';

// Text and error results of formulas, and a formula saved without a result.
const FORMULAS = [
  ['n', 'label', 'ratio'],
  [1, formula('CONCAT("case ",A2)'), formula('A2/0')],
  [2, formula('CONCAT("case ",A3)'), 0.5],
];

function lungCells() {
  const text = fs.readFileSync(datasetPath('lung'), 'utf8');
  assert.ok(!text.includes('"') && !text.includes('\r'), 'lung.csv is expected to be plain comma-separated');
  const lines = text.replace(/\n$/, '').split('\n');
  return lines.map((line, i) => line.split(',').map((f) => (i === 0 ? f : f === '' ? null : Number(f))));
}

async function buildWorkbooks() {
  return {
    'cohort.xlsx': await writeExcelFile(
      [
        { sheet: 'Patients', data: PATIENTS },
        { sheet: 'Header only', data: [['patient', 'time']] },
        { sheet: 'Blank', data: [[null]] },
        { sheet: 'Layout', data: LAYOUT },
        { sheet: 'Formulas', data: FORMULAS },
      ],
      { features: [cachedFormulaValues({ 'B2*2': 612, 'B3*2': 911, 'B5*2': 2020, 'CONCAT("case ",A2)': 'case 1', 'A2/0': '#DIV/0!' })] },
    ).toBuffer(),
    'broken.xlsx': await writeExcelFile(
      [
        { sheet: 'Good', data: [['t'], ['ok']] },
        { sheet: 'Bad', data: [['t'], ['unreadable']] },
      ],
      { features: [corruptSecondSheetA2] },
    ).toBuffer(),
    'lung.xlsx': await writeExcelFile(lungCells(), { sheet: 'lung' }).toBuffer(),
  };
}

if (process.env.LOCALSURV_WRITE_FIXTURES) {
  fs.mkdirSync(fixtures, { recursive: true });
  for (const [name, bytes] of Object.entries(await buildWorkbooks())) fs.writeFileSync(path.join(fixtures, name), bytes);
}

const fixture = (name) => new Uint8Array(fs.readFileSync(path.join(fixtures, name)));
const engine = await loadEngine();
const enc = new TextEncoder();

function describeCsv(csv) {
  engine.load(enc.encode(csv));
  const r = engine.describe({});
  assert.equal(r.ok, true, JSON.stringify(r.error));
  return r.result;
}

const typesAndMissing = (described) => Object.fromEntries(described.columns.map((c) => [c.name, [c.type, c.missing]]));

test('isXlsx: zip magic plus an .xlsx name; isSpreadsheetFile also routes .xls and password-protected files', () => {
  const xlsx = fixture('cohort.xlsx');
  assert.equal(isXlsx(xlsx, 'cohort.xlsx'), true);
  assert.equal(isXlsx(xlsx, 'COHORT.XLSM'), true);
  assert.equal(isXlsx(xlsx), true);
  assert.equal(isXlsx(xlsx, 'cohort.csv'), false);
  assert.equal(isXlsx(enc.encode('time,status\n1,1\n'), 'data.xlsx'), false);
  assert.equal(isXlsx(xlsx.buffer.slice(xlsx.byteOffset, xlsx.byteOffset + xlsx.byteLength), 'a.xlsx'), true);
  assert.equal(isSpreadsheetFile(oleContainer(false), 'old.xls'), true);
  assert.equal(isSpreadsheetFile(enc.encode('time,status\n'), 'data.csv'), false);
});

test('listSheets returns every sheet name in workbook order; sheetToCsv after it (cached cells) equals a fresh read', async () => {
  const bytes = fixture('cohort.xlsx');
  assert.deepEqual(await listSheets(bytes), ['Patients', 'Header only', 'Blank', 'Layout', 'Formulas']);
  for (const sheet of ['Patients', 'Layout', 'Header only']) {
    assert.deepEqual(await sheetToCsv(bytes, sheet), await sheetToCsv(fixture('cohort.xlsx'), sheet), sheet);
  }
  await assert.rejects(sheetToCsv(bytes, 'Blank'), /sheet 'Blank' is empty/);
});

test('a sheet with numbers, dates, booleans, formulas and awkward text: exact CSV and notes', async () => {
  const out = await sheetToCsv(fixture('cohort.xlsx'), 'Patients');
  assert.equal(out.csv, PATIENTS_CSV);
  assert.equal(out.rows, 4);
  assert.deepEqual(out.columns, PATIENTS[0]);
  assert.equal(out.headerRow, 1);
  // Line 6 is the second line of the quoted "two\nlines" cell in sheet row 5.
  assert.deepEqual(out.sheetRowByLine, [null, 1, 2, 3, 4, 5, 5]);
  assert.deepEqual(out.notes, [
    "column 'diagnosed': 3 cells were dates and were written as yyyy-mm-dd",
    "column 'visit': 3 cells were dates with a time and were written as yyyy-mm-ddTHH:MM:SS",
    "column 'smoker': 3 cells were TRUE/FALSE and were written as the text TRUE or FALSE",
  ]);
});

test('numbers in the CSV read back to exactly the doubles that were written', async () => {
  const { csv } = await sheetToCsv(fixture('cohort.xlsx'), 'Patients');
  const rows = csv.split('\n').slice(1, 4).map((l) => l.split(','));
  const written = PATIENTS.slice(1, 4).map((r) => r.map((c) => (c && typeof c === 'object' && 'value' in c ? c.value : c)));
  for (const col of [3, 4, 5]) {
    for (let r = 0; r < 3; r++) {
      if (written[r][col] === null) continue;
      assert.ok(Object.is(Number(rows[r][col]), written[r][col]), `row ${r + 2} col ${col}: ${rows[r][col]}`);
    }
  }
});

test('the engine reads the converted sheet with the expected column types and missing counts', async () => {
  const { csv } = await sheetToCsv(fixture('cohort.xlsx'), 'Patients');
  const d = describeCsv(csv);
  assert.equal(d.rows, 4);
  assert.deepEqual(typesAndMissing(d), {
    id: ['numeric', 0],
    time: ['numeric', 1],
    status: ['numeric', 1],
    ratio: ['numeric', 0],
    tiny: ['numeric', 1],
    big: ['numeric', 0],
    diagnosed: ['categorical', 1],
    visit: ['categorical', 1],
    smoker: ['categorical', 1],
    note: ['categorical', 0],
    city: ['categorical', 1],
    double_time: ['numeric', 1],
  });
  const col = (name) => d.columns.find((c) => c.name === name);
  assert.deepEqual(col('city').levels, ['Zürich', 'São Paulo', '東京']);
  assert.deepEqual(col('note').levels, ['plain', 'a, b', 'say "hi"', 'two\nlines']);
  assert.deepEqual(col('smoker').levels, ['TRUE', 'FALSE']);
});

test('layout repairs: header below empty rows, empty column, merged and duplicate header cells, empty row, times, mixed column', async () => {
  const out = await sheetToCsv(fixture('cohort.xlsx'), 'Layout');
  assert.equal(out.csv, LAYOUT_CSV);
  assert.equal(out.rows, 3);
  assert.equal(out.headerRow, 3);
  assert.deepEqual(out.sheetRowByLine, [null, 3, 4, 6, 7]);
  assert.deepEqual(out.notes, [
    'the header was taken from sheet row 3, the first row that is not empty',
    '1 empty row inside the table was skipped (sheet row 5)',
    '1 empty column was left out (B)',
    "column D has no name in the header row (merged or empty header cell), so it was named 'column_D'",
    "the header name in column E holds tabs, line breaks or runs of spaces; it was written as 'wake time'",
    "the name 'group' appears twice in the header, so column F was renamed 'group_2'",
    "column 'wake time': 2 cells were times of day and were written as HH:MM:SS",
    "column 'alive' mixes 1 number with 1 text cell (first: '<0.1' in cell G6), so it will be read as text",
  ]);
  assert.deepEqual(typesAndMissing(describeCsv(out.csv)), {
    group: ['categorical', 1],
    dose: ['numeric', 1],
    column_D: ['numeric', 0],
    'wake time': ['categorical', 1],
    group_2: ['categorical', 0],
    alive: ['categorical', 1],
  });
});

test('formulas give their cached text; error results and uncalculated formulas come out empty (missing)', async () => {
  const out = await sheetToCsv(fixture('cohort.xlsx'), 'Formulas');
  assert.equal(out.csv, 'n,label,ratio\n1,case 1,\n2,,0.5\n');
  assert.deepEqual(out.notes, []);
  assert.deepEqual(typesAndMissing(describeCsv(out.csv)), { n: ['numeric', 0], label: ['categorical', 1], ratio: ['numeric', 1] });
});

test('a header-only sheet gives a header line, no rows, a note, and loads in the engine', async () => {
  const out = await sheetToCsv(fixture('cohort.xlsx'), 'Header only');
  assert.equal(out.csv, 'patient,time\n');
  assert.equal(out.rows, 0);
  assert.deepEqual(out.notes, ["sheet 'Header only' has a header row but no data rows"]);
  const d = describeCsv(out.csv);
  assert.equal(d.rows, 0);
  assert.deepEqual(d.columns.map((c) => c.name), ['patient', 'time']);
});

test('an empty sheet and a missing sheet are errors naming the sheet', async () => {
  await assert.rejects(sheetToCsv(fixture('cohort.xlsx'), 'Blank'), /sheet 'Blank' is empty/);
  await assert.rejects(
    sheetToCsv(fixture('cohort.xlsx'), 'Patient'),
    /no sheet named 'Patient' \(its sheets: 'Patients', 'Header only', 'Blank', 'Layout', 'Formulas'\)/,
  );
});

test('an unreadable cell names its sheet and cell; the other sheets still list and convert', async () => {
  const bytes = fixture('broken.xlsx');
  assert.deepEqual(await listSheets(bytes), ['Good', 'Bad']);
  assert.equal((await sheetToCsv(bytes, 'Good')).csv, 't\nok\n');
  await assert.rejects(sheetToCsv(bytes, 'Bad'), (e) => {
    assert.match(e.message, /^sheet 'Bad', cell A2 \(row 2, column A\) could not be read/);
    assert.equal(e.sheet, 'Bad');
    assert.equal(e.row, 2);
    assert.equal(e.column, 'A');
    return true;
  });
});

// A minimal OLE2 compound-file header, as old .xls files and password-protected
// .xlsx files start; the encrypted one carries the "EncryptedPackage" stream name.
function oleContainer(encrypted) {
  const bytes = new Uint8Array(1536);
  bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  const name = encrypted ? 'EncryptedPackage' : 'Workbook';
  [...name].forEach((ch, i) => (bytes[1024 + 2 * i] = ch.charCodeAt(0)));
  return bytes;
}

test('files that are not .xlsx workbooks get a message saying what to do', async () => {
  const saveAs = /save it from your spreadsheet program as \.xlsx \(Excel workbook\) or as CSV UTF-8/;
  for (const fn of [listSheets, (b) => sheetToCsv(b, 'Sheet1')]) {
    await assert.rejects(fn(oleContainer(false)), (e) => /old binary Excel file \(\.xls\)/.test(e.message) && saveAs.test(e.message));
    await assert.rejects(fn(oleContainer(true)), (e) => /password-protected/.test(e.message) && saveAs.test(e.message));
    await assert.rejects(fn(enc.encode('time,status\n1,1\n')), /not an Excel workbook \(\.xlsx\)/);
    await assert.rejects(fn(new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8])), /could not be opened as an Excel workbook/);
    await assert.rejects(fn(new Uint8Array(0)), /the file is empty/);
  }
});

test('cellsToCsv quotes fields the engine would split or sniff as delimiters', () => {
  const out = cellsToCsv([['a;b', 'c\td', 'e'], ['x;y', 'p\tq', ' r ']], 'S');
  assert.equal(out.csv, '"a;b",c d,e\n"x;y","p\tq", r \n');
  assert.deepEqual(out.notes, ["the header name in column B holds tabs, line breaks or runs of spaces; it was written as 'c d'"]);
  const d = describeCsv(out.csv);
  assert.deepEqual(d.columns.map((c) => c.name), ['a;b', 'c d', 'e']);
  assert.deepEqual(d.preview[0], ['x;y', 'p\tq', 'r']);
});

test('lung.csv written to .xlsx and read back: same CSV bytes and a byte-identical CLI result (tests/specs/lung.basic.json)', async () => {
  const bytes = fixture('lung.xlsx');
  assert.deepEqual(await listSheets(bytes), ['lung']);
  const out = await sheetToCsv(bytes, 'lung');
  assert.equal(out.csv, fs.readFileSync(datasetPath('lung'), 'utf8'));
  assert.deepEqual(out.notes, []);
  const spec = path.join(root, 'tests/specs/lung.basic.json');
  engine.load(enc.encode(out.csv));
  const wasm = engine.runText(fs.readFileSync(spec, 'utf8'));
  const cli = runCli(datasetPath('lung'), spec);
  assert.equal(cli.status, 0, cli.stdout.slice(0, 300));
  assert.ok(JSON.parse(wasm).ok);
  assert.ok(JSON.parse(wasm).result.results.cox, 'the spec runs a Cox model');
  assert.equal(wasm, cli.stdout);
});

test('every reference dataset written to .xlsx (numbers as number cells) reads back to its exact CSV bytes', async () => {
  const numeric = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  const datasets = [...new Set(specCases().map((c) => c.dataset))];
  assert.ok(datasets.length >= 5);
  for (const name of datasets) {
    const text = fs.readFileSync(datasetPath(name), 'utf8');
    assert.ok(!text.includes('"') && !text.includes('\r'), `${name}.csv is expected to be plain comma-separated`);
    const cells = text
      .replace(/\n$/, '')
      .split('\n')
      .map((line, i) => line.split(',').map((f) => (f === '' ? null : i > 0 && numeric.test(f) ? Number(f) : f)));
    const out = await sheetToCsv(await writeExcelFile(cells).toBuffer(), 'Sheet1');
    assert.equal(out.csv, text, name);
  }
});

test('the committed fixtures are what this file builds (fixtures and expectations cannot drift apart)', async () => {
  const fresh = await buildWorkbooks();
  for (const [name, bytes] of Object.entries(fresh)) {
    const sheets = await listSheets(bytes);
    assert.deepEqual(sheets, await listSheets(fixture(name)), name);
    for (const sheet of sheets) {
      const a = await sheetToCsv(bytes, sheet).catch((e) => e.message);
      const b = await sheetToCsv(fixture(name), sheet).catch((e) => e.message);
      assert.deepEqual(a, b, `${name} / ${sheet}`);
    }
  }
});
