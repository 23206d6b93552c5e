// The analyses' tables in Chinese (web/tables.js, web/table_model.js,
// web/analyses/*.js, web/locales/*/analyses.js): every table model of every
// results block of the committed specs (tests/specs/*.json on their datasets)
// and of the bundled example's paper spec, built from the CLI's result in
// English and in Chinese. In Chinese no Latin word is left but the terms
// (tests/node/i18n_terms.mjs), the data's own words (the file's column names
// and values, the spec's names, filters and display names) and text the engine
// wrote that its catalog does not translate yet (engineMessage: the engine
// area's templates); each cell holds the same numbers in the same order as in
// English, and a cell with no words is the very same text. Also: the figures
// the analyses draw themselves (forest, subcohort forest, Love, matching
// rounds, cutpoint) in Chinese, the analyses' form fields name keys that
// exist, and the time labels and "not estimable" cells read in Chinese with
// the same numbers.
import { test, describe, after } from 'node:test';
import { JSDOM } from 'jsdom';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root, runCli, datasetPath, specCases } from './harness.mjs';
import { untranslatedWords, withoutRCode } from './i18n_terms.mjs';
import { analysisBlocks, blockModels, partErrors, toCsv } from '../../web/tables.js';
import { setLanguage } from '../../web/i18n.js';
import { MESSAGES } from '../../web/locales/index.js';
import { isTranslatedEngineMessage } from '../../web/engine_text.js';
import { ANALYSES } from '../../web/analyses/index.js';
import { notEstimable, timeLabel } from '../../web/format.js';
import { forestFigure, overallHr, subcohortForestFigure } from '../../web/analyses/subgroups.js';
import { loveFigure, roundsFigure } from '../../web/analyses/matching.js';
import { cutpointFigure } from '../../web/analyses/cutpoint.js';
import { engineDefault } from '../../web/engine_defaults.js';

const WORD = /[A-Za-z][A-Za-z0-9.\-–']*[A-Za-z0-9]|[A-Za-z]{2,}/g;
const wordsOf = (text) => String(text).match(WORD) ?? [];
const NUMBER = /\d+(?:\.\d+)?/g;
const numbersOf = (text) => String(text).match(NUMBER) ?? [];

/** Runs `fn` with the page in `code`; English again afterwards, whatever happens. */
function inLanguage(code, fn) {
  setLanguage(code);
  try {
    return fn();
  } finally {
    setLanguage('en');
  }
}

function cliResult(dataFile, specFile) {
  const { status, stdout } = runCli(dataFile, specFile);
  assert.equal(status, 0, `localsurv ${specFile} failed: ${stdout.slice(0, 300)}`);
  const doc = JSON.parse(stdout);
  assert.equal(doc.ok, true, `${specFile}: ${stdout.slice(0, 300)}`);
  return doc.result;
}

// The spec's own names: columns, levels, display names, subcohort names and filters.
const NAME_KEYS = new Set(['column', 'columns', 'name', 'filter', 'filters', 'none', 'none_label', 'labels', 'levels', 'reference', 'strata', 'cluster', 'by', 'force', 'exact', 'variables', 'covariates', 'score_covariates', 'derive', 'group', 'time', 'event']);
function specWords(node, named = false, out = new Set()) {
  if (typeof node === 'string') {
    if (named) for (const w of wordsOf(node)) out.add(w);
  } else if (Array.isArray(node)) {
    for (const x of node) specWords(x, named, out);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (named || k === 'labels') for (const w of wordsOf(k)) out.add(w);
      specWords(v, named || NAME_KEYS.has(k), out);
    }
  }
  return out;
}

// Sentences the engine wrote (conventions, rules, errors, warnings, R calls):
// a text with a space, in the results, that no engine template translates.
function untranslatedEngineTexts(result) {
  const out = new Set();
  const walk = (node, key) => {
    if (typeof node === 'string') {
      if (key !== 'spec' && /\s/.test(node) && !isTranslatedEngineMessage(node)) out.add(node);
    } else if (Array.isArray(node)) node.forEach((x) => walk(x, key));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) if (k !== 'spec') walk(v, k);
  };
  walk(result, '');
  // Longest first, so a sentence goes before a shorter one inside it.
  return [...out].sort((a, b) => b.length - a.length);
}

