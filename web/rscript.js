// rscript.js: writes an R script that redoes a LocalSurv analysis with R's
// own tools (survival, MatchIt, maxstat, stats), so a reviewer can check
// every number LocalSurv reports against R, on the same CSV.
//
// API
//   rScript(spec, options) -> string   a complete, commented R script
//     spec       the analysis spec (docs/spec.md); either as written (short
//                forms, defaults left out) or the result's `spec` (every
//                default spelled out): both give the same script (see
//                "reading the spec" below).
//     options.dataFile  path the script reads by default ('data.csv'); the
//                second command-line argument overrides it.
//     options.data      the result's `data` block ({delimiter, decimal_comma}),
//                so the script reads the file as LocalSurv did (the spec's
//                data options win; else "," and ".").
//     options.correctedPairing  TEST ONLY (tests/node/rscript.test.mjs): the
//                script swaps MatchIt's pairing step (nn_matchC_vec, via
//                assignInNamespace) for the R re-implementation of
//                tests/r/goldens/matching_ref.R with a true |difference|
//                (MatchIt >= 4.5.4), extended to exact strata, 1:k and
//                replacement, exactly as the project's goldens do, so pairs
//                agree on machines that only have MatchIt 4.5.1-4.5.3. A
//                reviewer should instead install MatchIt >= 4.5.4; the page
//                never sets this.
//   rFilter(expression) -> string     the filter language of docs/spec.md in R;
//                throws past the engine's nesting limit, with its message
//   rStr(text), rName(name), oneLine(text)   the escapers every text from the
//                spec or the data goes through (R string literal, R name,
//                comment text); tests/node/rscript_safety.test.mjs checks them.
//   rScript throws an Error naming the field, with the engine's message,
//   where the engine's reader refuses the spec's shape (text where a number
//   belongs, a wrong kind, an unknown option, a required column left out,
//   an unknown cutpoint groups.use or date_diff unit) or its size
//   (ENGINE_LIMITS: subcohorts, derive steps, km.times, cut breaks, event
//   values, list entries, text and filter lengths), where the main filter
//   cannot be read (nested deeper than the engine's limit, past what R's
//   parser reads, not the filter language), where the script would be longer
//   than SCRIPT_LIMITS.chars, and on a NUL character (R cannot hold one).
//   ENGINE_LIMITS                     the engine's limits (core/spec.h, core/filter.h)
//
// The script: `Rscript analysis.R [key_numbers.json [data.csv]]`. It prints
// R's own output for every analysis; with a first argument it also writes the
// key numbers as JSON (jsonlite) so a test can compare them with LocalSurv's
// result JSON. Conventions: time/event become columns `time_`/`event_`, the
// group keeps its column name (so coefficients are named as LocalSurv names
// them, e.g. `sex2`), `treat_` is 1 for the group's second level, and the row
// names are the file's data row numbers (1 = first row after the header).
// Each analysis runs inside ls_block(), so one that fails in R is reported
// (key `<path>.error`) and the others still run, as LocalSurv reports a
// failed analysis in its own block (docs/spec.md, "When an analysis fails").
// Each cohort is formed inside ls_cohort(): a subcohort that cannot be formed
// (a column the file lacks, a filter LocalSurv cannot read) is reported (key
// `<path>.cohort.error`) and its analyses skipped, as LocalSurv reports that
// subcohort's error and analyses the others; so is each comparison of the
// cut groups' matching, and a reference-group filter that cannot be read
// fails only the cutpoint block.
//
// What R cannot reproduce exactly (also stated in the script):
// - MatchIt < 4.5.4 truncates distance differences (issue #163): other pairs.
// - m.order = "random" and maxstat's condMC p use R's random numbers.
// - fisher.test may run out of workspace on large sparse tables.
// - survival 3.5's cox.zph(terms = TRUE) stops on an aliased coefficient;
//   the script then reports the per-coefficient test only.
// - survdiff takes no weights: for 1:k / replacement matching the script
//   prints the weighted Cox (its robust score test is LocalSurv's stand-in).
// - A two-valued covariate constant on the matched units has no balance
//   test in R (NA); LocalSurv reports p = 1 (both count it as balanced).
// - A filter whose R code would nest brackets deeper, or hold a longer
//   number, than R's parser reads, and a script longer than 32 MiB
//   (SCRIPT_LIMITS) are refused with a message; the engine runs such specs.

// ---------------------------------------------------------------- R literals
// Every text from the spec or the data (column names, levels, filter values,
// names, labels, the file name) is hostile: a share link or a CSV header can
// hold anything. It reaches the script only through rStr (string literal),
// rName (identifier), rNum (number) and cm/oneLine (comment text).

const kindOf = (x) => (x === null || x === undefined ? 'null' : typeof x === 'boolean' ? 'true/false'
  : typeof x === 'number' ? 'a number' : typeof x === 'string' ? 'text' : Array.isArray(x) ? 'a list' : 'an object');
const specError = (where, what) => new Error(`R script: '${where}' ${what}`);

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
function rNum(x, where = 'a number') {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw specError(where, `must be a number, not ${kindOf(x)}`);
  return String(x);
}
const rBool = (b) => (b ? 'TRUE' : 'FALSE');
const rChr = (a) => (a.length ? `c(${a.map(rStr).join(', ')})` : 'character(0)');
const rNums = (a, where) => (a.length ? `c(${a.map((x, i) => rNum(x, `${where}[${i}]`)).join(', ')})` : 'numeric(0)');

// Text in a comment: one line. Control characters, line and paragraph
// separators (\r, \u2028, \u0085, ...), invisible format characters
// (bidirectional overrides) and lone surrogates become spaces, so nothing
// can end the comment or make the line read differently from what R runs.
export const oneLine = (text) => String(text).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, ' ');
// A template tag for comment text: every interpolated value goes through
// oneLine; the template's own \n separate comment lines.
const cm = (strings, ...values) => strings.reduce((out, str, i) => out + oneLine(values[i - 1]) + str);
const comment = (text) => text.split('\n').map((l) => ('# ' + oneLine(l)).trimEnd()).join('\n');

// ------------------------------------------------------------------- limits
// The engine's limits on a spec (core/spec.h limits::, core/filter.h
// kMaxFilterDepth; docs/spec.md "Limits"), the only copy on the page's side;
// tests/node/rscript_safety.test.mjs checks them against the engine's
// headers. The script is refused where the engine refuses the spec, with the
// engine's field and message, so no spec makes a script the engine would not
// run (a link with 10,000 subcohorts made a 352 MB script on the page's main
// thread).
export const ENGINE_LIMITS = Object.freeze({
  textBytes: 1000, // a name, label, level or value
  filterBytes: 10_000, // a filter expression
  filterDepth: 100, // parentheses and 'not' nested in a filter
  subcohorts: 100,
  deriveSteps: 100,
  kmTimes: 100,
  cutBreaks: 100,
  eventValues: 100,
  listEntries: 1000, // any other list
});
// The script's own limits. R's parser (R 4.x, gram.y) reads at most 50
// brackets open in one expression ("contextstack overflow"; the script writes
// a filter where 4 are open already: ls_cohort(, {, raw[, with() and a number
// or a name outside backquotes of at most 8,190 characters ("input buffer
// overflow"); a filter the engine reads can pass either, and is refused with a
// message instead. The script is at most 32 MiB: within the engine's limits a
// spec of 1 MB (900 covariates with 1,000-byte names on 101 cohorts) made one
// of more than 512 MB (a RangeError after 90 s on the page's main thread),
// while the paper's spec with 100 subcohorts makes 3.6 MB.
const SCRIPT_LIMITS = Object.freeze({ filterNesting: 50 - 4, rToken: 8190, chars: 32 * 2 ** 20 });

const utf8Length = (text) => utf8.encode(text).length;
// Only spaces, tabs and line breaks: no filter at all, as in the engine.
const blank = (text) => !text || /^[ \t\r\n]*$/.test(text);
// A filter's text in a message, as the engine shows it: whole if at most 80
// bytes, else its first 77 (not splitting a UTF-8 character) and '...'.
function shown(text) {
  const bytes = utf8.encode(text);
  if (bytes.length <= 80) return `'${text}'`;
  let cut = 77;
  while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) --cut;
  return `'${new TextDecoder().decode(bytes.subarray(0, cut))}...'`;
}

// ------------------------------------------------------------------ filters

/** A filter the script cannot use: not the filter language, or past a limit (with the engine's message for its depth). */
class FilterError extends Error {}

// Tokens keep where they start (an index into src) for messages.
function tokenize(src) {
  const toks = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const at = i;
    if (c === '"' || c === "'" || c === '`') {
      const j = src.indexOf(c, i + 1);
      if (j < 0) throw new FilterError(`filter: unterminated ${c} at ${i + 1}`);
      toks.push({ kind: c === '`' ? 'name' : 'text', value: src.slice(i + 1, j), at });
      i = j + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<=', '>='].includes(two)) { toks.push({ kind: 'op', value: two, text: two, at }); i += 2; continue; }
    if ('<>(),'.includes(c)) { toks.push({ kind: 'op', value: c, text: c, at }); i++; continue; }
    const num = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    // A number starts with a digit, or a sign or point right before one.
    if (num && (/\d/.test(c) || /^[-+.]\d/.test(src.slice(i)) || /^[-+]\.\d/.test(src.slice(i)))) {
      toks.push({ kind: 'number', value: num[0], at });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z0-9_.]+/.exec(src.slice(i));
    if (!word) throw new FilterError(`filter: unexpected '${c}' at ${i + 1}`);
    const w = word[0];
    const kw = w.toLowerCase();
    toks.push(['and', 'or', 'not', 'in', 'is', 'missing'].includes(kw) ? { kind: 'kw', value: kw, text: w, at } : { kind: 'name', value: w, at });
    i += w.length;
  }
  return toks;
}

// How deep R code nests brackets, outside its strings and backquoted names.
function rNesting(code) {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === '`') {
      for (i++; code[i] !== c; i++) if (code[i] === '\\') i++;
    } else if ('([{'.includes(c)) max = Math.max(max, ++depth);
    else if (')]}'.includes(c)) depth--;
  }
  return max;
}

/**
 * The filter language of docs/spec.md as an R expression over the data's
 * columns (for with(data, ...)). Comparisons go through ls_true(), so a
 * comparison on a missing cell is FALSE and `not` of it TRUE, as in LocalSurv.
 */
export function rFilter(expression) {
  const src = String(expression ?? '');
  const toks = tokenize(src);
  if (!toks.length) return 'TRUE';
  let k = 0;
  let depth = 0;
  const peek = () => toks[k];
  const isKw = (t, v) => t && t.kind === 'kw' && t.value === v;
  const isOp = (t, v) => t && t.kind === 'op' && t.value === v;
  const value = () => {
    const t = toks[k++];
    if (!t || (t.kind !== 'number' && t.kind !== 'text')) throw new FilterError('filter: expected a value');
    if (t.kind === 'number' && t.value.length > SCRIPT_LIMITS.rToken) {
      throw new FilterError(`filter: the number '${t.value.slice(0, 20)}...' (${t.value.length} characters) is longer than R's parser reads (${SCRIPT_LIMITS.rToken}); write it shorter`);
    }
    return t.kind === 'number' ? t.value : rStr(t.value);
  };
  const expr = () => {
    const parts = [term()];
    while (isKw(peek(), 'or')) { k++; parts.push(term()); }
    return parts.length > 1 ? `(${parts.join(' | ')})` : parts[0];
  };
  const term = () => {
    const parts = [factor()];
    while (isKw(peek(), 'and')) { k++; parts.push(factor()); }
    return parts.length > 1 ? `(${parts.join(' & ')})` : parts[0];
  };
  // 'not' and '(' recurse: nested as deep as the engine allows at most
  // (core/filter.cpp, its message), so no filter can exhaust the stack.
  const factor = () => {
    const t = peek();
    if (isKw(t, 'not') || isOp(t, '(')) {
      if (depth === ENGINE_LIMITS.filterDepth) {
        throw new FilterError(`filter: '${t.text}' nests parentheses and 'not' more than ${ENGINE_LIMITS.filterDepth} levels deep (the limit) at position ${utf8Length(src.slice(0, t.at)) + 1}`);
      }
      depth++;
      k++;
      let out;
      if (t.value === 'not') out = `!${factor()}`;
      else {
        const e = expr();
        if (!isOp(toks[k++], ')')) throw new FilterError("filter: expected ')'");
        out = `(${e})`;
      }
      depth--;
      return out;
    }
    if (!t || t.kind !== 'name') throw new FilterError('filter: expected a column name');
    k++;
    const col = rName(t.value);
    const op = toks[k++];
    if (isKw(op, 'in')) {
      if (!isOp(toks[k++], '(')) throw new FilterError("filter: expected '(' after in");
      const vals = [value()];
      while (isOp(peek(), ',')) { k++; vals.push(value()); }
      if (!isOp(toks[k++], ')')) throw new FilterError("filter: expected ')'");
      return `(${col} %in% c(${vals.join(', ')}))`;
    }
    if (isKw(op, 'is')) {
      let neg = false;
      if (isKw(peek(), 'not')) { neg = true; k++; }
      if (!isKw(toks[k++], 'missing')) throw new FilterError("filter: expected 'missing'");
      return neg ? `!is.na(${col})` : `is.na(${col})`;
    }
    if (!op || op.kind !== 'op' || !['==', '!=', '<', '<=', '>', '>='].includes(op.value)) {
      throw new FilterError('filter: expected a comparison operator');
    }
    return `ls_true(${col} ${op.value} ${value()})`;
  };
  const out = expr();
  if (k !== toks.length) throw new FilterError('filter: unexpected text after the expression');
  const nesting = rNesting(out);
  if (nesting > SCRIPT_LIMITS.filterNesting) {
    throw new FilterError(`filter: its R code would nest brackets ${nesting} deep, more than R's parser reads in the script (${SCRIPT_LIMITS.filterNesting}); write the filter with fewer parentheses`);
  }
  return out;
}

