// The rows-used lines name columns and subcohorts from the user's file and
// spec: in the HTML report they are text, never markup (the page shows them
// with textContent; web/results_view.js renderRowsFewer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { runCli, datasetPath } from './harness.mjs';
import { buildReport } from '../../web/report.js';
import { rowsHeadline, fewerText } from '../../web/rows_used.js';

const EVIL_COL = '<img src=x onerror=alert(1)>';
const EVIL_SUB = '</li><script>alert(2)</script>';

// R's lung data with its ph.karno column renamed to markup: ph.karno has
// missing values, so the Cox model using it leaves rows out and says why.
function hostileResult() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-hostile-'));
  const csv = fs.readFileSync(datasetPath('lung'), 'utf8').split('\n');
  csv[0] = csv[0].replace('"ph.karno"', `"${EVIL_COL}"`).replace(/(^|,)ph\.karno(,|$)/, `$1"${EVIL_COL}"$2`);
  assert.ok(csv[0].includes(EVIL_COL), csv[0]);
  const data = path.join(dir, 'lung.csv');
  fs.writeFileSync(data, csv.join('\n'));
  const spec = {
    version: 1,
    time: { column: 'time', unit: 'days' },
    event: { column: 'status', values: [2] },
    group: { column: 'sex' },
    covariates: ['age', EVIL_COL],
    analyses: { cox: {} },
    subcohorts: [{ name: EVIL_SUB, filter: 'age > 50' }],
  };
  const specFile = path.join(dir, 'spec.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const out = runCli(data, specFile);
  assert.equal(out.status, 0, out.stdout.slice(0, 300));
  return JSON.parse(out.stdout).result;
}

test('hostile column and subcohort names in the rows-used lines are text in the report', () => {
  const result = hostileResult();
  const lines = rowsHeadline(result).fewer.map(fewerText);
  assert.ok(lines.some((l) => l.includes(EVIL_COL)), `the column is named: ${lines.join('\n')}`);
  assert.ok(lines.some((l) => l.includes(EVIL_SUB)), 'the subcohort is named');
  const { document } = new JSDOM('<!doctype html><div id="r"></div><div id="w"></div>').window;
  const html = buildReport({
    result,
    resultsElement: document.getElementById('r'),
    warningsElement: document.getElementById('w'),
    fileName: EVIL_COL,
    figureToSvg: () => '',
    date: new Date(0),
  });
  const report = new JSDOM(html).window.document;
  assert.equal(report.querySelectorAll('img, script').length, 0, 'no element made of a name');
  const items = [...report.querySelectorAll('li')].map((li) => li.textContent);
  for (const line of lines) assert.ok(items.includes(line), `the report lists: ${line}`);
});