const texts = (m) => [
  ['title', m.title],
  ...(m.headerGroups ?? []).map((g) => ['header group', g.label]),
  ...m.columns.map((c) => ['column', c.label]),
  ...m.rows.flatMap((r) => r.cells.map((c) => ['cell', c])),
  ...m.notes.map((n) => ['note', n]),
];

const cases = [
  ...specCases().map((c) => ({ name: c.name, data: datasetPath(c.dataset), spec: c.specFile })),
  { name: 'npc_paper.spec.json', data: path.join(root, 'public/examples/npc_cohort.csv'), spec: path.join(root, 'public/examples/npc_paper.spec.json') },
];

describe('the tables in Chinese', () => {
  after(() => setLanguage('en'));

  for (const c of cases) {
    test(`${c.name}: no untranslated word, the same numbers as in English`, (t) => {
      const result = cliResult(c.data, c.spec);
      const en = analysisBlocks(result).flatMap(blockModels);
      const zh = inLanguage('zh-CN', () => analysisBlocks(result).flatMap(blockModels));
      assert.ok(en.length > 0, 'some tables');
      assert.deepEqual(zh.map((m) => m.id), en.map((m) => m.id), 'the same tables');

      const allowed = new Set([...wordsOf(fs.readFileSync(c.data, 'utf8')), ...specWords(JSON.parse(fs.readFileSync(c.spec, 'utf8')))]);
      for (const s of result.subcohorts ?? []) for (const w of wordsOf(s.name)) allowed.add(w);
      const engineTexts = untranslatedEngineTexts(result);
      const shownEngine = new Set();
      const withoutEngine = (text) =>
        engineTexts.reduce((s, e) => {
          if (s.includes(e)) shownEngine.add(e);
          return s.split(e).join(' ');
        }, String(text));

      const problems = [];
      en.forEach((me, k) => {
        const mz = zh[k];
        assert.equal(mz.columns.length, me.columns.length, `${me.id}: columns`);
        assert.equal(mz.rows.length, me.rows.length, `${me.id}: rows`);
        assert.equal(mz.notes.length, me.notes.length, `${me.id}: notes`);
        for (const [what, text] of texts(mz)) {
          const left = untranslatedWords(withoutRCode(withoutEngine(text)), allowed);
          if (left.length) problems.push(`${mz.id} ${what} "${text}": ${left.join(', ')}`);
        }
        me.rows.forEach((r, i) => {
          r.cells.forEach((cell, j) => {
            const z = mz.rows[i].cells[j];
            if (!/[A-Za-z]/.test(cell)) assert.equal(z, cell, `${me.id} row ${i} cell ${j}: a cell without words is the same text`);
            else assert.deepEqual(numbersOf(z), numbersOf(cell), `${me.id} row ${i} cell ${j}: "${cell}" / "${z}"`);
          });
        });
        me.columns.forEach((col, j) => assert.deepEqual(numbersOf(mz.columns[j].label).sort(), numbersOf(col.label).sort(), `${me.id} column "${col.label}" / "${mz.columns[j].label}"`));
        me.notes.forEach((n, j) => assert.deepEqual(numbersOf(mz.notes[j]).sort(), numbersOf(n).sort(), `${me.id} note "${n}" / "${mz.notes[j]}"`));
        // The exports carry the same text (CSV: title, headers, cells, notes).
        const csv = inLanguage('zh-CN', () => toCsv(mz));
        assert.ok(csv.includes(mz.title.split(',')[0]), `${me.id}: the CSV has the Chinese title`);
      });
      assert.deepEqual(problems, [], 'untranslated words in the Chinese tables');
      // What the engine's catalog (web/locales/*/engine.js) has yet to translate, for its authors.
      for (const e of shownEngine) if (/[A-Za-z]{3,}/.test(e) && untranslatedWords(e, allowed).length) t.diagnostic(`engine text shown in English: ${e}`);
    });
  }

  test('a Chinese table really is in Chinese, and English stays English', () => {
    const result = cliResult(path.join(root, 'public/examples/npc_cohort.csv'), path.join(root, 'public/examples/npc_paper.spec.json'));
    const zh = inLanguage('zh-CN', () => analysisBlocks(result).flatMap(blockModels));
    const en = analysisBlocks(result).flatMap(blockModels);
    const km = zh.find((m) => m.id === 'main-km');
    assert.equal(km.title, 'Kaplan–Meier 生存率');
    assert.ok(km.columns.some((c) => /^1年生存率，%（95% CI）$/.test(c.label)), km.columns.map((c) => c.label).join(' | '));
    assert.equal(km.columns[2].label, '事件数');
    assert.ok(km.notes.includes('NR = 未达到。'));
    const cox = zh.find((m) => m.id === 'main-cox');
    assert.deepEqual(cox.headerGroups.map((g) => g.label), ['', '单因素', '多因素']);
    assert.equal(cox.columns[1].label, 'HR（95% CI）');
    assert.equal(en.find((m) => m.id === 'main-km').title, 'Kaplan–Meier survival');
    assert.equal(en.find((m) => m.id === 'main-cox').columns[1].label, 'HR (95% CI)');
  });
});