// ------------------------------------------------------------ reading the spec
// The spec is read in one step (readSpec) by core/spec.cpp's rules, into the
// form the engine echoes as result.spec (spec_to_json): every default
// written out, short forms expanded, disabled analyses dropped. So the page
// gets the same script from the spec as written (before a run, or from a
// link) as from the engine's echo (after a run), and the rest of this file
// sees one shape only. As in the engine: null means "not given"; a single
// value stands for a list of text (event.values, levels, logrank.by, ...),
// and a number there is kept as the text the engine's JSON library writes
// (2 -> "2", 1e-5 -> "1e-05"); a name is text or {column, ...}; an analysis
// may carry enabled: false; a subcohort with its own covariates or analyses
// runs with the main spec's others. Refused, naming the field as the engine
// does: a value of the wrong kind, an unknown option, a required column or
// name left out, a version other than 1, and the cutpoint group use and
// date_diff unit the script turns into code. Option words (ties, conf_type,
// ...), ranges and checks across fields are the engine's to refuse: the
// script writes them through rStr, and the page runs the engine.

const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);

// The engine's size checks (core/spec.cpp check_length, check_entries).
function checkLength(text, path, max = ENGINE_LIMITS.textBytes) {
  const n = utf8Length(text);
  if (n > max) {
    throw specError(path, `is ${n} bytes long; the limit is ${max} bytes for ${max === ENGINE_LIMITS.filterBytes ? 'a filter' : 'a name, label or value'}`);
  }
  return text;
}
function checkEntries(list, path, max = ENGINE_LIMITS.listEntries) {
  if (list.length > max) throw specError(path, `has ${list.length} entries; the limit is ${max}`);
  return list;
}

// A JSON number as text, as nlohmann::json writes it (dump): integers as
// digits, other numbers in the shortest form that reads back, with ".0" when
// whole, and e+NN / e-NN outside 1e-5 .. 1e15. nlohmann's Grisu2 writes a
// few numbers with more digits than the shortest (0.049603708824 as
// 0.049603708823999997, 2e+23 as 1.9999999999999998e+23): about 1 in 2,000
// numbers between 1e-5 and 1e15, more above 1e21; there the texts differ.
// A level or value written as text (as the page writes them) never does.
function jsonNumberText(x) {
  if (Number.isInteger(x) && x >= -(2 ** 63) && x < 2 ** 64) return String(x);   // int64 / uint64
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const k = digits.length;
  const n = Number(exp) + 1;   // where the decimal point goes
  let s;
  if (k <= n && n <= 15) s = `${digits}${'0'.repeat(n - k)}.0`;
  else if (n > 0 && n <= 15) s = `${digits.slice(0, n)}.${digits.slice(n)}`;
  else if (n > -4 && n <= 0) s = `0.${'0'.repeat(-n)}${digits}`;
  else s = `${k === 1 ? digits : `${digits[0]}.${digits.slice(1)}`}e${n - 1 < 0 ? '-' : '+'}${String(Math.abs(n - 1)).padStart(2, '0')}`;
  return (x < 0 ? '-' : '') + s;
}

// One JSON object of the spec, as core/spec.cpp's ObjectReader: each read
// names its key; done() refuses any key no read asked for.
class SpecObject {
  constructor(j, path) {
    if (!isObject(j)) throw specError(path || '(spec)', `must be an object, not ${kindOf(j)}`);
    this.j = j;
    this.path = path;
    this.known = [];
  }
  child(key) { return this.path ? `${this.path}.${key}` : key; }
  get(key) {
    this.known.push(key);
    const v = Object.hasOwn(this.j, key) ? this.j[key] : null;
    return v === undefined ? null : v;
  }
  has(key) { return this.get(key) !== null; }
  text(key, def = '', max = ENGINE_LIMITS.textBytes) {
    const v = this.get(key);
    if (v !== null && typeof v !== 'string') throw specError(this.child(key), `must be text, not ${kindOf(v)}`);
    return v === null ? def : checkLength(v, this.child(key), max);
  }
  bool(key, def) {
    const v = this.get(key);
    if (v !== null && typeof v !== 'boolean') throw specError(this.child(key), `must be true or false, not ${kindOf(v)}`);
    return v ?? def;
  }
  number(key, def) {
    const v = this.get(key);
    if (v !== null) rNum(v, this.child(key));
    return v ?? def;
  }
  whole(key, def) {
    const v = this.get(key);
    if (v !== null && !(typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 1e9)) {
      throw specError(this.child(key), `must be a whole number, not ${typeof v === 'number' ? String(v) : kindOf(v)}`);
    }
    return v ?? def;
  }
  // Values that name cells ("2", 2, "dead"): a single value or a list, kept as text.
  texts(key, def = [], max = ENGINE_LIMITS.listEntries) {
    const v = this.get(key);
    if (v === null) return def;
    return checkEntries(Array.isArray(v) ? v : [v], this.child(key), max).map((e, i) => {
      if (typeof e === 'string') return checkLength(e, `${this.child(key)}[${i}]`);
      if (typeof e === 'number') return jsonNumberText(e);
      throw specError(`${this.child(key)}[${i}]`, `must be text or a number, not ${kindOf(e)}`);
    });
  }
  numbers(key, max) {
    const v = this.get(key);
    if (v === null) return [];
    if (!Array.isArray(v)) throw specError(this.child(key), `must be a list of numbers, not ${kindOf(v)}`);
    checkEntries(v, this.child(key), max);
    v.forEach((x, i) => rNum(x, `${this.child(key)}[${i}]`));
    return v;
  }
  required(key, value = this.text(key)) {
    if (value === '') throw specError(this.child(key), 'is required');
    return value;
  }
  oneOf(key, value, allowed) {
    if (!allowed.includes(value)) throw specError(this.child(key), `is '${oneLine(value)}'; it must be one of: ${allowed.join(', ')}`);
    return value;
  }
  done() {
    const extra = Object.keys(this.j).find((k) => !this.known.includes(k));
    if (extra !== undefined) throw specError(this.child(extra), `is not a known option here (known: ${this.known.join(', ')})`);
  }
}
// Reads the object j at path with read(reader) and checks for unknown keys.
const readObject = (j, path, read) => {
  const r = new SpecObject(j, path);
  const out = read(r);
  r.done();
  return out;
};
function byCodePoint(x, y) {
  const a = [...x], b = [...y];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = a[i].codePointAt(0) - b[i].codePointAt(0);
    if (d) return d;
  }
  return a.length - b.length;
}
const listAt = (j, path, what, max = ENGINE_LIMITS.listEntries) => {
  if (!Array.isArray(j)) throw specError(path, `must be ${what}`);
  return checkEntries(j, path, max);
};

const DATE_UNITS = { days: 1, weeks: 7, months: 30.4375, years: 365.25 };
const DATE_FORMATS = ['auto', 'ymd', 'dmy', 'mdy'];

function readDerive(j, path) {
  return readObject(j, path, (r) => {
    const name = r.required('name');
    const kinds = ['cut', 'bed', 'eqd2', 'flag', 'date_diff'].filter((k) => r.has(k));
    if (kinds.length !== 1) throw specError(path, 'must have exactly one of cut, bed, eqd2, flag or date_diff');
    const kind = kinds[0];
    const body = readObject(r.get(kind), `${path}.${kind}`, (c) => {
      if (kind === 'date_diff') {
        const o = { start: c.required('start'), end: c.required('end'), unit: c.text('unit', 'days'), format: c.text('format', 'auto') };
        if (!Object.hasOwn(DATE_UNITS, o.unit)) throw specError(c.child('unit'), `must be days, weeks, months or years, not '${oneLine(o.unit)}'`);
        if (!DATE_FORMATS.includes(o.format)) throw specError(c.child('format'), `must be auto, ymd, dmy or mdy, not '${oneLine(o.format)}'`);
        return o;
      }
      if (kind === 'flag') return { column: c.required('column'), values: c.texts('values') };
      if (kind === 'cut') return { column: c.required('column'), breaks: c.numbers('breaks', ENGINE_LIMITS.cutBreaks), labels: c.texts('labels'), right: c.bool('right', false) };
      const o = { dose: c.text('dose'), fractions: c.text('fractions'), alpha_beta: c.number('alpha_beta', 10) };
      if (!o.dose || !o.fractions) throw specError(c.child('dose'), 'and fractions are required');
      return o;
    });
    return { name, [kind]: body };
  });
}

// A covariate or subgroup variable: a column name, or {column, type, levels, reference}.
function readTerm(j, path) {
  if (typeof j === 'string') return { column: checkLength(j, path), type: 'auto', levels: [], reference: '' };
  return readObject(j, path, (r) => {
    const t = { column: r.text('column'), type: r.text('type', 'auto'), levels: r.texts('levels'), reference: r.text('reference') };
    r.required('column', t.column);
    return t;
  });
}
const readTerms = (j, path) => listAt(j, path, 'a list').map((t, i) => readTerm(t, `${path}[${i}]`));

function readMatching(j, path) {
  return readObject(j, path, (r) => ({
    enabled: r.bool('enabled', true),
    distance: r.text('distance', 'ps'), ratio: r.whole('ratio', 1), replace: r.bool('replace', false),
    order: r.text('order', 'largest'), seed: r.whole('seed', 1), caliper: r.number('caliper', 0),
    caliper_scale: r.text('caliper_scale', 'sd'), exact: r.texts('exact'), smd: r.text('smd', 'matchit'),
    yates: r.bool('yates', true), outcome_model: r.text('outcome_model', 'cluster'),
    score_covariates: r.texts('score_covariates'), balance_criterion: r.text('balance_criterion', 'p'),
    balance_p: r.number('balance_p', 0.1), balance_smd: r.number('balance_smd', 0.1),
    balance_test: r.text('balance_test', 'auto'), rounds: r.whole('rounds', 1), round_rule: r.text('round_rule', 'exact'),
  }));
}
const MATCHING_DEFAULTS = readMatching({}, '');
const withoutEnabled = ({ enabled, ...o }) => o;

const CUT_USES = ['maxstat', 'median', 'youden', 'value'];
function readCutGroups(j, path) {
  return readObject(j, path, (r) => {
    const g = { enabled: r.bool('enabled', true), use: r.oneOf('use', r.text('use', 'maxstat'), CUT_USES) };
    const hasValue = r.has('value');
    const value = r.number('value', 0);
    if (g.use === 'value' && !hasValue) throw specError(r.child('value'), "is required when use is 'value'");
    if (hasValue && g.use !== 'value') throw specError(r.child('value'), "is only used with use = 'value'");
    if (g.use === 'value') g.value = value;
    g.none = r.text('none', '', ENGINE_LIMITS.filterBytes);
    g.none_label = r.text('none_label', 'none');
    const m = r.get('match');
    if (m === null || m === false) g.match = false;
    else if (m === true) g.match = withoutEnabled(MATCHING_DEFAULTS);
    else if (isObject(m)) {
      const o = readMatching(m, r.child('match'));
      g.match = o.enabled ? withoutEnabled(o) : false;
    } else throw specError(r.child('match'), 'must be true, false or an object of matching options');
    return g;
  });
}

