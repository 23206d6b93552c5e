// The results: for each block (the whole cohort, then each subcohort) every
// analysis in the registry's order (web/analyses/index.js) shows its tables
// and figures, or what stopped it, with their export buttons; then the rows
// each analysis used and the conventions. Every number comes from the
// engine's result JSON; this file only arranges it.
//
//   renderResults(result, {actions})   the warnings, the section links, the blocks;
//                                      actions.useCutpoint(block) -> a button or null
//   failedParts(result) -> how many analyses, models, tests or comparisons failed
import * as tables from './tables.js';
import { figureToSvg, svgToPng, download } from './figure_export.js';
import { ANALYSES, analysisByKey } from './analyses/index.js';
import { subcohortForestFigure } from './analyses/subgroups.js';
import { $, state, describeError, button, addHeader } from './page.js';
import { rowsUsed, rowsHeadline, fewerText } from './rows_used.js';
import { t } from './i18n.js';
import { engineMessage, conventionLabel } from './engine_text.js';

// --------------------------------------------------------------- results

// A table (its caption is its title) or a figure with a heading, and its
// export buttons.
function card(title, content, buttons, id) {
  const section = document.createElement('section');
  section.className = 'card';
  if (id) section.id = id;
  if (title) section.append(Object.assign(document.createElement('h4'), { textContent: title }));
  const bar = document.createElement('div');
  bar.className = 'card-buttons';
  bar.append(...buttons);
  section.append(content, bar);
  return section;
}

function tableCard(model) {
  const el = tables.renderTable(model, document);
  const status = Object.assign(document.createElement('span'), { className: 'copy-status' });
  return card('', el, [
    button(t('page.results.copy_table'), async () => {
      try {
        const how = await tables.copyTable(model, navigator);
        status.textContent = t(how === 'html' ? 'page.results.copied' : 'page.results.copied_text');
      } catch (e) {
        status.textContent = t('page.results.copy_failed', { error: e.message });
      }
    }),
    // The BOM makes Excel read the file as UTF-8 (en dashes, ≥).
    button(t('page.results.csv'), () => download(new Blob(['\uFEFF', tables.toCsv(model)], { type: 'text/csv;charset=utf-8' }), `${model.id}.csv`, document)),
    status,
  ], `card-${model.id}`);
}

function figureCard(title, fig, name) {
  return card(title, fig, [
    button(t('page.results.svg'), () => download(new Blob([figureToSvg(fig)], { type: 'image/svg+xml' }), `${name}.svg`, document)),
    button(t('page.results.png'), async () => download(await svgToPng(figureToSvg(fig), { dpi: 300, widthInches: 7 }), `${name}.png`, document)),
  ], `fig-${name}`);
}

// A card, or a short note when a builder cannot use this result part.
function tryCard(build) {
  try {
    return build();
  } catch (e) {
    console.warn(e);
    return Object.assign(document.createElement('p'), { className: 'warning', textContent: t('page.results.not_shown', { error: engineMessage(e.message) }) });
  }
}

// R's own wording of a warning or an error, for R users (as R wrote it).
function inRsWords(detail) {
  const d = document.createElement('details');
  d.append(Object.assign(document.createElement('summary'), { textContent: t('page.results.in_r_words') }), Object.assign(document.createElement('code'), { textContent: detail }));
  return d;
}

// What the engine said about a part it could not compute: the message (with
// the column or option), and R's own wording for R users. key: the line's
// text, with {error} (and {where}, from params).
function errorLine(error, key, params = {}) {
  const box = document.createElement('div');
  box.className = 'error-message';
  box.append(Object.assign(document.createElement('p'), { className: 'error', textContent: t(key, { ...params, error: describeError(error) }) }));
  if (error.detail) box.append(inRsWords(error.detail));
  return box;
}

// An analysis that failed, in the place its tables and figures would be;
// or the parts of one that failed (a model, a test, a comparison).
function errorCard(key, error, parts = []) {
  const section = document.createElement('section');
  section.className = 'card analysis-error';
  section.dataset.analysis = key;
  const title = analysisByKey(key).title;
  section.append(Object.assign(document.createElement('h4'), { textContent: error ? title : t('page.results.partly_computed', { title }) }));
  if (error) section.append(errorLine(error, 'page.results.not_computed'));
  for (const p of parts) section.append(errorLine(p, 'page.results.part_error', { where: p.where }));
  return section;
}

