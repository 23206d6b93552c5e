// The R side of the benchmark: the project's own R script (web/rscript.js,
// the script the page exports) for the stages' analyses, with timing around
// each of its steps. Used by bench/run.mjs.
//
//   timedRScript(read, dataFile) -> string
//     read: the engine's reading of the spec (readSpec), as for rScript.
//     The script times, with proc.time(), reading the file and forming the
//     cohort (read.csv, the derived columns, ls_cohort: key "load") and each
//     analysis block (ls_block: key "km", "cox", ...): CPU seconds (user +
//     system) and wall-clock seconds; and records R's heap peak during each
//     (gc() "max used", reset before it). Its printed output goes to the null
//     device. It writes {stages: {key: {seconds, wall_s, heap_mb}},
//     errors: {path: message}} as JSON to the file named by the environment
//     variable LOCALSURV_BENCH_OUT.
//
// What R does differs from the exported script in one way: `put`, which
// collects the key numbers for the R-parity tests (km_key, cox_key with two
// more cox.zph calls, ...), does not evaluate them (R's arguments are lazy),
// except the matched cohort's outcome, which is analysis work LocalSurv's
// matching result also holds. Errors are still recorded.
import { rScript } from '../web/rscript.js';

// The line web/rscript.js starts the data reading with: the timing code goes
// before it, after the helpers it wraps.
export const DATA_MARKER = '# ---------------------------------------------------------------- data\n';

const PRELUDE = `# ---------------------------------------------------------------- benchmark
# Timing added by bench/r_stages.mjs: proc.time() around reading + the cohort
# and around each analysis block; R's heap peak from gc(). Output is discarded.
sink(nullfile())
bench <- list()
bench_errors <- list()
bench_heap_mb <- function() sum(gc()[, 6])
bench_clock <- function() { t <- proc.time(); c(cpu = t[["user.self"]] + t[["sys.self"]], wall = t[["elapsed"]]) }
bench_since <- function(t0) { t <- bench_clock() - t0; list(seconds = t[["cpu"]], wall_s = t[["wall"]], heap_mb = bench_heap_mb()) }
put <- function(path, value) {
  if (grepl("[.]error$", path)) bench_errors[[path]] <<- value
  else if (grepl("[.]matching[.]outcome$", path)) force(value)
}
ls_cohort <- local({
  formed <- ls_cohort
  function(path, expr) {
    out <- formed(path, expr)
    bench[["load"]] <<- bench_since(bench_t0)
    out
  }
})
ls_block <- local({
  run <- ls_block
  function(path, expr) {
    invisible(gc(reset = TRUE))
    t0 <- bench_clock()
    run(path, expr)
    bench[[sub("^results[.]", "", path)]] <<- bench_since(t0)
  }
})
invisible(gc(reset = TRUE))
bench_t0 <- bench_clock()
`;

const EPILOGUE = `
# ---------------------------------------------------------------- benchmark
sink()
writeLines(jsonlite::toJSON(list(stages = bench, errors = bench_errors), auto_unbox = TRUE, digits = NA),
           Sys.getenv("LOCALSURV_BENCH_OUT"))
`;

export function timedRScript(read, dataFile) {
  const script = rScript(read, { dataFile });
  const at = script.indexOf(DATA_MARKER);
  if (at < 0 || script.indexOf(DATA_MARKER, at + 1) >= 0) {
    throw new Error('bench: the R script (web/rscript.js) no longer has exactly one data-reading marker; update bench/r_stages.mjs');
  }
  return script.slice(0, at) + PRELUDE + script.slice(at) + EPILOGUE;
}
