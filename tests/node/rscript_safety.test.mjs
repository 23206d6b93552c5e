// The exported R script cannot be made to run anything else (issue 8.1).
// Every text in a spec (a share link is a spec anyone can write) or in the
// data's header reaches the script only through web/r/escape.js's escapers:
// rStr (string literal), rName (name) and oneLine (comment text); numbers must
// be numbers. Checked here with R itself:
// (1) the escapers: hostile and random texts read back in R as exactly
//     themselves, as strings and as names, and a backquoted name finds its
//     column;
// (2) text where a number belongs, an unknown cutpoint groups.use, a wrong
//     kind or an unknown option are refused with the engine's message and
//     field (the CLI is asked too), and a NUL is refused; short forms the
//     engine accepts give the same script as the engine's echo of the spec
//     (result.spec), which R parses and which calls only allowed functions;
// (3) tests/r/rscript_calls.R walks a script's parse tree and lists every
//     function it can call; it is shown to catch injected calls (a script with
//     system(), base::system, do.call("system"), a newline in a comment, the
//     old backquote escaping, ...);
// (4) the allow-list: exactly the functions the scripts for tests/specs, the
//     paper spec and tests/fixtures/dates.spec.json call (frozen below: a new function in the generator
//     needs a conscious addition);
// (5) a corpus of hostile specs (names, levels, filters, labels, file name,
//     link specs, ...): every script parses in R, calls only allowed
//     functions, and holds no control or line-separator character;
// (6) end to end: a CSV whose headers are hostile runs through Rscript, no
//     planted call runs (a canary file is never created), and the numbers
//     equal the CLI's, so each escaped name reads the right column.
// R is required (scripts/setup.sh --with-r); without it the test fails.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { rScript } from '../../web/rscript.js';
import { rStr, rName, oneLine } from '../../web/r/escape.js';
import { rFilter } from '../../web/r/filter.js';
import { scriptOf, readSpec, filterTree, CORRECTED_PAIRING } from './rscript_support.mjs';
import { encodeShare, decodeShare } from '../../web/share.js';
import { runCli, specCases, datasetPath, root } from './harness.mjs';

