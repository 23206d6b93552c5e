// The page's languages: every text the page writes comes from a translation
// file (web/locales/<language>/<area>.js) through t(); only data (column
// names, levels, numbers) and R code are not translated. Numbers are
// formatted the same way in every language, so the statistics read the same.
//
//   LANGUAGES                       [{code, name}] the page offers
//   language() -> code              the language texts are given in now
//   setLanguage(code)               unknown codes are refused (throws)
//   t(key, params?) -> string       the text of key, {name} replaced by params.name
//   tn(key, n, params?) -> string   key.one when n is 1 and the language has it, else key.other;
//                                   params.n = n
//   applyStaticText(root)           fills elements marked data-i18n="key" (their text) and
//                                   data-i18n-attr="attr:key;attr:key" (attributes)
//   languageFromFragment(hash) -> code | null    the '&lang=' of an address fragment
//   fragmentWithLanguage(hash, code) -> string    the fragment with its '&lang=' set
//   withoutLanguage(hash) -> string                the fragment without its '&lang='
//   preferredLanguage(hash, stored, navigatorLanguages) -> code   link, then the saved choice,
//                                   then the browser's languages, then English
//
// A key missing from a language falls back to English and is reported once on
// the console (tests/node/i18n.test.mjs keeps both languages complete); a key
// missing from English is a bug, shown as the key itself.
import { MESSAGES } from './locales/index.js';

export const LANGUAGES = Object.freeze([
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '简体中文' },
]);

let current = 'en';
const reported = new Set();

export const language = () => current;

export function setLanguage(code) {
  if (!Object.hasOwn(MESSAGES, code)) throw new Error(`setLanguage: unknown language "${code}"`);
  current = code;
}

function lookup(key) {
  const own = MESSAGES[current];
  if (Object.hasOwn(own, key)) return own[key];
  if (!reported.has(`${current}:${key}`)) {
    reported.add(`${current}:${key}`);
    console.error(`i18n: no ${current} text for "${key}"`);
  }
  return Object.hasOwn(MESSAGES.en, key) ? MESSAGES.en[key] : key;
}

// {name} placeholders only: no expressions, so a translation cannot run code
// or reach properties of params beyond its own names.
export function t(key, params) {
  const text = lookup(key);
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(params, name) ? String(params[name]) : m));
}

export function tn(key, n, params = {}) {
  const one = `${key}.one`;
  const form = n === 1 && Object.hasOwn(MESSAGES[current], one) ? one : `${key}.other`;
  return t(form, { ...params, n });
}

export function applyStaticText(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

const LANG_PARAM = /&lang=([A-Za-z-]{1,16})$/;

export function languageFromFragment(hash) {
  const m = LANG_PARAM.exec(String(hash ?? ''));
  return m && LANGUAGES.some((l) => l.code === m[1]) ? m[1] : null;
}

export const withoutLanguage = (hash) => String(hash ?? '').replace(LANG_PARAM, '');

export const fragmentWithLanguage = (hash, code) => `${withoutLanguage(hash).replace(/^#?/, '#')}&lang=${code}`;

export function preferredLanguage(hash, stored, navigatorLanguages = []) {
  const known = (c) => LANGUAGES.some((l) => l.code === c);
  const fromLink = languageFromFragment(hash);
  if (fromLink) return fromLink;
  if (known(stored)) return stored;
  for (const l of navigatorLanguages) {
    if (/^zh(-(CN|SG|Hans.*))?$/i.test(l)) return 'zh-CN';
    if (/^en\b/i.test(l)) return 'en';
  }
  return 'en';
}
