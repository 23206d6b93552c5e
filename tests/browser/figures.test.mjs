// The publication figures as Chromium draws them on the built page (dist/),
// for the bundled example (the paper's analysis), against the native CLI's
// JSON (issue 10 §3): the Kaplan–Meier legend never meets a curve, the
// number-at-risk columns stand under the axis ticks, censor marks follow the
// page setting; the forest plot's squares have area ∝ 1/se², its levels the
// spec's order, an overall row; the subcohorts' adjusted HR plot (the paper's
// Figure 4d) holds each subcohort's CLI HR; the Love plot's legend is clear
// of its first row; the exported PNG is 2100 px (7 in at 300 dpi) with text
// at 8–9 pt; the journal style changes every figure. Screenshots of the
// figures go to test-artifacts/figures-*.png.
// Needs `bash scripts/build.sh` first (dist/ and build/localsurv).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromiumSuite, watchErrors } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const artifacts = path.join(root, 'test-artifacts');
const cli = path.join(root, 'build/localsurv');
const npcCsv = path.join(root, 'public/examples/npc_cohort.csv');
const npcSpec = JSON.parse(fs.readFileSync(path.join(root, 'public/examples/npc_paper.spec.json'), 'utf8'));

const WAIT = 20_000;
const TEST_TIMEOUT = 120_000;

let context;
let origin;
const browser = chromiumSuite({ dir: dist, required: [path.join(dist, 'index.html'), cli], wait: WAIT, profilePrefix: 'localsurv-figures-' });
after(() => browser.stop());
before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  ({ origin, context } = await browser.start());
});

