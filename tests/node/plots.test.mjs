// The publication figures (web/plots.js, and each analysis's own in web/analyses/) and their export (web/figure_export.js),
// built under jsdom from the CLI's result JSON for the paper spec on the bundled
// cohort and for tests/specs/lung.basic.json: curves, censor marks and
// number-at-risk rows against the JSON's KM tables (n at risk recomputed here
// by a plain scan, and equal to summary.survfit's at_times n_risk), risk
// numbers aligned with the time-axis ticks, forest rows = subgroup levels,
// love-plot points = balance columns, cutpoint points = maxstat candidates;
// the exported SVG parses as XML and holds the risk table and caption; pHYs
// insertion gives CRC-valid chunks (checked with node:zlib's crc32) at 11811 px/m.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import zlib from 'node:zlib';
import { JSDOM } from 'jsdom';
import { runCli, root, datasetPath } from './harness.mjs';
import { kmFigure, nAtRisk, convertTime, niceTimeTicks, DASHES, PALETTE, textColour, FIGURE_WIDTH, FIGURE_STYLES, LEGEND_CLEAR, CENSOR_AUTO_MAX, censorShown } from '../../web/plots.js';
import { forestFigure, overallHr, subcohortForestFigure, declaredLevels, forestWeights } from '../../web/analyses/subgroups.js';
import { loveFigure, loveRows, roundsFigure } from '../../web/analyses/matching.js';
import { cutpointFigure } from '../../web/analyses/cutpoint.js';
import { figureToSvg, svgSize, pngPixelSize, pixelsPerMeter, crc32, pngChunks, setPngDpi, wrapText, download, xmlSafe } from '../../web/figure_export.js';
import { formatP, formatRatioCI } from '../../web/format.js';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
const doc = dom.window.document;

function cliResult(data, spec) {
  const out = runCli(data, spec);
  assert.equal(out.status, 0, out.stdout.slice(0, 300));
  const j = JSON.parse(out.stdout);
  assert.ok(j.ok);
  return j.result;
}
const npc = cliResult(path.join(root, 'public/examples/npc_cohort.csv'), path.join(root, 'public/examples/npc_paper.spec.json'));
const lung = cliResult(datasetPath('lung'), path.join(root, 'tests/specs/lung.basic.json'));
const npcCtx = { spec: npc.spec, cohort: npc.cohort };
const lungCtx = { spec: lung.spec, cohort: lung.cohort };

// Independent of plots.js: everyone with a table time >= t is at risk at t;
// past the last time, those still followed after it.
function atRiskByScan(curve, t) {
  const tb = curve.table;
  for (let i = 0; i < tb.time.length; i++) if (tb.time[i] >= t - 1e-9) return tb.n_risk[i];
  const k = tb.time.length - 1;
  return tb.n_risk[k] - tb.n_event[k] - tb.n_censor[k];
}

const translate = (el) => {
  const m = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(el.getAttribute('transform') ?? '');
  return m ? [Number(m[1]), Number(m[2])] : null;
};
const riskTexts = (fig) => [...fig.querySelectorAll('g.ls-risk-n text')].map((t) => t.textContent);
const riskXs = (fig) => [...fig.querySelectorAll('g.ls-risk-n text')].map((t) => translate(t)[0]);

function checkRiskTable(fig, curves, timesInCurveUnit) {
  const expected = curves.flatMap((c) => timesInCurveUnit.map((t) => String(atRiskByScan(c, t))));
  assert.deepEqual(riskTexts(fig), expected);
}

function checkAccessible(fig) {
  assert.equal(fig.tagName, 'FIGURE');
  const g = fig.querySelector('[role="img"]');
  assert.ok(g, 'role=img');
  assert.ok(g.getAttribute('aria-label').length > 20, 'a descriptive aria-label');
  assert.ok(fig.querySelector('figcaption').textContent.length > 20, 'a caption');
  assert.ok(g.querySelector('svg'));
}

test('KM, whole cohort: one curve per group, a censor mark per censoring time, risk table = n at risk from the KM tables', () => {
  const km = npc.results.km;
  const fig = kmFigure(km, { ...npcCtx, logrank: npc.results.logrank, riskTimes: [0, 12, 24, 36, 48, 60], censor: true }, doc);
  checkAccessible(fig);
  assert.equal(fig.querySelectorAll('g.ls-km-curve').length, km.by_group.length);
  assert.equal(fig.querySelectorAll('g.ls-km-curve path').length, km.by_group.length);
  const censorGroups = fig.querySelectorAll('g.ls-km-censor');
  km.by_group.forEach((c, i) => {
    const n = c.table.n_censor.filter((x) => x > 0).length;
    assert.equal(censorGroups[i].querySelectorAll('path').length, n, `censor marks of ${c.stratum}`);
  });
  // Grayscale: the curves differ in dash, not only in colour.
  const dashes = [...fig.querySelectorAll('g.ls-km-curve')].map((g) => g.getAttribute('stroke-dasharray') ?? 'none');
  assert.equal(new Set(dashes).size, km.by_group.length);
  checkRiskTable(fig, km.by_group, [0, 12, 24, 36, 48, 60]);
  // Where the times coincide with summary.survfit's (spec km.times 12, 36, 60), the same numbers.
  const texts = riskTexts(fig);
  km.by_group.forEach((c, g) => {
    c.at_times.time.forEach((t, k) => {
      const col = [0, 12, 24, 36, 48, 60].indexOf(t);
      assert.equal(texts[g * 6 + col], String(c.at_times.n_risk[k]), `${c.stratum} at ${t}`);
    });
  });
  assert.equal(texts[0], String(km.by_group[0].n));
  // The figure's own cross-check found the at_times numbers and agreed.
  const checked = fig.riskTable.filter((r) => r.atTimes !== undefined);
  assert.equal(checked.length, km.by_group.length * 3);
  for (const r of checked) assert.equal(r.atTimes, r.n);
  // The log-rank p is in the plot.
  const svgText = fig.querySelector('svg').textContent;
  assert.ok(svgText.includes(`Log-rank p ${formatP(npc.results.logrank.by_group.p).replace('<', '< ')}`), svgText.slice(0, 200));
  // Rates annotation: S(t) of at_times in the legend.
  assert.ok(svgText.includes(`1-year ${(100 * km.by_group[0].at_times.surv[0]).toFixed(1)}%`));
});