// Each analysis: its options, with the engine's defaults (core/spec.h).
const ANALYSES = {
  km: (r) => ({ conf_int: r.number('conf_int', 0.95), conf_type: r.text('conf_type', 'log'), times: r.numbers('times', ENGINE_LIMITS.kmTimes), by_group: r.bool('by_group', true) }),
  followup: () => ({}),
  logrank: (r) => ({ rho: r.number('rho', 0), strata: r.text('strata'), by: r.texts('by'), pairwise_adjust: r.text('pairwise_adjust', 'holm') }),
  cox: (r) => ({
    ties: r.text('ties', 'efron'), conf_int: r.number('conf_int', 0.95), univariate: r.bool('univariate', true),
    multivariable: r.bool('multivariable', true), strata: r.text('strata'), cluster: r.text('cluster'),
    select_p: r.number('select_p', 0), select_test: r.text('select_test', 'wald'), force: r.texts('force'),
  }),
  logistic: () => ({}),
  cutpoint: (r) => {
    const o = {
      column: r.required('column'), minprop: r.number('minprop', 0.1), maxprop: r.number('maxprop', 0.9),
      pmethod: r.text('pmethod', 'lau94'), replicates: r.whole('replicates', 10000), seed: r.whole('seed', 1), horizon: r.number('horizon', 0),
    };
    const g = r.get('groups');
    if (g !== null) {
      const groups = readCutGroups(g, r.child('groups'));
      if (groups.enabled) o.groups = withoutEnabled(groups);
    }
    return o;
  },
  subgroups: (r) => {
    const adjust = r.bool('adjust', false);
    const v = r.get('variables');
    if (v !== null && (!Array.isArray(v) || !v.length)) throw specError(r.child('variables'), 'must be a non-empty list');
    if (v === null) throw specError(r.child('variables'), 'is required');
    return { variables: checkEntries(v, r.child('variables')).map((t, i) => ({ ...readTerm(t, `${r.child('variables')}[${i}]`), type: 'factor' })), adjust };
  },
  table1: (r) => ({ yates: r.bool('yates', true) }),
};
const ORDER = ['table1', 'km', 'followup', 'logrank', 'cox', 'logistic', 'matching', 'cutpoint', 'subgroups'];

function readAnalyses(j, path) {
  return readObject(j, path, (r) => {
    const read = {};
    for (const k of ['km', 'followup', 'logrank', 'cox', 'logistic', 'matching', 'cutpoint', 'subgroups', 'table1']) {
      const a = r.get(k);
      if (a === null) continue;
      const o = k === 'matching' ? readMatching(a, r.child(k))
        : readObject(a, r.child(k), (ar) => ({ enabled: ar.bool('enabled', true), ...ANALYSES[k](ar) }));
      if (o.enabled) read[k] = withoutEnabled(o);
    }
    return Object.fromEntries(ORDER.filter((k) => read[k]).map((k) => [k, read[k]]));
  });
}

function readData(j) {
  return readObject(j, 'data', (r) => {
    const d = {};
    const delimiter = r.text('delimiter');
    if (delimiter) d.delimiter = delimiter;
    const dc = r.get('decimal_comma');
    if (dc !== null && typeof dc !== 'boolean') throw specError('data.decimal_comma', 'must be true or false');
    if (dc !== null) d.decimal_comma = dc;
    const sheet = r.text('sheet');
    if (sheet) d.sheet = sheet;
    const types = r.get('column_types') ?? {};
    if (!isObject(types)) throw specError('data.column_types', 'must be an object {column: type}');
    for (const [col, t] of Object.entries(types)) {
      checkLength(col, `data.column_types.${col}`);
      if (typeof t !== 'string') throw specError(`data.column_types.${col}`, 'must be "numeric" or "categorical"');
    }
    // The engine keeps them in a std::map: sorted by bytes (UTF-8 = code point order).
    d.column_types = Object.fromEntries(Object.entries(types).sort(([x], [y]) => byCodePoint(x, y)));
    return d;
  });
}

/** The spec as the engine reads it (see above), or an Error naming the field. */
function readSpec(j) {
  return readObject(j, '', (top) => {
    const version = top.whole('version', 1);
    if (version !== 1) throw specError('version', `is ${version}; this LocalSurv reads version 1`);
    const data = readData(top.get('data') ?? {});
    const derive = listAt(top.get('derive') ?? [], 'derive', 'a list of derived columns', ENGINE_LIMITS.deriveSteps).map((d, i) => readDerive(d, `derive[${i}]`));
    const filter = top.text('filter', '', ENGINE_LIMITS.filterBytes);
    const subs = listAt(top.get('subcohorts') ?? [], 'subcohorts', 'a list of {name, filter}', ENGINE_LIMITS.subcohorts).map((s, i) => {
      const path = `subcohorts[${i}]`;
      return readObject(s, path, (r) => ({
        name: r.required('name'), filter: r.required('filter', r.text('filter', '', ENGINE_LIMITS.filterBytes)), analyses: r.get('analyses'), covariates: r.get('covariates'),
      }));
    });
    const t = top.get('time');
    const time = typeof t === 'string' ? { column: checkLength(t, 'time'), unit: 'days' }
      : readObject(t ?? {}, 'time', (r) => ({ column: r.text('column'), unit: r.text('unit', 'days') }));
    if (!time.column) throw specError('time.column', 'is required');
    const e = top.get('event');
    const event = typeof e === 'string' ? { column: checkLength(e, 'event'), values: ['1'] } : readObject(e ?? {}, 'event', (r) => {
      const o = { column: r.text('column'), values: r.texts('values', ['1'], ENGINE_LIMITS.eventValues) };
      if (!o.values.length) throw specError('event.values', 'must name at least one value');
      return o;
    });
    if (!event.column) throw specError('event.column', 'is required');
    const g = top.get('group');
    const group = typeof g === 'string' || g === null ? (g ? { column: checkLength(g, 'group'), levels: [], reference: '' } : null)
      : readObject(g, 'group', (r) => ({ column: r.required('column', r.text('column')), levels: r.texts('levels'), reference: r.text('reference') }));
    const c = top.get('covariates');
    const covariates = c === null ? [] : readTerms(c, 'covariates');
    const a = top.get('analyses');
    const analyses = a === null ? {} : readAnalyses(a, 'analyses');
    // A subcohort with its own covariates and/or analyses takes the main
    // spec's others (the engine's reset: its analyses start from nothing).
    const subcohorts = subs.map((s, i) => (s.analyses === null && s.covariates === null ? { name: s.name, filter: s.filter } : {
      name: s.name, filter: s.filter,
      covariates: s.covariates === null ? covariates : readTerms(s.covariates, `subcohorts[${i}].covariates`),
      analyses: s.analyses === null ? analyses : readAnalyses(s.analyses, `subcohorts[${i}].analyses`),
    }));
    return { version, data, derive, filter, subcohorts, time, event, group, covariates, analyses };
  });
}

// --------------------------------------------------------------- R helpers

