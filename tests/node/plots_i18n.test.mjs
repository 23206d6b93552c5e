// The figures in Chinese (web/plots.js, web/figure_export.js, web/figure_text.js)
// and the Excel reader's messages (web/xlsx.js), under jsdom from the CLI's
// result JSON for the paper spec on the bundled cohort and for
// tests/specs/lung.basic.json: every text a Kaplan–Meier figure shows or
// announces (its <text>, <title>, <desc>, caption, aria-label, and the same in
// its SVG export) holds no untranslated word; the curves, CI bands, censor
// marks and number-at-risk table are drawn exactly where the English figure
// draws them, with the same numbers; layout widths count a Chinese character as
// 1 em (label columns, caption lines), and every figure names CJK fonts.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { runCli, root, datasetPath } from './harness.mjs';
import { untranslatedWords } from './i18n_terms.mjs';
import { kmFigure, textWidth, FIGURE_STYLES, sentences } from '../../web/plots.js';
import { forestFigure } from '../../web/analyses/subgroups.js';
import { loveFigure, roundsFigure } from '../../web/analyses/matching.js';
import { cutpointFigure } from '../../web/analyses/cutpoint.js';
import { figureToSvg, wrapText, setPngDpi } from '../../web/figure_export.js';
import { FONT, fontFor, isWide, textEm } from '../../web/figure_text.js';
import { cellsToCsv, sheetToCsv } from '../../web/xlsx.js';
import { timeLabel, notEstimable } from '../../web/format.js';
import * as units from '../../web/units.js';
import { setLanguage } from '../../web/i18n.js';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
const doc = dom.window.document;

function cliResult(data, spec) {
  const out = runCli(data, spec);
  assert.equal(out.status, 0, out.stdout.slice(0, 300));
  return JSON.parse(out.stdout).result;
}
const npc = cliResult(path.join(root, 'public/examples/npc_cohort.csv'), path.join(root, 'public/examples/npc_paper.spec.json'));
const lung = cliResult(datasetPath('lung'), path.join(root, 'tests/specs/lung.basic.json'));
const npcCtx = { spec: npc.spec, cohort: npc.cohort };
const lungCtx = { spec: lung.spec, cohort: lung.cohort };
const cutpoint = npc.subcohorts.find((s) => s.results.cutpoint).results.cutpoint;
const cutGroups = cutpoint.groups;

/** body() in `lang`, English again afterwards whatever happens. */
function inLanguage(lang, body) {
  setLanguage(lang);
  try {
    return body();
  } finally {
    setLanguage('en');
  }
}
const both = (build) => ({ en: inLanguage('en', build), zh: inLanguage('zh-CN', build) });

// The data's own words (column names, levels): shown as they are in both languages.
const DATA_WORDS = new Set(['lt', 'sex', 'ph.ecog', ...cutGroups.definition.levels.flatMap((l) => String(l).match(/[A-Za-z][\w.]*/g) ?? [])]);
// Words other areas write into a figure: format.js's time labels ('1-year') and
// "not estimable" text, and the unit's word (units.js's unitName, which the
// analyses area adds; until it exists the figure names the unit by its code).
function othersWords() {
  const unitWord = (u) => (typeof units.unitName === 'function' ? units.unitName(u) : u);
  const text = Object.keys(units.DAYS_PER)
    .flatMap((u) => [unitWord(u), timeLabel(1, u), timeLabel(2.5, u), timeLabel(365.25 / units.DAYS_PER[u], u), notEstimable(1, u), notEstimable(null, u)])
    .join(' ');
  return new Set(untranslatedWords(text));
}

// What a reader sees or hears of a figure on the page: its drawn texts,
// titles and descriptions, the caption, and the label of the role=img
// element (its SVGs are aria-hidden: what they hold is announced by that label).
function figureTexts(fig) {
  return [
    ...[...fig.querySelectorAll('text, title, desc')].map((e) => e.textContent),
    fig.querySelector('figcaption').textContent,
    fig.querySelector('[role="img"]').getAttribute('aria-label'),
  ];
}
// The same of its SVG export: the root's label and title, the texts and the caption lines.
function exportTexts(fig) {
  const svg = new dom.window.DOMParser().parseFromString(figureToSvg(fig), 'image/svg+xml').documentElement;
  assert.equal(svg.tagName, 'svg');
  return [svg.getAttribute('aria-label'), ...[...svg.querySelectorAll('text, title, desc')].map((e) => e.textContent)];
}