// How many analyses, models, tests or comparisons of a result failed.
export function failedParts(result) {
  const parts = [{ results: result.results }, ...(result.subcohorts ?? [])];
  return parts.reduce((n, s) => n + (s.error ? 1 : Object.values(s.results ?? {}).reduce((k, a) => k + (a?.error ? 1 : tables.partErrors(a).length), 0)), 0);
}

// The page's figure settings (not part of the spec): display unit, style, censor marks.
function figureSettings() {
  const censor = { on: true, off: false }[$('km-censor')?.value] ?? 'auto';
  return { displayUnit: $('display-unit').value || undefined, figureStyle: $('figure-style')?.value || 'default', censor };
}

function renderBlock(b, index, actions) {
  const wrap = document.createElement('section');
  wrap.className = 'result-block';
  wrap.id = `result-${index}`;
  const h = document.createElement('h3');
  h.textContent = b.label ? t('page.results.subcohort', { name: b.label }) : t('page.results.whole_cohort');
  wrap.appendChild(h);
  if (b.error) {
    wrap.appendChild(errorLine(typeof b.error === 'string' ? { message: b.error } : b.error, 'page.results.not_analysed'));
    return wrap;
  }
  const r = b.results;
  const models = new Map((tables.blockModels(b) ?? []).filter(Boolean).map((m) => [m.name, m]));
  const add = (el) => el && wrap.appendChild(el);
  const table = (name) => models.has(name) && add(tryCard(() => tableCard(models.get(name))));
  const key = b.key;
  const opts = { ...b.ctx, ...figureSettings() };
  const figure = (title, name, build) => add(tryCard(() => figureCard(b.label ? t('page.results.figure_of', { title, cohort: b.label }) : title, build(), `${key}-${name}`)));
  // Each analysis in its place: its tables and figures, or what stopped it;
  // then any of its parts that failed.
  const view = {
    results: r,
    opts,
    document,
    table,
    figure,
    add,
    tableNames: () => [...models.keys()],
    actions: { useCutpoint: () => actions.useCutpoint?.(b) ?? null },
  };
  for (const a of ANALYSES) {
    const part = r[a.key];
    if (!part) continue;
    if (part.error) {
      add(errorCard(a.key, part.error));
      continue;
    }
    a.render?.(part, view);
    const parts = tables.partErrors(part);
    if (parts.length) add(errorCard(a.key, null, parts));
  }
  const rows = rowsUsed(r);
  if (rows.length) {
    const d = document.createElement('details');
    d.className = 'rows-used';
    d.append(Object.assign(document.createElement('summary'), { textContent: t('page.results.rows_used') }));
    const table = document.createElement('table');
    addHeader(table, ['page.results.rows_analysis', 'page.results.rows_available', 'page.results.rows_used_n', 'page.results.rows_dropped', 'page.results.rows_first_missing'].map((k) => t(k)));
    const body = table.createTBody();
    for (const [what, rep] of rows) {
      const tr = body.insertRow();
      const missing = Object.entries(rep.dropped_for_missing ?? {}).map(([col, n]) => `${col}: ${n}`).join(', ');
      for (const cell of [what, rep.rows_available, rep.rows_used, rep.rows_dropped, missing || '–']) tr.insertCell().textContent = cell;
    }
    d.appendChild(table);
    wrap.appendChild(d);
  }
  // The engine states its conventions in English (the result's record): the
  // page names and says them in its language.
  const conventions = Object.entries(r).flatMap(([name, a]) =>
    Object.entries(a?.conventions ?? {}).map(([k, v]) => [
      t('page.results.convention', { analysis: analysisByKey(name)?.title ?? name, convention: conventionLabel(k) }),
      typeof v === 'string' ? engineMessage(v) : JSON.stringify(v),
    ]));
  if (conventions.length) {
    const d = document.createElement('details');
    d.className = 'conventions';
    d.append(Object.assign(document.createElement('summary'), { textContent: t('page.results.conventions') }));
    const table = document.createElement('table');
    for (const [k, v] of conventions) {
      const tr = table.insertRow();
      tr.insertCell().textContent = k;
      tr.insertCell().textContent = v;
    }
    d.appendChild(table);
    wrap.appendChild(d);
  }
  return wrap;
}

