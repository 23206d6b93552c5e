// The page: data in (CSV/TSV/xlsx, or the bundled example), the analysis
// spec built in a form (or restored from a reproduction link / JSON), the
// engine run in a worker with progress and cancel, and the results as
// publication tables and figures with their exports. This file runs the
// analysis and wires the parts together: data_input.js, form_view.js,
// results_view.js, exports.js (what they share: page.js).
import * as specForm from './spec_form.js';
import { eventLooksOneTwo, timeNotNumbers } from './form_rules.js';
import { registerServiceWorker } from './assets.js';
import { parseSpecJson } from './share.js';
import { $, state, client, setStatus, resay, describeError, button } from './page.js';
import { setupData, restoreFromHash, hideShareConfirm } from './data_input.js';
import { renderAnalysisSections, applySpec, renderForm, onFormChange } from './form_view.js';
import { renderResults, failedParts, markStale, clearResults } from './results_view.js';
import { updateShareHash, setupExports } from './exports.js';
import { rowsHeadline } from './rows_used.js';
// The landing thumbnail in each language (scripts/thumbnail.mjs; inlined as data: URLs).
import thumbEn from './generated/example-km.svg';
import thumbZh from './generated/example-km.zh-CN.svg';
import { LANGUAGES, setLanguage, applyStaticText, preferredLanguage, fragmentWithLanguage, t, tn } from './i18n.js';
import { engineMessage } from './engine_text.js';

// ------------------------------------------------------------------- run

// Asks before a run that would count every 2 of a 1/2 event column as
// censored; resolves to true to run (with the user's choice applied).
function confirmEventCoding() {
  const column = state.spec.event.column;
  if (!eventLooksOneTwo(state.spec, state.described) || state.eventConfirmed === column) return Promise.resolve(true);
  return new Promise((resolve) => {
    const box = document.createElement('div');
    box.id = 'event-confirm';
    box.className = 'confirm';
    box.setAttribute('role', 'alertdialog');
    box.setAttribute('aria-label', t('page.event.confirm_label'));
    const text = Object.assign(document.createElement('p'), {
      className: 'warning',
      textContent: t('page.event.confirm_text', { column }),
    });
    const done = (ok) => {
      box.remove();
      resolve(ok);
    };
    const use2 = button(t('page.event.use_2'), () => {
      state.spec.event = { ...state.spec.event, values: ['2'] };
      renderForm();
      done(true);
    });
    const keep = button(t('page.event.keep_1'), () => {
      state.eventConfirmed = column;
      done(true);
    });
    const cancel = button(t('page.run.cancel'), () => done(false));
    box.append(text, use2, keep, cancel);
    $('event-confirm')?.remove();
    $('run-button').closest('.run-row').after(box);
    use2.focus();
  });
}

async function run(event) {
  event?.preventDefault();
  // A field the spec could not take (e.g. "12, 3x" as times) must be fixed first.
  if (!$('setup-form').checkValidity()) {
    $('setup-form').reportValidity();
    return;
  }
  // Run is off then, but Enter in a field submits the form too.
  if (state.linkRefused) return;
  // A time column with text cells is never swapped for another column, and
  // nothing runs until the user says what those cells are (the notice's button).
  const notNumbers = timeNotNumbers(state.spec, state.described);
  if (notNumbers) {
    $('results-section').hidden = false;
    clearResults();
    const [spec, described] = [state.spec, state.described];
    setStatus($('run-status'), () => t('page.run.not_run', { reason: timeNotNumbers(spec, described)?.text ?? notNumbers.text }), 'error');
    $('time-cells').querySelector('button')?.focus();
    return;
  }
  if (!(await confirmEventCoding())) return;
  $('results-section').hidden = false;
  setStatus($('run-status'), () => t('page.run.running'));
  setStatus($('share-copied'), '');
  $('run-button').disabled = true;
  $('cancel-button').disabled = false;
  const progress = $('run-progress');
  progress.hidden = false;
  progress.value = 0;
  const ranSpec = JSON.stringify(state.spec);
  const envelope = await client.run(state.spec, {
    onProgress: ({ stage, done, total }) => {
      progress.max = Math.max(total, 1);
      progress.value = done;
      $('run-stage').textContent = stage === 'done' ? '' : t('page.run.stage', { stage: engineMessage(stage) });
    },
  });
  $('run-button').disabled = false;
  $('cancel-button').disabled = true;
  progress.hidden = true;
  $('run-stage').textContent = '';
  if (envelope.cancelled) return setStatus($('run-status'), () => t('page.run.cancelled'));
  if (!envelope.ok) {
    clearResults();
    return setStatus($('run-status'), () => t('page.run.stopped', { error: describeError(envelope.error) }), 'error');
  }
  state.result = envelope.result;
  state.ranSpec = ranSpec;
  showResults();
  markStale();
  const failed = failedParts(envelope.result);
  const result = envelope.result;
  setStatus($('run-status'), () => {
    const status = rowsHeadline(result).status;
    return failed ? t('page.run.done_failed', { status, failed: tn('page.run.failed_parts', failed) }) : status;
  });
  // Keyboard and screen-reader users land on what they asked for.
  $('results-heading').focus();
  await updateShareHash();
}

const showResults = () => renderResults(state.result, { actions: { useCutpoint: useCutpointButton } });