function runCli(spec, csv) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-spec-'));
  try {
    const specFile = path.join(dir, 'spec.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const out = JSON.parse(execFileSync(cli, [csv, specFile], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    assert.equal(out.ok, true);
    return out.result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const expected = runCli(npcSpec, npcCsv);
const f3 = (x) => Number(x).toFixed(3);
const hrText = (c, k) => `${f3(c.hr[k])} (${f3(c.lower[k])}–${f3(c.upper[k])})`;

/** The example's results on a fresh page. */
async function examplePage() {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(origin + '/', { waitUntil: 'load' });
  await page.click('#example-button');
  await page.waitForSelector('#setup-section:not([hidden])', { state: 'visible' });
  await page.click('#run-button');
  await page.waitForFunction(() => /^Done: /.test(document.getElementById('run-status')?.textContent ?? ''), null, { timeout: WAIT });
  return { page, errors };
}

/** Runs body(page) on the example's results; the page must log no error. */
async function onExample(body) {
  const { page, errors } = await examplePage();
  try {
    await body(page);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
}

// Viewport boxes of the elements matching sel (a selector list, each part scoped to rootSel).
const boxes = (page, rootSel, sel) =>
  page.$$eval(sel.split(',').map((s) => `${rootSel} ${s.trim()}`).join(', '), (els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, w: r.width, h: r.height, cx: r.x + r.width / 2, cy: r.y + r.height / 2, text: e.textContent };
  }));
const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

async function save(page, locator) {
  const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  return fs.readFileSync(await dl.path());
}

test('Kaplan–Meier: legend clear of every curve and censor mark, risk numbers under the ticks, censor marks off / on by the page setting', { timeout: TEST_TIMEOUT }, () =>
  onExample(async (page) => {
    const fig = '#fig-main-km';
    // 2041 patients: over the automatic limit, so no censor marks by default.
    assert.equal(await page.$$eval(`${fig} g.ls-km-censor path`, (e) => e.length), 0);
    assert.ok(!(await page.textContent(`${fig} figcaption`)).includes('censored'));
    await page.selectOption('#km-censor', 'on');
    await page.waitForSelector(`${fig} g.ls-km-censor path`);
    const censor = await boxes(page, fig, 'g.ls-km-censor path');
    assert.ok(censor.length > 100, `${censor.length} censor marks`);
    assert.match(await page.textContent(`${fig} figcaption`), /\+ marks censored observations/);

    const legend = await boxes(page, fig, 'g.ls-km-legend text, g.ls-km-legend path');
    const curves = await boxes(page, fig, 'g.ls-km-curve path');
    const bands = await boxes(page, fig, 'g.ls-km-ci path');
    assert.equal(curves.length, 2);
    assert.ok(legend.length >= 4);
    for (const l of legend) {
      for (const c of [...curves, ...bands, ...censor]) assert.ok(!overlaps(l, c), `legend "${l.text}" ${JSON.stringify(l)} meets ${JSON.stringify(c)}`);
    }
    await page.locator(fig).screenshot({ path: path.join(artifacts, 'figures-km.png') });

    // Risk table: one column per x tick, each number centred on its tick, rows coloured as the curves.
    const ticks = await boxes(page, fig, 'g[aria-label="x-axis tick"] path');
    const ns = await boxes(page, fig, 'g.ls-risk-n text');
    assert.equal(ns.length, 2 * ticks.length);
    ns.forEach((n, i) => assert.ok(Math.abs(n.cx - ticks[i % ticks.length].cx) < 1.5, `risk number ${n.text} at ${n.cx}, tick at ${ticks[i % ticks.length].cx}`));
    const colours = await page.$$eval(`${fig} g.ls-risk-label text`, (els) => els.map((e) => getComputedStyle(e).fill));
    assert.deepEqual(colours, ['rgb(0, 0, 0)', 'rgb(192, 85, 0)'], 'black, and the vermillion curve’s text shade');
    assert.deepEqual(await page.$$eval(`${fig} g.ls-risk-label text`, (els) => els.map((e) => e.textContent)), ['lt = 0', 'lt = 1']);

    await page.selectOption('#km-censor', 'off');
    await page.waitForFunction(() => !document.querySelector('#fig-main-km g.ls-km-censor'));
    assert.ok(!(await page.textContent(`${fig} figcaption`)).includes('censored'));
  }));

test('Kaplan–Meier in Chinese: redrawn on a language switch, in a CJK font, legend clear of every curve, band and censor mark, labels inside the figure', { timeout: TEST_TIMEOUT }, () =>
  onExample(async (page) => {
    const fig = '#fig-main-km';
    const curvesEn = await page.$$eval(`${fig} g.ls-km-curve path`, (els) => els.map((e) => e.getAttribute('d')));
    assert.equal(await page.textContent(`${fig} .ls-risk-title`), 'Number at risk');
    await page.selectOption('#language', 'zh-CN');
    // The choice is kept for the next visit: the other tests' pages (same profile) open in English.
    await page.evaluate(() => localStorage.removeItem('localsurv.language'));
    await page.waitForFunction((sel) => document.querySelector(`${sel} .ls-risk-title`)?.textContent === '风险人数', fig);
    assert.deepEqual(await page.$$eval(`${fig} g.ls-km-curve path`, (els) => els.map((e) => e.getAttribute('d'))), curvesEn, 'the same curves');
    await page.selectOption('#km-censor', 'on');
    await page.waitForSelector(`${fig} g.ls-km-censor path`);
    assert.equal(await page.textContent(`${fig} .ls-risk-title`), '风险人数');
    assert.ok((await page.$$eval(`${fig} text`, (els) => els.map((e) => e.textContent))).includes('生存概率'));

    // A Chinese character is drawn about 1 em wide (a CJK font, not a fallback box or nothing),
    // as the layout's estimates assume.
    const title = (await boxes(page, fig, '.ls-risk-title'))[0];
    const size = await page.$eval(`${fig} .ls-risk-title`, (e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(title.w > 3.6 * size && title.w < 4.4 * size, `风险人数: ${title.w} px at ${size} px`);
    assert.match(await page.$eval(`${fig} svg`, (e) => getComputedStyle(e).fontFamily), /Noto Sans CJK SC/);

    const legend = await boxes(page, fig, 'g.ls-km-legend text, g.ls-km-legend path');
    const marks = await boxes(page, fig, 'g.ls-km-curve path, g.ls-km-ci path, g.ls-km-censor path');
    assert.ok(legend.length >= 4 && marks.length > 100);
    assert.ok(legend.some((l) => /（n = \d+）：/.test(l.text)), 'the Chinese legend');
    for (const l of legend) for (const m of marks) assert.ok(!overlaps(l, m), `legend "${l.text}" ${JSON.stringify(l)} meets ${JSON.stringify(m)}`);
    await page.locator(fig).screenshot({ path: path.join(artifacts, 'figures-km-zh.png') });
    // Every text of the figure (legend, axis titles, risk labels) lies inside its SVG; a text's
    // box is its font's line box, which rises about 0.2 em above the glyphs of a CJK font.
    const svgs = await boxes(page, fig, 'svg');
    const slack = 0.25 * size;
    for (const t of await boxes(page, fig, 'svg text')) {
      assert.ok(svgs.some((s) => t.x >= s.x - slack && t.x + t.w <= s.x + s.w + slack && t.y >= s.y - slack && t.y + t.h <= s.y + s.h + slack), `"${t.text}" ${JSON.stringify(t)} outside the figure`);
    }
  }));

test('forest plot: squares with area ∝ 1/se², levels in the spec’s order, the overall row; the subcohorts’ adjusted HRs (Figure 4d)', { timeout: TEST_TIMEOUT }, () =>
  onExample(async (page) => {
    const fig = '#fig-main-forest';
    const sg = expected.results.subgroups;
    // Rows: the overall row, then each variable and its levels as the spec declares them.
    const order = (v) => {
      const cov = npcSpec.covariates.find((c) => c.column === v.variable);
      return [...v.levels].sort((a, b) => cov.levels.indexOf(a.level) - cov.levels.indexOf(b.level));
    };
    const levels = sg.variables.flatMap(order);
    assert.deepEqual(await page.$$eval(`${fig} g.ls-forest-level text`, (els) => els.map((e) => e.textContent.trim())), levels.map((l) => l.level));
    const sexRows = await page.$$eval(`${fig} g.ls-forest-level text`, (els) => els.slice(0, 2).map((e) => e.textContent.trim()));
    assert.deepEqual(sexRows, ['Male', 'Female'], 'the spec says Male, Female; the engine sorts them Female, Male');

    // The overall row: the whole cohort's multivariable Cox HR of lt, first.
    const c = expected.results.cox.multivariable.coefficients;
    const k = c.term.indexOf('lt');
    assert.equal(await page.textContent(`${fig} g.ls-forest-overall text`), 'All patients');
    const hrTexts = await page.$$eval(`${fig} g.ls-forest-hrtext text`, (els) => els.map((e) => e.textContent));
    assert.equal(hrTexts[0], hrText(c, k));
    assert.deepEqual(hrTexts.slice(1), levels.map((l) => `${f3(l.hr)} (${f3(l.lower)}–${f3(l.upper)})`));
    assert.match(await page.textContent(`${fig} figcaption`), /All patients \(diamond\): the HR of lt = 1 in the multivariable Cox model of the whole cohort/);

    // Square areas ∝ 1/se²: each square found on its row by y.
    const rowsY = (await boxes(page, fig, 'g.ls-forest-n text')).slice(1).map((b) => b.cy);
    const squares = await boxes(page, fig, 'g.ls-forest-hr path');
    assert.equal(squares.length, levels.length);
    const ratios = squares.map((s) => {
      const i = rowsY.findIndex((y) => Math.abs(y - s.cy) < 2);
      assert.ok(i >= 0, 'a square on a level row');
      return (s.w * s.h) * levels[i].se ** 2;
    });
    for (const r of ratios) assert.ok(Math.abs(r / ratios[0] - 1) < 0.03, `area × se² ${r} vs ${ratios[0]}`);
    await page.locator(fig).screenshot({ path: path.join(artifacts, 'figures-forest.png') });

    // Figure 4d: after the subcohorts, one row per subcohort with its multivariable Cox HR of lt.
    const f4 = '#fig-subcohorts-forest';
    const order4 = await page.$$eval('#results > section', (els) => els.map((e) => e.id));
    assert.equal(order4.at(-1), 'result-subcohorts', 'after the subcohort blocks');
    assert.deepEqual(await page.$$eval(`${f4} g.ls-forest-level text`, (els) => els.map((e) => e.textContent)), expected.subcohorts.map((s) => s.name));
    const want = expected.subcohorts.map((s) => {
      const m = s.results.cox.multivariable.coefficients;
      return hrText(m, m.term.indexOf('lt'));
    });
    assert.deepEqual(await page.$$eval(`${f4} g.ls-forest-hrtext text`, (els) => els.map((e) => e.textContent)), want);
    assert.match(await page.textContent(`${f4} figcaption`), /from that subcohort's multivariable Cox model/);
    await page.locator(f4).screenshot({ path: path.join(artifacts, 'figures-subcohorts-forest.png') });
  }));

test('Love plot: one row per two-level factor, legend clear of the first row', { timeout: TEST_TIMEOUT }, () =>
  onExample(async (page) => {
    const fig = '#fig-main-love';
    const labels = await page.$$eval(`${fig} g[aria-label="y-axis tick label"] text`, (els) => els.map((e) => e.textContent));
    const cols = expected.results.matching.balance.before.columns;
    assert.equal(labels.length, 1 + (cols.length - 1) / 2, 'the distance row and one row per two-level factor');
    assert.ok(labels.includes('sex = Female') && !labels.some((l) => /Male/.test(l)));
    const marks = await boxes(page, fig, 'g.ls-love-before circle, g.ls-love-after path');
    const firstTop = Math.min(...marks.map((m) => m.y));
    for (const l of await boxes(page, fig, 'g.ls-love-legend text, g.ls-love-legend circle, g.ls-love-legend path')) {
      assert.ok(l.y + l.h < firstTop, `legend "${l.text}" bottom ${l.y + l.h} vs first row ${firstTop}`);
    }
    await page.locator(fig).screenshot({ path: path.join(artifacts, 'figures-love.png') });
  }));

test('export: the PNG is 2100 px wide at 300 dpi with text at 8–9 pt, in both figure styles; the journal style changes every figure', { timeout: TEST_TIMEOUT }, () =>
  onExample(async (page) => {
    for (const style of ['default', 'journal']) {
      await page.selectOption('#figure-style', style);
      await page.waitForFunction((s) => document.querySelector('#fig-main-km figure')?.dataset.figureStyle === s, style);
      const png = await save(page, page.locator('#fig-main-km button', { hasText: 'PNG' }));
      assert.equal(png.readUInt32BE(16), 2100, '7 in at 300 dpi');
      const phys = png.indexOf(Buffer.from('pHYs'));
      assert.equal(png.readUInt32BE(phys + 4), 11811, '300 dpi');
      const svg = (await save(page, page.locator('#fig-main-km button', { hasText: 'SVG' }))).toString('utf8');
      // Draw the exported SVG 2100 px wide, as the PNG is, and read the tick labels' and caption's type size there.
      const sizes = await page.evaluate((text) => {
        const holder = document.createElement('div');
        holder.innerHTML = text;
        const root = holder.firstElementChild;
        document.body.append(holder);
        const scale = 2100 / Number(root.getAttribute('width'));
        root.setAttribute('width', String(2100));
        root.setAttribute('height', String(Number(root.getAttribute('height')) * scale));
        const measure = (el) => parseFloat(getComputedStyle(el).fontSize) * (el.getScreenCTM().a);
        const tick = root.querySelector('g[aria-label="x-axis tick label"] text');
        const caption = root.querySelector('text.ls-caption');
        const out = { tick: measure(tick), caption: measure(caption), family: getComputedStyle(tick).fontFamily };
        holder.remove();
        return out;
      }, svg);
      for (const [what, px] of Object.entries({ tick: sizes.tick, caption: sizes.caption })) {
        const pt = (px * 72) / 300;
        assert.ok(pt >= 8 && pt <= 9.01, `${style} ${what}: ${pt.toFixed(2)} pt`);
      }
      if (style === 'journal') assert.match(sizes.family, /^Arial/);
    }
    // Every figure on the page takes the journal style.
    const styles = await page.$$eval('#results figure.ls-figure', (els) => els.map((e) => e.dataset.figureStyle));
    assert.ok(styles.length >= 8);
    assert.deepEqual([...new Set(styles)], ['journal']);
    const fonts = await page.$$eval('#results figure.ls-figure svg', (els) => [...new Set(els.map((e) => e.style.fontSize))]);
    assert.deepEqual(fonts, ['12px']);
    await page.locator('#fig-main-km').screenshot({ path: path.join(artifacts, 'figures-km-journal.png') });
    await page.locator('#fig-main-forest').screenshot({ path: path.join(artifacts, 'figures-forest-journal.png') });
  }));
