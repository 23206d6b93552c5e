// The data in: a file (CSV, TSV, Excel sheet) dropped or chosen, the bundled
// example, or a reproduction link waiting for its file. Reading a file
// resets what ran on the previous one, describes the new one and puts a
// spec into the form (the link's, the example's, or guessed).
//
//   setupData()            wires the drop zone, the file input, the sheet
//                          chooser and the example button
//   restoreFromHash()      a link in the address: its spec waits for the file
//   hideShareConfirm()     the link's "run" offer goes away (a run, new data)
import * as specForm from './spec_form.js';
import { loadExample } from './assets.js';
import { decodeShare, checkFingerprint, shareUrl, looksLikeShare, runPlan } from './share.js';
import { isSpreadsheetFile, listSheets, sheetToCsv } from './xlsx.js';
import { formatThousands } from './format.js';
import { $, state, client, setStatus, describeError, option } from './page.js';
import { engineMessage } from './engine_text.js';
import { applySpec, renderPreview } from './form_view.js';
import { clearResults } from './results_view.js';
import { t } from './i18n.js';

// ---------------------------------------------------------------- data in

// New data: whatever ran on the old file is gone (and a run still going is
// stopped), so nothing of it can be exported or linked with the new file.
function resetResults() {
  client.cancel();
  state.eventConfirmed = null;
  $('results-section').hidden = true;
  clearResults();
}

async function openFile(bytes, name) {
  resetResults();
  $('csv-download').hidden = true;
  state.sheet = null;
  state.fileBytes = bytes;
  state.fileSha256 = null;
  state.fileName = name;
  $('sheet-chooser').hidden = true;
  $('data-notes').replaceChildren();
  if (isSpreadsheetFile(bytes, name)) {
    let sheets;
    try {
      sheets = await listSheets(bytes);
    } catch (e) {
      return fail(() => t('page.data.unreadable', { name, error: e.message }));
    }
    $('sheet-select').replaceChildren(...sheets.map((s) => option(s)));
    $('sheet-chooser').hidden = sheets.length < 2;
    // A reproduction link names the sheet its analysis read.
    const wanted = state.pendingShare?.spec?.data?.sheet;
    const sheet = sheets.includes(wanted) ? wanted : sheets[0];
    $('sheet-select').value = sheet;
    return openSheet(sheet);
  }
  state.sheetRowByLine = null;
  return loadCsv(bytes, () => name);
}

async function openSheet(sheet) {
  let converted;
  try {
    converted = await sheetToCsv(state.fileBytes, sheet);
  } catch (e) {
    const name = state.fileName;
    return fail(() => t('page.data.sheet_unreadable', { sheet, name, error: e.message }));
  }
  state.sheetRowByLine = converted.sheetRowByLine;
  state.sheet = sheet;
  $('csv-download').hidden = false;
  $('data-notes').replaceChildren(
    ...(converted.notes ?? []).map((note) => {
      const li = document.createElement('li');
      setStatus(li, () => t('page.data.sheet_note', { note }));
      return li;
    }),
  );
  const name = state.fileName;
  return loadCsv(new TextEncoder().encode(converted.csv), () => `${name} [${sheet}]`);
}

// message: a function giving the text in the page's language (said again on a switch).
function fail(message) {
  setStatus($('data-status'), message, 'error');
  if (state.pendingShare) setStatus($('share-status'), () => t('page.link.nothing_restored'), 'error');
  $('setup-section').hidden = true;
  $('preview-details').hidden = true;
  $('skip-to-run').hidden = true;
}

// The sheet an Excel file was read from travels in the spec (data.sheet).
function withSheet(spec) {
  const data = { ...(spec.data ?? {}) };
  if (state.sheet) data.sheet = state.sheet;
  else delete data.sheet;
  const out = { ...spec, data };
  if (!Object.keys(data).length) delete out.data;
  return out;
}

// label: a function giving the file's name as said (the example's in the page's language).
async function loadCsv(bytes, label, presetSpec = null) {
  hideShareConfirm();
  state.csvBytes = bytes;
  setStatus($('data-status'), () => t('page.data.reading', { label: label() }));
  // Read the file as the spec about to be applied says (a link's or the
  // example's delimiter, decimal comma, column types), so the preview agrees.
  const envelope = await client.load(bytes, (state.pendingShare?.spec ?? presetSpec)?.data ?? {});
  if (!envelope.ok) return fail(() => t('page.data.unreadable', { name: label(), error: describeError(envelope.error) }));
  state.described = envelope.result;
  const { rows, columns } = state.described;
  setStatus($('data-status'), () => t('page.data.read', { label: label(), rows, columns: columns.length }));
  renderPreview();
  if (state.pendingShare) return restoreShare(state.pendingShare);
  clearShareHash();
  state.result = null;
  await applySpec(withSheet(presetSpec ?? specForm.defaultSpec(state.described)));
  $('setup-section').hidden = false;
}