test('KM: risk-table numbers sit under the time-axis ticks (same x scale and margins)', () => {
  const fig = kmFigure(npc.results.km, { ...npcCtx }, doc);
  const [curvesSvg, riskSvg] = fig.querySelectorAll('svg');
  assert.equal(curvesSvg.getAttribute('width'), riskSvg.getAttribute('width'));
  const tickXs = [...curvesSvg.querySelectorAll('g[aria-label="x-axis tick"] path')].map((p) => translate(p)[0]);
  const groups = npc.results.km.by_group.length;
  const xs = riskXs(fig);
  assert.equal(xs.length, tickXs.length * groups, 'one column per tick');
  for (let g = 0; g < groups; g++) {
    xs.slice(g * tickXs.length, (g + 1) * tickXs.length).forEach((x, i) => assert.ok(Math.abs(x - tickXs[i]) < 0.01, `column ${i}: ${x} vs tick ${tickXs[i]}`));
  }
  // The default times are the axis ticks; their numbers are the scan's.
  const ticks = niceTimeTicks(Math.max(...npc.results.km.by_group.map((c) => c.table.time.at(-1))), 'months');
  checkRiskTable(fig, npc.results.km.by_group, ticks);
});

test('KM in another display unit: years on a months time column (1 year = 12 months = 365.25 days)', () => {
  const fig = kmFigure(npc.results.km, { ...npcCtx, displayUnit: 'years', riskTimes: [0, 1, 3, 5] }, doc);
  assert.ok(fig.querySelector('svg').textContent.includes('Time (years)'));
  assert.equal(convertTime(1, 'years', 'months'), 12);
  assert.equal(convertTime(1, 'years', 'days'), 365.25);
  assert.equal(convertTime(1, 'months', 'days'), 30.4375);
  checkRiskTable(fig, npc.results.km.by_group, [0, 12, 36, 60]);
  const texts = riskTexts(fig);
  npc.results.km.by_group.forEach((c, g) => assert.deepEqual(texts.slice(g * 4 + 1, g * 4 + 4), c.at_times.n_risk.map(String)));
});

test('KM of the overall curve: one curve, no test', () => {
  const fig = kmFigure(npc.results.km, { ...npcCtx, curves: 'overall', logrank: npc.results.logrank }, doc);
  assert.equal(fig.querySelectorAll('g.ls-km-curve').length, 1);
  assert.ok(!fig.querySelector('svg').textContent.includes('Log-rank'));
  checkRiskTable(fig, [npc.results.km.overall], fig.riskTable.map((r) => r.time));
});

test('KM after matching (matched_outcome.km_by_group) and per subcohort', () => {
  const blocks = [{ name: 'whole cohort', results: npc.results }, ...npc.subcohorts];
  for (const b of blocks) {
    const m = b.results.matching;
    const curves = m.matched_outcome.km_by_group;
    const fig = kmFigure({ by_group: curves }, { ...npcCtx, logrank: { by_group: m.matched_outcome.logrank }, riskTimes: [0, 12, 36, 60] }, doc);
    checkAccessible(fig);
    assert.equal(fig.querySelectorAll('g.ls-km-curve').length, 2, b.name);
    checkRiskTable(fig, curves, [0, 12, 36, 60]);
    curves.forEach((c, g) => assert.deepEqual(riskTexts(fig).slice(g * 4 + 1, g * 4 + 4), c.at_times.n_risk.map(String), `${b.name} ${c.stratum}`));
    assert.ok(fig.querySelector('svg').textContent.includes('Log-rank p'));
    if (b.cohort) {
      // The subcohort's own KM, unmatched.
      const f2 = kmFigure(b.results.km, { ...npcCtx, cohort: b.cohort, logrank: b.results.logrank }, doc);
      assert.equal(f2.querySelectorAll('g.ls-km-curve').length, b.results.km.by_group.length);
      assert.equal(riskTexts(f2)[0], String(b.results.km.by_group[0].n));
    }
  }
});

