// Every language's texts, one file per area of the page in each language's
// folder. An area's keys start with its name ("form.", "analyses.") so areas
// never share a key; tests/node/i18n.test.mjs checks that both languages have
// the same keys with the same {placeholders}.
import en_page from './en/page.js';
import zh_page from './zh-CN/page.js';
import en_form from './en/form.js';
import zh_form from './zh-CN/form.js';
import en_analyses from './en/analyses.js';
import zh_analyses from './zh-CN/analyses.js';
import en_figures from './en/figures.js';
import zh_figures from './zh-CN/figures.js';
import en_engine from './en/engine.js';
import zh_engine from './zh-CN/engine.js';

export const AREAS = ['page', 'form', 'analyses', 'figures', 'engine'];

export const MESSAGES = {
  en: Object.freeze({ ...en_page, ...en_form, ...en_analyses, ...en_figures, ...en_engine }),
  'zh-CN': Object.freeze({ ...zh_page, ...zh_form, ...zh_analyses, ...zh_figures, ...zh_engine }),
};
