// Hostile reproduction links in the built page (dist/), in headless Debian
// Chromium: a link never starts a run by itself (it restores the settings,
// says what a run will do and waits for the user), every failure while
// opening one is a message on the page and never an uncaught error, and the
// export buttons never throw whatever settings a link left in the form.
// Needs `bash scripts/build.sh` first (dist/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromiumSuite, watchErrors } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const artifacts = path.join(root, 'test-artifacts');

const WAIT = 20_000;
const TEST_TIMEOUT = 90_000;

// The example the page loads (the built copy: what its fingerprint is taken of).
const exampleCsv = fs.readFileSync(path.join(dist, 'examples/npc_cohort.csv'));
const exampleSha = createHash('sha256').update(exampleCsv).digest('hex');
const paperSpec = JSON.parse(fs.readFileSync(path.join(root, 'public/examples/npc_paper.spec.json'), 'utf8'));

let origin;
let context;

const browser = chromiumSuite({ dir: dist, required: [path.join(dist, 'index.html')], wait: WAIT });
after(() => browser.stop());
before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  ({ origin, context } = await browser.start());
});

async function deflateRaw(bytes) {
  const s = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

/** A link whose spec is `text` (any JSON text, however hostile), bound to the example. */
async function linkWith(text, sha = exampleSha, size = exampleCsv.length) {
  const packed = Buffer.from(await deflateRaw(new TextEncoder().encode(text))).toString('base64url');
  return `${origin}/#ls1.${packed}.${sha}.${size}`;
}

/**
 * A page that records uncaught errors and the type of every message the page
 * posts to the engine worker ('init', 'load', 'describe', 'run').
 */
async function openPage(url, { initScript, initArg } = {}) {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.addInitScript(() => {
    window.__posted = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, ...rest) {
      window.__posted.push(message?.type);
      return post.call(this, message, ...rest);
    };
  });
  if (initScript) await page.addInitScript(initScript, initArg);
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}

const posted = (page) => page.evaluate(() => window.__posted);

async function shareStatus(page) {
  await page.waitForFunction(() => document.getElementById('share-status')?.textContent);
  return { text: await page.textContent('#share-status'), cls: await page.getAttribute('#share-status', 'class') };
}

/** Waits until #share-status holds a message other than the "choose the file" one. */
async function waitForShareOutcome(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('share-status');
    return s?.textContent && !/^This link reproduces an analysis/.test(s.textContent);
  });
  return shareStatus(page);
}