test('KM of the cutpoint groups: three curves, three risk rows, three dash patterns, three legend lines', () => {
  const g = npc.subcohorts.find((s) => s.results.cutpoint).results.cutpoint.groups;
  const fig = kmFigure({ by_group: g.km_by_group }, { ...npcCtx, logrank: { by_group: g.logrank } }, doc);
  assert.equal(g.km_by_group.length, 3);
  assert.equal(fig.querySelectorAll('g.ls-km-curve').length, 3);
  assert.deepEqual([...fig.querySelectorAll('g.ls-km-curve')].map((e) => e.getAttribute('stroke-dasharray') ?? 'none'), DASHES.slice(0, 3));
  assert.deepEqual([...fig.querySelectorAll('g.ls-risk-label text')].map((t) => t.textContent), g.definition.levels);
  checkRiskTable(fig, g.km_by_group, fig.riskTable.filter((r) => r.group === 0).map((r) => r.time));
  const legend = fig.querySelector('svg').textContent;
  for (const l of g.definition.levels) assert.ok(legend.includes(`${l} (n = `), l);
});

test('KM on lung (days): 180/365/730-day risk numbers = at_times n_risk; stratified test shown too', () => {
  const km = lung.results.km;
  const fig = kmFigure(km, { ...lungCtx, logrank: lung.results.logrank, riskTimes: [0, 180, 365, 730] }, doc);
  checkRiskTable(fig, km.by_group, [0, 180, 365, 730]);
  km.by_group.forEach((c, g) => assert.deepEqual(riskTexts(fig).slice(g * 4 + 1, g * 4 + 4), c.at_times.n_risk.map(String)));
  const text = fig.querySelector('svg').textContent;
  assert.ok(text.includes('Log-rank p'));
  assert.ok(text.includes('stratified by ph.ecog'));
  assert.ok(fig.querySelector('svg').textContent.includes('Time (days)'));
  // Past the last time nobody is left: the count after the last row.
  const c = km.by_group[0];
  assert.equal(nAtRisk(c, c.table.time.at(-1) + 1), atRiskByScan(c, c.table.time.at(-1) + 1));
});

// A variable's levels as the spec declares them (here read by hand: the
// subgroup entry's, else the covariate's levels, else a cut's labels; flags 0, 1).
function inSpecOrder(spec, v) {
  const entry = (list) => (list ?? []).map((t) => (typeof t === 'string' ? { column: t } : t)).find((t) => t.column === v.variable);
  const d = (spec.derive ?? []).find((x) => x.name === v.variable);
  const order = entry(spec.analyses.subgroups.variables)?.levels?.length ? entry(spec.analyses.subgroups.variables).levels
    : entry(spec.covariates)?.levels ?? d?.cut?.labels ?? (d?.flag ? ['0', '1'] : null);
  if (!order?.length) return v.levels;
  return [...v.levels].sort((a, b) => order.indexOf(String(a.level)) - order.indexOf(String(b.level)));
}

test('forest plot: one row per subgroup level, one interaction p per variable, squares for estimable levels', () => {
  for (const [name, r, ctx] of [['npc', npc, npcCtx], ['lung', lung, lungCtx]]) {
    const sg = r.results.subgroups;
    const fig = forestFigure(sg, ctx, doc);
    checkAccessible(fig);
    const levels = sg.variables.flatMap((v) => inSpecOrder(r.spec, v));
    assert.equal(fig.querySelectorAll('g.ls-forest-level text').length, levels.length, name);
    assert.deepEqual([...fig.querySelectorAll('g.ls-forest-level text')].map((t) => t.textContent.trim()), levels.map((l) => String(l.level)));
    assert.deepEqual([...fig.querySelectorAll('g.ls-forest-variable text')].map((t) => t.textContent), sg.variables.map((v) => v.variable));
    assert.deepEqual([...fig.querySelectorAll('g.ls-forest-pint text')].map((t) => t.textContent), sg.variables.map((v) => formatP(v.interaction.lrt.p)));
    const finite = levels.filter((l) => l.lower > 0 && l.upper != null && l.hr > 1e-6 && l.hr < 1e6);
    assert.equal(fig.querySelectorAll('g.ls-forest-ci line').length, finite.length, `${name} CI lines`);
    assert.ok(fig.querySelectorAll('g.ls-forest-hr path').length <= finite.length);
    assert.equal(fig.querySelectorAll('g.ls-forest-n text')[0].textContent, `${levels[0].n} (${levels[0].nevent})`);
  }
  // lung's inst has levels with no finite CI: shown as text, not as a square.
  const text = forestFigure(lung.results.subgroups, lungCtx, doc).textContent;
  assert.ok(text.includes('not estimable'));
});

test('love plot: one before and one after point per balance column; threshold line; distance row optional', () => {
  const blocks = [npc.results.matching, lung.results.matching, ...npc.subcohorts.map((s) => s.results.matching)];
  for (const m of blocks) {
    const fig = loveFigure(m, { ...npcCtx, binaryOnce: false }, doc);
    checkAccessible(fig);
    const n = m.balance.before.columns.length;
    assert.equal(fig.querySelectorAll('g.ls-love-before circle, g.ls-love-before path').length, m.balance.before.columns.filter((c) => c.smd != null).length);
    assert.equal(fig.querySelectorAll('g.ls-love-after circle, g.ls-love-after path').length, m.balance.after.columns.filter((c) => c.smd != null).length);
    assert.equal(fig.loveRows.length, n);
    assert.equal(fig.querySelectorAll('g.ls-love-threshold line').length, 1);
    const noDist = loveFigure(m, { ...npcCtx, distance: false, binaryOnce: false }, doc);
    assert.equal(noDist.loveRows.length, n - m.balance.before.columns.filter((c) => c.variable === 'distance').length);
  }
  // Signed SMDs: two threshold lines (±0.1) and negative values kept.
  const signed = loveFigure(npc.results.matching, { ...npcCtx, abs: false }, doc);
  assert.equal(signed.querySelectorAll('g.ls-love-threshold line').length, 2);
  assert.ok(signed.loveRows.some((r) => r.before < 0));
});

