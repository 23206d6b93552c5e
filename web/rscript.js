// rscript.js: writes an R script that redoes a LocalSurv analysis with R's
// own tools (survival, MatchIt, maxstat, stats), so a reviewer can check
// every number LocalSurv reports against R, on the same CSV.
//
// API
//   rScript(read, options) -> string   a complete, commented R script
//     read       the engine's reading of the analysis spec (docs/spec.md):
//                the result of readSpec (web/engine.js, the worker's
//                'readSpec', core/api.h Session::read_spec), {spec, filters}:
//                the spec with every default written out, as a run echoes it
//                in result.spec, and each filter's parsed tree. The script
//                takes every default and every filter from there: this file
//                neither reads specs nor parses filters. A spec the engine
//                refuses has no reading: the page shows the engine's error.
//     options.dataFile  path the script reads by default ('data.csv'); the
//                second command-line argument overrides it.
//     options.data      the result's `data` block ({delimiter, decimal_comma}),
//                so the script reads the file as LocalSurv did (the spec's
//                data options win; else "," and ".").
//     options.correctedPairing  TEST ONLY: R code put after the helpers
//                (tests/r/corrected_pairing.R, which tests/node/rscript.test.mjs
//                passes): it swaps MatchIt's pairing step for a corrected one,
//                so pairs agree on machines that only have MatchIt
//                4.5.1-4.5.3. The page never sets it.
//   rFilter(tree) -> string    a filter, as the engine parsed it (an entry of
//                readSpec's filters), in R; throws the engine's message for
//                a filter it cannot read (nested deeper than its limit, not
//                the filter language), and a message past what R's parser reads
//   rStr(text), rName(name), oneLine(text)   the escapers every text from the
//                spec or the data goes through (R string literal, R name,
//                comment text); tests/node/rscript_safety.test.mjs checks them.
//   rScript throws where the main filter cannot be used (as above), where
//   the script would be longer than SCRIPT_LIMITS.chars, and on a NUL
//   character (R cannot hold one). A subcohort's filter that cannot be used
//   fails that subcohort in R, with the same message, as in the engine.
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

// R code that is the same in every script is in real R files (R tooling reads
// them; tests/node/rscript.test.mjs has R parse each), imported as text:
// Vite reads `?raw` itself, Node through scripts/r_text.mjs (node_env.sh).
import HELPERS_R from './r/helpers.R?raw';
import DATES_R from './r/dates.R?raw';
import { DAYS_PER } from './units.js';

const HELPERS = `\n${HELPERS_R}`;
const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);

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
const SCRIPT_LIMITS = Object.freeze({ filterNesting: 50 - 4, rToken: 8190, chars: 32 * 2 ** 20 });

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
// A filter arrives as the engine parsed it (readSpec's `filters`, core/spec.h
// filters_to_json): its tree, null when blank, or {error} with the engine's
// message where the engine cannot read it. There is no second parser here.

/** A filter the script cannot use: the engine's error, or past one of R's limits. */
class FilterError extends Error {}

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

// A number as the filter holds it: the engine takes only the CSV reader's
// plain decimals (core/io/csv.h parse_csv_number), which R reads as it does.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
function rFilterValue(v) {
  if (!isObject(v)) throw new FilterError('filter: expected a value');
  if (typeof v.text === 'string') return rStr(v.text);
  const t = v.number;
  if (typeof t !== 'string' || !DECIMAL.test(t)) throw new FilterError('filter: expected a value');
  if (t.length > SCRIPT_LIMITS.rToken) {
    throw new FilterError(`filter: the number '${t.slice(0, 20)}...' (${t.length} characters) is longer than R's parser reads (${SCRIPT_LIMITS.rToken}); write it shorter`);
  }
  return t;
}

const OPS = ['==', '!=', '<', '<=', '>', '>='];
// One node of the engine's tree (core/spec.h filters_to_json) as R.
function rNode(n) {
  if (!isObject(n)) throw new FilterError('filter: expected a comparison');
  if (Array.isArray(n.or)) return n.or.length > 1 ? `(${n.or.map(rNode).join(' | ')})` : rNode(n.or[0]);
  if (Array.isArray(n.and)) return n.and.length > 1 ? `(${n.and.map(rNode).join(' & ')})` : rNode(n.and[0]);
  if (n.not !== undefined) return `!${rNode(n.not)}`;
  if (n.group !== undefined) return `(${rNode(n.group)})`;
  const col = rName(n.column);
  if (Array.isArray(n.in)) return `(${col} %in% c(${n.in.map(rFilterValue).join(', ')}))`;
  if (n.is === 'missing' || n.is === 'not missing') return n.is === 'missing' ? `is.na(${col})` : `!is.na(${col})`;
  if (!OPS.includes(n.op)) throw new FilterError('filter: expected a comparison operator');
  return `ls_true(${col} ${n.op} ${rFilterValue(n.value)})`;
}