test('a link nesting 5,000 deep, or with wrong types, shows an error and no uncaught error; nothing is restored', { timeout: TEST_TIMEOUT }, async () => {
  const deep = `{"version":1,"event":{"column":"death","values":${'['.repeat(5000)}1${']'.repeat(5000)}}}`;
  const { page, errors } = await openPage(await linkWith(deep));
  try {
    const status = await shareStatus(page);
    assert.equal(status.cls, 'error');
    assert.match(status.text, /nests lists or objects more than 32 levels deep/);
    assert.doesNotMatch(status.text, /restored/);
    await page.screenshot({ path: path.join(artifacts, 'link-too-deep.png') });
    // The example then opens with its own settings; the link is not applied.
    await page.click('#example-button');
    await page.waitForSelector('#setup-section:not([hidden])');
    assert.equal(JSON.parse(await page.inputValue('#spec-text')).subcohorts?.length, paperSpec.subcohorts?.length);
    assert.equal(await page.getAttribute('#share-status', 'class'), 'error');
    assert.equal(await page.isHidden('#share-confirm'), true);
    assert.ok(!(await posted(page)).includes('run'), 'nothing ran');

    // A link pasted into the open tab (hashchange), with the wrong types.
    const wrong = await linkWith(JSON.stringify({ ...paperSpec, analyses: { km: 5 } }));
    await page.evaluate((hash) => { location.hash = hash; }, new URL(wrong).hash);
    await page.waitForFunction(() => /must be an object/.test(document.getElementById('share-status').textContent));
    assert.match(await page.textContent('#share-status'), /"analyses\.km" must be an object of options, not a number/);
    assert.equal(await page.getAttribute('#share-status', 'class'), 'error');
    // The JSON editor refuses the same text with the same check.
    await page.click('#spec-details summary');
    await page.fill('#spec-text', deep);
    await page.click('#spec-apply');
    assert.match(await page.textContent('#spec-status'), /^Not applied: The spec nests lists or objects more than 32 levels deep/);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('a link bound to the example with 60 subcohorts restores the settings, says what it runs, and runs only when confirmed', { timeout: TEST_TIMEOUT }, async () => {
  const subcohorts = Array.from({ length: 60 }, (_, i) => ({ name: `age over ${30 + i}`, filter: `age > ${30 + i}` }));
  const spec = { ...paperSpec, analyses: { km: { times: [12, 36] }, followup: {} }, subcohorts };
  const { page, errors } = await openPage(await linkWith(JSON.stringify(spec)));
  try {
    assert.match((await shareStatus(page)).text, /confirm the run, before anything runs/);
    await page.click('#example-button');
    const status = await waitForShareOutcome(page);
    assert.equal(status.cls, 'ok');
    assert.equal(status.text, 'This is the file the link was made with: its settings are restored below. Nothing has run yet.');
    await page.waitForSelector('#share-confirm:not([hidden])');
    assert.equal(
      await page.textContent('#share-plan'),
      'It runs 2 analyses (Kaplan–Meier, median follow-up) on the whole cohort and on each of 60 subcohorts (61 cohorts in all).',
    );
    // The settings are in the form, exactly the link's.
    assert.deepEqual(JSON.parse(await page.inputValue('#spec-text')), spec);
    assert.equal(await page.locator('#subcohorts .subcohort').count(), 60);
    assert.equal(await page.inputValue('[aria-label="subcohort 60 filter"]'), 'age > 89');
    // Nothing ran: the engine was given the file, never asked to run.
    await page.waitForTimeout(500);
    const before = await posted(page);
    assert.ok(before.includes('load'), `posted: ${before}`);
    assert.ok(!before.includes('run'), `posted: ${before}`);
    assert.equal(await page.isHidden('#results-section'), true);
    assert.equal(await page.isHidden('#run-progress'), true);
    assert.equal(await page.textContent('#run-status'), '');
    await page.screenshot({ path: path.join(artifacts, 'link-confirm.png') });

    await page.click('#share-run');
    assert.equal(await page.isHidden('#share-confirm'), true);
    await page.waitForFunction(() => /^(Done|The analysis stopped|Cancelled)/.test(document.getElementById('run-status')?.textContent ?? ''), null, { timeout: 60_000 });
    assert.match(await page.textContent('#run-status'), /^Done: 2041 of 2041 rows in the cohort/);
    assert.equal((await posted(page)).filter((t) => t === 'run').length, 1);
    assert.equal(await page.locator('#results .result-block').count(), 61);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('the runaway link (10,000 subcohorts on the example) restores, shows the first 100 rows, and runs nothing', { timeout: TEST_TIMEOUT }, async () => {
  const subcohorts = Array.from({ length: 10_000 }, (_, i) => ({ name: `s${i}`, filter: `age > ${i % 90}` }));
  const spec = { ...paperSpec, subcohorts };
  const { page, errors } = await openPage(await linkWith(JSON.stringify(spec)));
  try {
    await page.click('#example-button');
    await page.waitForSelector('#share-confirm:not([hidden])');
    assert.match(await page.textContent('#share-plan'), /on each of 10,000 subcohorts \(10,001 cohorts in all\)\. Each cohort: matching repeats for up to \d+ rounds\.$/);
    assert.equal(await page.locator('#subcohorts .subcohort').count(), 100);
    assert.equal(await page.textContent('#subcohorts p.hint'), '…and 9,900 more subcohorts, not shown here: see the analysis spec (JSON) below.');
    assert.equal(JSON.parse(await page.inputValue('#spec-text')).subcohorts.length, 10_000);
    // Removing a shown row removes that subcohort, and the count follows.
    await page.click('#subcohorts .subcohort:first-child button');
    assert.equal(JSON.parse(await page.inputValue('#spec-text')).subcohorts[0].name, 's1');
    assert.match(await page.textContent('#share-plan'), /on each of 9,999 subcohorts/);
    await page.waitForTimeout(500);
    assert.ok(!(await posted(page)).includes('run'));
    assert.equal(await page.isHidden('#results-section'), true);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('a link for another file restores nothing silently and runs nothing; data settings that do not fit the file are a message', { timeout: TEST_TIMEOUT }, async () => {
  // Bound to another file: the example has a different size and fingerprint.
  const other = await linkWith(JSON.stringify(paperSpec), 'ab'.repeat(32), 1234);
  const { page, errors } = await openPage(other);
  try {
    await page.click('#example-button');
    const status = await waitForShareOutcome(page);
    assert.equal(status.cls, 'error');
    assert.match(status.text, /not the file the link was made with.*"Run analysis" stays off until you choose the file the link was made with, or detach/);
    assert.doesNotMatch(status.text, /restored/);
    assert.equal(await page.isHidden('#share-confirm'), true);
    assert.equal(await page.isDisabled('#run-button'), true);
    assert.equal(await page.isVisible('#share-detach'), true);
    await page.waitForTimeout(500);
    assert.ok(!(await posted(page)).includes('run'));
    assert.equal(await page.isHidden('#results-section'), true);
  } finally {
    await page.close();
  }
  // Column types naming a column the file lacks: the file cannot be read so.
  const page2 = await openPage(await linkWith(JSON.stringify({ ...paperSpec, data: { column_types: { no_such_column: 'numeric' } } })));
  try {
    await page2.page.click('#example-button');
    const status = await waitForShareOutcome(page2.page);
    assert.equal(status.cls, 'error');
    assert.match(status.text, /^Nothing from the link was restored: the file could not be read/);
    assert.match(await page2.page.textContent('#data-status'), /no_such_column/);
    assert.ok(!(await posted(page2.page)).includes('run'));
    assert.deepEqual([...errors, ...page2.errors], []);
  } finally {
    await page2.page.close();
  }
});

test('after a link refuses a file, Run stays off until the link\'s file is given or the analysis is detached from the link', { timeout: TEST_TIMEOUT }, async () => {
  const spec = { ...paperSpec, analyses: { km: { times: [12, 36] } } };
  const link = await linkWith(JSON.stringify(spec));
  // The example with one value changed: same columns, another fingerprint.
  const edited = Buffer.from(exampleCsv.toString('utf8').replace(/\n(\d+),/, (m, id) => `\n${Number(id) + 100000},`));
  assert.notDeepEqual(edited, exampleCsv);
  const giveEdited = (page) => page.setInputFiles('#file-input', { name: 'npc_cohort.csv', mimeType: 'text/csv', buffer: edited });
  const refused = async (page) => {
    await page.waitForFunction(() => /stays off/.test(document.getElementById('share-status')?.textContent ?? ''));
    assert.equal(await page.isDisabled('#run-button'), true);
    assert.equal(await page.isVisible('#share-detach'), true);
    // Enter in a field submits the form: it must not run either.
    await page.locator('#setup-form input:not([type=checkbox]):not([type=file])').first().press('Enter');
    await page.waitForTimeout(300);
    assert.ok(!(await posted(page)).includes('run'));
  };

  // Refused, then the link's file: Run comes back with the link's confirmation.
  const { page, errors } = await openPage(link);
  try {
    await giveEdited(page);
    await refused(page);
    await page.click('#example-button');
    await page.waitForFunction(() => /^This is the file the link was made with/.test(document.getElementById('share-status')?.textContent ?? ''));
    assert.equal(await page.isDisabled('#run-button'), false);
    assert.equal(await page.isHidden('#share-refused'), true);
    await page.waitForSelector('#share-confirm:not([hidden])');
    assert.deepEqual(JSON.parse(await page.inputValue('#spec-text')), spec);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }

  // Refused, then detached: the settings stay, the link leaves the address, and Run runs them on this file.
  const second = await openPage(link);
  try {
    await giveEdited(second.page);
    await refused(second.page);
    await second.page.click('#share-detach');
    assert.match(await second.page.textContent('#share-status'), /^Detached from the link/);
    assert.equal(await second.page.isDisabled('#run-button'), false);
    assert.equal(await second.page.isHidden('#share-refused'), true);
    assert.equal(await second.page.evaluate(() => location.hash), '');
    assert.deepEqual(JSON.parse(await second.page.inputValue('#spec-text')), spec);
    await second.page.click('#run-button');
    await second.page.waitForFunction(() => /^(Done|The analysis stopped)/.test(document.getElementById('run-status')?.textContent ?? ''), null, { timeout: 60_000 });
    assert.match(await second.page.textContent('#run-status'), /^Done/);
    // Another file now is just another file: no link check, no refusal.
    await second.page.evaluate(() => { document.getElementById('data-status').textContent = ''; });
    await giveEdited(second.page);
    await second.page.waitForFunction(() => /rows, \d+ columns/.test(document.getElementById('data-status')?.textContent ?? ''));
    assert.equal(await second.page.isDisabled('#run-button'), false);
    assert.deepEqual(second.errors, []);
  } finally {
    await second.page.close();
  }
});

test('a failure while putting a link into the form is a message, and the form falls back to the file\'s own settings', { timeout: TEST_TIMEOUT }, async () => {
  // Fault injection: restoring this spec throws inside the page's form code.
  const marker = 'age > 1 and age > 2 and age > 3';
  const { page, errors } = await openPage(await linkWith(JSON.stringify({ ...paperSpec, filter: marker })), {
    initScript: (m) => {
      const clone = window.structuredClone;
      window.structuredClone = (v, o) => {
        if (v?.filter === m) throw new TypeError('injected failure');
        return clone(v, o);
      };
    },
    initArg: marker,
  });
  try {
    await page.click('#example-button');
    const status = await waitForShareOutcome(page);
    assert.equal(status.cls, 'error');
    assert.match(status.text, /^The link's settings could not be put into the form: injected failure\. The form shows this file's usual settings instead; nothing has run\.$/);
    await page.waitForSelector('#setup-section:not([hidden])');
    assert.notEqual(JSON.parse(await page.inputValue('#spec-text')).filter, marker);
    assert.ok(!(await posted(page)).includes('run'));
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('with settings the engine refuses, the R script, report, result and link buttons show messages, never an uncaught error', { timeout: TEST_TIMEOUT }, async () => {
  // Types the page accepts, but an option the engine does not know (the
  // whole run stops); the R script generator has thrown on a single 'by'
  // name where it expects a list.
  const spec = { ...paperSpec, analyses: { km: { colour: 'red' }, logrank: { by: 'sex' } } };
  const { page, errors } = await openPage(await linkWith(JSON.stringify(spec)));
  try {
    await page.click('#example-button');
    await page.waitForSelector('#share-confirm:not([hidden])');
    await page.click('#share-run');
    await page.waitForSelector('#run-status.error');
    assert.match(await page.textContent('#run-status'), /analyses\.km\.colour/);

    // The script is written from the engine's reading of the spec, which
    // refuses the option: its message, next to the buttons; no script is downloaded.
    let downloaded = false;
    page.on('download', () => { downloaded = true; });
    await page.click('#rscript-button');
    await page.waitForFunction(() => document.getElementById('export-status')?.textContent, null, { timeout: 5_000 });
    assert.equal(
      await page.textContent('#export-status'),
      "The R script could not be made: analysis spec: 'analyses.km.colour' is not a known option here (known: enabled, conf_int, conf_type, times, by_group). Check the settings (the analysis spec JSON) and run the analysis again.",
    );
    assert.equal(await page.getAttribute('#export-status', 'class'), 'error');
    assert.equal(downloaded, false, 'a script was downloaded');
    for (const [id, what] of [['report-button', 'The report'], ['json-button', 'The result file']]) {
      await page.click(`#${id}`);
      assert.equal(await page.textContent('#export-status'), `${what} needs results: run the analysis first.`);
    }
    await page.click('#share-button');
    assert.equal(await page.textContent('#share-status'), 'Run the analysis first: the link reproduces its results.');
    await page.screenshot({ path: path.join(artifacts, 'link-export-messages.png') });
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