test('cutpoint plot: a point per maxstat candidate; maxstat, median, Youden and the chosen value marked', () => {
  const cp = npc.subcohorts.find((s) => s.results.cutpoint).results.cutpoint;
  const fig = cutpointFigure(cp, npcCtx, doc);
  checkAccessible(fig);
  assert.equal(fig.querySelectorAll('g.ls-cut-stat path, g.ls-cut-stat circle').length, cp.maxstat.candidates.cut.length);
  for (const k of ['maxstat', 'median', 'youden', 'groups']) assert.equal(fig.querySelectorAll(`g.ls-cut-${k} line`).length, 1, k);
  const text = fig.querySelector('svg').textContent;
  assert.ok(text.includes(`median: ${+cp.median.cutpoint.toPrecision(4)}`));
  assert.ok(text.includes('bed'), 'x label = the cutpoint column');
});

test('rounds plot: a bar per matching round', () => {
  const m = npc.results.matching;
  const fig = roundsFigure(m, npcCtx, doc);
  checkAccessible(fig);
  assert.equal(fig.querySelectorAll('g.ls-rounds-pairs rect').length, m.rounds.length);
  assert.equal(fig.querySelectorAll('g.ls-rounds-unbalanced path').length, m.rounds.length);
});

test('exported SVG: well-formed XML with xmlns and size, curves + risk table + caption in one SVG, nothing external', () => {
  const fig = kmFigure(npc.results.km, { ...npcCtx, logrank: npc.results.logrank }, doc);
  const svg = figureToSvg(fig);
  const parsed = new dom.window.DOMParser().parseFromString(svg, 'image/svg+xml');
  assert.equal(parsed.getElementsByTagName('parsererror').length, 0);
  const root = parsed.documentElement;
  assert.equal(root.tagName, 'svg');
  assert.equal(root.getAttribute('xmlns'), 'http://www.w3.org/2000/svg');
  const { width, height } = svgSize(svg);
  assert.equal(width, FIGURE_WIDTH, '7 in at 96 px per inch');
  const [a, b] = [...fig.querySelectorAll('svg')].map((s) => Number(s.getAttribute('height')));
  assert.ok(height > a + b, 'room for the caption');
  const nested = [...root.children].filter((e) => e.tagName === 'svg');
  assert.equal(nested.length, 2);
  assert.equal(Number(nested[1].getAttribute('y')), a, 'risk table right under the curves');
  const text = root.textContent;
  assert.ok(text.includes('Number at risk'));
  for (const n of riskTexts(fig)) assert.ok(text.includes(n));
  const captionText = [...root.querySelectorAll('text.ls-caption tspan')].map((t) => t.textContent).join(' ');
  assert.equal(captionText, fig.querySelector('figcaption').textContent.replace(/\s+/g, ' ').trim());
  assert.ok(!/href="(https?:)?\/\/|@import|@font-face|url\(/.test(svg), 'no external resources');
  assert.ok(svg.includes('sans-serif'));
  // Every figure type exports.
  for (const f of [forestFigure(npc.results.subgroups, npcCtx, doc), loveFigure(npc.results.matching, npcCtx, doc), roundsFigure(npc.results.matching, npcCtx, doc)]) {
    const p = new dom.window.DOMParser().parseFromString(figureToSvg(f), 'image/svg+xml');
    assert.equal(p.getElementsByTagName('parsererror').length, 0);
  }
  assert.deepEqual(wrapText('aa bb cc dd', 5), ['aa bb', 'cc dd']);
});

test('exported SVG: a name from the file holding control characters is shown as \\u00XX, and the file stays XML', () => {
  // A group level and a display name with characters XML 1.0 forbids (a CSV field may hold them).
  const spec = { ...npc.spec, labels: { columns: { lt: 'L\u0001T' }, levels: { lt: { 0: 'no\u0008', 1: 'yes\uFFFE' } } } };
  const fig = kmFigure(npc.results.km, { spec, cohort: npc.cohort, logrank: npc.results.logrank }, doc);
  assert.ok(fig.textContent.includes('L\u0001T: no\u0008'), 'the page shows the name as it is');
  const svg = figureToSvg(fig);
  assert.ok(!/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(svg));
  const parsed = new dom.window.DOMParser().parseFromString(svg, 'image/svg+xml');
  assert.equal(parsed.getElementsByTagName('parsererror').length, 0);
  assert.ok(parsed.documentElement.textContent.includes('L\\u0001T: no\\u0008'));
  assert.ok(parsed.documentElement.textContent.includes('L\\u0001T: yes\\ufffe'));
  assert.equal(xmlSafe('a\tb\nc\u0007'), 'a\tb\nc\\u0007');
});

// A 2x1 RGB PNG built here with node:zlib (IHDR, IDAT, IEND), optionally with a 72-dpi pHYs.
function makePng(withPhys) {
  const chunk = (type, data) => {
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const phys = Buffer.alloc(9);
  phys.writeUInt32BE(2835, 0);
  phys.writeUInt32BE(2835, 4);
  phys[8] = 1;
  const idat = zlib.deflateSync(Buffer.from([0, 255, 0, 0, 0, 0, 255]));
  return new Uint8Array(Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), ...(withPhys ? [chunk('pHYs', phys)] : []), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]));
}

