// The exports: the reproduction link (copied, and kept in the address after
// each run), the HTML report, the R script, the result JSON and an Excel
// sheet saved as the CSV the R script reads.
//
//   updateShareHash()   after a run: the address holds the link
//   setupExports()      wires the export buttons
import { figureToSvg, download } from './figure_export.js';
import { sha256Hex, encodeShare, shareUrl } from './share.js';
import { rScript } from './rscript.js';
import { buildReport } from './report.js';
import { $, state, client, setStatus } from './page.js';
import { engineMessage } from './engine_text.js';
import { language, fragmentWithLanguage, t } from './i18n.js';

// The link pins the spec as the engine echoed it (every default written out),
// so a later version's defaults cannot change what it reproduces.
export async function updateShareHash() {
  if (!state.fileBytes || !state.result) return;
  state.fileSha256 ??= await sha256Hex(state.fileBytes);
  const fragment = await encodeShare({ spec: state.result.spec, sha256: state.fileSha256, size: state.fileBytes.length });
  history.replaceState(null, '', shareUrl(location, fragmentWithLanguage(fragment, language())));
}

// Said next to the button (a status region, so screen readers hear it too)
// and in the link status at the top of the page. text: a function giving it
// in the page's language.
function shareSays(text, kind) {
  setStatus($('share-status'), text, kind);
  setStatus($('share-copied'), text, kind);
}

async function copyShareLink() {
  if (!state.result) return shareSays(() => t('page.export.run_first'), 'error');
  try {
    await updateShareHash();
  } catch (e) {
    return shareSays(() => t('page.export.link_failed', { error: e.message }), 'error');
  }
  try {
    await navigator.clipboard.writeText(location.href);
    shareSays(() => t('page.export.copied'), 'ok');
  } catch {
    const url = location.href;
    shareSays(() => t('page.export.copy_this', { url }), 'ok');
  }
}

// The CSV the R script reads: the file itself, or an Excel sheet saved as CSV
// (the page offers that download).
function csvName() {
  const base = state.fileName.replace(/\.(xlsx|xlsm)$/i, '') || 'data';
  return state.sheet && /\.(xlsx|xlsm)$/i.test(state.fileName) ? `${base}-${state.sheet}.csv`.replace(/[^\w.-]+/g, '_') : state.fileName || 'data.csv';
}

function reportHtml() {
  return buildReport({
    result: state.result,
    resultsElement: $('results'),
    warningsElement: $('warnings'),
    fileName: state.fileName,
    figureToSvg,
  });
}

// An export never throws out of its button (a link may have filled the form
// with settings the engine refused): what went wrong shows beside the buttons.
// what: the key naming the export ("The report").
function exportButton(id, make, what, needsResult) {
  $(id).addEventListener('click', async () => {
    const status = $('export-status');
    if (needsResult && !state.result) return setStatus(status, () => t('page.export.needs_results', { what: t(what) }), 'error');
    setStatus(status, '');
    try {
      await make();
    } catch (e) {
      console.warn(e);
      setStatus(status, () => t('page.export.failed', { what: t(what), error: engineMessage(e?.message ?? e) }), 'error');
    }
  });
}

export function setupExports() {
  $('share-button').addEventListener('click', copyShareLink);
  exportButton('report-button', () => download(reportHtml(), 'localsurv-report.html', document, 'text/html'), 'page.export.what_report', true);
  // The script is written from the engine's reading of the spec (its defaults, its filter trees).
  exportButton('rscript-button', async () => {
    const read = await client.readSpec(state.result?.spec ?? state.spec ?? {});
    if (!read.ok) throw new Error(read.error.message);
    download(rScript(read.result, { dataFile: csvName(), data: state.result?.data }), 'localsurv-analysis.R', document, 'text/plain');
  }, 'page.export.what_rscript', false);
  $('csv-download').addEventListener('click', () => download(new Blob([state.csvBytes], { type: 'text/csv' }), csvName(), document));
  exportButton('json-button', () => download(JSON.stringify(state.result, null, 1), 'localsurv-result.json', document, 'application/json'), 'page.export.what_json', true);
}