describe('time labels, failed parts and the form in Chinese', () => {
  test("a failed part is named in the page's language; data names stay", () => {
    const part = { maxstat: { error: { message: 'm' } }, groups: { matched: [{ error: 'e' }, { comparison: 'a vs b', error: 'f' }] } };
    assert.deepEqual(partErrors(part).map((p) => p.where), ['maxstat', 'groups matched', 'a vs b']);
    assert.deepEqual(inLanguage('zh-CN', () => partErrors(part).map((p) => p.where)), ['maxstat', '分组 匹配比较', 'a vs b']);
  });


  test('timeLabel and notEstimable: Chinese words, the same numbers', () => {
    inLanguage('zh-CN', () => {
      assert.equal(timeLabel(12, 'months'), '1年');
      assert.equal(timeLabel(365, 'days'), '1年');
      assert.equal(timeLabel(180, 'days'), '180天');
      assert.equal(timeLabel(6, 'months'), '6个月');
      assert.equal(timeLabel(180 / 365.25, 'years'), '0.49年');
      assert.equal(timeLabel(26, 'weeks'), '26周');
      assert.equal(notEstimable(686, 'days'), '不可估计（随访止于 686 天）');
      assert.equal(notEstimable(null, 'days'), '不可估计（无风险人数）');
    });
    assert.equal(timeLabel(26, 'weeks'), '26-week');
    assert.equal(notEstimable(686, 'days'), 'not estimable (follow-up ends at 686 days)');
  });

  test("every form text of the analyses is an 'analyses.' key both languages have, or no words; toggles and titles follow the language", () => {
    const isKey = (s) => typeof s === 'string' && s.startsWith('analyses.');
    const missing = [];
    const wordy = [];
    // Data in placeholders: a filter's example, and the engine's default label of the
    // cutpoint's reference group ("none": the level's name in the results).
    const data = new Set([...wordsOf('lt_bone'), engineDefault('analyses.cutpoint.groups.none_label')]);
    setLanguage('zh-CN');
    try {
    for (const a of ANALYSES) {
      for (const f of a.form?.fields ?? []) {
        const shown = [f.label, ...(f.options ?? []).map((o) => (Array.isArray(o) ? o[1] : o))];
        if (f.attrs.placeholder != null && !/^-?[\d.]+$/.test(f.attrs.placeholder)) shown.push(f.attrs.placeholder);
        for (const s of shown) {
          if (isKey(s)) {
            if (!Object.hasOwn(MESSAGES.en, s) || !Object.hasOwn(MESSAGES['zh-CN'], s)) missing.push(s);
          } else if (untranslatedWords(String(s), data).length) wordy.push(`${f.attrs['data-path']}: ${s}`);
        }
      }
    }
    } finally {
      setLanguage('en');
    }
    assert.deepEqual(missing, [], 'form keys without a text');
    assert.deepEqual(wordy, [], 'form texts that are neither keys nor terms');
    const km = ANALYSES.find((a) => a.key === 'km');
    const cox = ANALYSES.find((a) => a.key === 'cox');
    assert.equal(km.title, 'Kaplan–Meier');
    inLanguage('zh-CN', () => {
      assert.equal(cox.title, 'Cox 回归');
      assert.equal(cox.form.toggle, 'Cox 回归（先单因素，后多因素）');
      const selectP = cox.form.fields.find((f) => f.attrs['data-path'] === 'analyses.cox.select_p');
      assert.equal(selectP.attrs.placeholder, '0 = 全部');
    });
    assert.equal(cox.form.fields.find((f) => f.attrs['data-path'] === 'analyses.cox.select_p').attrs.placeholder, '0 = all');
  });
});