test('PNG density: pHYs after IHDR with 11811 px/m (300 dpi), CRCs valid (node:zlib), image data untouched', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926, 'the standard CRC-32 check value');
  assert.equal(pixelsPerMeter(300), 11811);
  assert.equal(pixelsPerMeter(72), 2835);
  for (const withPhys of [false, true]) {
    const src = makePng(withPhys);
    const out = setPngDpi(src, 300);
    const chunks = pngChunks(out);
    assert.deepEqual(chunks.map((c) => c.type), ['IHDR', 'pHYs', 'IDAT', 'IEND']);
    for (const c of chunks) {
      const td = out.subarray(c.offset + 4, c.offset + 8 + c.length);
      assert.equal(c.crc, zlib.crc32(td), `CRC of ${c.type}`);
    }
    const phys = Buffer.from(chunks[1].data);
    assert.equal(phys.length, 9);
    assert.equal(phys.readUInt32BE(0), 11811);
    assert.equal(phys.readUInt32BE(4), 11811);
    assert.equal(phys[8], 1, 'unit: metre');
    const idat = chunks.find((c) => c.type === 'IDAT');
    assert.deepEqual([...zlib.inflateSync(Buffer.from(idat.data))], [0, 255, 0, 0, 0, 0, 255]);
  }
  assert.throws(() => setPngDpi(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 300), /not a PNG/);
});

test('PNG pixel size from inches and dpi, aspect ratio of the SVG kept', () => {
  assert.deepEqual(pngPixelSize(640, 467, { dpi: 300, widthInches: 7 }), { width: 2100, height: 1532 });
  assert.deepEqual(pngPixelSize(640, 320, { dpi: 300, widthInches: 3.5 }), { width: 1050, height: 525 });
  assert.deepEqual(pngPixelSize(960, 480, { dpi: 300 }), { width: 3000, height: 1500 }, 'default: the SVG width at 96 px/in');
  assert.deepEqual(svgSize('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50">'), { width: 100, height: 50 });
});

test('download: a temporary <a download> clicked with an object URL of the data', () => {
  const d = new JSDOM('<!doctype html><body></body>');
  const w = d.window;
  const made = [];
  w.URL.createObjectURL = (blob) => {
    made.push(blob);
    return 'blob:test/1';
  };
  w.URL.revokeObjectURL = () => {};
  let clicked = null;
  w.document.addEventListener('click', (e) => {
    clicked = e.target;
    e.preventDefault();
  });
  download('<svg/>', 'figure.svg', w.document, 'image/svg+xml');
  assert.equal(clicked.getAttribute('download'), 'figure.svg');
  assert.equal(clicked.getAttribute('href'), 'blob:test/1');
  assert.equal(made[0].type, 'image/svg+xml');
  assert.equal(w.document.querySelectorAll('a').length, 0, 'the link is removed again');
});

test('KM takes matched_outcome and cutpoint.groups whole, with their own test; a weighted cohort shows the robust score test', () => {
  const mo = npc.results.matching.matched_outcome;
  const fig = kmFigure(mo, npcCtx, doc);
  assert.equal(fig.querySelectorAll('g.ls-km-curve').length, mo.km_by_group.length);
  assert.ok(fig.querySelector('svg').textContent.includes(`Log-rank p ${formatP(mo.logrank.p).replace('<', '< ')}`));
  const g = npc.subcohorts.find((s) => s.results.cutpoint).results.cutpoint.groups;
  const fg = kmFigure(g, npcCtx, doc);
  assert.equal(fg.querySelectorAll('g.ls-km-curve').length, 3);
  assert.ok(fg.querySelector('svg').textContent.includes(`Log-rank p = ${formatP(g.logrank.p)}`));
  // What the engine writes for 1:k or with-replacement matching: no log-rank,
  // the weighted Cox model's robust score test instead.
  const weighted = { ...mo, logrank: undefined, cox: { ...mo.cox, robust_score: { statistic: 4, df: 1, p: 0.0457 } } };
  const fw = kmFigure(weighted, npcCtx, doc);
  assert.ok(fw.querySelector('svg').textContent.includes(`Robust score test (weighted Cox) p = ${formatP(0.0457)}`));
});

test('forest plot with an overall row (the multivariable Cox HR of the group) first; KM in percent', () => {
  const cox = npc.results.cox.multivariable;
  const k = cox.coefficients.name.indexOf('lt1');
  const c = cox.coefficients;
  const overall = { label: 'All patients', hr: c.hr[k], lower: c.lower[k], upper: c.upper[k], p: c.p[k], n: cox.n, nevent: cox.nevent };
  const sg = npc.results.subgroups;
  const fig = forestFigure(sg, { ...npcCtx, overall }, doc);
  const levels = sg.variables.flatMap((v) => v.levels);
  assert.equal(fig.querySelector('g.ls-forest-overall text').textContent, 'All patients');
  assert.equal(fig.querySelectorAll('g.ls-forest-level text').length, levels.length);
  assert.equal(fig.querySelectorAll('g.ls-forest-ci line').length, levels.length + 1, 'every npc level is estimable, plus the overall row');
  assert.equal(fig.querySelectorAll('g.ls-forest-hrtext text')[0].textContent, formatRatioCI(c.hr[k], c.lower[k], c.upper[k]));
  assert.equal(fig.querySelectorAll('g.ls-forest-n text')[0].textContent, `${cox.n} (${cox.nevent})`);

  const pct = kmFigure(npc.results.km, { ...npcCtx, percent: true }, doc);
  const yTicks = [...pct.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => t.textContent);
  assert.equal(yTicks.at(-1), '100');
  assert.ok(pct.querySelector('svg').textContent.includes('Survival (%)'));
});

