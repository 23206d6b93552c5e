// Issue 10 §1: a time column with a few cells that are not numbers ("unknown"
// in rfstime) is never swapped for another column. In headless Debian
// Chromium on the built page (dist/): the Time list keeps rfstime, a notice
// names the cells by file line, Run refuses (never "Done" for another
// column), and "Treat them as missing" reads them as missing
// (data.missing_values) so the run succeeds and counts those rows as dropped.
// Needs `bash scripts/build.sh` first (dist/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromiumSuite, watchErrors } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const WAIT = 20_000;
const TEST_TIMEOUT = 90_000;

let context;
let origin;
let dir;

const browser = chromiumSuite({ dir: dist, required: [path.join(dist, 'index.html')], wait: WAIT });
before(async () => {
  ({ context, origin } = await browser.start());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'time-column-'));
});
after(async () => {
  await browser.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// gbsg-like: id first (numeric, what the form used to pick), a quoted note
// spanning two lines in row 2, and rfstime "unknown" in rows 4, 15 and 16
// (file lines 6, 17 and 18).
function rfsCsv() {
  const rows = ['id,note,rfstime,status,hormon'];
  for (let i = 1; i <= 40; i++) {
    const time = i === 4 || i === 15 || i === 16 ? 'unknown' : String(50 + 13 * i);
    rows.push(`${i},${i === 2 ? '"two\nlines"' : 'x'},${time},${i % 3 === 0 ? 1 : 0},${i % 2}`);
  }
  const file = path.join(dir, 'rfs.csv');
  fs.writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

const NOTICE = 'rfstime: 3 cells are not numbers — line 6 "unknown", line 17 "unknown", line 18 "unknown".';

test('rfstime with "unknown" cells stays the time column; Run refuses until they are treated as missing; then it runs without them', { timeout: TEST_TIMEOUT }, async () => {
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(origin + '/', { waitUntil: 'load' });
    await page.setInputFiles('#file-input', rfsCsv());
    await page.waitForSelector('#setup-section:not([hidden])', { state: 'visible' });
    assert.equal(await page.inputValue('#time-column'), 'rfstime', 'the time column, not id');
    const options = await page.locator('#time-column option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(options.includes('rfstime') && options.includes('id'), options.join());
    const notice = page.locator('#time-cells');
    assert.equal(await notice.isVisible(), true);
    assert.match(await notice.textContent(), new RegExp(`^${NOTICE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    fs.mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
    await notice.screenshot({ path: path.join(root, 'test-artifacts/time-column-not-numbers.png') });
    // Run: refused with the same words; nothing is reported as done.
    await page.click('#run-button');
    await page.waitForFunction(() => /^Not run: /.test(document.getElementById('run-status').textContent));
    const status = await page.textContent('#run-status');
    assert.ok(status.startsWith(`Not run: ${NOTICE}`), status);
    assert.equal(await page.locator('#results').evaluate((el) => el.children.length), 0, 'no results');

    // Another column and back: the notice goes and comes back with rfstime.
    await page.selectOption('#time-column', 'id');
    assert.equal(await notice.isHidden(), true);
    await page.selectOption('#time-column', 'rfstime');
    assert.equal(await notice.isVisible(), true);

    // A spec applied from the JSON editor (as a link's) keeps its time column too.
    await page.selectOption('#time-column', 'id');
    const spec = JSON.parse(await page.inputValue('#spec-text'));
    if (!(await page.isVisible('#spec-text'))) await page.click('#spec-details summary');
    await page.fill('#spec-text', JSON.stringify({ ...spec, time: { column: 'rfstime', unit: 'days' } }));
    await page.click('#spec-apply');
    await page.waitForFunction(() => document.getElementById('spec-status').textContent === 'Applied.');
    assert.equal(await page.inputValue('#time-column'), 'rfstime');
    assert.equal(await notice.isVisible(), true);

    // Treat them as missing: declared numeric, the texts listed; the note says so.
    await notice.locator('button', { hasText: 'Treat them as missing' }).click();
    await page.waitForFunction(() => /treated as missing/.test(document.getElementById('time-cells').textContent));
    assert.match(await notice.textContent(),
      /^rfstime: 3 cells \("unknown"\) are treated as missing — line 6 "unknown", line 17 "unknown", line 18 "unknown"; those rows are left out\./);
    const data = JSON.parse(await page.inputValue('#spec-text')).data;
    assert.deepEqual(data.missing_values, { rfstime: ['unknown'] });
    assert.equal(data.column_types.rfstime, 'numeric');
    assert.equal(await page.inputValue('#time-column'), 'rfstime');

    await notice.screenshot({ path: path.join(root, 'test-artifacts/time-column-treated-as-missing.png') });
    await page.click('#run-button');
    await page.waitForFunction(() => /^(Done|The analysis stopped|Not run)/.test(document.getElementById('run-status').textContent));
    assert.match(await page.textContent('#run-status'), /^Done: 37 of 40 rows in the cohort; 3 left out for missing values \(rfstime 3\)/);
    assert.equal(JSON.parse(await page.inputValue('#spec-text')).time.column, 'rfstime');

    // Undo: the texts are read as before and the notice is back.
    await notice.locator('button', { hasText: 'Undo' }).click();
    await page.waitForFunction(() => /are not numbers/.test(document.getElementById('time-cells').textContent));
    const undone = JSON.parse(await page.inputValue('#spec-text')).data;
    assert.equal(undone.missing_values, undefined);
    assert.equal(undone.column_types.rfstime, undefined);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

// A reproduction link bound to `file` (the page checks its fingerprint).
async function linkFor(spec, file) {
  const bytes = fs.readFileSync(file);
  const s = new Blob([new TextEncoder().encode(JSON.stringify(spec))]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const packed = Buffer.from(await new Response(s).arrayBuffer()).toString('base64url');
  return `${origin}/#ls1.${packed}.${createHash('sha256').update(bytes).digest('hex')}.${bytes.length}`;
}

test('a link\'s time column with text cells is kept: its Run is refused with the lines; a link with data.missing_values runs', { timeout: TEST_TIMEOUT }, async () => {
  const file = rfsCsv();
  const spec = { version: 1, time: { column: 'rfstime', unit: 'days' }, event: { column: 'status', values: ['1'] }, analyses: { km: {} } };
  for (const [link, outcome, note] of [
    [await linkFor(spec, file), /^Not run: rfstime: 3 cells are not numbers — line 6 "unknown"/, /^rfstime: 3 cells are not numbers/],
    [await linkFor({ ...spec, data: { missing_values: { rfstime: ['unknown'] } } }, file), /^Done: 37 of 40 rows in the cohort; 3 left out for missing values \(rfstime 3\)/,
      /^rfstime: 3 cells \("unknown"\) are treated as missing/],
  ]) {
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(link, { waitUntil: 'load' });
      await page.setInputFiles('#file-input', file);
      await page.waitForSelector('#share-confirm:not([hidden])');
      assert.equal(await page.inputValue('#time-column'), 'rfstime');
      assert.match(await page.textContent('#time-cells'), note);
      await page.click('#share-run');
      await page.waitForFunction(() => /^(Done|The analysis stopped|Not run)/.test(document.getElementById('run-status').textContent));
      assert.match(await page.textContent('#run-status'), outcome);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  }
});
