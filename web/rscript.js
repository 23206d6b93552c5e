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
//   rScript throws where the main filter cannot be used (the engine's
//   message for a filter it cannot read, or one past what R's parser reads), where
//   the script would be longer than SCRIPT_LIMITS.chars, and on a NUL
//   character (R cannot hold one). A subcohort's filter that cannot be used
//   fails that subcohort in R, with the same message, as in the engine.
//
//   The escapers every text from the spec or the data goes through (rStr,
//   rName, oneLine, ...) are in web/r/escape.js, the filter in R (rFilter) in
//   web/r/filter.js: one of each, shared with the analyses' blocks.
//
// This file writes the frame: the header, the helpers, reading the data,
// the derived columns, and each cohort (its filters, time, event, group and
// covariates); each analysis writes its own block (its module's rBlock,
// web/analyses/<key>.js), which the frame runs for each cohort in R_ORDER
// (web/analyses/index.js) and wraps in ls_block().
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
import { t } from './i18n.js';
import { GROUP_ALIAS, SCRIPT_LIMITS, cm, oneLine, plain, rBool, rChr, rNum, rStr, rTerm } from './r/escape.js';
import { FilterError, isObject, rFilter } from './r/filter.js';
import { R_ORDER, analysisByKey } from './analyses/index.js';

const HELPERS = `\n${HELPERS_R}`;
// Comment text of any number of lines (each through oneLine).
const comment = (text) => text.split('\n').map((l) => ('# ' + oneLine(l)).trimEnd()).join('\n');

// A filter's text in a message, as the engine shows it: whole if at most 80
// bytes, else its first 77 (not splitting a UTF-8 character) and '...'.
function shown(text) {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= 80) return `'${text}'`;
  let cut = 77;
  while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) --cut;
  return `'${new TextDecoder().decode(bytes.subarray(0, cut))}...'`;
}

// The analyses in the order the script runs them.
const IN_ORDER = R_ORDER.map(analysisByKey);

function readBlock(spec, opts) {
  const d = spec.data || {};
  const fromResult = opts.data || {};
  const delim = d.delimiter ?? fromResult.delimiter ?? ',';
  const decComma = d.decimal_comma ?? fromResult.decimal_comma ?? delim === ';';
  const dec = rStr(decComma ? ',' : '.');
  // data.missing_values: those columns are read as text, their listed texts
  // become NA, and the rest is converted as read.csv would have.
  const listed = Object.entries(d.missing_values || {});
  const lines = [
    '# ---------------------------------------------------------------- data',
    '# Read as LocalSurv reads it: header row, the missing tokens above as NA,',
    '# surrounding blanks trimmed, column names kept as written.',
    `raw <- read.csv(data_file, sep = ${rStr(delim)}, dec = ${dec}, na.strings = ls_missing,`,
    `                strip.white = TRUE, check.names = FALSE, stringsAsFactors = FALSE${listed.length
      ? `,
                colClasses = setNames(rep("character", ${listed.length}), ${rChr(listed.map(([col]) => col))}))`
      : ')'}`,
    'row_numbers <- seq_len(nrow(raw))   # data row numbers (1 = first row after the header)',
    'raw$row_ <- row_numbers',
  ];
  for (const [col, tokens] of listed) {
    const x = `raw[[${rStr(col)}]]`;
    lines.push(`${x}[${x} %in% ${rChr(tokens)}] <- NA   # data.missing_values: read as missing`,
      `${x} <- type.convert(${x}, na.strings = ls_missing, dec = ${dec}, as.is = TRUE)`);
  }
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

// The script so far is `used` characters long: refused as soon as it would pass its limit.
function checkSize(used) {
  if (used > SCRIPT_LIMITS.chars) {
    throw new Error(t('page.rscript.too_long', { mb: SCRIPT_LIMITS.chars / 2 ** 20 }));
  }
}

// One cohort: its `d` (ls_cohort), then each analysis on in it, in R_ORDER,
// in its own ls_block(). filterTree(field): the engine's tree of one of its
// analyses' filters (field as in the main spec, e.g. 'analyses.cutpoint.groups.none').
function cohortBlocks(used, p, spec, analyses, covariates, filters, filterTree, title) {
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
  const cohort = { path: p, spec, covariates, analyses, ties: (analyses.cox && analyses.cox.ties) || 'efron', filterTree };
  const blocks = [];
  for (const analysis of IN_ORDER) {
    const a = analyses[analysis.key];
    if (!a) continue;
    const block = analysis.rBlock(a, cohort);
    if (block) blocks.push([analysis.key, section(block.title, block.about) + block.code]);
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
  const enabled = R_ORDER.filter((k) => spec.analyses[k]);
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
  // A subcohort with its own analyses has its own filters in them.
  const treesAt = (at) => (field) => treeOf(at + field);
  s += cohortBlocks(s.length, 'results', spec, spec.analyses, spec.covariates, main, treesAt(''),
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
      filters, treesAt(c.analyses ? `subcohorts[${i}].` : ''), `Subcohort "${c.name}" (filter: ${filter})${own.length ? `: its own ${own.join(' and ')}` : ''}`);
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