test('KM legend: a rate time past a group’s last follow-up reads "not estimable (follow-up ends at …)", not R’s carried value', () => {
  const km = lung.results.km;
  const fig = kmFigure(km, { ...lungCtx, rateTimes: [365, 1000] }, doc);
  const text = fig.querySelector('svg').textContent;
  let beyond = 0;
  for (const c of km.by_group) {
    const end = c.table.time.at(-1);
    if (1000 > end) {
      beyond++;
      assert.ok(text.includes(`1000-day not estimable (follow-up ends at ${end} days)`), text);
    } else assert.ok(!text.includes(`follow-up ends at ${end} days`), text);
    assert.ok(text.includes(`1-year ${(100 * c.at_times.surv[1]).toFixed(1)}%`), text);
  }
  assert.equal(beyond, 1, 'lung: one sex followed to before 1000 days');
  // In the display unit: clean labels and the end of follow-up in years.
  const inYears = kmFigure(km, { ...lungCtx, displayUnit: 'years', rateTimes: [365, 1000] }, doc).querySelector('svg').textContent;
  const end2 = km.by_group[1].table.time.at(-1);
  assert.ok(inYears.includes(`2.74-year not estimable (follow-up ends at ${Number((end2 / 365.25).toFixed(2))} years)`), inYears);
  assert.ok(inYears.includes(`1-year ${(100 * km.by_group[0].at_times.surv[1]).toFixed(1)}%`), inYears);
  assert.ok(!/\d\.\d{3,}-year/.test(inYears), inYears);
});

// ---- issue 10 §3: figures a journal accepts

// An element's position: the product of its and its ancestors' translate()s plus x/y attributes, up to the <svg>.
function position(el) {
  let x = 0;
  let y = 0;
  for (let e = el; e && e.tagName !== 'svg'; e = e.parentElement) {
    const t = translate(e);
    if (t) {
      x += t[0];
      y += t[1];
    }
    // y="0.32em" and the like are Plot's line anchors (text centred on y), not offsets.
    x += Number(e.getAttribute('x') ?? e.getAttribute('cx') ?? 0) || 0;
    y += Number(e.getAttribute('y') ?? e.getAttribute('cy') ?? 0) || 0;
  }
  return [x, y];
}
// The top of the plotting frame: the y of the top tick of the y axis (S = 1).
const frameTop = (svg) => Math.min(...[...svg.querySelectorAll('g[aria-label="y-axis tick"] path')].map((p) => translate(p)[1]));

test('KM: 7 in wide by default, the legend above the frame (clear of S = 1 and its censor marks), in every style', () => {
  for (const figureStyle of ['default', 'journal']) {
    for (const [km, ctx, lr] of [[npc.results.km, npcCtx, npc.results.logrank], [lung.results.km, lungCtx, lung.results.logrank]]) {
      const fig = kmFigure(km, { ...ctx, logrank: lr, censor: true, figureStyle }, doc);
      const svg = fig.querySelector('svg');
      assert.equal(Number(svg.getAttribute('width')), FIGURE_WIDTH);
      const top = frameTop(svg);
      const size = FIGURE_STYLES[figureStyle].fontSize;
      const legend = [...svg.querySelectorAll('g.ls-km-legend text, g.ls-km-legend path')];
      assert.ok(legend.length >= 2 * km.by_group.length, 'a line sample and a label per group');
      for (const el of legend) {
        const y = position(el)[1];
        if (el.tagName === 'text') assert.equal(el.getAttribute('y'), '0.32em', 'legend text centred on its line sample');
        // Text is centred on y: its lower half (size / 2) plus a censor mark's reach (r + stroke) stay above the frame.
        assert.ok(y + size / 2 <= top - FIGURE_STYLES[figureStyle].censorR - 1, `${figureStyle}: legend at ${y} vs frame top ${top}`);
      }
    }
  }
});

test('KM censor marks: on, off, or automatic (on up to CENSOR_AUTO_MAX patients); the caption follows', () => {
  const marks = (f) => f.querySelectorAll('g.ls-km-censor path').length;
  const on = kmFigure(npc.results.km, { ...npcCtx, censor: true }, doc);
  const off = kmFigure(npc.results.km, { ...npcCtx, censor: false }, doc);
  const auto = kmFigure(npc.results.km, { ...npcCtx }, doc);
  assert.ok(marks(on) > 100);
  assert.equal(marks(off), 0);
  assert.equal(off.querySelectorAll('g.ls-km-censor').length, 0);
  assert.ok(!off.querySelector('figcaption').textContent.includes('censored'));
  assert.ok(on.querySelector('figcaption').textContent.includes('+ marks censored observations'));
  // npc: 2041 patients, over the automatic limit; lung: 228, under it.
  assert.ok(npc.cohort.rows_used > CENSOR_AUTO_MAX && lung.cohort.rows_used <= CENSOR_AUTO_MAX);
  assert.equal(marks(auto), 0);
  assert.ok(marks(kmFigure(lung.results.km, { ...lungCtx }, doc)) > 0);
  assert.equal(censorShown('auto', [{ n: CENSOR_AUTO_MAX }]), true);
  assert.equal(censorShown('auto', [{ n: CENSOR_AUTO_MAX }, { n: 1 }]), false);
  assert.equal(censorShown(false, [{ n: 1 }]), false);
});