const HELPERS = String.raw`
# ---------------------------------------------------------------- helpers
# Cells LocalSurv reads as missing (core/csv.cpp).
ls_missing <- c("", "NA", "N/A", ".", "NaN", "null")

# A comparison on a missing cell is FALSE (as subset() drops NA), so that
# not (x == 1) keeps missing cells, as in LocalSurv's filter language.
ls_true <- function(v) !is.na(v) & v

# LocalSurv's level order when none is declared: the distinct values sorted,
# numerically when all are numbers, else by bytes (factor() in the C locale).
ls_levels <- function(x) {
  u <- unique(as.character(x[!is.na(x)]))
  n <- suppressWarnings(as.numeric(u))
  if (length(u) && !anyNA(n)) u[order(n)] else sort(u, method = "radix")
}
# Undeclared levels come from the whole file ('all'), as in LocalSurv, so a
# level absent from a subcohort still exists (its coefficient is then NA).
ls_factor <- function(x, levels = NULL, reference = NULL, all = x) {
  x <- as.character(x)
  if (!length(levels)) levels <- ls_levels(all)
  if (length(reference) && nzchar(reference)) levels <- c(reference, setdiff(levels, reference))
  factor(x, levels = levels)
}
# A covariate as LocalSurv reads it: "auto" keeps numeric columns numeric and
# makes text columns factors; "factor"/"numeric" force the type.
ls_covariate <- function(x, type = "auto", levels = NULL, reference = NULL, all = x) {
  if (type == "numeric") return(as.numeric(x))
  if (type == "factor" || !is.numeric(x) || length(levels)) return(ls_factor(x, levels, reference, all))
  x
}
# Event indicator: cells equal to one of the event values (numbers compare
# numerically, also in a text column: 2 matches "2.0"); other values censored.
ls_event <- function(x, values) {
  num <- suppressWarnings(as.numeric(values))
  hit <- as.character(x) %in% values[is.na(num)] |
    suppressWarnings(as.numeric(as.character(x))) %in% num[!is.na(num)]
  ifelse(is.na(x), NA_integer_, as.integer(hit))
}
# A formula built as R code, never from pasted text, so a column name is
# only ever a name: lhs (code, or NULL for a one-sided formula) ~ the terms,
# in order: column names (character) and code such as quote(strata(x)).
ls_formula <- function(lhs, ...) {
  terms <- unlist(lapply(list(...), function(t) if (is.character(t)) lapply(t, as.name) else list(t)), recursive = FALSE)
  rhs <- Reduce(function(a, b) call("+", a, b), terms)
  f <- if (is.null(lhs)) call("~", rhs) else call("~", lhs, rhs)
  structure(f, class = "formula", .Environment = environment())
}
# MatchIt 4.5 pastes column names between backquotes and parses the text
# (get.covs.matrix), so a name holding a backquote or a backslash would be
# read as code there: such names are refused before matching.
ls_matchit_names <- function(v) {
  bad <- v[grepl("\x60", v, fixed = TRUE) | grepl("\\", v, fixed = TRUE)]
  if (length(bad)) stop("MatchIt cannot use a column whose name holds a backquote or a backslash: ",
                        paste(encodeString(unique(bad), quote = '"'), collapse = ", "), "; rename the column")
}
# A list of flat records as a data frame for printing (missing fields NA).
ls_table <- function(l) {
  cols <- unique(unlist(lapply(l, names)))
  one <- function(x) as.data.frame(lapply(setNames(cols, cols), function(k)
    if (length(x[[k]]) == 1 && !is.list(x[[k]])) x[[k]] else NA), check.names = FALSE)
  do.call(rbind, lapply(l, one))
}
ls_complete <- function(d, cols) d[complete.cases(d[unique(cols)]), , drop = FALSE]

# The key numbers, written as JSON at the end when the script is given a file.
key <- list()
put <- function(path, value) key[[path]] <<- value
# Forms a cohort's data d (its filter, time, event, group and covariates);
# when that fails (a column the file lacks, a filter LocalSurv cannot read)
# the error is reported (and recorded as <path>.cohort.error) and d is NULL,
# so the cohort's analyses are skipped: LocalSurv reports such a subcohort's
# error and analyses the others.
# The rows of d a filter keeps (keep: TRUE/FALSE per row); one that leaves
# nobody says so, in the engine's words around the number of rows before it.
ls_keep <- function(d, keep, none) {
  if (!any(keep) && nrow(d) > 0) stop(paste0(none[1], nrow(d), none[2]), call. = FALSE)
  d[keep, , drop = FALSE]
}
ls_cohort <- function(path, expr) tryCatch(expr, error = function(e) {
  message("\n", path, ": the cohort could not be formed: ", conditionMessage(e))
  put(paste0(path, ".cohort.error"), conditionMessage(e))
  NULL
})
# Runs one analysis block on d (none when the cohort could not be formed); an
# error is reported (and recorded as <path>.error) instead of stopping the
# script.
ls_block <- function(path, expr) if (!is.null(d)) tryCatch(expr, error = function(e) {
  message("\n", path, " could not be run: ", conditionMessage(e))
  put(paste0(path, ".error"), conditionMessage(e))
})

# Median and CI from quantile(fit) (the midpoint where S is exactly 0.5 on a
# flat stretch), as LocalSurv; summary(fit)$table can differ from it when
# that stretch ends in censoring.
km_key <- function(fit, times) {
  tab <- summary(fit)$table
  if (is.null(dim(tab))) tab <- t(tab)
  q <- quantile(fit, 0.5, conf.int = TRUE)
  q <- lapply(q, function(x) as.vector(x))
  st <- if (is.null(fit$strata)) "all" else sub("^[^=]*=", "", names(fit$strata))
  s <- if (length(times)) summary(fit, times = times, extend = TRUE) else NULL
  lapply(seq_along(st), function(i) {
    out <- list(stratum = st[i], n = unname(tab[i, "records"]), events = unname(tab[i, "events"]),
                median = q$quantile[i], lower = q$lower[i], upper = q$upper[i])
    if (!is.null(s)) {
      k <- if (is.null(s$strata)) seq_along(s$time) else which(as.integer(s$strata) == i)
      out$at_times <- list(time = s$time[k], n_risk = s$n.risk[k], n_event = s$n.event[k],
                           n_censor = s$n.censor[k], surv = s$surv[k],
                           std_err = s$std.err[k], lower = s$lower[k], upper = s$upper[k])
    }
    out
  })
}

# survdiff: df = groups with expected > 0, minus 1.
# A stratified test sums observed/expected over the strata.
lr_key <- function(x) {
  obs <- if (is.matrix(x$obs)) rowSums(x$obs) else x$obs
  ex <- if (is.matrix(x$exp)) rowSums(x$exp) else x$exp
  df <- sum(ex > 0) - 1
  list(n = as.vector(x$n), observed = as.vector(obs), expected = as.vector(ex),
       statistic = x$chisq, df = df, p = pchisq(x$chisq, df, lower.tail = FALSE))
}
# Every pair of levels on its own rows, p adjusted with p.adjust.
pairwise_lr <- function(time, event, x, rho, adjust) {
  pairs <- combn(levels(x), 2)
  out <- lapply(seq_len(ncol(pairs)), function(j) {
    k <- !is.na(x) & x %in% pairs[, j]
    s <- survdiff(Surv(time[k], event[k]) ~ droplevels(x[k]), rho = rho)
    c(list(a = pairs[1, j], b = pairs[2, j]), lr_key(s)[c("statistic", "df", "p")])
  })
  p_adj <- p.adjust(vapply(out, function(o) o$p, 0), method = adjust)
  for (j in seq_along(out)) out[[j]]$p_adjusted <- p_adj[j]
  out
}

cox_key <- function(fit, conf_int = 0.95) {
  s <- summary(fit, conf.int = conf_int)
  co <- s$coefficients; ci <- s$conf.int
  # R backquotes non-syntactic names in coefficient names; LocalSurv does not.
  unq <- function(x) gsub("\x60", "", x)
  out <- list(name = unq(rownames(co)), coef = unname(co[, "coef"]), hr = unname(co[, "exp(coef)"]),
              se = unname(co[, "se(coef)"]), lower = unname(ci[, 3]), upper = unname(ci[, 4]),
              z = unname(co[, "z"]), p = unname(co[, ncol(co)]), n = fit$n, nevent = fit$nevent,
              loglik = unname(fit$loglik[2]), iterations = fit$iter,
              lrt_p = unname(s$logtest["pvalue"]), wald_p = unname(s$waldtest["pvalue"]))
  if ("robust se" %in% colnames(co)) out$robust_se <- unname(co[, "robust se"])
  if (!is.null(fit$rscore)) out$robust_score <- list(statistic = unname(fit$rscore), df = sum(!is.na(coef(fit))),
                                                     p = pchisq(unname(fit$rscore), sum(!is.na(coef(fit))), lower.tail = FALSE))
  # summary() gives an aliased (NA) coefficient a standard error of 0; LocalSurv writes null.
  out$se[is.na(out$coef)] <- NA
  if (!is.null(out$robust_se)) out$robust_se[is.na(out$coef)] <- NA
  zph_table <- function(z) list(term = unq(rownames(z$table)), statistic = unname(z$table[, "chisq"]),
                                df = unname(z$table[, "df"]), p = unname(z$table[, "p"]))
  zph <- ls_zph(fit, TRUE)
  if (!is.null(zph)) out$zph <- zph_table(zph)
  zph <- ls_zph(fit, FALSE)
  if (!is.null(zph)) out$zph_coef <- zph_table(zph)
  out
}
# cox.zph per term (terms = TRUE) or per coefficient. survival 3.5's
# terms = TRUE stops when a coefficient is NA (aliased); LocalSurv still
# reports it, and the per-coefficient table (terms = FALSE) works in R.
ls_zph <- function(fit, terms) tryCatch(cox.zph(fit, transform = "km", terms = terms), error = function(e) NULL)
show_cox <- function(label, fit) {
  cat("\n==", label, ":", deparse(formula(fit), width.cutoff = 500L), "\n"); print(summary(fit))
  zph <- ls_zph(fit, TRUE)
  if (is.null(zph)) zph <- ls_zph(fit, FALSE)
  if (!is.null(zph)) { cat("Proportional hazards (cox.zph, transform = \"km\"):\n"); print(zph) }
}

glm_key <- function(fit) {
  co <- summary(fit)$coefficients
  list(name = gsub("\x60", "", rownames(co)), estimate = unname(co[, 1]), se = unname(co[, 2]), z = unname(co[, 3]),
       p = unname(co[, 4]), deviance = fit$deviance, null_deviance = fit$null.deviance, aic = fit$aic,
       iterations = fit$iter)
}

# Table 1 tests for one covariate by group.
table1_tests <- function(x, g, yates) {
  ok <- !is.na(x) & !is.na(g)
  x <- x[ok]; g <- droplevels(g[ok])
  if (is.numeric(x)) {
    if (nlevels(g) != 2) return(list())
    tt <- t.test(x ~ g)
    wt <- suppressWarnings(wilcox.test(x ~ g))
    return(list(t_statistic = unname(tt$statistic), t_p = tt$p.value,
                wilcoxon_statistic = unname(wt$statistic), wilcoxon_p = wt$p.value))
  }
  tab <- table(x, g)
  tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  if (nrow(tab) < 2 || ncol(tab) < 2) return(list())
  chi <- suppressWarnings(chisq.test(tab, correct = yates))
  # fisher.test can run out of workspace on large sparse tables; LocalSurv
  # has no such limit, so R may have no exact p where LocalSurv has one.
  fp <- tryCatch(fisher.test(tab, workspace = 2e7)$p.value, error = function(e) NA_real_)
  list(chisq_statistic = unname(chi$statistic), chisq_p = chi$p.value, fisher_p = fp)
}

# ------------------------------------------------------------ matching
# Balance test of one covariate on the matched units: factors and two-valued
# columns by chisq.test (empty rows/columns dropped) or, when an expected
# count is below 5 (balance_test "auto"), fisher.test; other numerics by
# Welch's t.test.
balance_p <- function(x, treat, test, yates) {
  if (is.numeric(x) && length(unique(na.omit(x))) > 2)
    return(list(test = "welch_t", p = t.test(x[treat == 1], x[treat == 0])$p.value))
  tab <- table(factor(x), treat)
  tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  if (nrow(tab) < 2 || ncol(tab) < 2) return(list(test = "chisq", p = NA_real_))
  chi <- suppressWarnings(chisq.test(tab, correct = yates))
  fisher <- test == "fisher" || (test == "auto" && min(chi$expected) < 5)
  if (fisher) list(test = "fisher", p = fisher.test(tab, workspace = 2e7)$p.value)
  else list(test = "chisq", p = chi$p.value)
}
# tableone's SMD: (mean_t - mean_c) / sqrt((s_t^2 + s_c^2) / 2) on the
# matched units; numerics with the n-1 variance, each factor level's
# indicator with p (1 - p).
pooled_smd <- function(d, covs, treat) {
  out <- c()
  for (v in covs) {
    x <- d[[v]]
    if (is.factor(x)) {
      for (l in levels(x)) {
        a <- mean(x[treat == 1] == l); b <- mean(x[treat == 0] == l)
        out[paste0(v, l)] <- (a - b) / sqrt((a * (1 - a) + b * (1 - b)) / 2)
      }
    } else {
      a <- x[treat == 1]; b <- x[treat == 0]
      out[v] <- (mean(a) - mean(b)) / sqrt((var(a) + var(b)) / 2)
    }
  }
  out
}
# MatchIt's pairing step, as installed. The test of this script replaces it
# (see the note at the top of the script when it does).
pairing_step <- function(expr) expr

# "Match until balanced" (LocalSurv results.matching: rounds[], stop): round 1
# matches on the score covariates (exact on the exact set); every covariate
# is then judged on the matched units; the next round adds the still
# unbalanced covariates to the exact set (rule "exact"; continuous ones to the
# score model) or to the score model (rule "model"); it stops when no pairs
# were formed, all are balanced, nothing can be added, or after the round limit. With rounds = 1 this is plain matchit().
match_rounds <- function(d, covs, score, exact, o) {
  ls_matchit_names(c(covs, score, exact))
  d <- ls_complete(d, covs)
  rounds <- list(); m <- NULL; stop_reason <- "round limit reached"
  for (round in seq_len(o$rounds)) {
    f <- ls_formula(quote(treat_), score)
    ex <- if (length(exact)) ls_formula(NULL, exact) else NULL
    if (o$order == "random") set.seed(o$seed)
    m <- tryCatch(pairing_step(matchit(f, data = d, method = "nearest", distance = "glm",
                                       link = o$link, ratio = o$ratio, replace = o$replace,
                                       m.order = o$order, exact = ex, caliper = o$caliper,
                                       std.caliper = o$std_caliper)),
                  error = function(e) e)
    if (inherits(m, "error")) {
      cat("matchit:", conditionMessage(m), "\n")
      rounds[[round]] <- list(round = round, score = I(score), exact = I(exact), matched_treated = 0,
                              matched_control = 0, unbalanced = I(character(0)), error = conditionMessage(m))
      m <- NULL; stop_reason <- "matchit failed"
      break
    }
    used <- m$weights > 0
    smd <- if (o$smd == "pooled") pooled_smd(d[used, ], covs, d$treat_[used])
           else summary(m, addlvariables = d[covs], un = FALSE)$sum.matched[, "Std. Mean Diff."]
    checks <- lapply(covs, function(v) {
      x <- d[[v]]
      bp <- balance_p(x[used], d$treat_[used], o$balance_test, o$yates)
      rows <- if (is.factor(x)) paste0(v, levels(x)) else v
      s <- suppressWarnings(max(abs(smd[rows]), na.rm = TRUE))
      p_ok <- is.na(bp$p) || bp$p > o$balance_p
      s_ok <- !is.finite(s) || s < o$balance_smd
      list(variable = v, test = bp$test, p = bp$p, max_abs_smd = s,
           balanced = switch(o$criterion, p = p_ok, smd = s_ok, both = p_ok && s_ok))
    })
    unbalanced <- vapply(Filter(function(cc) !cc$balanced, checks), function(cc) cc$variable, "")
    rounds[[round]] <- list(round = round, score = I(score), exact = I(exact),
                            matched_treated = sum(used & d$treat_ == 1),
                            matched_control = sum(used & d$treat_ == 0),
                            caliper_absolute = if (is.null(m$caliper)) NULL else unname(m$caliper[1]),
                            covariates = checks, unbalanced = I(unbalanced))
    cat(sprintf("\nRound %d: %s%s\n", round, deparse(f, width.cutoff = 500L),
                if (length(exact)) paste(" exact on", paste(exact, collapse = ", ")) else ""))
    print(summary(m, addlvariables = d[covs])$nn)
    print(ls_table(checks))
    if (!any(used)) { stop_reason <- "no pairs were formed"; break }
    if (!length(unbalanced)) { stop_reason <- "balanced"; break }
    # Rule "exact": categorical and two-valued covariates join the exact set,
    # continuous ones (exact matching on them leaves no pairs) the score model.
    continuous <- vapply(unbalanced, function(v) is.numeric(d[[v]]) && length(unique(na.omit(d[[v]]))) > 2, NA)
    to_exact <- if (o$rule == "exact") unbalanced[!continuous] else character()
    to_score <- if (o$rule == "exact") unbalanced[continuous] else unbalanced
    add_exact <- setdiff(to_exact, exact)
    add_score <- setdiff(to_score, score)
    if (!length(add_exact) && !length(add_score)) { stop_reason <- "every unbalanced covariate is already used"; break }
    if (round == o$rounds) break
    exact <- c(exact, add_exact)
    score <- c(score, add_score)
  }
  list(m = m, data = d, rounds = rounds, stop = stop_reason)
}

# Matched-cohort outcome (LocalSurv matching.matched_outcome): KM, log-rank
# and Cox on match.data(); 1:k or with replacement carry MatchIt's weights.
# group_plain: the group's column under a plain name for survfit/survdiff
# (see ls_plain in the script).
matched_outcome <- function(m, group, o, ties, group_plain = group) {
  md <- match.data(m)
  weighted <- o$ratio > 1 || o$replace
  f_km <- ls_formula(quote(Surv(time_, event_)), group)
  f_plain <- ls_formula(quote(Surv(time_, event_)), group_plain)
  km <- if (weighted) survfit(f_plain, data = md, weights = weights) else survfit(f_plain, data = md)
  lr <- if (weighted) NULL else survdiff(f_plain, data = md)
  fit <- if (o$outcome_model == "strata") {
    coxph(ls_formula(quote(Surv(time_, event_)), group, quote(strata(subclass))), data = md, ties = ties)
  } else if (o$replace) {
    coxph(f_km, data = md, ties = ties, weights = weights, robust = TRUE, cluster = row_)
  } else if (weighted) {
    coxph(f_km, data = md, ties = ties, weights = weights, cluster = subclass)
  } else {
    coxph(f_km, data = md, ties = ties, cluster = subclass)
  }
  print(km); if (!is.null(lr)) print(lr); print(summary(fit))
  list(n = nrow(md), km = km_key(km, NULL), logrank = if (is.null(lr)) NULL else lr_key(lr), cox = cox_key(fit))
}

# Youden's index of x for the event (status, or by a time horizon: events up
# to it against patients followed past it). As cutoff::roc, the direction
# follows the AUC: high x predicts the event unless AUC < 0.5, then low x.
youden_cut <- function(x, time, event, horizon) {
  y <- event == 1
  if (horizon > 0) { keep <- (event == 1 & time <= horizon) | time > horizon; x <- x[keep]; y <- (event == 1 & time <= horizon)[keep] }
  n1 <- sum(y); n0 <- sum(!y)
  auc <- (sum(rank(x)[y]) - n1 * (n1 + 1) / 2) / (n1 * n0)
  cuts <- sort(unique(x))
  j <- vapply(cuts, function(cc) if (auc >= 0.5) mean(x[y] > cc) + mean(x[!y] <= cc) - 1
                                 else mean(x[y] <= cc) + mean(x[!y] > cc) - 1, 0)
  cuts[which.max(j)]
}
`;

