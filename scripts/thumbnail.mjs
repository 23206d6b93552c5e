// The landing page's thumbnail (web/generated/example-km.svg, and
// example-km.zh-CN.svg with the figure's texts in Chinese): the bundled
// example's Kaplan–Meier curves by local therapy, computed by the wasm
// engine and drawn by the page's own figure code (web/plots.js, under
// jsdom), so the first screen shows a real result as the page would show it.
// scripts/build.sh runs this before bundling the page; the file is not
// committed (a change in the engine or the figures shows up by itself).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { createEngine } from '../web/engine.js';
import { kmFigure } from '../web/plots.js';
import { figureToSvg } from '../web/figure_export.js';
import { setLanguage } from '../web/i18n.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'web/generated');

// The example's outcome and group, as the paper spec sets them (one source).
const paper = JSON.parse(fs.readFileSync(path.join(root, 'public/examples/npc_paper.spec.json'), 'utf8'));
const spec = { version: 1, time: paper.time, event: paper.event, group: paper.group, analyses: { km: { times: [] }, logrank: {} } };

const factory = createRequire(import.meta.url)(path.join(root, 'build-wasm/localsurv.js'));
const engine = await createEngine(factory, { wasmBinary: fs.readFileSync(path.join(root, 'build-wasm/localsurv.wasm')) });
engine.load(fs.readFileSync(path.join(root, 'public/examples/npc_cohort.csv')));
const run = engine.run(spec);
if (!run.ok) throw new Error(`thumbnail: the example did not run: ${run.error.message}`);

const { window } = new JSDOM('<!doctype html><html><body></body></html>');
fs.mkdirSync(outDir, { recursive: true });
for (const [language, file] of [['en', 'example-km.svg'], ['zh-CN', 'example-km.zh-CN.svg']]) {
  setLanguage(language);
  const figure = kmFigure({ ...run.result.results.km, logrank: run.result.results.logrank }, { spec: run.result.spec, width: 480, height: 260, riskTable: false, rates: false, ci: false, censor: false, caption: '' }, window.document);
  fs.writeFileSync(path.join(outDir, file), figureToSvg(figure));
}