const WALKER = path.join(root, 'tests/r/rscript_calls.R');
const paperSpec = path.join(root, 'public/examples/npc_paper.spec.json');
const datesSpec = path.join(root, 'tests/fixtures/dates.spec.json');
const readJson = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
// The engine's limits on a spec (core/spec.h limits::, core/filter.h
// kMaxFilterDepth; docs/spec.md "Limits"), checked against its headers below.
const ENGINE_LIMITS = Object.freeze({
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

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rscript-safety-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function rscript(args, what) {
  const r = spawnSync('Rscript', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.error, undefined, `Rscript is needed for this test (scripts/setup.sh --with-r): ${r.error}`);
  assert.equal(r.status, 0, `Rscript failed on ${what}:\n${String(r.stderr).slice(-3000)}`);
  return r.stdout;
}

let fileCount = 0;
/** The functions each script can call, by tests/r/rscript_calls.R: [{calls} | {error}]. */
function callsOf(scripts) {
  const files = scripts.map((text) => {
    const f = path.join(tmp, `script${fileCount++}.R`);
    fs.writeFileSync(f, text);
    return f;
  });
  const out = JSON.parse(rscript([WALKER, ...files], 'the call walker'));
  return files.map((f) => out[f]);
}

// ------------------------------------------------------------- hostile text

const PAYLOAD = 'system("touch PWNED")';
const HOSTILE = {
  backslashBacktick: `a\\\`) + ${PAYLOAD} + (\``,
  // Escaped as before issue 8 (backquotes only), this ends the name and the
  // filter line's brackets, runs the payload and comments out the rest.
  breakout: `a\\\`)), ]; ${PAYLOAD} #`,
  backtick: `x\`; ${PAYLOAD}; \``,
  newline: `x\n${PAYLOAD}\n#`,
  crlf: `x\r\n${PAYLOAD}`,
  cr: `x\r${PAYLOAD}`,
  lineSep: `x\u2028${PAYLOAD}`,
  paraSep: `\u2029${PAYLOAD}`,
  nextLine: `x\u0085${PAYLOAD}`,
  quote: `x"); ${PAYLOAD}; ("`,
  quoteBackslash: `x\\"); ${PAYLOAD}; ("\\`,
  backslash: 'x\\',
  bidi: `\u202e)"DI"(metsys\u202c`,
  unicode: 'Überlebenszeit é ß 生存 😀',
  zeroWidth: 'a\u200bb\ufeff',
  controls: 'a\x01\x07\x08\x0b\x0c\x1b[31m\x7f\x9bz',
  tab: 'a\tb',
  loneSurrogate: 'x\ud800y',
  codeLike: 'Sys.setenv(X = 1)',
};

// A deterministic stream of random texts: code points from every range that
// matters (ASCII with controls, Latin-1 and C1 controls, the BMP, astral),
// never NUL.
function randomTexts(n) {
  let seed = 20240611;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const ranges = [[1, 0x7f], [0x80, 0xff], [0x100, 0xd7ff], [0xe000, 0xfffd], [0x10000, 0x10ffff], [0x20, 0x7e], [0x5c, 0x60]];
  return Array.from({ length: n }, () => {
    const len = 1 + Math.floor(next() * 12);
    let s = '';
    for (let i = 0; i < len; i++) {
      const [a, b] = ranges[Math.floor(next() * ranges.length)];
      s += String.fromCodePoint(a + Math.floor(next() * (b - a + 1)));
    }
    return s;
  });
}

test('escapers: every hostile or random text reads back in R as itself, as a string and as a name', () => {
  const texts = [...Object.values(HOSTILE), '`', '\\', '"', "'", '\\`', '``', '\\\\`', 'if', '...', '..1', 'NA_real_',
    'TRUE', 'function', 'Inf', '_x', '1x', 'a b', 'time_*x', 'strata(x)', ...randomTexts(300)];
  const lines = ['suppressPackageStartupMessages(library(jsonlite))', 'strings <- character(); names_ <- character(); found <- logical()'];
  for (const s of texts) {
    lines.push(`strings <- c(strings, ${rStr(s)})`);
    lines.push(`names_ <- c(names_, as.character(quote(${rName(s)})))`);
    // The name in code finds the column named by the string (as the script's formulas and filters do).
    // (R has no way to read a variable named ... or ..1 by its name.)
    if (s !== '...' && s !== '..1') lines.push(`d <- data.frame(1); names(d) <- ${rStr(s)}; found <- c(found, identical(with(d, ${rName(s)}), 1))`);
  }
  lines.push('cat(toJSON(list(strings = strings, names = names_, found = found)))');
  const f = path.join(tmp, 'escapes.R');
  fs.writeFileSync(f, lines.join('\n') + '\n');
  const out = JSON.parse(rscript([f], 'the escaped texts'));
  // R cannot hold a lone surrogate; it becomes U+FFFD, as the browser writes it to a file.
  const expected = texts.map((s) => s.toWellFormed());
  assert.deepEqual(out.strings, expected);
  assert.deepEqual(out.names, expected);
  assert.ok(out.found.length === texts.length - 2 && out.found.every((x) => x === true), 'a backquoted name did not find its column');
  // Syntactic ASCII names stay as they are; reserved words are quoted.
  assert.equal(rName('ph.ecog'), 'ph.ecog');
  for (const w of ['if', '...', '..1', 'NA_real_', 'TRUE', 'in']) assert.match(rName(w), /^`.*`$/);
  assert.equal(rStr('squamous'), '"squamous"');
  assert.throws(() => rName(''), /empty column name/);
  // Comment text is one line without control, separator or format characters.
  assert.equal(oneLine(HOSTILE.newline), `x ${PAYLOAD} #`);
  for (const s of [...Object.values(HOSTILE), ...randomTexts(300)]) {
    assert.doesNotMatch(oneLine(s), /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u);
  }
});

// ------------------------------------------------------------------- specs

const lungSpec = () => ({
  time: { column: 'time', unit: 'days' },
  event: { column: 'status', values: [2] },
  group: { column: 'sex', levels: ['1', '2'] },
  covariates: ['age', 'ph.ecog', 'ph.karno'],
  analyses: {
    table1: {}, km: { times: [180, 365] }, followup: {}, logrank: { by: ['ph.ecog'], strata: 'inst' },
    cox: { strata: 'inst', cluster: 'inst', select_p: 0.5, force: ['age'] }, logistic: {},
    matching: { exact: ['ph.ecog'], caliper: 0.2, rounds: 2 },
    cutpoint: { column: 'age', pmethod: 'condmc', groups: { use: 'median', none: 'age < 45', none_label: 'young', match: { ratio: 2 } } },
    subgroups: { variables: ['ph.ecog', { column: 'inst', levels: ['1', '3'] }], adjust: true },
  },
});

// The engine's verdict on a spec (the CLI on lung.csv): its result, or its error.
let specCount = 0;
function engineRun(spec, data = datasetPath('lung')) {
  const f = path.join(tmp, `spec${specCount++}.json`);
  fs.writeFileSync(f, JSON.stringify(spec));
  return JSON.parse(runCli(data, f).stdout);
}

// rScript refuses `spec` and so does the engine (the CLI), naming the same
// field; the reader's own messages (and the filter's) are the engine's, word
// for word, past the prefix. Returns the script's message.
const PREFIX = /^(R script|analysis spec): /;
function refusedAsEngine(spec, where) {
  let message = '';
  assert.throws(() => scriptOf(spec), (e) => { message = e.message; return true; }, `${where}: not refused`);
  assert.ok(!message.includes('undefined') && !(message.startsWith('R script') && !message.includes(`'${where}' `)), `${where}: ${message}`);
  const engine = engineRun(spec);
  assert.equal(engine.ok, false, `${where}: the engine accepts it`);
  assert.equal(engine.error.field, where, `${where}: the engine names ${engine.error.field}`);
  if (PREFIX.test(engine.error.message) || engine.error.message.startsWith('filter: ')) {
    assert.equal(message.replace(PREFIX, ''), engine.error.message.replace(PREFIX, ''), where);
  }
  return message;
}

test('a spec the engine refuses is refused as the engine refuses it: text where a number belongs, a wrong kind, an unknown option, a NUL', () => {
  const bad = `1); ${PAYLOAD}; (1`;
  const cases = [
    [(s) => { s.analyses.km.conf_int = bad; }, 'analyses.km.conf_int'],
    [(s) => { s.analyses.km.times = [100, bad]; }, 'analyses.km.times[1]'],
    [(s) => { s.analyses.km.times = bad; }, 'analyses.km.times'],
    [(s) => { s.analyses.logrank.rho = bad; }, 'analyses.logrank.rho'],
    [(s) => { s.analyses.cox.conf_int = '0.95'; }, 'analyses.cox.conf_int'],
    [(s) => { s.analyses.cox.select_p = bad; }, 'analyses.cox.select_p'],
    [(s) => { s.analyses.matching.caliper = bad; }, 'analyses.matching.caliper'],
    [(s) => { s.analyses.matching.ratio = [2]; }, 'analyses.matching.ratio'],
    [(s) => { s.analyses.matching.seed = bad; }, 'analyses.matching.seed'],
    [(s) => { s.analyses.matching.rounds = true; }, 'analyses.matching.rounds'],
    [(s) => { s.analyses.matching.balance_p = bad; }, 'analyses.matching.balance_p'],
    [(s) => { s.analyses.matching.balance_smd = { x: 1 }; }, 'analyses.matching.balance_smd'],
    [(s) => { s.analyses.cutpoint.minprop = bad; }, 'analyses.cutpoint.minprop'],
    [(s) => { s.analyses.cutpoint.maxprop = bad; }, 'analyses.cutpoint.maxprop'],
    [(s) => { s.analyses.cutpoint.replicates = bad; }, 'analyses.cutpoint.replicates'],
    [(s) => { s.analyses.cutpoint.seed = bad; }, 'analyses.cutpoint.seed'],
    [(s) => { s.analyses.cutpoint.horizon = bad; }, 'analyses.cutpoint.horizon'],
    [(s) => { s.analyses.cutpoint.groups = { use: 'value', value: bad }; }, 'analyses.cutpoint.groups.value'],
    [(s) => { s.analyses.cutpoint.groups.match = { caliper: bad }; }, 'analyses.cutpoint.groups.match.caliper'],
    [(s) => { s.analyses.cutpoint.groups.use = `median; ${PAYLOAD}`; }, 'analyses.cutpoint.groups.use'],
    [(s) => { s.derive = [{ name: 'g', cut: { column: 'age', breaks: [50, bad], labels: ['a', 'b', 'c'] } }]; }, 'derive[0].cut.breaks[1]'],
    [(s) => { s.derive = [{ name: 'x', flag: { column: 'sex', values: 1 } }, { name: 'b', bed: { dose: 'age', fractions: 'inst', alpha_beta: bad } }]; }, 'derive[1].bed.alpha_beta'],
    [(s) => { s.subcohorts = [{ name: 'a', filter: 'age > 1' }, { name: 'b', filter: 'age > 2', analyses: { km: { conf_int: bad } } }]; }, 'subcohorts[1].analyses.km.conf_int'],
    // Kinds and shapes the reader refuses (core/io/spec.cpp).
    [(s) => { s.version = 2; }, 'version'],
    [(s) => { s.analyses.km.conf_typ = 'plain'; }, 'analyses.km.conf_typ'],
    [(s) => { s.time.units = 'days'; }, 'time.units'],
    [(s) => { s.analyses.km = false; }, 'analyses.km'],
    [(s) => { s.analyses.matching.replace = 'false'; }, 'analyses.matching.replace'],
    [(s) => { s.analyses.matching.ratio = 1.5; }, 'analyses.matching.ratio'],
    [(s) => { s.group.reference = 2; }, 'group.reference'],
    [(s) => { s.group.column = ''; }, 'group.column'],
    [(s) => { s.time = { unit: 'days' }; }, 'time.column'],
    [(s) => { s.event = 5; }, 'event'],
    [(s) => { s.event.values = []; }, 'event.values'],
    [(s) => { s.event.values = [{ v: 2 }]; }, 'event.values[0]'],
    [(s) => { s.covariates = 'age'; }, 'covariates'],
    [(s) => { s.covariates = ['age', 3]; }, 'covariates[1]'],
    [(s) => { s.covariates = [{ type: 'factor' }]; }, 'covariates[0].column'],
    [(s) => { s.analyses.logrank.by = [['ph.ecog']]; }, 'analyses.logrank.by[0]'],
    [(s) => { s.analyses.subgroups.variables = 'ph.ecog'; }, 'analyses.subgroups.variables'],
    [(s) => { s.analyses.cutpoint.groups.value = 60; }, 'analyses.cutpoint.groups.value'],
    [(s) => { s.analyses.cutpoint.groups.match = 'yes'; }, 'analyses.cutpoint.groups.match'],
    [(s) => { s.derive = { name: 'x' }; }, 'derive'],
    [(s) => { s.derive = [{ name: 'x', flag: { column: 'sex' }, cut: { column: 'age' } }]; }, 'derive[0]'],
    [(s) => { s.derive = [{ name: 'd', date_diff: { start: 'a', end: 'b', unit: 'fortnights' } }]; }, 'derive[0].date_diff.unit'],
    [(s) => { s.derive = [{ name: 'd', date_diff: { start: 'a', end: 'b', format: 'ydm' } }]; }, 'derive[0].date_diff.format'],
    [(s) => { s.derive = [{ name: 'd', date_diff: { start: 'a' } }]; }, 'derive[0].date_diff.end'],
    [(s) => { s.subcohorts = [{ name: 'a' }]; }, 'subcohorts[0].filter'],
    [(s) => { s.subcohorts = [{ name: 'a', filter: 'age > 1', covariates: 'age' }]; }, 'subcohorts[0].covariates'],
    [(s) => { s.data = { decimal_comma: 'yes' }; }, 'data.decimal_comma'],
  ];
  for (const [edit, where] of cases) {
    const spec = lungSpec();
    edit(spec);
    refusedAsEngine(spec, where);
  }
  const nul = lungSpec();
  nul.covariates.push('a\u0000b');
  assert.throws(() => scriptOf(nul), /NUL character/);
});

// ------------------------------------------------------------ size limits

test('ENGINE_LIMITS are the engine\'s own numbers (core/io/spec.h limits::, core/io/filter.h kMaxFilterDepth)', () => {
  const header = fs.readFileSync(path.join(root, 'core/io/spec.h'), 'utf8') + fs.readFileSync(path.join(root, 'core/io/filter.h'), 'utf8');
  const k = (name) => {
    const m = new RegExp(`\\b${name}\\s*=\\s*(\\d+)\\s*;`).exec(header);
    assert.ok(m, `${name} is not in core/io/spec.h or core/io/filter.h`);
    return Number(m[1]);
  };
  assert.deepEqual({ ...ENGINE_LIMITS }, {
    textBytes: k('kTextBytes'), filterBytes: k('kFilterBytes'), filterDepth: k('kMaxFilterDepth'), subcohorts: k('kSubcohorts'),
    deriveSteps: k('kDeriveSteps'), kmTimes: k('kKmTimes'), cutBreaks: k('kCutBreaks'), eventValues: k('kEventValues'), listEntries: k('kListEntries'),
  });
});

test('a spec past one of the engine\'s size limits is refused as the engine refuses it (no runaway script)', () => {
  const L = ENGINE_LIMITS;
  const n = (count, f) => Array.from({ length: count }, (_, i) => f(i));
  const long = (bytes) => 'x'.repeat(bytes);
  const longFilter = `age > ${'1'.repeat(L.filterBytes)}`;
  const cases = [
    // The link that made a 352 MB script on the page: 10,000 subcohorts.
    [(s) => { s.subcohorts = n(10_000, (i) => ({ name: `s${i}`, filter: `age > ${i % 90}` })); }, 'subcohorts'],
    [(s) => { s.subcohorts = n(L.subcohorts + 1, (i) => ({ name: `s${i}`, filter: 'age > 1' })); }, 'subcohorts'],
    [(s) => { s.derive = n(L.deriveSteps + 1, (i) => ({ name: `f${i}`, flag: { column: 'sex', values: [1] } })); }, 'derive'],
    [(s) => { s.analyses.km.times = n(L.kmTimes + 1, (i) => i); }, 'analyses.km.times'],
    [(s) => { s.subcohorts = [{ name: 'a', filter: 'age > 1', analyses: { km: { times: n(L.kmTimes + 1, (i) => i) } } }]; }, 'subcohorts[0].analyses.km.times'],
    [(s) => { s.derive = [{ name: 'g', cut: { column: 'age', breaks: n(L.cutBreaks + 1, (i) => i) } }]; }, 'derive[0].cut.breaks'],
    [(s) => { s.event.values = n(L.eventValues + 1, (i) => i); }, 'event.values'],
    [(s) => { s.covariates = n(L.listEntries + 1, (i) => `c${i}`); }, 'covariates'],
    [(s) => { s.group.levels = n(L.listEntries + 1, (i) => `l${i}`); }, 'group.levels'],
    [(s) => { s.analyses.cox.force = n(L.listEntries + 1, (i) => `c${i}`); }, 'analyses.cox.force'],
    [(s) => { s.analyses.matching.exact = n(L.listEntries + 1, (i) => `c${i}`); }, 'analyses.matching.exact'],
    [(s) => { s.analyses.subgroups.variables = n(L.listEntries + 1, (i) => `c${i}`); }, 'analyses.subgroups.variables'],
    [(s) => { s.derive = [{ name: 'f', flag: { column: 'sex', values: n(L.listEntries + 1, (i) => i) } }]; }, 'derive[0].flag.values'],
    // Texts, counted in UTF-8 bytes as the engine counts them: 501 'é' are 1,002 bytes.
    [(s) => { s.covariates = [long(L.textBytes + 1)]; }, 'covariates[0]'],
    [(s) => { s.subcohorts = [{ name: 'é'.repeat(L.textBytes / 2 + 1), filter: 'age > 1' }]; }, 'subcohorts[0].name'],
    [(s) => { s.time = long(L.textBytes + 1); }, 'time'],
    [(s) => { s.event = { column: 'status', values: [2, long(L.textBytes + 1)] }; }, 'event.values[1]'],
    [(s) => { s.group.reference = long(L.textBytes + 1); }, 'group.reference'],
    [(s) => { s.covariates = [{ column: 'age', levels: ['1', long(L.textBytes + 1)] }]; }, 'covariates[0].levels[1]'],
    [(s) => { s.data = { column_types: { [long(L.textBytes + 1)]: 'numeric' } }; }, `data.column_types.${long(L.textBytes + 1)}`],
    [(s) => { s.derive = [{ name: long(L.textBytes + 1), flag: { column: 'sex', values: [1] } }]; }, 'derive[0].name'],
    [(s) => { s.analyses.cutpoint.groups.none_label = long(L.textBytes + 1); }, 'analyses.cutpoint.groups.none_label'],
    [(s) => { s.analyses.cox.ties = long(L.textBytes + 1); }, 'analyses.cox.ties'],
    // Filters: 10,000 bytes.
    [(s) => { s.filter = longFilter; }, 'filter'],
    [(s) => { s.subcohorts = [{ name: 'a', filter: longFilter }]; }, 'subcohorts[0].filter'],
    [(s) => { s.analyses.cutpoint.groups.none = longFilter; }, 'analyses.cutpoint.groups.none'],
  ];
  for (const [edit, where] of cases) {
    const spec = lungSpec();
    edit(spec);
    refusedAsEngine(spec, where);
  }
  // Within every limit of the engine a 1 MB spec (what a link may carry)
  // would still make a script of gigabytes: the script's own limit refuses it.
  const wide = {
    ...lungSpec(),
    covariates: n(900, (i) => `${i}`.padStart(4, '0') + 'é'.repeat(498)),
    subcohorts: n(L.subcohorts, (i) => ({ name: `s${i}`, filter: `age > ${i}` })),
  };
  assert.ok(JSON.stringify(wide).length < 1e6);
  assert.throws(() => scriptOf(wide), /^Error: R script: the script would be longer than 32 MB \(every cohort repeats each analysis for every covariate\), too long to read or check; choose fewer subcohorts, covariates or analyses$/);
  const paper = readJson(paperSpec);
  assert.ok(scriptOf({ ...paper, subcohorts: n(L.subcohorts, (i) => ({ name: `s${i}`, filter: `age > ${i}` })) }).length > 3e6);
  // At every limit both read the spec, and R parses the script.
  const atLimits = {
    ...lungSpec(),
    // An in (...) list of IDs, as long as a filter may be.
    filter: `${`inst in (${n(2000, (i) => i + 1).join(', ')}`.slice(0, L.filterBytes - 3).replace(/,? *\d*$/, '')}`.padEnd(L.filterBytes - 1) + ')',
    derive: [
      { name: 'g', cut: { column: 'age', breaks: n(L.cutBreaks, (i) => i), labels: n(L.cutBreaks + 1, (i) => `g${i}`) } },
      ...n(L.deriveSteps - 1, (i) => ({ name: `f${i}`, flag: { column: 'sex', values: [1] } })),
    ],
    event: { column: 'status', values: n(L.eventValues, (i) => i + 2) },
    covariates: ['age', { column: 'ph.ecog', levels: ['0', '1', '2', '3', 'é'.repeat(L.textBytes / 2)] }],
    analyses: { km: { times: n(L.kmTimes, (i) => 10 * i) } },
    subcohorts: n(L.subcohorts, (i) => ({ name: `s${i}`, filter: `age > ${i % 50}` })),
  };
  const engine = engineRun(atLimits);
  assert.equal(engine.ok, true, JSON.stringify(engine.error));
  const [walked] = callsOf([scriptOf(atLimits, { data: engine.result.data })]);
  assert.equal(walked.error, undefined, `R cannot parse the script: ${walked.error}`);
  assert.deepEqual(notAllowed(walked.calls), []);
});

test('filters nested past the engine\'s depth are refused with its message, never a stack overflow; R\'s parser limit is a message too', () => {
  const L = ENGINE_LIMITS;
  const parens = (k, inner = 'age > 1') => `${'('.repeat(k)}${inner}${')'.repeat(k)}`;
  const nots = (k) => `${'not '.repeat(k)}age > 1`;
  const withFilter = (filter, extra = {}) => ({ ...lungSpec(), filter, ...extra });
  // Past the depth: the engine's message and field, the position in bytes.
  const deep = refusedAsEngine(withFilter(parens(L.filterDepth + 1)), 'filter');
  assert.equal(deep, `filter: '(' nests parentheses and 'not' more than ${L.filterDepth} levels deep (the limit) at position ${L.filterDepth + 1}`);
  refusedAsEngine(withFilter(parens(3000)), 'filter');
  refusedAsEngine(withFilter(nots(L.filterDepth + 1)), 'filter');
  refusedAsEngine(withFilter(`inst != 'é' and ${parens(L.filterDepth + 1)}`, { data: { column_types: { inst: 'categorical' } } }), 'filter');
  // 20,000 'not ' is past the filter's length; within it, the engine's parser meets the depth.
  refusedAsEngine(withFilter(nots(20_000)), 'filter');
  for (const [filter, first] of [[parens(3000), "'('"], [nots(2400), "'not'"], [`${'not ('.repeat(1500)}age > 1${')'.repeat(1500)}`, "'not'"]]) {
    assert.throws(() => rFilter(filterTree(filter)), (e) => e.message.startsWith(`filter: ${first} nests parentheses and 'not' more than ${L.filterDepth} levels deep`), filter.slice(0, 20));
  }
  // At the depth, 'not' costs R nothing: both read it and R parses the script.
  const atDepth = withFilter(nots(L.filterDepth));
  assert.equal(engineRun(atDepth).ok, true);
  // Parentheses become R's brackets, of which R's parser keeps 50 open: the
  // deepest the script can hold parses in R; one more is refused with a
  // message (the engine reads it).
  let deepest = 0;
  while (!(() => { try { scriptOf(withFilter(parens(deepest + 1))); return false; } catch { return true; } })()) deepest++;
  assert.ok(deepest >= 40 && deepest < L.filterDepth, `the script holds ${deepest} parentheses`);
  assert.throws(() => scriptOf(withFilter(parens(deepest + 1))), /^Error: filter: its R code would nest brackets \d+ deep, more than R's parser reads in the script \(\d+\); write the filter with fewer parentheses$/);
  assert.equal(engineRun(withFilter(parens(deepest + 1))).ok, true);
  const calls = callsOf([scriptOf(atDepth), scriptOf(withFilter(parens(deepest)))]);
  calls.forEach((r) => assert.equal(r.error, undefined, `R cannot parse the script: ${r.error}`));
  // A number longer than R reads is refused with a message; a name that long is written in backquotes.
  assert.throws(() => rFilter(filterTree(`age > ${'1'.repeat(9000)}`)), /^Error: filter: the number '1{20}\.\.\.' \(9000 characters\) is longer than R's parser reads \(8190\); write it shorter$/);
  const [longName] = callsOf([scriptOf(withFilter(`${'a'.repeat(9000)} == 1`))]);
  assert.equal(longName.error, undefined, `R cannot parse the script: ${longName.error}`);
  // Past R's limit the script would not parse: the refusal is needed.
  const script = scriptOf(withFilter(parens(deepest)));
  const [tooDeep] = callsOf([script.replace(parens(deepest, 'ls_true(age > 1)'), parens(deepest + 1, 'ls_true(age > 1)'))]);
  assert.match(String(tooDeep.error), /contextstack overflow/);
});

// Since issue 8 point 5 the engine reports a failed analysis, a failed
// comparison of the cut groups' matching and a subcohort it cannot form each
// in its own block, and runs the rest: so does the script.
test('a subcohort the script cannot form, a reference-group filter and a matching comparison fail in their own blocks in R, as in the engine', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'blocks-'));
  const parens = (k) => `${'('.repeat(k)}age > 50${')'.repeat(k)}`;
  let deepestForR = 0;
  while (deepestForR < ENGINE_LIMITS.filterDepth && (() => { try { return rFilter(filterTree(parens(deepestForR + 1))); } catch { return false; } })()) ++deepestForR;
  assert.ok(deepestForR > 10 && deepestForR < ENGINE_LIMITS.filterDepth, `${deepestForR}`);
  const spec = {
    time: { column: 'time', unit: 'days' }, event: { column: 'status', values: [2] }, group: { column: 'sex', levels: ['1', '2'] },
    filter: 'age > 0', covariates: ['ph.ecog'],
    analyses: { km: {}, cutpoint: { column: 'age', groups: { use: 'median', none: `${'not '.repeat(ENGINE_LIMITS.filterDepth + 1)}age < 45` } } },
    subcohorts: [
      { name: 'too deep', filter: parens(ENGINE_LIMITS.filterDepth + 1) },
      { name: 'a column the file lacks', filter: 'no_such_column == 1' },
      { name: 'old', filter: 'age >= 60' },
      { name: 'cut groups matched', filter: 'age > 0', analyses: { km: {}, cutpoint: { column: 'age', groups: { use: 'value', value: 65, none: 'age < 50', match: true } } } },
      // Each filter is read on its own: one as deep as the script's R can
      // read is fine inside the main filter too.
      { name: "at R's limit", filter: parens(deepestForR) },
      { name: 'nobody', filter: 'age > 500' },
    ],
  };
  const engine = engineRun(spec);
  assert.equal(engine.ok, true, JSON.stringify(engine.error));
  const result = engine.result;
  assert.match(result.subcohorts[0].error.message, /^subcohorts\[0\]\.filter: '\(' nests parentheses and 'not' more than 100 levels deep \(the limit\) at position 101$/);
  assert.equal(result.subcohorts[4].error, undefined);
  assert.equal(result.subcohorts[5].error.message, "the subcohort's filter 'age > 500' keeps none of the 228 rows that the whole cohort's filter 'age > 0' keeps: nothing to analyse");
  assert.ok(result.subcohorts[1].error, 'the engine formed a cohort on a column the file lacks');
  assert.match(result.results.cutpoint.error.message, /^the reference group's filter \(.*\) cannot be used: 'not' nests parentheses/);
  assert.equal(result.subcohorts[3].results.cutpoint.groups.matched.length, 2);
  // One comparison made to fail in R (a planted stop for the first cut group): the other still runs.
  const script = scriptOf(spec, { data: result.data, correctedPairing: CORRECTED_PAIRING });
  const planted = script.replace('  mr <- match_rounds(dm,', '  if (lv == levels(cg$cut_group_)[2]) stop("planted failure")\n  mr <- match_rounds(dm,');
  assert.notEqual(planted, script);
  const file = path.join(dir, 'blocks.R');
  const keyFile = path.join(dir, 'key.json');
  fs.writeFileSync(file, planted);
  rscript([file, keyFile, datasetPath('lung')], 'the script with failing blocks');
  const key = readJson(keyFile);
  // The engine's own messages, where the script meets the same filter.
  assert.equal(key['subcohorts.0.results.cohort.error'], result.subcohorts[0].error.message);
  assert.equal(key['subcohorts.5.results.cohort.error'], result.subcohorts[5].error.message);
  assert.equal(key['subcohorts.4.results.cohort'].rows, result.subcohorts[4].cohort.rows_used);
  assert.equal(key['results.cutpoint.error'], result.results.cutpoint.error.message);
  assert.match(key['subcohorts.1.results.cohort.error'], /no_such_column/);
  // A subcohort that could not be formed runs nothing; the others run.
  for (const i of [0, 1, 5]) assert.deepEqual(Object.keys(key).filter((k) => k.startsWith(`subcohorts.${i}.`)), [`subcohorts.${i}.results.cohort.error`]);
  assert.equal(key['subcohorts.2.results.cohort'].rows, result.subcohorts[2].cohort.rows_used);
  assert.ok(Math.abs(key['subcohorts.2.results.km.overall'].median - result.subcohorts[2].results.km.overall.median.estimate) < 1e-9);
  assert.ok(Math.abs(key['results.km.overall'].median - result.results.km.overall.median.estimate) < 1e-9);
  assert.equal(key['subcohorts.3.results.cutpoint.groups.matched.0.error'], 'planted failure');
  const other = key['subcohorts.3.results.cutpoint.groups.matched.1'];
  assert.equal(other.comparison, result.subcohorts[3].results.cutpoint.groups.matched[1].comparison);
  assert.equal([other.rounds].flat()[0].matched_treated, result.subcohorts[3].results.cutpoint.groups.matched[1].matching.rounds[0].counts.matched_treated);
  assert.equal(key['subcohorts.3.results.cutpoint.error'], undefined);
});

// Short forms the engine reads (core/io/spec.cpp): a name for {column}, a
// single value for a list, numbers for text, null for "not given",
// defaults left out, enabled: false, match: true, a subcohort with only its
// own covariates or analyses, ... Each is checked to be one the engine runs.
const SHORT_FORMS = [
  ['names for time, event and group, no version, no data', { time: 'time', event: 'status', group: 'sex', analyses: { km: {} } }],
  ['a single event value, group level and covariate level', {
    time: 'time', event: { column: 'status', values: 2 }, group: { column: 'sex', levels: ['2', 1], reference: '2' },
    covariates: [{ column: 'ph.ecog', levels: 0 }, 'age'], analyses: { cox: {}, table1: {} },
  }],
  ['numbers as levels and values (as the engine writes them: 1e-05, 0.5, 100000.5)', {
    time: 'time', event: { column: 'status', values: [2, 1e-5] }, group: { column: 'sex', levels: [1, 2] },
    derive: [{ name: 'flagged', flag: { column: 'ph.ecog', values: [1, 0.5, 100000.5, 2.5e20, -3] } }],
    covariates: [{ column: 'ph.ecog', type: 'factor', levels: [0, 1, 2, 3] }, 'flagged'], analyses: { cox: {} },
  }],
  ['single values for logrank.by, cox.force, matching.exact and score_covariates', {
    time: 'time', event: { column: 'status', values: [2] }, group: 'sex', covariates: ['age', 'ph.ecog'],
    analyses: { logrank: { by: 'ph.ecog' }, cox: { select_p: 0.5, force: 'age' }, matching: { exact: 'ph.ecog', score_covariates: 'age' } },
  }],
  ['null for not given', {
    version: null, data: null, derive: null, filter: null, subcohorts: null, group: null,
    time: { column: 'time', unit: null }, event: { column: 'status', values: null },
    covariates: [{ column: 'age', type: null, levels: null, reference: null }],
    analyses: { km: { times: null, conf_type: null }, logrank: null, cox: { strata: null, force: null } },
  }],
  ['enabled: false and true, an empty group name', {
    time: 'time', event: 'status', group: '', covariates: ['age'],
    analyses: { km: { enabled: false, times: [100] }, followup: { enabled: true }, cox: { enabled: true }, logistic: { enabled: false } },
  }],
  ['cut groups: match true, match {enabled: false}, groups {enabled: false}', {
    time: 'time', event: { column: 'status', values: 2 }, group: 'sex', covariates: ['ph.ecog'],
    analyses: { cutpoint: { column: 'age', groups: { none: 'age < 45', match: true } } },
    subcohorts: [
      { name: 'no matching', filter: 'age > 40', analyses: { cutpoint: { column: 'age', groups: { use: 'median', match: { enabled: false, ratio: 2 } } } } },
      { name: 'no groups', filter: 'age > 40', analyses: { cutpoint: { column: 'age', groups: { enabled: false } } } },
    ],
  }],
  ['subcohorts with only their own covariates, or only their own analyses', {
    time: 'time', event: { column: 'status', values: 2 }, group: 'sex', covariates: ['age'], analyses: { cox: {}, km: {} },
    subcohorts: [
      { name: 'own covariates', filter: 'age > 50', covariates: ['ph.ecog', { column: 'ph.karno', type: 'numeric' }] },
      { name: 'own analyses', filter: 'age > 50', analyses: { logrank: { rho: 1 } } },
      { name: 'both, analyses: null', filter: 'age > 50', covariates: ['wt.loss'], analyses: null },
    ],
  }],
  ['subgroup variables with a type (read as factors) and levels as numbers', {
    time: 'time', event: { column: 'status', values: 2 }, group: 'sex',
    analyses: { subgroups: { variables: [{ column: 'ph.ecog', type: 'numeric', levels: [0, 1, 2, 3] }, 'inst'] } },
  }],
  ['derive steps with defaults left out (right, alpha_beta)', {
    time: 'time', event: { column: 'status', values: 2 },
    derive: [
      { name: 'age_group', cut: { column: 'age', breaks: [60], labels: ['young', 'old'] } },
      { name: 'dose', bed: { dose: 'ph.karno', fractions: 'inst' } },
    ],
    covariates: ['age_group', 'dose'], analyses: { cox: {} },
  }],
  ['column types in any order', {
    data: { column_types: { 'ph.ecog': 'categorical', inst: 'categorical', age: 'numeric' } },
    time: 'time', event: { column: 'status', values: 2 }, covariates: ['ph.ecog'], analyses: { cox: {} },
  }],
];

test('short forms the engine accepts: each script equals the one from the engine\'s echo (result.spec), parses in R and calls only allowed functions', () => {
  const scripts = SHORT_FORMS.map(([what, spec]) => {
    const engine = engineRun(spec);
    assert.equal(engine.ok, true, `${what}: the engine refuses it: ${JSON.stringify(engine.error)}`);
    const fromSpec = scriptOf(spec, { data: engine.result.data });
    assert.equal(fromSpec, scriptOf(engine.result.spec, { data: engine.result.data }), `${what}: the script differs from the one for result.spec`);
    assert.ok(!/undefined|\[object Object\]/.test(fromSpec), `${what}: a value was not rendered`);
    return fromSpec;
  });
  callsOf(scripts).forEach((r, i) => {
    assert.equal(r.error, undefined, `${SHORT_FORMS[i][0]}: R cannot parse the script: ${r.error}`);
    assert.deepEqual(notAllowed(r.calls), [], `${SHORT_FORMS[i][0]}: calls outside the allow-list`);
  });
});

// ------------------------------------------------------------ allow-list
// Every function the generator's scripts call, from the scripts for
// tests/specs/*.json, public/examples/npc_paper.spec.json and
// tests/fixtures/dates.spec.json (date_diff) (what the page writes: no
// correctedPairing). A function added to the generator must be
// added here, after checking that no spec text can reach it as code.
const ALLOWED = [
  '!', '!=', '$', '%in%', '&', '&&', '(', '*', '+', '-', '/', '<', '<-', '<<-', '<=', '==', '>', '>=',
  'Filter', 'I', 'Reduce', 'Surv', '[', '[[', 'abs', 'all', 'any', 'anyNA', 'as.Date', 'as.character',
  'as.data.frame', 'as.integer', 'as.name', 'as.numeric', 'as.vector', 'balance_p', 'break', 'c', 'call:+',
  'call:~', 'cat', 'cbind', 'character', 'chisq.test', 'coef', 'colSums', 'colnames', 'combn', 'commandArgs',
  'complete.cases', 'conditionMessage', 'cox.zph', 'cox_key', 'coxph', 'cut', 'deparse', 'difftime', 'dim',
  'do.call', 'droplevels', 'encodeString', 'environment', 'factor', 'fisher.test', 'for', 'format',
  'formula', 'function', 'glm', 'glm_key', 'gregexpr', 'grepl', 'gsub', 'if', 'ifelse', 'inherits',
  'is.character', 'is.factor', 'is.finite', 'is.list', 'is.matrix', 'is.na', 'is.null', 'is.numeric',
  'isTRUE', 'km_key', 'lapply', 'length', 'levels', 'library:MatchIt', 'library:jsonlite', 'library:maxstat',
  'library:survival', 'list', 'lr_key', 'ls_block', 'ls_cohort', 'ls_complete', 'ls_covariate', 'ls_date_diff',
  'ls_date_parts', 'ls_dates', 'ls_event', 'ls_factor', 'ls_flag', 'ls_formula', 'ls_keep', 'ls_levels', 'ls_matchit_names',
  'ls_table', 'ls_true', 'ls_zph', 'match', 'match.data', 'match_rounds', 'matched_outcome', 'matchit',
  'matrix', 'max', 'maxstat.test', 'mean', 'median', 'message', 'min', 'na.omit', 'names', 'nchar', 'ncol',
  'nlevels', 'nrow', 'numeric', 'nzchar', 'one', 'options', 'order', 'p.adjust', 'packageVersion',
  'pairing_step', 'pairwise_lr', 'paste', 'paste0', 'pchisq', 'pooled_smd', 'print', 'put', 'quantile',
  'quote', 'rank', 'rbind', 'read.csv', 'regexec', 'regmatches', 'rep', 'return', 'rowSums', 'rownames',
  'seq_along', 'seq_len', 'set.seed', 'setNames', 'setdiff', 'show_cox', 'sort', 'sprintf', 'sqrt', 'stop',
  'str', 'strata', 'structure', 'sub', 'substr', 'sum', 'summary', 'suppressPackageStartupMessages',
  'suppressWarnings', 'survdiff', 'survfit', 'switch', 't', 't.test', 'table', 'table1_tests', 'tolower',
  'tryCatch', 'type.convert', 'unique', 'unlist', 'unname', 'unq', 'vapply', 'var', 'which', 'which.max', 'wilcox.test',
  'with', 'write_json', 'youden_cut', 'zph_table', '{', '|', '||', '~',
];
const allowed = new Set(ALLOWED);
// Never on the list, whatever the generator needs.
const FORBIDDEN = /^(system|system2|shell|shell\.exec|eval|evalq|eval\.parent|parse|str2lang|str2expression|source|sys\.source|file|url|gzfile|bzfile|xzfile|unz|pipe|fifo|socketConnection|download\.file|readRDS|load|attach|get|get0|mget|assign|match\.fun|getFunction|Sys\..*|\.Internal|\.Primitive|\.Call|\.External|\.C|dyn\.load|library\.dynam|setwd|unlink|file\..*|writeLines|sink|Recall|body<-|environment<-|assignInNamespace|asNamespace|loadNamespace:.*|requireNamespace:.*|require:.*|.*:::.*|.*::.*|<computed>|call:(?![+~]$).*|library:(?!(survival|MatchIt|maxstat|jsonlite)$).*)$/;

const shippedSpecs = () => [...specCases().map((c) => c.specFile), paperSpec, datesSpec];
// What the generator writes for a spec field no shipped spec has (data.missing_values).
const unshippedSpecs = () => [{ time: 'time', event: 'status', data: { missing_values: { time: ['unknown'] } } }];
const notAllowed = (calls) => calls.filter((c) => !allowed.has(c));

test('the walker finds injected calls (the safety test can fail)', () => {
  const clean = scriptOf(readJson(paperSpec));
  const oldName = (s) => '`' + s.replace(/`/g, '\\`') + '`';   // the escaping before issue 8
  const injected = [
    ['system()', `${PAYLOAD}`, 'system'],
    ['base::system', 'base::system("id")', 'base::system'],
    ['base:::system', 'base:::system("id")', 'base:::system'],
    ['a backquoted name', '`system`("id")', 'system'],
    ['a string as function', '"system"("id")', 'system'],
    ['do.call of a string', 'do.call("system", list("id"))', 'system'],
    ['do.call of a name', 'do.call(system, list("id"))', 'system'],
    ['do.call of a computed name', 'do.call(paste0("sys", "tem"), list("id"))', '<computed>'],
    ['lapply of a name', 'lapply("id", system)', 'system'],
    ['Reduce of eval', 'Reduce(eval, list(quote(1)))', 'eval'],
    ['a handler', 'tryCatch(stop("x"), error = Sys.getenv)', 'Sys.getenv'],
    ['an alias', 'run <- system\nrun("id")', 'system'],
    ['a computed function', '(function() Sys.setenv(A = 1))()', 'Sys.setenv'],
    ['inside a formula', 'fit <- coxph(Surv(time_, event_) ~ file.create("PWNED"), data = d)', 'file.create'],
    ['inside a block', 'ls_block("x", { if (TRUE) { y <- readRDS("x.rds") } })', 'readRDS'],
    ['a default argument', 'f <- function(a = source("x.R")) a', 'source'],
    ['a package', 'library(processx)', 'library:processx'],
    ['a built call', 'fit <- coxph(ls_formula(quote(Surv(time_, event_)), list(call("system", "id"))), data = d)', 'call:system'],
    ['a newline in a comment (before issue 8)', `# subcohort: a\n${PAYLOAD}`, 'system'],
    ['the old backquote escaping', `d <- raw[with(raw, ls_true(${oldName(HOSTILE.breakout)} == 1)), ]`, 'system'],
  ];
  const results = callsOf(injected.map(([, code]) => `${clean}\n${code}\n`));
  injected.forEach(([what, , name], i) => {
    const r = results[i];
    assert.equal(r.error, undefined, `${what}: ${r.error}`);
    assert.ok(r.calls.includes(name), `${what}: the walker did not list ${name}`);
    assert.ok(notAllowed(r.calls).length > 0, `${what}: nothing outside the allow-list was found`);
  });
  // The same line with today's escaping holds a name and no call of system.
  const [fixed] = callsOf([`${clean}\nd <- raw[with(raw, ls_true(${rName(HOSTILE.breakout)} == 1)), ]\n`]);
  assert.deepEqual(notAllowed(fixed.calls), []);
});

test('the allow-list is exactly what the generator writes for the shipped specs, and holds nothing dangerous', () => {
  for (const name of ALLOWED) assert.doesNotMatch(name, FORBIDDEN, `${name} must not be allowed`);
  const specs = [...shippedSpecs().map((f) => [path.basename(f), readJson(f)]), ...unshippedSpecs().map((spec) => [JSON.stringify(spec), spec])];
  const results = callsOf(specs.map(([, spec]) => scriptOf(spec)));
  const used = new Set();
  results.forEach((r, i) => {
    assert.equal(r.error, undefined, `${specs[i][0]}: R cannot parse the script: ${r.error}`);
    assert.deepEqual(notAllowed(r.calls), [], `${specs[i][0]} calls functions not on the allow-list`);
    r.calls.forEach((c) => used.add(c));
  });
  assert.deepEqual(ALLOWED.filter((c) => !used.has(c)), [], 'on the allow-list but no longer written: remove them');
});

// ------------------------------------------------------------ hostile corpus

const H = HOSTILE;
// A spec with every place for a text, each filled by `t(i)` (i: which place).
function everywhere(t) {
  return {
    data: { column_types: { [t(1)]: 'numeric', [t(2)]: 'categorical' }, missing_values: { [t(1)]: [t(59), t(60)], [t(61)]: [t(62)] } },
    derive: [
      { name: t(3), cut: { column: t(4), breaks: [50, 70], labels: [t(5), t(6), t(7)] } },
      { name: t(8), bed: { dose: t(9), fractions: t(10), alpha_beta: 3 } },
      { name: t(11), eqd2: { dose: t(9), fractions: t(10) } },
      { name: t(12), flag: { column: t(13), values: [t(14), 2] } },
      { name: t(56), date_diff: { start: t(57), end: t(58), unit: 'months', format: 'dmy' } },
    ],
    filter: `\`${t(15).replace(/`/g, '')}\` != '${t(16).replace(/'/g, '')}' or x in ("${t(17).replace(/"/g, '')}", 2)`,
    time: { column: t(18), unit: t(19) },
    event: { column: t(20), values: [t(21), 1] },
    group: { column: t(22), levels: [t(23), t(24)], reference: t(24) },
    covariates: [t(25), { column: t(26), type: 'factor', levels: [t(27), t(28)], reference: t(28) }],
    analyses: {
      table1: {}, km: { times: [1, 2], conf_type: t(29) }, followup: {},
      logrank: { by: [t(30), t(31)], strata: t(32), pairwise_adjust: t(33) },
      cox: { strata: t(34), cluster: t(35), select_p: 0.2, force: [t(25)], ties: t(36), select_test: t(37) },
      logistic: {},
      matching: { exact: [t(38)], score_covariates: [t(25)], order: t(39), balance_test: t(40), rounds: 2 },
      cutpoint: { column: t(41), groups: { use: 'value', value: 3, none: `\`${t(42).replace(/`/g, '')}\` is missing`, none_label: t(43), match: { exact: [t(44)] } } },
      subgroups: { variables: [t(45), { column: t(46), levels: [t(47), t(48)] }], adjust: true },
    },
    subcohorts: [
      { name: t(49), filter: `\`${t(50).replace(/`/g, '')}\` == 1` },
      { name: t(51), filter: `not (a == '${t(52).replace(/'/g, '')}')`, covariates: [t(53)], analyses: { cox: { strata: t(54) }, cutpoint: { column: t(55) } } },
    ],
  };
}
const one = (text) => () => text;
// `everywhere` puts one text (or a few) in every place, which the engine's
// reader refuses (a level listed twice, a covariate that is the event
// column, ...): the engine reads the same spec with a distinct stand-in in
// each place, and each stand-in becomes its text in that reading (the echo
// and the filter trees), so every text still reaches every place of the
// script.
const textsOf = new WeakMap();
const ev = (t) => {
  const spec = everywhere(t);
  textsOf.set(spec, t);
  return spec;
};
function readEverywhere(t) {
  const put = (x) => (typeof x === 'string' ? x.replace(/standin(\d+)z/g, (_, i) => t(Number(i)))
    : Array.isArray(x) ? x.map(put)
      : x !== null && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [put(k), put(v)])) : x);
  return put(readHostile(everywhere((i) => `standin${i}z`)));
}
const cycle = (texts) => (i) => texts[i % texts.length];

