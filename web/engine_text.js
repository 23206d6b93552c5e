// The engine's own words (warnings, errors, the conventions it states) in the
// page's language. The engine writes English: its messages are the record in
// the result JSON and the reproduction link, the same on every machine, as R's
// are. The page translates one by matching it against the English templates
// of web/locales/en/engine.js ("engine.msg.*": fixed text with {name}
// placeholders) and giving the same key's text in the page's language.
//
//   engineMessage(text) -> string   text in the page's language; a text no template
//                                   matches is returned as the engine wrote it
//   isTranslatedEngineMessage(text) -> boolean   some template matches (tests)
//   conventionLabel(key) -> string  the name of a result's convention ("ties", "conf_type")
//                                   in the page's language: "engine.convention.<key>", else the key
//
// A placeholder captures data (a column, a level, a number) and is copied
// as it is, except one whose name starts with "msg": that is itself an engine
// message (a prefix such as "sequence = metachronous: " before one) and is
// translated in turn, at most MAX_DEPTH deep.
import { MESSAGES } from './locales/index.js';
import { language, t } from './i18n.js';

const MAX_DEPTH = 4;
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
let compiled = null;

// Longer templates first, so a specific wording wins over a general one
// ("{msg}: {column}" must not swallow a message that has its own template).
function templates() {
  if (compiled) return compiled;
  compiled = Object.entries(MESSAGES.en)
    .filter(([key]) => key.startsWith('engine.msg.'))
    .map(([key, english]) => {
      const names = [];
      const source = english
        .split(/(\{\w+\})/)
        .map((part) => {
          const m = /^\{(\w+)\}$/.exec(part);
          if (!m) return escapeRegExp(part);
          names.push(m[1]);
          return '([\\s\\S]+?)';
        })
        .join('');
      return { key, names, re: new RegExp(`^${source}$`), fixed: english.replace(/\{\w+\}/g, '').length };
    })
    .sort((a, b) => b.fixed - a.fixed);
  return compiled;
}

function match(text) {
  for (const tpl of templates()) {
    const m = tpl.re.exec(text);
    if (m) return { tpl, values: m.slice(1) };
  }
  return null;
}

function translate(text, depth) {
  const found = depth < MAX_DEPTH ? match(text) : null;
  if (!found) return text;
  const params = {};
  found.tpl.names.forEach((name, i) => {
    params[name] = name.startsWith('msg') ? translate(found.values[i], depth + 1) : found.values[i];
  });
  return t(found.tpl.key, params);
}

export function engineMessage(text) {
  const s = String(text ?? '');
  return language() === 'en' ? s : translate(s, 0);
}

export const isTranslatedEngineMessage = (text) => match(String(text ?? '')) !== null;

export function conventionLabel(key) {
  const k = `engine.convention.${key}`;
  return Object.hasOwn(MESSAGES.en, k) ? t(k) : String(key);
}