const CORRECTED_PAIRING = String.raw`
# ---------------------------------------------------------------- NOTE
# TEST MODE: MatchIt's pairing step is replaced by an R re-implementation of
# nn_matchC_vec with a true |difference| (the documented algorithm, MatchIt
# >= 4.5.4), as the project's goldens do (tests/r/goldens/matching_ref.R),
# extended to exact strata, 1:k (k rounds over the treated units) and reuse
# of controls (replacement). MatchIt 4.5.1-4.5.3 truncate |d_t - d_c| toward
# zero (issue #163). A reviewer should not need this: install MatchIt >= 4.5.4.
ls_corrected_pairing <- function(treat_, ord_, ratio_, discarded_, reuse_max, distance_, exact_ = NULL,
                                 caliper_dist_ = NULL, caliper_covs_ = NULL, caliper_covs_mat_ = NULL,
                                 antiexact_covs_ = NULL, unit_id_ = NULL, disl_prog = FALSE) {
  stopifnot(is.null(caliper_covs_), is.null(antiexact_covs_), is.null(unit_id_))
  n <- length(treat_)
  ind1 <- which(treat_ == 1)
  kmax <- max(c(1L, ratio_))   # an exact stratum may hold no treated unit
  ratio_ <- rep_len(ratio_, length(ind1))
  o <- order(distance_, method = "radix")
  pos <- integer(n); pos[o] <- seq_len(n)
  uses_left <- ifelse(treat_ != 1 & !discarded_, reuse_max, 0)[o]
  ds <- unname(distance_)[o]
  ex <- if (is.null(exact_)) rep(1L, n) else as.integer(exact_)[o]
  cal <- if (is.null(caliper_dist_) || length(caliper_dist_) == 0L) Inf else unname(caliper_dist_[1])
  mm <- matrix(NA_integer_, length(ind1), kmax, dimnames = list(names(treat_)[ind1], NULL))
  mine <- vector("list", length(ind1))
  for (r in seq_len(kmax)) {
    for (k in ord_) {
      i <- ind1[k]
      if (discarded_[i] || ratio_[k] < r || length(mine[[k]]) < r - 1L) next
      p <- pos[i]; dt <- ds[p]
      ok <- function(j) uses_left[j] > 0 && ex[j] == ex[p] && !(j %in% mine[[k]])
      left <- NA_integer_; right <- NA_integer_; dl <- NA_real_; dr <- NA_real_
      j <- p - 1L
      while (j >= 1L && !ok(j)) j <- j - 1L
      if (j >= 1L) { dl <- abs(dt - ds[j]); if (dl <= cal) left <- j }
      j <- p + 1L
      while (j <= n && !ok(j)) j <- j + 1L
      if (j <= n) { dr <- abs(dt - ds[j]); if (dr <= cal) right <- j }
      pick <- if (!is.na(left) && (is.na(right) || dl <= dr)) left else right
      if (!is.na(pick)) {
        uses_left[pick] <- uses_left[pick] - 1
        mine[[k]] <- c(mine[[k]], pick)
        mm[k, r] <- o[pick]
      }
    }
  }
  mm
}
pairing_step <- function(expr) {
  orig <- get("nn_matchC_vec", envir = asNamespace("MatchIt"))
  assignInNamespace("nn_matchC_vec", ls_corrected_pairing, "MatchIt")
  on.exit(assignInNamespace("nn_matchC_vec", orig, "MatchIt"))
  expr
}
`;

// ----------------------------------------------------------- script pieces

const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// survfit, survdiff and maxstat.test (survival 3.5, maxstat 0.7) look a
// term's column up by its label, which R backquotes when the name is not
// syntactic ("undefined columns selected"): such a column goes into them
// under a plain alias (GROUP_ALIAS, made in cohortPrep; CUT_ALIAS).
const GROUP_ALIAS = 'group_';
const CUT_ALIAS = 'cut_x_';
const plain = (name, alias) => (rName(name) === String(name) ? rName(name) : alias);

function readBlock(spec, opts) {
  const d = spec.data || {};
  const fromResult = opts.data || {};
  const delim = d.delimiter ?? fromResult.delimiter ?? ',';
  const decComma = d.decimal_comma ?? fromResult.decimal_comma ?? delim === ';';
  const lines = [
    '# ---------------------------------------------------------------- data',
    '# Read as LocalSurv reads it: header row, the missing tokens above as NA,',
    '# surrounding blanks trimmed, column names kept as written.',
    `raw <- read.csv(data_file, sep = ${rStr(delim)}, dec = ${rStr(decComma ? ',' : '.')}, na.strings = ls_missing,`,
    '                strip.white = TRUE, check.names = FALSE, stringsAsFactors = FALSE)',
    'row_numbers <- seq_len(nrow(raw))   # data row numbers (1 = first row after the header)',
    'raw$row_ <- row_numbers',
  ];
  for (const [col, type] of Object.entries(d.column_types || {})) {
    lines.push(type === 'numeric'
      ? `raw[[${rStr(col)}]] <- as.numeric(raw[[${rStr(col)}]])   # declared numeric`
      : `raw[[${rStr(col)}]] <- as.character(raw[[${rStr(col)}]])   # declared categorical`);
  }
  return lines.join('\n');
}

// Written into the script only when a derive step reads dates.
const DATE_HELPERS = String.raw`
# Calendar dates as LocalSurv reads them (core/dates.h), as whole days:
# year first (2019-03-12, 2019/03/12, 2019.03.12); year last (12/03/2019,
# 3-12-2019, 12.03.2019), day or month first as the format says: "dmy" or
# "mdy", or "auto": from the column's own dates, where a first part above 12
# makes it day first and a second part above 12 month first, and dotted
# dates are day first; or with an English month name (12 Mar 2019,
# March 12, 2019, Tue, 12th March 2019). A time of day after the date is
# dropped, as as.Date() drops it. Anything else stops the script, as it
# stops LocalSurv.
ls_months <- c("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
ls_weekdays <- c("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# One cell: c(shape, year, a, b, dotted) (shape 1 year first: a = month,
# b = day; 2 year last: a, b as written; 3 month name: a = month, b = day),
# or NULL when it is not a date.
ls_date_parts <- function(s) {
  t <- s
  if (grepl(":", t, fixed = TRUE)) {
    # date, then after a space or T: H:MM[:SS[.fff]] [AM|PM] [Z|+hh[:mm]]
    m <- regmatches(t, regexec(paste0("^(.*?)[ \t]*[ \tTt]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]+)?)?",
                                      "[ \t]*([AaPp][Mm])?[ \t]*(?:[Zz]|[+-]([0-9]{2}):?([0-9]{2})?)?$"), t, perl = TRUE))[[1]]
    if (!length(m)) return(NULL)
    v <- suppressWarnings(as.numeric(m[c(3, 4, 5, 7, 8)]))
    hour_ok <- if (nzchar(m[6])) v[1] >= 1 && v[1] <= 12 else v[1] <= 23
    if (!hour_ok || v[2] > 59 || isTRUE(v[3] > 60) || isTRUE(v[4] > 14) || isTRUE(v[5] > 59)) return(NULL)
    t <- sub("[ \t]*,$", "", m[2])
  }
  t <- gsub("(?<=[0-9])(st|nd|rd|th)(?![A-Za-z])", "", t, perl = TRUE, ignore.case = TRUE)
  t <- sub("[.]$", "", t)
  if (grepl("[^0-9A-Za-z \t,./-]", t)) return(NULL)
  words <- gregexpr("[0-9]+|[A-Za-z]+", t)
  tok <- regmatches(t, words)[[1]]
  sep <- regmatches(t, words, invert = TRUE)[[1]]   # before, between and after the tokens
  if (length(tok) < 3 || nzchar(sep[1]) || nzchar(sep[length(sep)])) return(NULL)
  if (tolower(tok[1]) %in% c(ls_weekdays, substr(ls_weekdays, 1, 3), substr(ls_weekdays, 1, 4))) {
    tok <- tok[-1]; sep <- sep[-1]
  }
  if (length(tok) != 3) return(NULL)
  alpha <- grepl("^[A-Za-z]", tok)
  n <- nchar(tok)
  if (!any(alpha)) {
    if (sep[2] != sep[3] || !(sep[2] %in% c("-", "/", "."))) return(NULL)
    v <- as.numeric(tok)
    if (n[1] == 4 && n[2] <= 2 && n[3] <= 2) return(c(1, v, 0))
    if (n[3] == 4 && n[1] <= 2 && n[2] <= 2) return(c(2, v[3], v[1], v[2], sep[2] == "."))
    return(NULL)
  }
  if (sum(alpha) != 1 || !nzchar(sep[2]) || !nzchar(sep[3])) return(NULL)
  w <- tolower(tok[alpha])
  month <- if (w == "sept") 9 else match(w, ls_months)
  if (is.na(month)) month <- match(w, substr(ls_months, 1, 3))
  num <- tok[!alpha]
  y <- which(nchar(num) == 4)[1]
  if (is.na(month) || is.na(y) || nchar(num[-y]) > 2) return(NULL)
  c(3, as.numeric(num[y]), month, as.numeric(num[-y]), 0)
}
# A column of dates (Date; NA where missing).
ls_dates <- function(x, format, column) {
  what <- paste("column", encodeString(column, quote = '"'))
  if (is.null(x)) stop("there is no ", what)
  if (is.numeric(x) && !all(is.na(x)))
    stop(what, " holds numbers, not dates; write dates as text such as 2019-03-12")
  x <- as.character(x)
  u <- unique(x[!is.na(x)])
  p <- lapply(u, ls_date_parts)
  bad <- vapply(p, is.null, NA)
  if (any(bad)) stop(what, ": ", encodeString(u[bad][1], quote = '"'), " is not a date")
  p <- matrix(unlist(p), ncol = 5, byrow = TRUE)
  last <- p[, 1] == 2; a <- p[, 3]; b <- p[, 4]; dotted <- p[, 5] == 1
  if (format == "ymd" && any(last)) stop(what, ": ", encodeString(u[last][1], quote = '"'), " does not start with the year, but the date format is ymd")
  day_first <- last & (format == "dmy" | (format == "auto" & dotted))
  if (format == "auto") {
    slash <- last & !dotted
    by_day <- slash & a > 12 & b <= 12
    by_month <- slash & b > 12 & a <= 12
    if (any(by_day) && any(by_month))
      stop(what, " mixes day-first (", encodeString(u[by_day][1], quote = '"'), ") and month-first (",
           encodeString(u[by_month][1], quote = '"'), ") dates")
    if (!any(by_day) && !any(by_month) && any(slash & a <= 12 & b <= 12))
      stop(what, ": dates such as ", encodeString(u[slash & a <= 12 & b <= 12][1], quote = '"'),
           " could be day/month/year or month/day/year; set the date format to dmy or mdy")
    day_first <- day_first | (slash & !any(by_month))
  }
  iso <- sprintf("%04d-%02d-%02d", p[, 2], ifelse(day_first, b, a), ifelse(day_first, a, b))
  d <- as.Date(iso, format = "%Y-%m-%d")
  bad <- is.na(d) | format(d, "%Y-%m-%d") != iso
  if (any(bad)) stop(what, ": ", encodeString(u[bad][1], quote = '"'), " is not a calendar date (read as ", iso[bad][1], ")")
  d[match(x, u)]
}
# derive date_diff: as.numeric(difftime(end, start, units = "days")) in the unit (days per unit).
ls_date_diff <- function(data, start, end, format, days_per_unit, name) {
  days <- as.numeric(difftime(ls_dates(data[[end]], format, end), ls_dates(data[[start]], format, start), units = "days"))
  neg <- which(days < 0)
  if (length(neg)) stop("derived column ", encodeString(name, quote = '"'), ": on data row ", data$row_[neg[1]],
                        " the end date is before the start date")
  days / days_per_unit
}
`;