const hostileCases = () => [
  ['a column name with a backslash before a backquote, everywhere', ev(one(H.backslashBacktick))],
  ['a backquote in every name', ev(one(H.backtick))],
  ['a newline in every text (names, labels, filter values, subcohort names)', ev(one(H.newline))],
  ['CR LF in every text', ev(one(H.crlf))],
  ['a lone CR in every text', ev(one(H.cr))],
  ['U+2028 line separator in every text', ev(one(H.lineSep))],
  ['U+2029 paragraph separator in every text', ev(one(H.paraSep))],
  ['U+0085 next line in every text', ev(one(H.nextLine))],
  ['a double quote closing the string', ev(one(H.quote))],
  ['a backslash before the quote', ev(one(H.quoteBackslash))],
  ['a trailing backslash', ev(one(H.backslash))],
  ['bidirectional overrides (Trojan Source)', ev(one(H.bidi))],
  ['non-ASCII letters, CJK and emoji', ev(one(H.unicode))],
  ['zero-width and BOM characters', ev(one(H.zeroWidth))],
  ['control characters and an ANSI escape', ev(one(H.controls))],
  ['a lone surrogate', ev(one(H.loneSurrogate))],
  ['reserved words and names that look like code', ev(cycle(['if', '...', '..1', 'NA_real_', 'TRUE', 'function',
    'Inf', H.codeLike, 'time_*system("id")', 'strata(system("id"))', PAYLOAD]))],
  ['every hostile text mixed', ev(cycle(Object.values(H)))],
  ['a filter with hostile quoted values and odd names', {
    ...lungSpec(),
    filter: `\`${H.newline.replace(/`/g, '')}\` == 'a\n${PAYLOAD}\n' or \`a\\\` in ("b\\", 'c"); ${PAYLOAD}; ("') or not (age < ${'1'})`,
  }],
  ['subcohort names that end the comment', {
    ...lungSpec(),
    subcohorts: [H.newline, H.cr, H.lineSep, H.nextLine, H.paraSep, H.crlf].map((name, i) => ({ name, filter: `age > ${i}` })),
  }],
  ['cut group labels and a reference group label', {
    ...lungSpec(),
    derive: [{ name: H.newline, cut: { column: 'age', breaks: [60], labels: [H.quote, H.backslashBacktick] } }],
    analyses: { cutpoint: { column: H.backslashBacktick, groups: { use: 'youden', none: `sex == '${H.quote.replace(/'/g, '')}'`, none_label: H.newline, match: true } } },
  }],
  ['by and subgroup columns', {
    ...lungSpec(),
    analyses: { logrank: { by: [H.newline, H.backslashBacktick, H.quote] }, subgroups: { variables: [H.newline, { column: H.backslashBacktick, levels: [H.quote, H.lineSep] }] } },
  }],
  ['levels and event values', {
    ...lungSpec(),
    event: { column: 'status', values: [H.quote, H.newline, 2] },
    group: { column: 'sex', levels: [H.quoteBackslash, H.backslashBacktick], reference: H.backslashBacktick },
    covariates: [{ column: 'ph.ecog', type: 'factor', levels: [H.newline, H.quote], reference: H.lineSep }],
  }],
  ['option texts where the engine expects a keyword', {
    ...lungSpec(),
    analyses: {
      km: { conf_type: H.quote }, logrank: { pairwise_adjust: H.backslashBacktick }, cox: { ties: H.newline, select_test: H.quote },
      matching: { order: H.quote, balance_test: H.newline, round_rule: H.backslashBacktick, balance_criterion: H.quote, smd: H.quote, outcome_model: H.newline, distance: H.quote },
      cutpoint: { column: 'age', pmethod: H.quote },
    },
  }],
];