test('KM risk table: group rows labelled and coloured as their curves (text-safe shade)', () => {
  const fig = kmFigure(npc.results.km, { ...npcCtx }, doc);
  // Text in the curve's hue, darkened where needed to be readable (4.5:1 on white; contrast.test.mjs).
  const curveColours = [...fig.querySelectorAll('g.ls-km-curve')].map((g) => textColour(g.getAttribute('stroke')));
  assert.deepEqual(curveColours, [PALETTE[0], '#C05500']);
  const labelColours = [...fig.querySelectorAll('g.ls-risk-label text')].map((t) => t.getAttribute('fill'));
  assert.deepEqual(labelColours, curveColours);
  const perRow = npc.results.km.by_group.length;
  const ns = [...fig.querySelectorAll('g.ls-risk-n text')];
  const columns = ns.length / perRow;
  for (let g = 0; g < perRow; g++) for (const t of ns.slice(g * columns, (g + 1) * columns)) assert.equal(t.getAttribute('fill'), curveColours[g]);
  assert.deepEqual([...fig.querySelectorAll('g.ls-risk-label text')].map((t) => t.textContent), npc.results.km.by_group.map((c) => `lt = ${c.stratum}`));
});

test('forest plot: levels in the spec’s declared order, not the engine’s (sex: Male, Female; pathology: III, I-II)', () => {
  const sg = npc.results.subgroups;
  assert.deepEqual(sg.variables.find((v) => v.variable === 'sex').levels.map((l) => l.level), ['Female', 'Male'], 'the engine sorts them');
  assert.deepEqual(declaredLevels(npc.spec, 'sex'), ['Male', 'Female']);
  assert.deepEqual(declaredLevels(npc.spec, 'age_group'), ['<45', '>=45'], 'a cut: its labels');
  assert.equal(declaredLevels(lung.spec, 'inst'), null, 'nothing declared: the engine order stays');
  const fig = forestFigure(sg, npcCtx, doc);
  const labels = fig.forestRows.map((r) => r.label.trim());
  assert.deepEqual(labels.slice(0, 3), ['sex', 'Male', 'Female']);
  const p = labels.indexOf('pathology');
  assert.deepEqual(labels.slice(p, p + 3), ['pathology', 'III', 'I-II']);
  // The drawn rows follow the same order (y grows down the page).
  const ys = [...fig.querySelectorAll('g.ls-forest-level text')].map((t) => position(t)[1]);
  assert.deepEqual(ys, [...ys].sort((a, b) => a - b));
});

test('forest plot: square areas proportional to 1/se² of the log HR', () => {
  const sg = npc.results.subgroups;
  const fig = forestFigure(sg, npcCtx, doc);
  // The n (events) texts are drawn one per level row, in row order: they give each row's y.
  const levelRows = fig.forestRows.filter((r) => r.kind === 'level');
  const nTexts = [...fig.querySelectorAll('g.ls-forest-n text')];
  const byY = new Map(levelRows.map((r, i) => [Math.round(position(nTexts[i])[1]), r]));
  const squares = [...fig.querySelectorAll('g.ls-forest-hr path')];
  assert.equal(squares.length, sg.variables.flatMap((v) => v.levels).length);
  const pairs = squares.map((p) => {
    const side = Number(/h([\d.]+)/.exec(p.getAttribute('d'))[1]);
    const row = byY.get(Math.round(position(p)[1]));
    assert.ok(row, 'a square on a level row');
    return { area: side * side, w: 1 / row.se ** 2 };
  });
  const k = pairs[0].area / pairs[0].w;
  for (const q of pairs) assert.ok(Math.abs(q.area / q.w / k - 1) < 0.01, `area ${q.area} vs weight ${q.w}`);
  assert.ok(Math.max(...pairs.map((q) => q.area)) / Math.min(...pairs.map((q) => q.area)) > 2, 'sizes differ');
  assert.deepEqual(forestWeights([{ se: 0.1 }, { se: 0.2 }]), [7, 3.5]);
});

test('forest plot: the overall row is the whole cohort’s multivariable Cox HR of the group (adjusted subgroups), named in the caption', () => {
  const ov = overallHr(npc.results, npc.spec);
  const c = npc.results.cox.multivariable.coefficients;
  const k = c.term.indexOf('lt');
  assert.deepEqual([ov.hr, ov.lower, ov.upper, ov.p, ov.se], [c.hr[k], c.lower[k], c.upper[k], c.p[k], c.se[k]]);
  const fig = forestFigure(npc.results.subgroups, { ...npcCtx, overall: ov }, doc);
  assert.equal(fig.forestRows[0].overall, true);
  assert.equal(fig.querySelector('g.ls-forest-overall text').textContent, 'All patients');
  assert.equal(fig.querySelectorAll('g.ls-forest-overall-hr path').length, 1, 'a diamond');
  assert.equal(fig.querySelectorAll('g.ls-forest-hrtext text')[0].textContent, formatRatioCI(c.hr[k], c.lower[k], c.upper[k]));
  assert.ok(fig.querySelector('figcaption').textContent.includes('All patients (diamond): the HR of lt = 1 in the multivariable Cox model of the whole cohort'));
  // Unadjusted subgroups: the Cox model of the group alone.
  const unadj = { ...npc.results, subgroups: { ...npc.results.subgroups, conventions: { per_level: 'coxph(Surv(time, event) ~ lt) within each level' } } };
  const u = npc.results.cox.univariate.find((f) => f.coefficients.term.every((t) => t === 'lt')).coefficients;
  assert.equal(overallHr(unadj, npc.spec).hr, u.hr[0]);
  assert.match(overallHr(unadj, npc.spec).about, /Cox model of lt alone/);
});