function deriveBlock(derive) {
  if (!derive.length) return '';
  const lines = ['# ------------------------------------------------------ derived columns',
    '# The spec\'s derive steps, in order (LocalSurv computes them before the filter).'];
  if (derive.some((step) => step.date_diff)) lines.push(DATE_HELPERS.trim(), '');
  for (const step of derive) {
    const n = rStr(step.name);
    if (step.cut) {
      const c = step.cut;
      lines.push(`raw[[${n}]] <- as.character(cut(raw[[${rStr(c.column)}]], breaks = c(-Inf, ${c.breaks.map((x) => rNum(x)).join(', ')}, Inf),`,
        `                        labels = ${rChr(c.labels)}, right = ${rBool(c.right)}))${c.right ? '' : '   # LocalSurv\'s default: [a, b)'}`);
    } else if (step.bed || step.eqd2) {
      const b = step.bed || step.eqd2;
      const ab = rNum(b.alpha_beta);
      const D = `raw[[${rStr(b.dose)}]]`;
      const nf = `raw[[${rStr(b.fractions)}]]`;
      lines.push(step.bed
        ? `raw[[${n}]] <- ${D} * (1 + (${D} / ${nf}) / ${ab})   # BED = D (1 + d / (alpha/beta))`
        : `raw[[${n}]] <- ${D} * (${D} / ${nf} + ${ab}) / (2 + ${ab})   # EQD2 = D (d + alpha/beta) / (2 + alpha/beta)`);
    } else if (step.flag) {
      lines.push(`raw[[${n}]] <- as.integer(raw[[${rStr(step.flag.column)}]] %in% ${rChr(step.flag.values)})`);
    } else if (step.date_diff) {
      const d = step.date_diff;
      const per = DATE_UNITS[d.unit];
      lines.push(`raw[[${n}]] <- ls_date_diff(raw, ${rStr(d.start)}, ${rStr(d.end)}, ${rStr(d.format)}, ${rNum(per)}, ${n})   # ${cm`${d.end} - ${d.start} in ${d.unit}${per === 1 ? '' : ` (days / ${per})`}, date format ${d.format}`}`);
    }
  }
  return lines.join('\n');
}

function rTerm(t) {
  const lv = t.levels.length ? rChr(t.levels) : 'NULL';
  const ref = t.reference ? rStr(t.reference) : 'NULL';
  return { lv, ref };
}

/** Prepares `d` for one cohort from `raw` (code for inside ls_cohort). */
function cohortPrep(p, spec, filters, covariates) {
  const g = spec.group;
  const lines = ['d <- raw'];
  // Each filter read on its own, as the engine does: its errors name its own
  // field and positions in its own text, and one that leaves nobody is named.
  filters.forEach((f, i) => {
    let code;
    try {
      code = rFilter(f.text);
    } catch (e) {
      if (e instanceof FilterError) e.message = e.message.replace(/^filter: /, `${f.field}: `);
      throw e;
    }
    const before = i ? ` rows that ${filters[i - 1].name} ${shown(filters[i - 1].text)} keeps` : ' rows of the file';
    const none = [`${f.name} ${shown(f.text)} keeps none of the `, `${before}: nothing to analyse`];
    lines.push(`d <- ls_keep(d, with(d, ${code}), ${rChr(none)})   # ${cm`${f.field}: ${f.text}`}`);
  });
  lines.push(
    `rownames(d) <- d$row_`,
    `d$time_ <- as.numeric(d[[${rStr(spec.time.column)}]])   # ${cm`time in ${spec.time.unit}`}`,
    `d$event_ <- ls_event(d[[${rStr(spec.event.column)}]], ${rChr(spec.event.values)})`,
  );
  const need = ['"time_"', '"event_"'];
  if (g) {
    const { lv, ref } = rTerm(g);
    lines.push(`d[[${rStr(g.column)}]] <- ls_factor(d[[${rStr(g.column)}]], ${lv}, ${ref}, raw[[${rStr(g.column)}]])   # the group; first level = reference`);
    need.push(rStr(g.column));
    if (plain(g.column, GROUP_ALIAS) === GROUP_ALIAS) {
      lines.push(`d$${GROUP_ALIAS} <- d[[${rStr(g.column)}]]   # the group under a plain name, for survfit and survdiff`);
    }
  }
  lines.push(`d <- ls_complete(d, c(${need.join(', ')}))   # the cohort: time, event${g ? ' and group' : ''} known`);
  if (g) lines.push(`d$treat_ <- as.integer(d[[${rStr(g.column)}]] == levels(d[[${rStr(g.column)}]])[2])   # "treated" = second level`);
  for (const t of covariates) {
    const { lv, ref } = rTerm(t);
    lines.push(`d[[${rStr(t.column)}]] <- ls_covariate(d[[${rStr(t.column)}]], ${rStr(t.type)}, ${lv}, ${ref}, raw[[${rStr(t.column)}]])`);
  }
  lines.push(`covariates <- ${rChr(covariates.map((t) => t.column))}`);
  lines.push(`cat("\\nCohort:", nrow(d), "rows,", sum(d$event_), "events\\n")`);
  lines.push(`put(${rStr(p + '.cohort')}, list(rows = nrow(d), events = sum(d$event_)))`);
  return lines.join('\n');
}
const indent = (code) => code.trimEnd().split('\n').map((l) => (l ? '  ' + l : l)).join('\n');

// Each analysis block: a header comment, then its code, which cohortBlocks
// wraps in ls_block() (split at SPLIT) so one failing analysis is reported
// and the rest still run, as LocalSurv reports a failed analysis.
const SPLIT = '\u0000';
function section(title, what) {
  return `\n# ${'='.repeat(72)}\n# ${title}\n${comment(what)}\n${SPLIT}`;
}

function kmBlock(p, spec, a) {
  const g = spec.group;
  const ct = rStr(a.conf_type);
  const times = rNums(a.times, 'km.times');
  let s = section('Kaplan-Meier', cm`Reproduces ${p}.km: survfit() with conf.type ${a.conf_type}, ${a.conf_int} CI, Greenwood variance;\nsurvival at the requested times from summary(times =, extend = TRUE) (std.err there = SE of S).`);
  s += `km_times <- ${times}\n`;
  s += `km_all <- survfit(Surv(time_, event_) ~ 1, data = d, conf.type = ${ct}, conf.int = ${rNum(a.conf_int, 'km.conf_int')})\n`;
  s += 'print(km_all)\nif (length(km_times)) print(summary(km_all, times = km_times, extend = TRUE))\n';
  s += `put(${rStr(p + '.km.overall')}, km_key(km_all, km_times)[[1]])\n`;
  if (g && a.by_group !== false) {
    s += `km_grp <- survfit(Surv(time_, event_) ~ ${plain(g.column, GROUP_ALIAS)}, data = d, conf.type = ${ct}, conf.int = ${rNum(a.conf_int, 'km.conf_int')})\n`;
    s += 'print(km_grp)\nif (length(km_times)) print(summary(km_grp, times = km_times, extend = TRUE))\n';
    s += `put(${rStr(p + '.km.by_group')}, km_key(km_grp, km_times))\n`;
  }
  return s;
}

function followupBlock(p, spec) {
  const g = spec.group;
  let s = section('Follow-up', cm`Reproduces ${p}.followup: median follow-up by reverse Kaplan-Meier (censorings as events).`);
  s += 'fu_all <- survfit(Surv(time_, 1 - event_) ~ 1, data = d)\nprint(fu_all)\n';
  s += `put(${rStr(p + '.followup.overall')}, km_key(fu_all, NULL)[[1]])\n`;
  if (g) {
    s += `fu_grp <- survfit(Surv(time_, 1 - event_) ~ ${plain(g.column, GROUP_ALIAS)}, data = d)\nprint(fu_grp)\n`;
    s += `put(${rStr(p + '.followup.by_group')}, km_key(fu_grp, NULL))\n`;
  }
  return s;
}

function logrankBlock(p, spec, a) {
  const g = spec.group;
  let s = section('Log-rank tests', cm`Reproduces ${p}.logrank: survdiff(rho = ${a.rho}) by group${a.strata ? `, stratified on ${a.strata}` : ''}${a.by.length ? `, by ${a.by.join(', ')}` : ''};\npairwise tests for 3+ groups on each pair's rows, p.adjust(method = "${a.pairwise_adjust}").`);
  if (g) {
    s += `lr <- survdiff(Surv(time_, event_) ~ ${plain(g.column, GROUP_ALIAS)}, data = d, rho = ${rNum(a.rho, 'logrank.rho')})\nprint(lr)\n`;
    s += `lr_res <- lr_key(lr)\n`;
    s += `if (nlevels(d[[${rStr(g.column)}]]) > 2) lr_res$pairwise <- pairwise_lr(d$time_, d$event_, d[[${rStr(g.column)}]], ${rNum(a.rho, 'logrank.rho')}, ${rStr(a.pairwise_adjust)})\n`;
    s += `put(${rStr(p + '.logrank.by_group')}, lr_res)\n`;
    if (a.strata) {
      s += `lr_strat <- survdiff(Surv(time_, event_) ~ ${plain(g.column, GROUP_ALIAS)} + strata(${rName(a.strata)}), data = d, rho = ${rNum(a.rho, 'logrank.rho')})\nprint(lr_strat)\n`;
      s += `put(${rStr(p + '.logrank.stratified')}, lr_key(lr_strat))\n`;
    }
  }
  a.by.forEach((v, i) => {
    s += `by_x <- ls_factor(d[[${rStr(v)}]], all = raw[[${rStr(v)}]])   # ${cm`${v} read as a factor`}\n`;
    s += `lr_by <- survdiff(Surv(time_, event_) ~ by_x, data = d, rho = ${rNum(a.rho, 'logrank.rho')})\nprint(lr_by)\n`;
    s += `lr_res <- c(list(variable = ${rStr(v)}), lr_key(lr_by))\n`;
    s += `if (nlevels(droplevels(by_x)) > 2) lr_res$pairwise <- pairwise_lr(d$time_, d$event_, droplevels(by_x), ${rNum(a.rho, 'logrank.rho')}, ${rStr(a.pairwise_adjust)})\n`;
    s += `put(${rStr(`${p}.logrank.by.${i}`)}, lr_res)\n`;
  });
  return s;
}