/**
 * A filter, as the engine parsed it (an entry of readSpec's `filters`), as an
 * R expression over the data's columns (for with(data, ...)). Comparisons go
 * through ls_true(), so a comparison on a missing cell is FALSE and `not` of
 * it TRUE, as in LocalSurv. Throws the engine's error for a filter it cannot
 * read, and a message for one R's parser could not read.
 */
export function rFilter(tree) {
  if (tree === null) return 'TRUE';
  if (isObject(tree) && isObject(tree.error)) throw new FilterError(String(tree.error.message));
  const out = rNode(tree);
  const nesting = rNesting(out);
  if (nesting > SCRIPT_LIMITS.filterNesting) {
    throw new FilterError(`filter: its R code would nest brackets ${nesting} deep, more than R's parser reads in the script (${SCRIPT_LIMITS.filterNesting}); write the filter with fewer parentheses`);
  }
  return out;
}

// ----------------------------------------------------------- script pieces

// The analyses in the order the script runs them (the engine's order).
const ORDER = ['table1', 'km', 'followup', 'logrank', 'cox', 'logistic', 'matching', 'cutpoint', 'subgroups'];
// cutpoint groups.use: the names in cp_cuts.
const CUT_USES = ['maxstat', 'median', 'youden', 'value'];

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

// Written into the script only when a derive step reads dates (web/r/dates.R).
const DATE_HELPERS = DATES_R;

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
      const per = DAYS_PER[d.unit];
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
      code = rFilter(f.tree);
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
function referenceGroup(none, tree) {
  try {
    return `cp_none <- with(d, ${rFilter(tree)})`;
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    return `stop(${rStr(`the reference group's filter (${none}) cannot be used: ${e.message.replace(/^filter: /, '')}`)})`;
  }
}

