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
//   parseEngineMessage(text) -> {key, values: {name: data or parsed message}} | null
//                                   how a text was matched (tests: the data it carries)
//   conventionLabel(key) -> string  the name of a result's convention ("ties", "conf_type")
//                                   in the page's language: "engine.convention.<key>", else the key
//
// A placeholder captures data (a column, a level, a number) and is copied
// as it is, except:
//   - one whose name starts with "msg" is itself an engine message (what
//     follows "analysis spec: 'time.column' ", the message after a scope such
//     as "sequence = metachronous: ") and is translated in turn, at most
//     MAX_DEPTH deep; a template matches only if each of its "msg" parts does,
//     so a general template ("{column} = {level}: {msg}") cannot swallow a
//     text that merely looks like it;
//   - one whose name starts with "list" is a list the engine joined as
//     "a, b and c": its items are copied and joined in the page's language.
import { MESSAGES } from './locales/index.js';
import { language, t } from './i18n.js';

const MAX_DEPTH = 6;
const PREFIX = 'engine.msg.';
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
let compiled = null;

// Each English template as a regular expression (its fixed text escaped, a
// placeholder a lazy group), in a fixed order that breaks the last ties of
// parse() below.
function templates() {
  if (compiled) return compiled;
  compiled = Object.entries(MESSAGES.en)
    .filter(([key]) => key.startsWith(PREFIX))
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
      return {
        name: key.slice(PREFIX.length),
        names,
        re: new RegExp(`^${source}$`),
        fixed: english.replace(/\{\w+\}/g, '').length,
        data: names.filter((n) => !n.startsWith('msg')).length,
        tail: english.endsWith('{msg}'),
      };
    })
    // Longer fixed text first, then fewer data placeholders ("{msgWhere}: {msg}" before "{name}: {msg}").
    .sort((a, b) => b.fixed - a.fixed || a.data - b.data || a.name.localeCompare(b.name));
  return compiled;
}

// The parse of a text that covers the most fixed (template) text, with its
// placeholders' values (a "msg" placeholder's value parsed in turn), or
// null. Every template that matches is weighed, so a general template whose
// last placeholder would swallow a scope and its message ("the Cox model of
// {terms}") loses to the scope template with the message's own template
// after it ("{msgWhere}: {msg}"); on a tie, fewer data placeholders win.
// A named part ({msgOutcome}, {msgWhere}) is one phrase: it cannot be filled
// by a template that ends in a whole message ("{msgWhere}: {msg}"), which only
// a plain {msg} (or the whole text) may be; and where templates are named
// after the part ("outcome", "outcome_group" for {msgOutcome}), only those.
function parse(text, depth, memo, part = '') {
  if (depth >= MAX_DEPTH) return null;
  const memoKey = `${depth}\u0000${part}\u0000${text}`;
  const known = memo.get(memoKey);
  if (known !== undefined) return known;
  const kind = part.slice(3).toLowerCase();
  const ofKind = (tpl) => tpl.name === kind || tpl.name.startsWith(`${kind}_`);
  const typed = kind !== '' && templates().some(ofKind);
  let best = null;
  for (const tpl of templates()) {
    if (part && tpl.tail) continue;
    if (typed && !ofKind(tpl)) continue;
    const m = tpl.re.exec(text);
    if (!m) continue;
    const values = {};
    let score = tpl.fixed;
    let data = tpl.data;
    let ok = true;
    for (let i = 0; ok && i < tpl.names.length; i++) {
      const name = tpl.names[i];
      if (!name.startsWith('msg')) {
        values[name] = m[i + 1];
        continue;
      }
      const inner = parse(m[i + 1], depth + 1, memo, name === 'msg' ? '' : name);
      if (!inner) ok = false;
      else {
        values[name] = inner;
        score += inner.score;
        data += inner.data;
      }
    }
    if (ok && (!best || score > best.score || (score === best.score && data < best.data))) {
      best = { key: `${PREFIX}${tpl.name}`, name: tpl.name, values, score, data };
    }
  }
  memo.set(memoKey, best);
  return best;
}

// "a, b and c" (the engine's list) -> its items.
export function listItems(value) {
  const s = String(value);
  const last = s.lastIndexOf(' and ');
  if (last < 0) return s.split(', ');
  return [...s.slice(0, last).split(', '), s.slice(last + 5)];
}

// An item the engine quoted ('age') is quoted in the page's language (and
// quoted items need no spaces around "and" in Chinese).
function listed(raw) {
  const quoted = raw.every((item) => /^'[\s\S]*'$/.test(item));
  const items = raw.map((item) => (quoted ? t('engine.list.quoted', { item: item.slice(1, -1) }) : item));
  if (items.length < 2) return items.join('');
  const and = t(quoted ? 'engine.list.and_quoted' : 'engine.list.and');
  return items.slice(0, -1).join(t('engine.list.comma')) + and + items[items.length - 1];
}

function render(parsed) {
  const params = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (name.startsWith('msg')) params[name] = render(value);
    else if (name.startsWith('list')) params[name] = listed(listItems(value));
    else params[name] = value;
  }
  return t(`engine.msg.${parsed.name}`, params);
}

export function engineMessage(text) {
  const s = String(text ?? '');
  if (language() === 'en') return s;
  const parsed = parse(s, 0, new Map());
  return parsed ? render(parsed) : s;
}

export const parseEngineMessage = (text) => parse(String(text ?? ''), 0, new Map());
export const isTranslatedEngineMessage = (text) => parseEngineMessage(text) !== null;

export function conventionLabel(key) {
  return Object.hasOwn(MESSAGES.en, `engine.convention.${key}`) ? t(`engine.convention.${key}`) : String(key);
}