// Where the marks are: the paths of curves, bands and censor marks, and the
// risk table's numbers with their positions.
function geometry(fig) {
  const attrs = (sel, names) => [...fig.querySelectorAll(sel)].map((e) => names.map((n) => e.getAttribute(n)));
  return {
    curves: attrs('g.ls-km-curve path', ['d']),
    bands: attrs('g.ls-km-ci path', ['d']),
    censor: attrs('g.ls-km-censor path', ['d', 'transform']),
    rateLines: attrs('g.ls-km-ratetime line', ['x1', 'x2', 'y1', 'y2']),
    risk: attrs('g.ls-risk-n text', ['transform', 'x', 'y']).map((a, i) => [...a, fig.querySelectorAll('g.ls-risk-n text')[i].textContent]),
    yTicks: attrs('g[aria-label="y-axis tick"] path', ['transform']),
    xTicks: attrs('g[aria-label="x-axis tick"] path', ['transform']),
    tickLabels: [...fig.querySelectorAll('g[aria-label$="tick label"] text')].map((e) => e.textContent),
  };
}
const numbers = (s) => (String(s).match(/\d+(\.\d+)?/g) ?? []).sort();

const KM_CASES = [
  ['whole cohort by group, censor marks', () => kmFigure(npc.results.km, { ...npcCtx, logrank: npc.results.logrank, censor: true, riskTimes: [0, 12, 24, 36, 48, 60] }, doc)],
  ['lung in years, stratified test, a rate past follow-up', () => kmFigure(lung.results.km, { ...lungCtx, logrank: lung.results.logrank, displayUnit: 'years', rateTimes: [365, 1000] }, doc)],
  ['matched cohort (its own log-rank)', () => kmFigure(npc.results.matching.matched_outcome, npcCtx, doc)],
  ['weighted matched cohort (robust score test)', () => kmFigure({ ...npc.results.matching.matched_outcome, logrank: undefined, cox: { robust_score: { p: 0.0457 } } }, npcCtx, doc)],
  ['cutpoint groups, three curves', () => kmFigure(cutGroups, npcCtx, doc)],
  ['overall curve in percent, no risk table', () => kmFigure(lung.results.km, { ...lungCtx, curves: 'overall', percent: true, riskTable: false }, doc)],
  ['overall curve, Peto–Peto label', () => kmFigure(npc.results.km, { ...npcCtx, spec: { ...npc.spec, analyses: { ...npc.spec.analyses, logrank: { rho: 1 } } }, logrank: npc.results.logrank, riskTable: false, rates: false }, doc)],
];