// Results shown are those of state.ranSpec (the spec, as JSON, that the last
// successful run used). Once the settings differ, they are marked out of
// date, so no one reads them as the answer to the current settings.
export function markStale() {
  const stale = Boolean(state.result && state.ranSpec != null && state.ranSpec !== JSON.stringify(state.spec));
  $('results-stale').hidden = !stale;
  $('results').classList.toggle('stale', stale);
  $('results-nav').classList.toggle('stale', stale);
}

// No results (new data, a failed run): nothing of an earlier run stays on
// the page to be read, exported or linked.
export function clearResults() {
  state.result = null;
  state.ranSpec = null;
  $('results').replaceChildren();
  $('rows-fewer').replaceChildren();
  $('warnings').replaceChildren();
  $('results-nav').replaceChildren();
  markStale();
}

// The models that used fewer rows than their cohort, at the top of the
// results (rows_used.js); at most 12, the rest in each block's table.
function renderRowsFewer(result) {
  const { fewer } = rowsHeadline(result);
  const items = fewer.slice(0, 12).map((f) => Object.assign(document.createElement('li'), { textContent: fewerText(f) }));
  if (fewer.length > 12)
    items.push(Object.assign(document.createElement('li'), { textContent: t('page.results.rows_more', { n: fewer.length - 12 }) }));
  $('rows-fewer').replaceChildren(...items);
}

// The paper's Figure 4d after the subcohorts: each one's adjusted group HR on
// one forest plot, when at least one subcohort has a multivariable Cox model
// with the group.
function renderSubcohortsCompared(result) {
  const fits = (result.subcohorts ?? []).some((s) => s.results?.cox?.multivariable?.coefficients);
  if (!fits || !result.spec?.group) return null;
  const wrap = document.createElement('section');
  wrap.className = 'result-block';
  wrap.id = 'result-subcohorts';
  wrap.append(Object.assign(document.createElement('h3'), { textContent: t('page.results.subcohorts_compared') }));
  const opts = { spec: result.spec, cohort: result.cohort, ...figureSettings() };
  wrap.append(tryCard(() => figureCard(t('page.results.subcohort_forest'), subcohortForestFigure(result, opts, document), 'subcohorts-forest')));
  return wrap;
}

// The part of the analysis a warning is about, as the engine names it (its key).
const WARNING_PARTS = new Set(['cohort', 'table1', 'km', 'followup', 'logrank', 'cox', 'logistic', 'matching', 'subgroups', 'cutpoint']);
const partName = (key) => (WARNING_PARTS.has(key) ? t(`page.results.analysis.${key}`) : key);

export function renderResults(result, { actions = {} } = {}) {
  renderRowsFewer(result);
  $('warnings').replaceChildren(
    ...result.warnings.map((w) => {
      const p = Object.assign(document.createElement('p'), {
        className: 'warning',
        textContent: t('page.results.warning', {
          where: [w.subcohort, w.analysis && partName(w.analysis), w.variable ?? w.model, w.comparison].filter(Boolean).join(t('page.list_separator')),
          message: engineMessage(w.message),
        }),
      });
      if (!w.detail) return p;
      const d = inRsWords(w.detail);
      d.className = 'warning-detail';
      const box = document.createElement('div');
      box.append(p, d);
      return box;
    }),
  );
  const blocks = tables.analysisBlocks(result, { displayUnit: $('display-unit').value || null });
  const compared = renderSubcohortsCompared(result);
  $('results-nav').replaceChildren(
    ...blocks.map((b, i) => Object.assign(document.createElement('a'), { href: `#result-${i}`, textContent: b.label || t('page.results.whole_cohort') })),
    ...(compared ? [Object.assign(document.createElement('a'), { href: '#result-subcohorts', textContent: t('page.results.subcohorts_compared') })] : []),
  );
  $('results').replaceChildren(...blocks.map((b, i) => renderBlock(b, i, actions)), ...(compared ? [compared] : []));
}