function clearShareHash() {
  if (looksLikeShare(location.hash)) history.replaceState(null, '', shareUrl(location, '#').slice(0, -1));
}

export async function restoreFromHash() {
  if (!looksLikeShare(location.hash)) return;
  hideShareConfirm();
  try {
    state.pendingShare = await decodeShare(location.hash);
    const { size, sha256 } = state.pendingShare;
    setStatus($('share-status'), () => t('page.link.waiting', { size: formatThousands(size), sha256: sha256.slice(0, 12) }), 'ok');
  } catch (e) {
    state.pendingShare = null;
    setStatus($('share-status'), () => (e instanceof Error && e.name === 'ShareError' ? e.message : t('page.link.unopenable', { error: e?.message ?? e })), 'error');
  }
}

// The file is read: the link's analysis goes into the form and waits. A link
// can ask for any amount of work (thousands of subcohorts), so nothing runs
// until the user has seen what it does and confirms. Each step that can fail
// says so, and "restored" is said only when every step passed.
async function restoreShare(share) {
  state.pendingShare = null;
  const status = $('share-status');
  let check;
  try {
    check = await checkFingerprint(share, state.fileBytes);
  } catch (e) {
    check = { ok: false, get message() { return t('page.link.check_failed', { error: e.message }); } };
  }
  let described;
  try {
    described = await applySpec(share.spec);
  } catch (e) {
    setStatus(status, () => t('page.link.form_failed', { error: engineMessage(e?.message ?? e) }), 'error');
    try {
      await applySpec(withSheet(specForm.defaultSpec(state.described)));
      $('setup-section').hidden = false;
    } catch (again) {
      console.warn(again);
    }
    return;
  }
  $('setup-section').hidden = false;
  if (!described.ok) {
    setStatus(status, () => t('page.link.data_misfit', { error: describeError(described.error) }), 'error');
    return;
  }
  // A different file would not reproduce the link's numbers: the user sees
  // why and may still run it deliberately with "Run analysis".
  if (!check.ok) {
    // Kept: the next file given is checked against the link again.
    state.pendingShare = share;
    setLinkRefused(true);
    setStatus(status, () => t('page.link.refused', { check: check.message }), 'error');
    return;
  }
  setLinkRefused(false);
  setStatus(status, () => t('page.link.restored'), 'ok');
  const spec = state.spec;
  setStatus($('share-plan'), () => runPlan(spec).text);
  $('share-confirm').hidden = false;
}

export function hideShareConfirm() {
  $('share-confirm').hidden = true;
}

// A refused file must not be analysed as if it reproduced the link: Run is
// off (and says why) until a matching file or "Detach".
function setLinkRefused(refused) {
  state.linkRefused = refused;
  $('share-refused').hidden = !refused;
  const run = $('run-button');
  run.disabled = refused;
  // Said again on a language switch (applyStaticText).
  if (refused) {
    run.dataset.i18nAttr = 'title:page.link.run_off';
    run.title = t('page.link.run_off');
  } else {
    delete run.dataset.i18nAttr;
    run.removeAttribute('title');
  }
}

function detachFromLink() {
  state.pendingShare = null;
  setLinkRefused(false);
  clearShareHash();
  setStatus($('share-status'), () => t('page.link.detached'), 'ok');
  $('run-button').focus();
}

// The CSV the R script reads: the file itself, or an Excel sheet saved as CSV

export function setupData() {
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer.files[0];
    if (file) await openFile(new Uint8Array(await file.arrayBuffer()), file.name);
  });
  $('file-input').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (file) await openFile(new Uint8Array(await file.arrayBuffer()), file.name);
  });
  $('sheet-select').addEventListener('change', (e) => openSheet(e.target.value));
  $('share-detach').addEventListener('click', detachFromLink);
  $('example-button').addEventListener('click', async () => {
    let ex;
    resetResults();
    try {
      ex = await loadExample();
    } catch (e) {
      return fail(() => t('page.data.example_failed', { error: e.message }));
    }
    state.fileBytes = ex.csvBytes;
    state.fileSha256 = null;
    state.sheet = null;
    state.sheetRowByLine = null;
    $('csv-download').hidden = true;
    state.fileName = ex.name;
    $('sheet-chooser').hidden = true;
    $('data-notes').replaceChildren();
    await loadCsv(ex.csvBytes, () => t('page.data.example_label', { name: ex.name }), state.pendingShare ? null : JSON.parse(ex.specJson));
  });
}
