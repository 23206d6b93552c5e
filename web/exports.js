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
import { language, fragmentWithLanguage } from './i18n.js';

// The link pins the spec as the engine echoed it (every default written out),
// so a later version's defaults cannot change what it reproduces.
export async function updateShareHash() {
  if (!state.fileBytes || !state.result) return;
  state.fileSha256 ??= await sha256Hex(state.fileBytes);
  const fragment = await encodeShare({ spec: state.result.spec, sha256: state.fileSha256, size: state.fileBytes.length });
  history.replaceState(null, '', shareUrl(location, fragmentWithLanguage(fragment, language())));
}

// Said next to the button (a status region, so screen readers hear it too)
// and in the link status at the top of the page.
function shareSays(text, kind) {
  setStatus($('share-status'), text, kind);
  setStatus($('share-copied'), text, kind);
}

async function copyShareLink() {
  if (!state.result) return shareSays('Run the analysis first: the link reproduces its results.', 'error');
  try {
    await updateShareHash();
  } catch (e) {
    return shareSays(`The link could not be made: ${e.message}`, 'error');
  }
  try {
    await navigator.clipboard.writeText(location.href);
    shareSays('Reproduction link copied. It holds the settings and the file\'s fingerprint, no patient data.', 'ok');
  } catch {
    shareSays(`Copy this link: ${location.href}`, 'ok');
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
function exportButton(id, make, what, needsResult) {
  $(id).addEventListener('click', async () => {
    const status = $('export-status');
    if (needsResult && !state.result) return setStatus(status, `${what} needs results: run the analysis first.`, 'error');
    setStatus(status, '');
    try {
      await make();
    } catch (e) {
      console.warn(e);
      setStatus(status, `${what} could not be made: ${e?.message ?? e}. Check the settings (the analysis spec JSON) and run the analysis again.`, 'error');
    }
  });
}

export function setupExports() {
  $('share-button').addEventListener('click', copyShareLink);
  exportButton('report-button', () => download(reportHtml(), 'localsurv-report.html', document, 'text/html'), 'The report', true);
  // The script is written from the engine's reading of the spec (its defaults, its filter trees).
  exportButton('rscript-button', async () => {
    const read = await client.readSpec(state.result?.spec ?? state.spec ?? {});
    if (!read.ok) throw new Error(read.error.message);
    download(rScript(read.result, { dataFile: csvName(), data: state.result?.data }), 'localsurv-analysis.R', document, 'text/plain');
  }, 'The R script', false);
  $('csv-download').addEventListener('click', () => download(new Blob([state.csvBytes], { type: 'text/csv' }), csvName(), document));
  exportButton('json-button', () => download(JSON.stringify(state.result, null, 1), 'localsurv-result.json', document, 'application/json'), 'The result file', true);
}
