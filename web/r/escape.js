// escape.js: the one way text and numbers from a spec or the data reach R
// code. web/rscript.js (the script's frame) and every analysis's rBlock
// (web/analyses/<key>.js) write R through these, and nothing else; this module
// imports neither, so both can import it.
//
// API
//   rStr(text)      any text as an R string literal
//   rName(name)     a column name as R code: as is when syntactic, else in backquotes
//   oneLine(text)   text for a comment: one line, nothing that can end it
//   cm`...`         a template tag for comment text: every value through oneLine
//   rNum(x, where)  a number from the spec (anything else is refused, naming `where`)
//   rNums(a, where), rChr(a), rBool(b)   numeric and character vectors, TRUE/FALSE
//   rTerm(term)     a term's {lv, ref}: its levels and reference level as R (or NULL)
//   plain(name, alias), GROUP_ALIAS   a column's name where R needs a syntactic one
//   specError(where, what)   the error for a spec value the script cannot use
//   SCRIPT_LIMITS   what R's parser reads (brackets open, token length) and the script's size
// tests/node/rscript_safety.test.mjs checks rStr, rName and oneLine in R.
//
// Every text from the spec or the data (column names, levels, filter values,
// names, labels, the file name) is hostile: a share link or a CSV header can
// hold anything. It reaches the script only through rStr (string literal),
// rName (identifier), rNum (number) and cm/oneLine (comment text).

// ------------------------------------------------------------------- limits
// The script's own limits. R's parser (R 4.x, gram.y) reads at most 50
// brackets open in one expression ("contextstack overflow"; the script writes
// a filter where 4 are open already: ls_cohort(, {, raw[, with() and a number
// or a name outside backquotes of at most 8,190 characters ("input buffer
// overflow"); a filter the engine reads can pass either, and is refused with a
// message instead. The script is at most 32 MiB: within the engine's limits a
// spec of 1 MB (900 covariates with 1,000-byte names on 101 cohorts) made one
// of more than 512 MB (a RangeError after 90 s on the page's main thread),
// while the paper's spec with 100 subcohorts makes 3.6 MB. The engine's own
// limits on a spec (sizes, a filter's depth) are the engine's to apply: the
// script is written from its reading of the spec (readSpec).
export const SCRIPT_LIMITS = Object.freeze({ filterNesting: 50 - 4, rToken: 8190, chars: 32 * 2 ** 20 });

const kindOf = (x) => (x === null || x === undefined ? 'null' : typeof x === 'boolean' ? 'true/false'
  : typeof x === 'number' ? 'a number' : typeof x === 'string' ? 'text' : Array.isArray(x) ? 'a list' : 'an object');
export const specError = (where, what) => new Error(`R script: '${where}' ${what}`);

// One code point of text as R escapes it: printable ASCII as is (with the
// quote character and the backslash escaped), \n \r \t by name, anything
// else by number. R takes \u{...} in strings but not inside backticks, where
// it takes \x bytes (the name's UTF-8 bytes: as the file's names on a UTF-8
// R, the default on Linux, macOS and Windows since R 4.2). R cannot hold a
// NUL; a lone surrogate (possible in a JS string, never in a UTF-8 file)
// becomes U+FFFD, as the browser writes it.
const NAMED_ESCAPES = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
// What needs escaping: the quote, the backslash, and every code point outside
// printable ASCII (a lone surrogate is one, with the u flag).
const TO_ESCAPE = { '"': /["\\]|[^\x20-\x7e]/gu, '`': /[`\\]|[^\x20-\x7e]/gu };
const utf8 = new TextEncoder();
function rEscaped(value, quote) {
  const escaped = String(value).replace(TO_ESCAPE[quote], (ch) => {
    let c = ch.codePointAt(0);
    if (c === 0) throw new Error('R script: a text in the spec holds a NUL character, which R cannot hold');
    if (ch === quote || ch === '\\') return '\\' + ch;
    if (Object.hasOwn(NAMED_ESCAPES, ch)) return NAMED_ESCAPES[ch];
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (quote === '"') return c > 0xffff ? `\\U{${c.toString(16)}}` : `\\u{${c.toString(16)}}`;
    return [...utf8.encode(String.fromCodePoint(c))].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
  });
  return quote + escaped + quote;
}

/** Any text as an R string literal. */
export const rStr = (s) => rEscaped(s, '"');

// A column name as it can appear in R code: as is when syntactic (ASCII
// only, so the script reads the same in every locale) and short enough for
// R's parser (a filter can name anything), else backquoted.
const SYNTACTIC = /^([A-Za-z]|[.][A-Za-z._]|[.]$)[A-Za-z0-9._]*$/;
const RESERVED = new Set(['if', 'else', 'repeat', 'while', 'function', 'for', 'next', 'break',
  'TRUE', 'FALSE', 'NULL', 'Inf', 'NaN', 'NA', 'NA_integer_', 'NA_real_', 'NA_character_', 'NA_complex_', 'in', '...']);
export function rName(value) {
  const s = String(value);
  if (s === '') throw new Error('R script: an empty column name cannot be used in R code');
  return SYNTACTIC.test(s) && s.length <= SCRIPT_LIMITS.rToken && !RESERVED.has(s) && !/^\.\.\d+$/.test(s) ? s : rEscaped(s, '`');
}

/** A number from the spec: anything but a finite number is refused (a link can put text there). */
export function rNum(x, where = 'a number') {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw specError(where, `must be a number, not ${kindOf(x)}`);
  return String(x);
}
export const rBool = (b) => (b ? 'TRUE' : 'FALSE');
export const rChr = (a) => (a.length ? `c(${a.map(rStr).join(', ')})` : 'character(0)');
export const rNums = (a, where) => (a.length ? `c(${a.map((x, i) => rNum(x, `${where}[${i}]`)).join(', ')})` : 'numeric(0)');

// Text in a comment: one line. Control characters, line and paragraph
// separators (\r, \u2028, \u0085, ...), invisible format characters
// (bidirectional overrides) and lone surrogates become spaces, so nothing
// can end the comment or make the line read differently from what R runs.
export const oneLine = (text) => String(text).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, ' ');
// A template tag for comment text: every interpolated value goes through
// oneLine; the template's own \n separate comment lines.
export const cm = (strings, ...values) => strings.reduce((out, str, i) => out + oneLine(values[i - 1]) + str);

/** A term (the group, a covariate, a subgroup variable): its levels and reference as R, NULL where the spec has none. */
export function rTerm(t) {
  const lv = t.levels.length ? rChr(t.levels) : 'NULL';
  const ref = t.reference ? rStr(t.reference) : 'NULL';
  return { lv, ref };
}

// survfit, survdiff and maxstat.test (survival 3.5, maxstat 0.7) look a
// term's column up by its label, which R backquotes when the name is not
// syntactic ("undefined columns selected"): such a column goes into them
// under a plain alias (GROUP_ALIAS, which web/rscript.js makes for the group
// in every cohort; cutpoint's own for its column).
export const GROUP_ALIAS = 'group_';
export const plain = (name, alias) => (rName(name) === String(name) ? rName(name) : alias);