// "Cut at the selected cutpoint": the chosen cut of a file column becomes
// that covariate's cut in the form (main cohort only: covariates are shared).
function useCutpointButton(b) {
  const cp = b.results.cutpoint;
  const column = b.ctx.spec?.analyses?.cutpoint?.column;
  const cut = cp.groups?.definition?.cutpoint ?? cp.maxstat?.cutpoint;
  const how = cp.groups?.definition?.chosen_by ?? 'maxstat';
  if (b.key !== 'main' || !Number.isFinite(cut) || !state.described.columns.some((c) => c.name === column && c.type === 'numeric')) return null;
  return button(t('page.cutpoint.use', { column, cut, how }), () => {
    // x <= cut low, as the cutpoint's groups and maxstat split.
    const rows = specForm.covariateRows(state.spec, state.described).map((r) => (r.column === column ? { ...r, included: true, breaks: [cut], right: true, type: 'auto', reference: '' } : r));
    state.spec = specForm.applyCovariateRows(state.spec, rows);
    renderForm();
    $('covariates').scrollIntoView();
    setStatus($('spec-status'), () => t('page.cutpoint.used', { column, cut }), 'ok');
  });
}


// -------------------------------------------------------------- language

const LANGUAGE_KEY = 'localsurv.language';

// Storage may be off (a locked-down profile, some file:// pages): the link
// and the browser's languages still choose.
function storedLanguage() {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

// The filter language's own words: code (as R code is), shown as they are
// typed in every language.
const FILTER_SYNTAX = { operators: '== != < <= > >= in (…) and or not, is missing', example: 'age >= 18 and kps is not missing' };

function useLanguage(code) {
  setLanguage(code);
  document.documentElement.lang = code;
  applyStaticText(document);
  // The operators as code (<code>, lang="en"), in the translated sentence.
  const [before, after = ''] = t('page.setup.subcohorts_hint', { ...FILTER_SYNTAX, operators: '\u0000' }).split('\u0000');
  $('subcohorts-hint').replaceChildren(before, Object.assign(document.createElement('code'), { textContent: FILTER_SYNTAX.operators, lang: 'en' }), after);
  $('filter').placeholder = t('page.setup.filter_placeholder', FILTER_SYNTAX);
  $('language').value = code;
  $('thumb-image').src = code === 'zh-CN' ? thumbZh : thumbEn;
}

// The choice is kept for the next visit and in the address, so a link
// copied now opens in it; the spec and the numbers do not change.
function switchLanguage(code) {
  useLanguage(code);
  try {
    localStorage.setItem(LANGUAGE_KEY, code);
  } catch {
    // not kept for the next visit; the address still holds it
  }
  history.replaceState(null, '', fragmentWithLanguage(location.hash, code));
  renderAnalysisSections();
  if (state.spec) renderForm();
  if (state.result) showResults();
  // Status lines already shown, said again in the new language.
  resay();
}

function setupLanguage() {
  $('language').replaceChildren(...LANGUAGES.map((l) => Object.assign(document.createElement('option'), { value: l.code, textContent: l.name, lang: l.code })));
  useLanguage(preferredLanguage(location.hash, storedLanguage(), navigator.languages ?? []));
  $('language').addEventListener('change', (e) => switchLanguage(e.target.value));
}

// ------------------------------------------------------------------ wiring

function setup() {
  setupLanguage();
  renderAnalysisSections();
  setupData();
  $('setup-form').addEventListener('change', onFormChange);
  // After onFormChange has updated the spec (listeners run in order).
  $('setup-form').addEventListener('change', markStale);
  // Showing times in another unit redraws the results; the spec is unchanged.
  $('display-unit').addEventListener('change', () => {
    if (state.result) showResults();
  });
  // So do the figures' style and censor marks (page settings, like the unit).
  for (const id of ['figure-style', 'km-censor']) {
    $(id).addEventListener('change', () => {
      if (state.result) showResults();
    });
  }
  $('setup-form').addEventListener('submit', run);
  $('cancel-button').addEventListener('click', () => {
    client.cancel();
    $('run-button').disabled = false;
    $('cancel-button').disabled = true;
  });
  $('add-subcohort').addEventListener('click', () => {
    state.spec.subcohorts = [...(state.spec.subcohorts ?? []), { name: t('page.setup.new_subcohort', { n: (state.spec.subcohorts?.length ?? 0) + 1 }), filter: '' }];
    renderForm();
  });
  $('spec-apply').addEventListener('click', async () => {
    let parsed;
    try {
      // The same depth, size and type checks as a link's spec: pasted text is as hostile.
      parsed = parseSpecJson($('spec-text').value, 'page.share.what_spec');
    } catch (e) {
      return setStatus($('spec-status'), () => t('page.spec.not_applied', { error: e.message }), 'error');
    }
    try {
      await applySpec(parsed);
      setStatus($('spec-status'), () => t('page.spec.applied'), 'ok');
    } catch (e) {
      setStatus($('spec-status'), () => t('page.spec.not_applied_form', { error: engineMessage(e.message) }), 'error');
    }
  });
  // Not a fragment link: the fragment is the reproduction link's.
  $('skip-to-run').addEventListener('click', (e) => {
    e.preventDefault();
    $('run-button').focus();
  });
  $('share-run').addEventListener('click', () => {
    hideShareConfirm();
    run();
  });
  $('setup-form').addEventListener('submit', hideShareConfirm);
  setupExports();
  restoreFromHash();
  // A link pasted into an open tab changes only the fragment: no reload.
  window.addEventListener('hashchange', restoreFromHash);
  // Load the engine now, while the user picks a file: no request is made
  // once a file is being analysed (the answer, "no data yet", is ignored).
  // The service worker comes after it, so it caches what the page has
  // already downloaded instead of fetching it all again (web/sw.js).
  client.describe({}).finally(registerServiceWorker);
}

setup();