test('subcohort forest plot (the paper’s Figure 4d): one row per subcohort = its multivariable Cox HR of the group', () => {
  const fig = subcohortForestFigure(npc, npcCtx, doc);
  checkAccessible(fig);
  const expected = npc.subcohorts.map((s) => {
    const c = s.results.cox.multivariable.coefficients;
    const k = c.term.indexOf('lt');
    return { name: s.name, text: formatRatioCI(c.hr[k], c.lower[k], c.upper[k]), p: formatP(c.p[k]) };
  });
  assert.deepEqual([...fig.querySelectorAll('g.ls-forest-level text')].map((t) => t.textContent), expected.map((e) => e.name));
  assert.deepEqual([...fig.querySelectorAll('g.ls-forest-hrtext text')].map((t) => t.textContent), expected.map((e) => e.text));
  assert.deepEqual([...fig.querySelectorAll('g.ls-forest-p text')].map((t) => t.textContent), expected.map((e) => e.p));
  assert.equal(fig.querySelectorAll('g.ls-forest-variable').length, 0, 'no variable rows');
  assert.ok(!fig.textContent.includes('P interaction'));
  assert.ok(fig.querySelector('figcaption').textContent.includes("from that subcohort's multivariable Cox model"));
  assert.throws(() => subcohortForestFigure({ ...npc, subcohorts: [] }, npcCtx, doc), /no subcohort/);
});

test('love plot: one row per two-level factor (its second level), the legend clear of the first row', () => {
  const m = npc.results.matching;
  const rows = loveRows(m, { variables: m.balance.tests.map((t) => t.variable) });
  const names = rows.map((r) => r.variable);
  assert.ok(names.includes('sex_Female') && !names.includes('sex_Male'));
  assert.ok(names.includes('t4_1') && !names.includes('t4_0'));
  const fig = loveFigure(m, npcCtx, doc);
  assert.equal(fig.loveRows.length, rows.length);
  assert.ok(fig.loveRows.some((r) => r.label === 'sex = Female'));
  // Every balance column of npc is a two-level factor's, so half of them remain (plus the distance row).
  assert.equal(fig.loveRows.length, 1 + (m.balance.before.columns.length - 1) / 2);
  const svg = fig.querySelector('svg');
  const firstRowY = Math.min(...[...svg.querySelectorAll('g.ls-love-before circle, g.ls-love-before path')].map((e) => position(e)[1]));
  for (const el of svg.querySelectorAll('g.ls-love-legend text, g.ls-love-legend path, g.ls-love-legend circle')) {
    assert.ok(position(el)[1] + 6 + 4 < firstRowY, 'legend entry above the first row’s marks');
  }
});

test('figure styles: the journal style sets Arial 12 px (9 pt at 7 in) in every figure and its export', () => {
  const figs = (figureStyle) => [
    kmFigure(npc.results.km, { ...npcCtx, figureStyle }, doc),
    forestFigure(npc.results.subgroups, { ...npcCtx, figureStyle }, doc),
    loveFigure(npc.results.matching, { ...npcCtx, figureStyle }, doc),
    roundsFigure(npc.results.matching, { ...npcCtx, figureStyle }, doc),
  ];
  for (const [name, st] of Object.entries(FIGURE_STYLES)) {
    // 7 in = 504 pt wide: a font of s px in a FIGURE_WIDTH-wide figure prints at s × 504 / FIGURE_WIDTH pt.
    const pt = (st.fontSize * 504) / FIGURE_WIDTH;
    assert.ok(pt >= 8 && pt <= 9, `${name}: ${pt} pt`);
    for (const f of figs(name)) {
      for (const svg of f.querySelectorAll('svg')) {
        assert.equal(svg.style.fontSize, `${st.fontSize}px`);
        assert.equal(svg.style.fontFamily.replaceAll('"', ''), st.fontFamily);
        assert.equal(Number(svg.getAttribute('width')), FIGURE_WIDTH);
      }
      const out = figureToSvg(f);
      assert.ok(out.includes(`font-size="${st.fontSize}"`), 'the caption in the style’s size');
      assert.ok(out.includes(`font-family="${st.fontFamily}"`));
    }
  }
  const curveWidth = (figureStyle) => Number(kmFigure(npc.results.km, { ...npcCtx, figureStyle }, doc).querySelector('g.ls-km-curve').getAttribute('stroke-width'));
  assert.equal(curveWidth('default'), FIGURE_STYLES.default.curveWidth);
  assert.equal(curveWidth('journal'), FIGURE_STYLES.journal.curveWidth);
});