test('Kaplan–Meier in Chinese: no untranslated word in any text, title, caption or label, on the page or in the export', () => {
  const allowed = inLanguage('zh-CN', othersWords);
  let legendLines = 0;
  for (const [name, build] of KM_CASES) {
    const { en, zh } = both(build);
    const texts = [...figureTexts(zh), ...inLanguage('zh-CN', () => exportTexts(zh))];
    for (const text of texts) {
      assert.deepEqual(untranslatedWords(text, new Set([...DATA_WORDS, ...allowed])), [], `${name}: "${text}"`);
    }
    // The English figure does say something in words, and the Chinese one says it in Chinese.
    assert.ok(figureTexts(en).some((s) => /Survival/.test(s)), name);
    assert.ok(figureTexts(zh).some((s) => /生存/.test(s)), name);
    // Each legend line, at 1 em per Chinese character, ends inside the figure.
    const width = Number(zh.querySelector('svg').getAttribute('width'));
    for (const g of zh.querySelectorAll('g.ls-km-legend')) {
      for (const text of g.querySelectorAll('text')) {
        const x = [g, text].reduce((a, e) => a + Number(/translate\(([-\d.]+)/.exec(e.getAttribute('transform') ?? '')?.[1] ?? 0), 0);
        assert.ok(x > 0 && x + textWidth(text.textContent) <= width, `${name}: "${text.textContent}" from ${x} to ${x + textWidth(text.textContent)}`);
        legendLines++;
      }
    }
    // Numbers are the same numbers: p values, n, rates, medians, risk counts, ticks.
    assert.deepEqual(numbers(figureTexts(zh).join(' ')), numbers(figureTexts(en).join(' ')), name);
  }
  assert.ok(legendLines >= 10, `${legendLines} legend lines`);
});

test('Kaplan–Meier in Chinese: curves, bands, censor marks and the number-at-risk table drawn exactly as in English', () => {
  for (const [name, build] of KM_CASES) {
    const { en, zh } = both(build);
    const g = geometry(en);
    assert.ok(g.curves.length >= 1 && g.curves.every(([d]) => d && d.length > 20), name);
    assert.deepEqual(geometry(zh), g, name);
    assert.deepEqual(zh.riskTable, en.riskTable, name);
  }
  // The captions say the same in both languages: tests, counts, times.
  const { en, zh } = both(KM_CASES[0][1]);
  assert.match(en.querySelector('figcaption').textContent, /Log-rank p < 0\.001/);
  assert.match(zh.querySelector('figcaption').textContent, /对数秩检验 p < 0\.001/);
  assert.match(zh.querySelector('figcaption').textContent, /2041 例患者，992 例事件。/);
  assert.equal(zh.querySelector('.ls-risk-title').textContent, '风险人数');
  assert.ok([...zh.querySelectorAll('text')].some((e) => e.textContent === '生存概率'));
});

test('width estimates: a Chinese character is 1 em, a Latin one 0.6 em; Chinese labels widen the label column by that', () => {
  assert.equal(textWidth('全部患者', 10), 40);
  assert.equal(textWidth('abcd', 10), 24);
  assert.ok(Math.abs(textEm('（n = 1）：') - (3 + 0.6 * 5)) < 1e-12);
  for (const ch of ['中', '，', '。', '（', '：', '가', 'カ']) assert.ok(isWide(ch), ch);
  for (const ch of ['a', '1', '(', '–', 'é', '“']) assert.ok(!isWide(ch), ch);

  // Risk-table labels: the numbers of each row start at the frame's left edge;
  // the labels end just left of them. Chinese labels of 6 characters need 6 em.
  const frameLeft = (fig) => Number(/translate\(([-\d.]+)/.exec(fig.querySelector('g[aria-label="x-axis tick"] path').getAttribute('transform'))[1]);
  const named = (a, b) => kmFigure(npc.results.km, { ...npcCtx, labels: { 0: a, 1: b } }, doc);
  const zh = named('单纯化疗组别', '局部治疗组别');
  const latin = named('abcdef', 'ghijkl');
  const size = FIGURE_STYLES.default.fontSize;
  assert.ok(Math.abs(frameLeft(zh) - frameLeft(latin) - 6 * (1 - 0.6) * size) < 1e-6, `${frameLeft(zh)} vs ${frameLeft(latin)}`);
  // The label column holds each label at 1 em per character, right of the figure's left edge.
  const x = (el) => Number(/translate\(([-\d.]+)/.exec(el.getAttribute('transform'))[1]);
  const group = zh.querySelector('g.ls-risk-label');
  assert.equal(group.getAttribute('text-anchor'), 'end');
  for (const label of group.querySelectorAll('text')) {
    const end = x(group) + x(label);
    assert.ok(end < frameLeft(zh) && end - 6 * size >= 0, `label from ${end - 6 * size} to ${end}`);
  }
});

test('export: a Chinese caption wraps between characters, no line wider than the figure, no line opening with a closing mark', () => {
  assert.deepEqual(wrapText('aa bb cc dd', 5), ['aa bb', 'cc dd'], 'Latin: at spaces, as before');
  // 6 Latin characters = 6 × 0.55 em; a Chinese character is 1 em (about 1.8 of them).
  assert.deepEqual(wrapText('生存分析，很好', 6), ['生存分', '析，很', '好']);
  assert.deepEqual(wrapText('按分组的 Kaplan–Meier 估计', 12), ['按分组的', 'Kaplan–Meier', '估计']);
  assert.deepEqual(wrapText('（n = 5）', 3), ['（n', '= 5）'], 'a closing mark stays with what it closes');

  const fig = inLanguage('zh-CN', () => kmFigure(lung.results.km, { ...lungCtx, logrank: lung.results.logrank, displayUnit: 'years', rateTimes: [365, 1000] }, doc));
  const svg = figureToSvg(fig);
  const root = new dom.window.DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
  assert.equal(root.getAttribute('xml:lang'), 'zh-CN');
  const width = Number(root.getAttribute('width'));
  const size = Number(root.querySelector('text.ls-caption').getAttribute('font-size'));
  const lines = [...root.querySelectorAll('text.ls-caption tspan')].map((t) => t.textContent);
  assert.ok(lines.length >= 2, lines.join('\n'));
  for (const l of lines) {
    assert.ok(textEm(l, 0.55) * size <= width - 16 + 1e-9, `${l}: ${textEm(l, 0.55) * size} px`);
    assert.ok(!/^[，。、；：）]/.test(l), l);
  }
  const caption = fig.querySelector('figcaption').textContent;
  assert.equal(lines.join('').replace(/\s/g, ''), caption.replace(/\s/g, ''), 'every character kept');
  // Chinese sentences follow one another without a space; English ones with one.
  assert.ok(!/。 /.test(caption), caption);
  assert.equal(sentences(['A.', 'B.', '', 'C。', 'D。']), 'A. B. C。D。');
});

test('a Chinese figure names Simplified Chinese fonts after the Latin ones, on the page and in its export, in both styles; an English one its Latin fonts only', () => {
  assert.equal(fontFor(FONT, 'en'), 'Helvetica, Arial, sans-serif');
  assert.equal(fontFor(FONT, 'zh-CN'), 'Helvetica, Arial, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif');
  assert.equal(fontFor('Georgia', 'zh-CN'), 'Georgia, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC');
  assert.equal(fontFor(fontFor(FONT, 'zh-CN'), 'zh-CN'), fontFor(FONT, 'zh-CN'));
  for (const lang of ['en', 'zh-CN']) {
    for (const figureStyle of Object.keys(FIGURE_STYLES)) {
      const figs = inLanguage(lang, () => [
        kmFigure(npc.results.km, { ...npcCtx, figureStyle }, doc),
        forestFigure(npc.results.subgroups, { ...npcCtx, figureStyle }, doc),
        loveFigure(npc.results.matching, { ...npcCtx, figureStyle }, doc),
        roundsFigure(npc.results.matching, { ...npcCtx, figureStyle }, doc),
        cutpointFigure(cutpoint, { ...npcCtx, figureStyle }, doc),
      ]);
      for (const f of figs) {
        assert.equal(f.lang, lang);
        const family = f.dataset.fontFamily;
        assert.equal(family, fontFor(FIGURE_STYLES[figureStyle].fontFamily, lang));
        if (lang === 'en') assert.ok(!/CJK/.test(family), family);
        else assert.match(family, /^(Helvetica|Arial), (Arial|Helvetica), Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif$/);
        for (const svg of f.querySelectorAll('svg')) assert.equal(svg.style.fontFamily.replaceAll('"', ''), family);
        const out = figureToSvg(f);
        assert.ok(out.includes(`font-family="${family}"`));
        assert.ok(out.includes(`xml:lang="${lang}"`));
      }
    }
  }
});

test('figure export errors are in the page language', () => {
  assert.throws(() => setPngDpi(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 300), /^Error: not a PNG file$/);
  inLanguage('zh-CN', () => {
    assert.throws(() => setPngDpi(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 300), /^Error: 不是 PNG 文件$/);
    assert.throws(() => figureToSvg(doc.createElement('figure')), /^Error: 此图中没有 SVG$/);
    assert.throws(() => kmFigure([], npcCtx, doc), /^Error: 此结果中没有 Kaplan–Meier 曲线$/);
  });
});

// A sheet whose conversion writes every kind of note: a blank first row, an
// empty row and an empty column inside, header names with runs of spaces,
// missing and twice, dates, date-times, times of day, TRUE/FALSE, and a
// column mixing numbers with text.
const utc = (...a) => new Date(Date.UTC(...a));
const SHEET = [
  [null, null, null, null, null, null, null, null, null],
  ['id', 'visit  date', null, 'id', 'seen', 'clock', 'smoker', 'dose', null],
  [1, utc(2020, 0, 2), null, 7, utc(2020, 0, 2, 10, 30), utc(1899, 11, 30, 8, 15), true, 5, null],
  [null, null, null, null, null, null, null, null, null],
  [2, utc(2021, 5, 3), 'x', 8, utc(2021, 5, 3, 11, 0), utc(1899, 11, 30, 9, 0), false, 'unknown', null],
  [3, utc(2022, 1, 4), null, 9, utc(2022, 1, 4, 12, 0), utc(1899, 11, 30, 10, 0), true, 'high', null],
];

test('Excel sheets in Chinese: every note and error is Chinese, with the same numbers, names and cells as in English', async () => {
  const { en, zh } = both(() => cellsToCsv(SHEET, 'Cohort'));
  assert.equal(zh.csv, en.csv, 'the data do not depend on the language');
  assert.equal(en.notes.length, 10, en.notes.join('\n'));
  assert.equal(zh.notes.length, en.notes.length);
  const data = new Set(['Cohort', 'id', 'visit', 'date', 'seen', 'clock', 'smoker', 'dose', 'unknown', 'column', 'id', 'H5', 'yyyy-mm-dd', 'yyyy-mm-ddTHH', 'MM', 'SS', 'HH']);
  en.notes.forEach((note, i) => {
    assert.deepEqual(untranslatedWords(zh.notes[i], data), [], zh.notes[i]);
    assert.deepEqual(numbers(zh.notes[i]), numbers(note), `${note} / ${zh.notes[i]}`);
  });
  assert.ok(en.notes.includes('1 empty row inside the table was skipped (sheet row 4)'), en.notes.join('\n'));
  assert.ok(zh.notes.includes('已跳过表格中间的 1 个空行（工作表第 4 行）'), zh.notes.join('\n'));
  assert.ok(en.notes.includes("column 'dose' mixes 1 number with 2 text cells (first: 'unknown' in cell H5), so it will be read as text"), en.notes.join('\n'));

  const noRows = both(() => cellsToCsv([['a', 'b']], 'Blank'));
  assert.deepEqual(noRows.en.notes, ["sheet 'Blank' has a header row but no data rows"]);
  assert.deepEqual(noRows.zh.notes, ['工作表“Blank”有表头行，但没有数据行']);

  // Files that are not workbooks: the message says what to do, in the page's language.
  const ole = new Uint8Array(1536);
  ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  const bad = [new Uint8Array(0), ole, new TextEncoder().encode('time,status\n1,1\n'), new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8])];
  setLanguage('zh-CN');
  try {
    for (const bytes of bad) {
      const err = await sheetToCsv(bytes, 'Sheet1').then(() => null, (e) => e);
      assert.ok(err, 'refused');
      // The reading library's own message (in English) is quoted as it is.
      const library = err.cause?.message ?? '';
      assert.deepEqual(untranslatedWords(err.message.replace(library, ' ')), [], err.message);
      assert.match(err.message, /[\u4e00-\u9fff]/);
    }
    await assert.rejects(sheetToCsv(ole, 'Sheet1'), /旧版二进制 Excel 文件（\.xls）.*另存为 \.xlsx（Excel 工作簿）或 CSV UTF-8 格式/);
    assert.throws(() => cellsToCsv([[null]], 'Leer'), /^Error: 工作表“Leer”为空/);
  } finally {
    setLanguage('en');
  }
});