function coxBlock(p, spec, a, covariates) {
  const terms = [];
  if (spec.group) terms.push(spec.group.column);
  for (const t of covariates) terms.push(t.column);
  const extra = a.strata ? ` + strata(${rName(a.strata)})` : '';
  const args = [`data = d`, `ties = ${rStr(a.ties)}`];
  if (a.cluster) args.push(`cluster = ${rName(a.cluster)}`);
  const call = (rhs) => `coxph(Surv(time_, event_) ~ ${rhs}${extra}, ${args.join(', ')})`;
  let s = section('Cox proportional hazards', cm`Reproduces ${p}.cox: coxph(ties = "${a.ties}")${a.cluster ? `, robust SE clustered on ${a.cluster}` : ''}${a.strata ? `, stratified on ${a.strata}` : ''};\nunivariate models (each on its own complete cases), then the multivariable model${a.select_p > 0 ? ` of the terms whose univariate ${a.select_test === 'lrt' ? 'likelihood-ratio' : 'Wald'} p (whole term) is below ${a.select_p}${a.force.length ? `, plus ${a.force.join(', ')} (forced)` : ''}` : ''}.\nPH check: cox.zph(fit, transform = "km").`);
  s += `cox_terms <- ${rChr(terms)}\n`;
  if (a.univariate) {
    s += 'uni_p <- c()\n';
    terms.forEach((t, i) => {
      s += `fit <- ${call(rName(t))}\nshow_cox(${rStr('univariate: ' + t)}, fit)\n`;
      s += `put(${rStr(`${p}.cox.univariate.${i}`)}, cox_key(fit, ${rNum(a.conf_int, 'cox.conf_int')}))\n`;
      s += `uni_p[${rStr(t)}] <- summary(fit)$${a.select_test === 'lrt' ? 'logtest' : 'waldtest'}["pvalue"]\n`;
    });
  }
  if (a.multivariable) {
    if (a.select_p > 0) {
      s += `# Screen: univariate whole-term p below ${rNum(a.select_p, 'cox.select_p')}, plus forced terms.\n`;
      s += `mv_terms <- cox_terms[(!is.na(uni_p[cox_terms]) & uni_p[cox_terms] < ${rNum(a.select_p, 'cox.select_p')}) | cox_terms %in% ${rChr(a.force)}]\n`;
      s += `cat("\\nSelected for the multivariable model:", mv_terms, "\\n")\n`;
      s += `put(${rStr(p + '.cox.selected')}, I(mv_terms))\n`;
    } else {
      s += 'mv_terms <- cox_terms\n';
    }
    s += `if (length(mv_terms) > ${a.univariate && !(a.select_p > 0) ? 1 : 0}) {\n`;
    s += `  fit <- coxph(ls_formula(quote(Surv(time_, event_)), mv_terms${a.strata ? `, quote(strata(${rName(a.strata)}))` : ''}), ${args.join(', ')})\n`;
    s += `  show_cox("multivariable", fit)\n`;
    s += `  put(${rStr(p + '.cox.multivariable')}, cox_key(fit, ${rNum(a.conf_int, 'cox.conf_int')}))\n}\n`;
  }
  return s;
}

function logisticBlock(p, spec, covariates) {
  const g = spec.group;
  let s = section('Propensity model (logistic regression)', cm`Reproduces ${p}.logistic: glm(treated ~ covariates, family = binomial), "treated" = the group's second level;\nrows complete on the covariates.`);
  s += `ps_fit <- glm(ls_formula(quote(treat_), covariates), family = binomial, data = d)\n`;
  s += `cat("\\nPropensity model: treated =", levels(d[[${rStr(g.column)}]])[2], "\\n"); print(summary(ps_fit))\n`;
  s += `put(${rStr(p + '.logistic')}, glm_key(ps_fit))\n`;
  return s;
}

function table1Block(p, spec, a, covariates) {
  const g = spec.group;
  let s = section('Table 1', cm`Reproduces ${p}.table1 (its tests): numerics (two groups) t.test (Welch) and wilcox.test;\nfactors chisq.test(correct = ${rBool(a.yates)}) (Yates only ever applies to 2x2) and fisher.test.`);
  s += 't1 <- list()\n';
  for (const t of covariates) {
    s += `t1[[${rStr(t.column)}]] <- table1_tests(d[[${rStr(t.column)}]], d[[${rStr(g.column)}]], ${rBool(a.yates)})\n`;
  }
  s += 'print(cbind(variable = names(t1), ls_table(t1)))\n';
  s += `put(${rStr(p + '.table1')}, t1)\n`;
  return s;
}

function matchOptions(a) {
  const caliper = a.caliper > 0 ? rNum(a.caliper, 'matching.caliper') : 'NULL';
  return `list(link = ${rStr(a.distance === 'logit' ? 'linear.logit' : 'logit')}, ratio = ${rNum(a.ratio, 'matching.ratio')}, replace = ${rBool(a.replace)},
          order = ${rStr(a.order)}, seed = ${rNum(a.seed, 'matching.seed')}, caliper = ${caliper}, std_caliper = ${rBool(a.caliper_scale !== 'raw')},
          rounds = ${rNum(a.rounds, 'matching.rounds')}, rule = ${rStr(a.round_rule)}, criterion = ${rStr(a.balance_criterion)},
          balance_p = ${rNum(a.balance_p, 'matching.balance_p')}, balance_smd = ${rNum(a.balance_smd, 'matching.balance_smd')}, balance_test = ${rStr(a.balance_test)},
          yates = ${rBool(a.yates)}, smd = ${rStr(a.smd)}, outcome_model = ${rStr(a.outcome_model)})`;
}

function matchingBlock(p, spec, a, covariates, ties) {
  const covs = covariates.map((t) => t.column);
  const score = a.score_covariates && a.score_covariates.length ? a.score_covariates : covs;
  let s = section('Propensity-score matching', cm`Reproduces ${p}.matching: matchit(method = "nearest", distance = "glm", link = "${a.distance === 'logit' ? 'linear.logit' : 'logit'}",
ratio = ${a.ratio}, replace = ${rBool(a.replace)}, m.order = "${a.order}"${a.caliper > 0 ? `, caliper = ${a.caliper}, std.caliper = ${rBool(a.caliper_scale !== 'raw')}` : ''}${a.exact.length ? `, exact = ~ ${a.exact.join(' + ')}` : ''}),
${a.rounds > 1 ? `up to ${a.rounds} rounds of "match until balanced" (rule "${a.round_rule}", criterion "${a.balance_criterion}"),` : 'one round,'} then the matched-cohort outcome (${a.outcome_model === 'strata' ? 'Cox stratified on pairs' : 'Cox with robust SE clustered on pairs'}).
MatchIt versions before 4.5.4 truncate distance differences (issue #163): their
pairs differ from LocalSurv's (and from MatchIt >= 4.5.4). Use MatchIt >= 4.5.4.${a.order === 'random' ? '\nm.order = "random" draws with set.seed(seed) before matchit(): R\'s random order, which LocalSurv need not share.' : ''}`);
  s += `mo <- ${matchOptions(a)}\n`;
  s += `mr <- match_rounds(d, covariates, ${sameList(score, covs) ? 'covariates' : rChr(score)}, ${rChr(a.exact)}, mo)\n`;
  s += `cat("\\nStopped:", mr$stop, "\\n")\n`;
  s += `put(${rStr(p + '.matching.rounds')}, mr$rounds)\n`;
  s += `put(${rStr(p + '.matching.stop')}, mr$stop)\n`;
  s += `if (!is.null(mr$m)) {\n  print(summary(mr$m))\n`;
  s += `  mt <- match.data(mr$m)\n  put(${rStr(p + '.matching.pairs')}, list(subclass = as.integer(as.character(mt$subclass)), row = mt$row_, treat = mt$treat_))\n`;
  s += `  put(${rStr(p + '.matching.outcome')}, matched_outcome(mr$m, ${rStr(spec.group.column)}, mo, ${rStr(ties)}, ${rStr(plain(spec.group.column, GROUP_ALIAS))}))\n}\n`;
  return s;
}

// The cut groups' reference group, or (as the engine) the cutpoint block's
// error when its filter cannot be used.
function referenceGroup(none) {
  try {
    return `cp_none <- with(d, ${rFilter(none)})`;
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    return `stop(${rStr(`the reference group's filter (${none}) cannot be used: ${e.message.replace(/^filter: /, '')}`)})`;
  }
}

function cutpointBlock(p, spec, a, covariates, ties, logrank) {
  // The cut groups' log-rank uses the cohort's log-rank options, as LocalSurv.
  const rho = logrank ? logrank.rho : 0;
  const adjust = logrank ? logrank.pairwise_adjust : 'holm';
  const x = a.column;
  const gr = a.groups;
  const pm = a.pmethod === 'condmc' ? 'condMC' : 'Lau94';
  let s = section('Cutpoint', cm`Reproduces ${p}.cutpoint: maxstat.test(smethod = "LogRank", pmethod = "${pm}", minprop = ${a.minprop}, maxprop = ${a.maxprop})
for ${x}; also its median and Youden's index. High = ${x} > cutpoint.${pm === 'condMC' ? '\nThe condMC p is a Monte Carlo p: R\'s random numbers differ from LocalSurv\'s, so it agrees only up to Monte Carlo error.' : ''}${gr ? `\nGroups (${p}.cutpoint.groups): cut by the ${gr.use} cutpoint${gr.none ? `, rows with ${gr.none} form the reference group "${gr.none_label}"` : ''}; KM, log-rank, Cox, ${gr.match ? 'and each group matched against the reference' : ''}.` : ''}`);
  s += gr && gr.none ? `${referenceGroup(gr.none)}   # the reference group (takes no part in choosing the cutpoint)\n` : 'cp_none <- rep(FALSE, nrow(d))\n';
  s += `cp_d <- ls_complete(d[!cp_none, , drop = FALSE], ${rStr(x)})\n`;
  const xt = plain(x, CUT_ALIAS);
  if (xt === CUT_ALIAS) s += `cp_d$${CUT_ALIAS} <- cp_d[[${rStr(x)}]]   # the column under a plain name, for maxstat.test\n`;
  s += `${pm === 'condMC' ? `set.seed(${rNum(a.seed, 'cutpoint.seed')}); ` : ''}ms <- maxstat.test(Surv(time_, event_) ~ ${xt}, data = cp_d, smethod = "LogRank", pmethod = ${rStr(pm)},\n                  minprop = ${rNum(a.minprop, 'cutpoint.minprop')}, maxprop = ${rNum(a.maxprop, 'cutpoint.maxprop')}${pm === 'condMC' ? `, B = ${rNum(a.replicates, 'cutpoint.replicates')}` : ''})\nprint(ms)\n`;
  s += `cp_cuts <- list(maxstat = unname(ms$estimate), median = median(cp_d[[${rStr(x)}]]),\n                youden = youden_cut(cp_d[[${rStr(x)}]], cp_d$time_, cp_d$event_, ${rNum(a.horizon || 0, 'cutpoint.horizon')}))\nstr(cp_cuts)\n`;
  s += `put(${rStr(p + '.cutpoint')}, list(maxstat = list(cutpoint = unname(ms$estimate), statistic = unname(ms$statistic), p = ms$p.value,
                                    candidates = list(cut = ms$cuts, statistic = unname(ms$stats))),
                                    median = cp_cuts$median, youden = cp_cuts$youden))\n`;
  if (gr) {
    // gr.use was checked against CUT_USES: it is one of the names in cp_cuts.
    const cut = gr.use === 'value' ? rNum(gr.value, 'cutpoint.groups.value') : `cp_cuts$${gr.use}`;
    s += `\n# ${cm`Cut groups: ${gr.none ? `"${gr.none_label}", ` : ''}${x} <= cutpoint, ${x} > cutpoint.`}\n`;
    s += `cp <- ${cut}\n`;
    s += `lab <- paste(${rStr(x)}, c("<=", ">"), format(cp))\n`;
    s += `d$cut_group_ <- ifelse(cp_none, ${rStr(gr.none_label)}, ifelse(d[[${rStr(x)}]] <= cp, lab[1], lab[2]))\n`;
    s += `d$cut_group_ <- factor(d$cut_group_, levels = c(${gr.none ? rStr(gr.none_label) + ', ' : ''}lab))\n`;
    s += 'cg <- d[!is.na(d$cut_group_), , drop = FALSE]\n';
    s += `print(table(cg$cut_group_))\nkm_cg <- survfit(Surv(time_, event_) ~ cut_group_, data = cg)\nprint(km_cg)\n`;
    s += `lr_cg <- survdiff(Surv(time_, event_) ~ cut_group_, data = cg, rho = ${rNum(rho, 'logrank.rho')})\nprint(lr_cg)\n`;
    s += `cg_res <- lr_key(lr_cg)\nif (nlevels(cg$cut_group_) > 2) cg_res$pairwise <- pairwise_lr(cg$time_, cg$event_, cg$cut_group_, ${rNum(rho, 'logrank.rho')}, ${rStr(adjust)})\n`;
    s += `fit <- coxph(Surv(time_, event_) ~ cut_group_, data = cg, ties = ${rStr(ties)})\nprint(summary(fit))\n`;
    s += `put(${rStr(p + '.cutpoint.groups')}, list(cutpoint = cp, levels = levels(cg$cut_group_), logrank = cg_res, cox = cox_key(fit), km = km_key(km_cg, NULL)))\n`;
    if (gr.match) {
      const mopts = gr.match;   // defaults filled in and checked by normAnalyses
      const covs = covariates.map((t) => t.column);
      const score = mopts.score_covariates && mopts.score_covariates.length ? mopts.score_covariates : covs;
      s += `# Each cut group matched against the reference group (cut group = "treated").\n`;
      s += `cg_mo <- ${matchOptions(mopts)}\n`;
      s += `ref <- levels(cg$cut_group_)[1]\n`;
      s += `# Each comparison in its own block, as LocalSurv: one that fails loses no other.\n`;
      s += `for (lv in levels(cg$cut_group_)[-1]) ls_block(paste0(${rStr(p + '.cutpoint.groups.matched.')}, match(lv, levels(cg$cut_group_)) - 2), {\n`;
      s += `  dm <- cg[cg$cut_group_ %in% c(ref, lv), , drop = FALSE]\n  dm$treat_ <- as.integer(dm$cut_group_ == lv)\n`;
      s += `  dm$cut_group_ <- droplevels(dm$cut_group_)\n`;
      s += `  cat("\\n== matching:", lv, "vs", ref, "\\n")\n`;
      s += `  mr <- match_rounds(dm, covariates, ${sameList(score, covs) ? 'covariates' : rChr(score)}, ${rChr(mopts.exact)}, cg_mo)\n`;
      s += `  res <- list(comparison = paste(lv, "vs", ref), rounds = mr$rounds, stop = mr$stop)\n`;
      s += `  if (!is.null(mr$m) && any(mr$m$weights > 0))\n`;
      s += `    res$outcome <- tryCatch(matched_outcome(mr$m, "cut_group_", cg_mo, ${rStr(ties)}), error = function(e) list(error = conditionMessage(e)))\n`;
      s += `  put(paste0(${rStr(p + '.cutpoint.groups.matched.')}, match(lv, levels(cg$cut_group_)) - 2), res)\n})\n`;
    }
  }
  return s;
}