// The engine reads option words only from its own lists (cox.ties: efron or
// breslow, ...), so a hostile word in a spec never reaches the script: the
// engine refuses the spec. The script still writes each word through rStr,
// checked here by putting the spec's words into the engine's reading of the
// spec without them.
const WORDS = ['time.unit', 'analyses.km.conf_type', 'analyses.logrank.pairwise_adjust', 'analyses.cox.ties',
  'analyses.cox.select_test', 'analyses.matching.order', 'analyses.matching.balance_test', 'analyses.matching.round_rule',
  'analyses.matching.balance_criterion', 'analyses.matching.smd', 'analyses.matching.outcome_model',
  'analyses.matching.distance', 'analyses.cutpoint.pmethod'];
function readHostile(spec) {
  const clean = structuredClone(spec);
  const words = [];
  for (const [scope, at] of [[clean, []], ...(clean.subcohorts ?? []).map((c, i) => [c, ['subcohorts', i]])]) {
    for (const w of WORDS) {
      const keys = w.split('.');
      const parent = keys.slice(0, -1).reduce((o, k) => (o !== null && typeof o === 'object' ? o[k] : undefined), scope);
      if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, keys.at(-1))) continue;
      words.push([[...at, ...keys], parent[keys.at(-1)]]);
      delete parent[keys.at(-1)];
    }
  }
  const read = readSpec(clean);
  for (const [keys, word] of words) keys.slice(0, -1).reduce((o, k) => o[k], read.spec)[keys.at(-1)] = word;
  return read;
}