describe('the analyses\' own figures in Chinese', () => {
  after(() => setLanguage('en'));

  test('forest, subcohort forest, Love, matching rounds and cutpoint figures: no untranslated word in their text, caption and label; the same numbers', () => {
    const doc = new JSDOM('<!doctype html><html><body></body></html>').window.document;
    const data = path.join(root, 'public/examples/npc_cohort.csv');
    const npc = cliResult(data, path.join(root, 'public/examples/npc_paper.spec.json'));
    const rounds = cliResult(datasetPath('rotterdam'), path.join(root, 'tests/specs/rotterdam.rounds.json'));
    const build = (result) => {
      const opts = { spec: result.spec, cohort: result.cohort };
      const r = result.results;
      const figs = [];
      if (r.subgroups) figs.push(['forest', forestFigure(r.subgroups, { ...opts, overall: overallHr(r, result.spec) ?? undefined }, doc)]);
      if (result.subcohorts?.length) figs.push(['subcohort forest', subcohortForestFigure(result, opts, doc)]);
      if (r.matching) figs.push(['love', loveFigure(r.matching, opts, doc)], ['rounds', roundsFigure(r.matching, opts, doc)]);
      if (r.cutpoint?.maxstat) figs.push(['cutpoint', cutpointFigure(r.cutpoint, opts, doc)]);
      return figs;
    };
    const shown = (fig) => [
      ...[...fig.querySelectorAll('svg text')].map((x) => x.textContent),
      fig.querySelector('figcaption').textContent,
      fig.querySelector('.ls-figure-graphic').getAttribute('aria-label'),
    ];
    const problems = [];
    for (const [result, specFile, dataFile] of [[npc, 'public/examples/npc_paper.spec.json', data], [rounds, 'tests/specs/rotterdam.rounds.json', datasetPath('rotterdam')]]) {
      const en = build(result);
      const zh = inLanguage('zh-CN', () => build(result));
      assert.ok(zh.length >= 3, 'figures to check');
      const allowed = new Set([...wordsOf(fs.readFileSync(dataFile, 'utf8')), ...specWords(JSON.parse(fs.readFileSync(path.join(root, specFile), 'utf8')))]);
      for (const s of result.subcohorts ?? []) for (const w of wordsOf(s.name)) allowed.add(w);
      const engineTexts = untranslatedEngineTexts(result);
      const withoutEngine = (text) => engineTexts.reduce((s, e) => s.split(e).join(' '), String(text));
      zh.forEach(([name, fig], k) => {
        const textsZh = shown(fig);
        const textsEn = shown(en[k][1]);
        for (const text of textsZh) {
          const left = untranslatedWords(withoutRCode(withoutEngine(text)), allowed);
          if (left.length) problems.push(`${name}: "${text}": ${left.join(', ')}`);
        }
        // The marks' texts (n, HR (CI), p, legends) hold the same numbers; axis ticks
        // may differ, as the labels' widths set the plot's margins.
        const markNumbers = (f) => [...f.querySelectorAll('svg g[class*="ls-"] text')].map((x) => numbersOf(x.textContent));
        assert.deepEqual(markNumbers(fig), markNumbers(en[k][1]), `${name}: the figure's numbers`);
        assert.ok(markNumbers(fig).flat().length > 0 || name === 'rounds', `${name}: numbers to compare`);
        assert.ok(/[\u4e00-\u9fff]/.test(textsZh.at(-2)), `${name}: a Chinese caption: ${textsZh.at(-2)}`);
      });
    }
    assert.deepEqual(problems, [], 'untranslated words in the Chinese figures');
  });
});
