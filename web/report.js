// The whole report as one self-contained HTML file: the results as shown
// (tables as tables, every figure as inline SVG), the warnings, the spec that
// produced them and the conventions, with its own small stylesheet — nothing
// it needs lives outside the file.
//
//   buildReport({result, resultsElement, warningsElement, fileName, figureToSvg, date})
//     -> string (a complete HTML document)

import { escapeHtml } from './html.js';
import { rowsHeadline, fewerText } from './rows_used.js';
import { language, t } from './i18n.js';

// A translation is trusted text, but its placeholders carry the file's names:
// the whole text goes through the one escaper.
const say = (key, params) => escapeHtml(t(key, params));

const CSS = `
body { font-family: system-ui, sans-serif; color: #1a1a1a; max-width: 1000px; margin: 0 auto; padding: 1rem 1rem 3rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: 0.2rem 0.6rem; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
.card { margin: 1rem 0 1.5rem; break-inside: avoid; }
.warning { color: #7a4b00; }
.error { color: #a00000; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 0.5rem; font-size: 0.85rem; }
svg { max-width: 100%; height: auto; }
`;

// The report travels alone (mail, a shared drive) and holds names from the
// user's file: it may load nothing and run nothing, whatever ends up in it.
export const REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";


export function buildReport({ result, resultsElement, warningsElement, fileName, figureToSvg, date = new Date() }) {
  const body = resultsElement.cloneNode(true);
  // Figures become their standalone SVG (risk table and caption included),
  // so the report does not depend on the page's stylesheet.
  const live = [...resultsElement.querySelectorAll('figure')];
  [...body.querySelectorAll('figure')].forEach((fig, i) => {
    const holder = body.ownerDocument.createElement('div');
    holder.className = 'figure';
    holder.innerHTML = figureToSvg(live[i]);
    fig.replaceWith(holder);
  });
  for (const el of body.querySelectorAll('button, .card-buttons, input, select')) el.remove();
  for (const d of body.querySelectorAll('details')) d.setAttribute('open', '');
  const spec = JSON.stringify(result.spec, null, 2);
  // The rows each model used, as the top of the page's results says them.
  const rows = rowsHeadline(result);
  const version = result.localsurv?.version ?? '';
  const fewer = rows.fewer.length ? `<ul>${rows.fewer.map((f) => `<li>${escapeHtml(fewerText(f))}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="${escapeHtml(language())}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_POLICY}">
<title>${say('page.report.title')}</title>
<meta name="generator" content="LocalSurv ${escapeHtml(version)}">
<style>${CSS}</style></head><body>
<h1>${say('page.report.title')}</h1>
<p>${say('page.report.data_file', { file: fileName || t('page.report.unnamed'), rows: result.data.rows, columns: result.data.columns })}
${say('page.report.produced', { date: date.toISOString().slice(0, 10), version })}</p>
<p>${escapeHtml(rows.summary)}</p>
${fewer}
<h2>${say('page.report.warnings')}</h2>
${warningsElement.children.length ? warningsElement.innerHTML : `<p>${say('page.report.no_warnings')}</p>`}
<h2>${say('page.report.results')}</h2>
${body.innerHTML}
<h2>${say('page.report.spec')}</h2>
<p>${say('page.report.spec_note')}</p>
<pre>${escapeHtml(spec)}</pre>
</body></html>
`;
}