test('hostile specs: every script parses in R, calls only allowed functions and holds no control character', async () => {
  const cases = hostileCases();
  // Whole hostile link specs: through the share link's own encoder and decoder.
  for (const [what, spec] of cases.slice(0, 3)) {
    const link = await encodeShare({ spec, sha256: '0'.repeat(64), size: 1 });
    const decoded = (await decodeShare(link)).spec;
    assert.deepEqual(decoded, spec, `${what}: the link changed the spec`);
    textsOf.set(decoded, textsOf.get(spec));
    cases.push([`${what} (as a share link)`, decoded]);
  }
  assert.ok(cases.length >= 20, `only ${cases.length} hostile cases`);
  const dataFiles = [H.newline, H.quote, H.lineSep, H.backslashBacktick, H.crlf, H.bidi, 'data.csv'];
  const scripts = cases.map(([what, spec], i) => {
    let s;
    try {
      s = rScript(textsOf.has(spec) ? readEverywhere(textsOf.get(spec)) : readHostile(spec), { dataFile: dataFiles[i % dataFiles.length], data: { delimiter: H.quote, decimal_comma: false } });
    } catch (e) {
      assert.fail(`${what}: ${e.message}`);
    }
    // Control characters other than the line ends, line and paragraph
    // separators and invisible format characters appear nowhere, not even
    // in comments: nothing can end a comment or hide what a line runs.
    assert.doesNotMatch(s, /[\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|(?!\n)\p{Cc}/u, `${what}: a control or separator character in the script`);
    assert.ok(!s.includes('undefined'), `${what}: a value was not rendered`);
    return s;
  });
  const results = callsOf(scripts);
  results.forEach((r, i) => {
    assert.equal(r.error, undefined, `${cases[i][0]}: R cannot parse the script: ${r.error}`);
    assert.deepEqual(notAllowed(r.calls), [], `${cases[i][0]}: calls outside the allow-list`);
  });
});

// ------------------------------------------------------------ end to end

// lung.csv with hostile headers: each payload would create the canary file
// if it ever ran as code, in the script or in R's packages.
function hostileLung(dir) {
  const canary = path.join(dir, 'CANARY');
  const plant = `file.create(${JSON.stringify(canary)})`;
  const names = {
    time: `a\\\`) + ${plant} + (\``,
    status: `status"); ${plant}; ("`,
    sex: `sex\u2028${plant}`,
    age: `time_*${plant}`,
    'ph.ecog': `strata(${plant})`,
    'ph.karno': 'if',
    'wt.loss': `w\\t # ${plant}`,
    inst: 'Einrichtung é 😀',
    // MatchIt 4.5 pastes names between backquotes and parses them: this one
    // would run there (pi is found, so the planted call is reached).
    'meal.cal': `pi\` + ${plant} + \`pi`,
  };
  const lines = fs.readFileSync(datasetPath('lung'), 'utf8').trim().split('\n');
  const head = lines[0].split(',').map((h) => names[h] ?? h);
  const csvCell = (s) => `"${s.replace(/"/g, '""')}"`;
  const csv = path.join(dir, 'hostile.csv');
  fs.writeFileSync(csv, [head.map(csvCell).join(','), ...lines.slice(1)].join('\n') + '\n');
  const n = names;
  const spec = {
    time: { column: n.time, unit: 'days' },
    event: { column: n.status, values: [2] },
    group: { column: n.sex, levels: ['1', '2'] },
    filter: `\`${n['wt.loss']}\` is not missing or \`${n.inst}\` > 0`,
    covariates: [n.age, { column: n['ph.ecog'], type: 'factor' }, n['ph.karno']],
    analyses: {
      km: { times: [180, 365] }, followup: {}, logrank: { by: [n['ph.ecog']], strata: n.inst },
      cox: { ties: 'efron' }, logistic: {}, table1: {},
      matching: { caliper: 0.2 },
      cutpoint: { column: n.age },
      subgroups: { variables: [n['ph.ecog']] },
    },
    subcohorts: [
      { name: `old\n${plant}`, filter: `\`${n.age}\` >= 60` },
      // MatchIt parses names it pastes between backquotes: a name holding one is refused there.
      { name: 'matching on a backquoted name', filter: `\`${n.age}\` >= 0`, covariates: [n['meal.cal']], analyses: { km: {}, matching: {} } },
    ],
  };
  const specFile = path.join(dir, 'hostile.spec.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  return { csv, spec, specFile, canary, names };
}

test('a CSV with hostile headers runs end to end through Rscript: nothing planted runs, every number equals the CLI', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'e2e-'));
  const { csv, spec, specFile, canary } = hostileLung(dir);
  const cli = runCli(csv, specFile);
  assert.equal(cli.status, 0, cli.stdout.slice(0, 500));
  const result = JSON.parse(cli.stdout).result;
  const script = path.join(dir, 'analysis.R');
  const keyFile = path.join(dir, 'key.json');
  const [walked] = callsOf([scriptOf(spec, { dataFile: csv, data: result.data })]);
  assert.deepEqual(notAllowed(walked.calls), []);
  // Run with MatchIt's pairing step corrected, as tests/node/rscript.test.mjs
  // does (MatchIt 4.5.1 truncates distances, so its pairs are not LocalSurv's).
  fs.writeFileSync(script, scriptOf(spec, { dataFile: csv, data: result.data, correctedPairing: CORRECTED_PAIRING }));
  rscript([script, keyFile, csv], 'the hostile-header script');
  assert.ok(!fs.existsSync(canary), 'a planted call ran');
  const key = readJson(keyFile);

  const close = (where, r, l) => assert.ok(Math.abs(r - l) <= 1e-6 * Math.max(1, Math.abs(l)), `${where}: R ${r} vs LocalSurv ${l}`);
  const closeAll = (where, r, l) => {
    r = [r].flat(); l = [l].flat();
    assert.equal(r.length, l.length, `${where}: ${r.length} vs ${l.length} values`);
    r.forEach((x, i) => close(`${where}[${i}]`, x, l[i]));
  };
  const res = result.results;
  assert.equal(key['results.cohort'].rows, result.cohort.rows_used);
  close('km median', key['results.km.overall'].median, res.km.overall.median.estimate);
  closeAll('km by group at times', key['results.km.by_group'].map((g) => g.at_times.surv).flat(), res.km.by_group.map((g) => g.at_times.surv).flat());
  close('follow-up median', key['results.followup.overall'].median, res.followup.overall.median);
  close('log-rank', key['results.logrank.by_group'].statistic, res.logrank.by_group.statistic);
  close('stratified log-rank', key['results.logrank.stratified'].statistic, res.logrank.stratified.statistic);
  close('log-rank by ecog', key['results.logrank.by.0'].statistic, res.logrank.by[0].statistic);
  res.cox.univariate.forEach((u, i) => closeAll(`cox univariate ${i}`, key[`results.cox.univariate.${i}`].coef, u.coefficients.coef));
  closeAll('cox multivariable', key['results.cox.multivariable'].coef, res.cox.multivariable.coefficients.coef);
  closeAll('logistic', key['results.logistic'].estimate, res.logistic.coefficients.estimate);
  close('maxstat cutpoint', key['results.cutpoint'].maxstat.cutpoint, res.cutpoint.maxstat.cutpoint);
  close('maxstat statistic', key['results.cutpoint'].maxstat.statistic, res.cutpoint.maxstat.statistic);
  close('subgroup interaction', key['results.subgroups.0'].interaction.lrt_statistic, res.subgroups.variables[0].interaction.lrt.statistic);
  const rounds = [key['results.matching.rounds']].flat();
  assert.equal(rounds[0].matched_treated, res.matching.rounds[0].counts.matched_treated);
  assert.equal(key['subcohorts.0.results.cohort'].rows, result.subcohorts[0].cohort.rows_used);
  closeAll('subcohort cox', key['subcohorts.0.results.cox.multivariable'].coef, result.subcohorts[0].results.cox.multivariable.coefficients.coef);
  // The backquoted name stops matching only, with a message; the subcohort's KM still ran.
  assert.match(key['subcohorts.1.results.matching.error'], /backquote or a backslash/);
  close('subcohort 1 km median', key['subcohorts.1.results.km.overall'].median, result.subcohorts[1].results.km.overall.median.estimate);

  // The canary can be tripped: without the name check before matching,
  // MatchIt's summary() runs the call planted in the column name.
  const unguarded = fs.readFileSync(script, 'utf8').replace(/^ {2}ls_matchit_names\(.*\)$/m, '');
  assert.notEqual(unguarded, fs.readFileSync(script, 'utf8'));
  fs.writeFileSync(path.join(dir, 'unguarded.R'), unguarded);
  rscript([path.join(dir, 'unguarded.R'), path.join(dir, 'unguarded.json'), csv], 'the script without the name check');
  assert.ok(fs.existsSync(canary), 'the planted call did not run without the name check: is the check still needed?');
});