function subgroupsBlock(p, spec, a, covariates, ties) {
  const g = spec.group.column;
  let s = section('Subgroups', cm`Reproduces ${p}.subgroups: within each level coxph(Surv ~ ${g}${a.adjust ? ' + covariates' : ''}, ties = "${ties}");
treatment x subgroup interaction: likelihood-ratio test of coxph(~ ${g} * x) against coxph(~ ${g} + x)${a.adjust ? ' (both + covariates)' : ''}, on the rows with x${a.adjust ? ' and the covariates' : ''} known.`);
  a.variables.forEach((v, i) => {
    const { lv } = rTerm(v);
    s += `\n# ${cm`subgroup variable ${v.column}`}\n`;
    s += `sg_adj <- ${a.adjust ? `setdiff(covariates, ${rStr(v.column)})   # adjusted for the other covariates` : 'character(0)'}\n`;
    s += `ds <- d\nds[[${rStr(v.column)}]] <- ls_factor(ds[[${rStr(v.column)}]], ${lv}, all = raw[[${rStr(v.column)}]])\n`;
    s += `ds <- ls_complete(ds, c(${rStr(v.column)}, sg_adj))\n`;
    s += `sg_levels <- lapply(levels(ds[[${rStr(v.column)}]]), function(lv) {\n`;
    s += `  dl <- ds[ds[[${rStr(v.column)}]] == lv, , drop = FALSE]\n`;
    s += `  fit <- tryCatch(suppressWarnings(coxph(ls_formula(quote(Surv(time_, event_)), ${rStr(g)}, sg_adj), data = dl, ties = ${rStr(ties)})), error = function(e) NULL)\n`;
    s += `  if (is.null(fit)) return(list(level = lv, n = nrow(dl)))\n`;
    s += `  k <- cox_key(fit); list(level = lv, n = nrow(dl), nevent = sum(dl$event_), coef = k$coef[1], se = k$se[1], hr = k$hr[1],\n`;
    s += `                          lower = k$lower[1], upper = k$upper[1], p = k$p[1])\n})\n`;
    s += `full <- coxph(ls_formula(quote(Surv(time_, event_)), quote(${rName(g)} * ${rName(v.column)}), sg_adj), data = ds, ties = ${rStr(ties)})\n`;
    s += `reduced <- coxph(ls_formula(quote(Surv(time_, event_)), c(${rStr(g)}, ${rStr(v.column)}), sg_adj), data = ds, ties = ${rStr(ties)})\n`;
    s += `lrt <- 2 * (full$loglik[2] - reduced$loglik[2]); lrt_df <- sum(!is.na(coef(full))) - sum(!is.na(coef(reduced)))\n`;
    s += `cat("\\n==", ${rStr(v.column)}, "\\n"); print(ls_table(sg_levels))\n`;
    s += `cat("interaction LRT:", lrt, "df", lrt_df, "p", pchisq(lrt, lrt_df, lower.tail = FALSE), "\\n")\n`;
    s += `put(${rStr(`${p}.subgroups.${i}`)}, list(variable = ${rStr(v.column)}, n = nrow(ds), levels = sg_levels,\n`;
    s += `     interaction = list(lrt_statistic = lrt, lrt_df = lrt_df, lrt_p = pchisq(lrt, lrt_df, lower.tail = FALSE))))\n`;
  });
  return s;
}

// The script so far is `used` characters long: refused as soon as it would pass its limit.
function checkSize(used) {
  if (used > SCRIPT_LIMITS.chars) {
    throw new Error(`R script: the script would be longer than ${SCRIPT_LIMITS.chars / 2 ** 20} MB (every cohort repeats each analysis for every covariate), too long to read or check; choose fewer subcohorts, covariates or analyses`);
  }
}

function cohortBlocks(used, p, spec, analyses, covariates, filters, title) {
  let s = `\n# ${'#'.repeat(72)}\n# ${oneLine(title)}\n# ${'#'.repeat(72)}\n`;
  let prep;
  try {
    prep = `{\n${indent(cohortPrep(p, spec, filters, covariates))}\n  d\n}`;
  } catch (e) {
    // A subcohort's filter the script cannot use fails that subcohort, as
    // in the engine; the main cohort's fails the whole run there.
    if (!(e instanceof FilterError) || p === 'results') throw e;
    prep = `stop(${rStr(e.message)})`;
  }
  s += `d <- ls_cohort(${rStr(p)}, ${prep})\n`;
  checkSize(used + s.length);
  const ties = (analyses.cox && analyses.cox.ties) || 'efron';
  const g = spec.group;
  const blocks = [];
  for (const k of ORDER) {
    const a = analyses[k];
    if (!a) continue;
    if (k === 'table1' && g) blocks.push([k, table1Block(p, spec, a, covariates)]);
    if (k === 'km') blocks.push([k, kmBlock(p, spec, a)]);
    if (k === 'followup') blocks.push([k, followupBlock(p, spec)]);
    if (k === 'logrank') blocks.push([k, logrankBlock(p, spec, a)]);
    if (k === 'cox') blocks.push([k, coxBlock(p, spec, a, covariates)]);
    if (k === 'logistic' && g) blocks.push([k, logisticBlock(p, spec, covariates)]);
    if (k === 'matching' && g) blocks.push([k, matchingBlock(p, spec, a, covariates, ties)]);
    if (k === 'cutpoint') blocks.push([k, cutpointBlock(p, spec, a, covariates, ties, analyses.logrank)]);
    if (k === 'subgroups' && g) blocks.push([k, subgroupsBlock(p, spec, a, covariates, ties)]);
    checkSize(used + s.length + blocks.reduce((n, [, b]) => n + b.length, 0));
  }
  for (const [k, b] of blocks) {
    const [head, code] = b.split(SPLIT);
    s += `${head}ls_block(${rStr(`${p}.${k}`)}, {\n${indent(code)}\n})\n`;
  }
  return s;
}

/** A complete R script reproducing the analysis of `spec`; see the header. */
export function rScript(rawSpec, options = {}) {
  const { dataFile = 'data.csv', correctedPairing = false } = options;
  const spec = readSpec(rawSpec);
  const enabled = Object.keys(spec.analyses);
  const head = `# LocalSurv analysis, redone with R's own tools.
#
# Written by LocalSurv from the analysis spec, so that a reviewer can check
# every number LocalSurv reports: each block below says which part of
# LocalSurv's result it reproduces (e.g. results.km = the "km" part of the
# result JSON; subcohorts[i].results.* for subcohort i).
#
# Analyses: ${enabled.join(', ') || 'none'}${spec.subcohorts.length ? `; subcohorts: ${oneLine(spec.subcohorts.map((c) => c.name).join(', '))}` : ''}.
#
# Needs R >= 4.1 with survival, MatchIt (>= 4.5.4: earlier versions truncate
# distance differences, MatchIt issue #163, so their matched pairs differ
# from LocalSurv's), maxstat and jsonlite.
#
# Run:  Rscript this_script.R                          (reads ${oneLine(dataFile)})
#       Rscript this_script.R key_numbers.json [data.csv]
# With a first argument the script also writes its key numbers as JSON there.
#
# Known differences from LocalSurv: R's fisher.test may run out of workspace
# on large sparse tables (LocalSurv has no limit); Monte Carlo p-values
# (maxstat condMC) and m.order = "random" use R's random numbers; survival
# 3.5's cox.zph(terms = TRUE) stops when a coefficient is NA (the script then
# prints the per-coefficient test); survdiff takes no weights, so weighted
# matched cohorts get the Cox robust score test instead. An analysis that
# fails in R is reported and the script goes on.

suppressPackageStartupMessages({
  library(survival)
  library(MatchIt)
  library(maxstat)
  library(jsonlite)
})
if (packageVersion("MatchIt") < "4.5.4")
  message("MatchIt ", packageVersion("MatchIt"), " truncates distance differences (issue #163): ",
          "matched pairs will differ from LocalSurv's; install MatchIt >= 4.5.4.")

args <- commandArgs(trailingOnly = TRUE)
json_file <- if (length(args) >= 1) args[1] else NA
data_file <- if (length(args) >= 2) args[2] else ${rStr(dataFile)}
options(width = 120)
`;
  let s = head + HELPERS;
  if (correctedPairing) s += CORRECTED_PAIRING;
  s += '\n' + readBlock(spec, options) + '\n';
  const der = deriveBlock(spec.derive);
  if (der) s += '\n' + der + '\n';
  // The engine's filters of each cohort: the field each comes from and what
  // a message calls it (core/analysis.cpp).
  const main = blank(spec.filter) ? [] : [{ text: spec.filter, field: 'filter', name: 'the filter' }];
  s += cohortBlocks(s.length, 'results', spec, spec.analyses, spec.covariates, main,
    `Main cohort${spec.filter ? ` (filter: ${spec.filter})` : ''}`);
  const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
  spec.subcohorts.forEach((c, i) => {
    const filters = main.map((f) => ({ ...f, name: "the whole cohort's filter" }));
    if (!blank(c.filter)) filters.push({ text: c.filter, field: `subcohorts[${i}].filter`, name: "the subcohort's filter" });
    const filter = spec.filter ? `(${spec.filter}) and (${c.filter})` : c.filter;
    const own = [c.covariates && !same(c.covariates, spec.covariates) && 'covariates', c.analyses && !same(c.analyses, spec.analyses) && 'analyses'].filter(Boolean);
    s += cohortBlocks(s.length, `subcohorts.${i}.results`, spec, c.analyses || spec.analyses, c.covariates || spec.covariates,
      filters, `Subcohort "${c.name}" (filter: ${filter})${own.length ? `: its own ${own.join(' and ')}` : ''}`);
  });
  s += `
# ---------------------------------------------------------------- key numbers
if (!is.na(json_file)) {
  write_json(key, json_file, digits = NA, auto_unbox = TRUE, null = "null", na = "null", pretty = TRUE)
  cat("\\nKey numbers written to", json_file, "\\n")
}
`;
  return s;
}