function cutpointBlock(p, spec, a, covariates, ties, logrank, noneTree) {
  // The cut groups' log-rank uses the cohort's log-rank options, as LocalSurv.
  const rho = logrank ? logrank.rho : 0;
  const adjust = logrank ? logrank.pairwise_adjust : 'holm';
  const x = a.column;
  const gr = a.groups;
  const pm = a.pmethod === 'condmc' ? 'condMC' : 'Lau94';
  let s = section('Cutpoint', cm`Reproduces ${p}.cutpoint: maxstat.test(smethod = "LogRank", pmethod = "${pm}", minprop = ${a.minprop}, maxprop = ${a.maxprop})
for ${x}; also its median and Youden's index. High = ${x} > cutpoint.${pm === 'condMC' ? '\nThe condMC p is a Monte Carlo p: R\'s random numbers differ from LocalSurv\'s, so it agrees only up to Monte Carlo error.' : ''}${gr ? `\nGroups (${p}.cutpoint.groups): cut by the ${gr.use} cutpoint${gr.none ? `, rows with ${gr.none} form the reference group "${gr.none_label}"` : ''}; KM, log-rank, Cox, ${gr.match ? 'and each group matched against the reference' : ''}.` : ''}`);
  s += gr && gr.none ? `${referenceGroup(gr.none, noneTree)}   # the reference group (takes no part in choosing the cutpoint)\n` : 'cp_none <- rep(FALSE, nrow(d))\n';
  s += `cp_d <- ls_complete(d[!cp_none, , drop = FALSE], ${rStr(x)})\n`;
  const xt = plain(x, CUT_ALIAS);
  if (xt === CUT_ALIAS) s += `cp_d$${CUT_ALIAS} <- cp_d[[${rStr(x)}]]   # the column under a plain name, for maxstat.test\n`;
  s += `${pm === 'condMC' ? `set.seed(${rNum(a.seed, 'cutpoint.seed')}); ` : ''}ms <- maxstat.test(Surv(time_, event_) ~ ${xt}, data = cp_d, smethod = "LogRank", pmethod = ${rStr(pm)},\n                  minprop = ${rNum(a.minprop, 'cutpoint.minprop')}, maxprop = ${rNum(a.maxprop, 'cutpoint.maxprop')}${pm === 'condMC' ? `, B = ${rNum(a.replicates, 'cutpoint.replicates')}` : ''})\nprint(ms)\n`;
  s += `cp_cuts <- list(maxstat = unname(ms$estimate), median = median(cp_d[[${rStr(x)}]]),\n                youden = youden_cut(cp_d[[${rStr(x)}]], cp_d$time_, cp_d$event_, ${rNum(a.horizon || 0, 'cutpoint.horizon')}))\nstr(cp_cuts)\n`;
  s += `put(${rStr(p + '.cutpoint')}, list(maxstat = list(cutpoint = unname(ms$estimate), statistic = unname(ms$statistic), p = ms$p.value,
                                    candidates = list(cut = ms$cuts, statistic = unname(ms$stats))),
                                    median = cp_cuts$median, youden = cp_cuts$youden))\n`;
  if (gr) {
    // The engine reads only these: one of the names in cp_cuts.
    if (!CUT_USES.includes(gr.use)) throw specError('analyses.cutpoint.groups.use', `is '${oneLine(gr.use)}'; it must be one of: ${CUT_USES.join(', ')}`);
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
      const mopts = gr.match;   // every option written out by the engine
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

function cohortBlocks(used, p, spec, analyses, covariates, filters, noneTree, title) {
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
    if (k === 'cutpoint') blocks.push([k, cutpointBlock(p, spec, a, covariates, ties, analyses.logrank, noneTree)]);
    if (k === 'subgroups' && g) blocks.push([k, subgroupsBlock(p, spec, a, covariates, ties)]);
    checkSize(used + s.length + blocks.reduce((n, [, b]) => n + b.length, 0));
  }
  for (const [k, b] of blocks) {
    const [head, code] = b.split(SPLIT);
    s += `${head}ls_block(${rStr(`${p}.${k}`)}, {\n${indent(code)}\n})\n`;
  }
  return s;
}

/** A complete R script reproducing the analysis the engine read (`read`: readSpec's result); see the header. */
export function rScript(read, options = {}) {
  const { dataFile = 'data.csv', correctedPairing = '' } = options;
  if (!isObject(read) || !isObject(read.spec) || !isObject(read.filters)) {
    throw new Error("R script: it is written from the engine's reading of the spec (readSpec), not from the spec itself");
  }
  const { spec, filters: trees } = read;
  // A filter's tree where the engine's reading holds it (every filter it reads is there).
  const treeOf = (key) => {
    if (!Object.hasOwn(trees, key)) throw new Error(`R script: the engine's reading of the spec has no filter '${key}'`);
    return trees[key];
  };
  const enabled = ORDER.filter((k) => spec.analyses[k]);
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
  if (correctedPairing) s += `\n${correctedPairing}`;
  s += '\n' + readBlock(spec, options) + '\n';
  const der = deriveBlock(spec.derive);
  if (der) s += '\n' + der + '\n';
  // The engine's filters of each cohort: the field each comes from and what
  // a message calls it (core/analysis.cpp).
  // A blank filter (tree null) is no filter at all, as in the engine.
  const mainTree = treeOf('filter');
  const main = mainTree === null ? [] : [{ text: spec.filter, tree: mainTree, field: 'filter', name: 'the filter' }];
  const noneOf = (analyses, at) => (analyses.cutpoint?.groups?.none ? treeOf(`${at}analyses.cutpoint.groups.none`) : null);
  s += cohortBlocks(s.length, 'results', spec, spec.analyses, spec.covariates, main, noneOf(spec.analyses, ''),
    `Main cohort${spec.filter ? ` (filter: ${spec.filter})` : ''}`);
  const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
  spec.subcohorts.forEach((c, i) => {
    const filters = main.map((f) => ({ ...f, name: "the whole cohort's filter" }));
    const field = `subcohorts[${i}].filter`;
    const tree = treeOf(field);
    if (tree !== null) filters.push({ text: c.filter, tree, field, name: "the subcohort's filter" });
    const filter = spec.filter ? `(${spec.filter}) and (${c.filter})` : c.filter;
    const own = [c.covariates && !same(c.covariates, spec.covariates) && 'covariates', c.analyses && !same(c.analyses, spec.analyses) && 'analyses'].filter(Boolean);
    s += cohortBlocks(s.length, `subcohorts.${i}.results`, spec, c.analyses || spec.analyses, c.covariates || spec.covariates,
      filters, c.analyses ? noneOf(c.analyses, `subcohorts[${i}].`) : noneOf(spec.analyses, ''), `Subcohort "${c.name}" (filter: ${filter})${own.length ? `: its own ${own.join(' and ')}` : ''}`);
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
