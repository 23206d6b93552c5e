// The performance benchmark (issue 11 §1): not a test, never run by the test
// command, and nothing in it passes or fails on time. docs/benchmarks.md says
// how to run it and what each stage measures.
//
//   node bench/run.mjs [--sizes 2000,20000,200000] [--quick] [--repeat N]
//                      [--seed S] [--stages paper,load,km,...] [--no-r]
//                      [--out FILE.md] [--json FILE.json] [--work DIR] [--keep]
//
// For each size it writes a cohort with the project's generator
// (build/localsurv synthetic-cohort), then runs the paper spec and one small
// spec per stage (made here from the paper spec) through the native CLI and
// through the wasm engine under Node, and, when Rscript with survival and
// MatchIt is there, the same stages in R with the project's own R script
// (bench/r_stages.mjs) on the same file. It prints one markdown table (time
// per stage and size, the ratio to R, peak memory), the targets of issue 11,
// the bytes of a first visit (dist/, gzip) and the machine, and writes the
// same text to --out. Native and wasm results of every stage are compared
// byte for byte (a mismatch is reported, and the run exits 1).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(root, 'build/localsurv');
const TIME = '/usr/bin/time';

const USAGE = `usage: node bench/run.mjs [options]
  --sizes N,N,...   cohort sizes (default 2000,20000,200000; 1000000 takes many minutes)
  --quick           sizes 2000,20000, one repeat
  --repeat N        runs per native/wasm stage, best taken (default 5 up to 20,000 rows,
                    else 3, and the paper spec once)
  --seed S          generator seed (default 1)
  --stages a,b,...  subset of: ${'paper,load,km,followup,cox,logistic,matching'}
  --no-r            skip R even when it is installed
  --out FILE.md     also write the report there (e.g. bench/results/$(date +%F).md)
  --json FILE.json  also write the raw measurements there
  --work DIR        where cohorts, specs and results go (default bench/work; cohorts are reused)
  --keep            keep the stage results (DIR/results/) and the R scripts`;

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = { sizes: [2000, 20000, 200000], repeat: null, seed: 1, stages: null, r: true, out: null, json: null, work: path.join(root, 'bench/work'), keep: false };
  const value = (i) => {
    if (i + 1 >= argv.length) fail(`${argv[i]} needs a value`);
    return argv[i + 1];
  };
  const whole = (text, flag) => {
    if (!/^[0-9]+$/.test(text) || Number(text) < 1) fail(`${flag} takes whole numbers >= 1, not '${text}'`);
    return Number(text);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sizes') o.sizes = value(i++).split(',').map((s) => whole(s.trim(), '--sizes'));
    else if (a === '--quick') { o.sizes = [2000, 20000]; o.repeat = 1; }
    else if (a === '--repeat') o.repeat = whole(value(i++), '--repeat');
    else if (a === '--seed') o.seed = whole(value(i++), '--seed');
    else if (a === '--stages') o.stages = value(i++).split(',').map((s) => s.trim());
    else if (a === '--no-r') o.r = false;
    else if (a === '--out') o.out = path.resolve(value(i++));
    else if (a === '--json') o.json = path.resolve(value(i++));
    else if (a === '--work') o.work = path.resolve(value(i++));
    else if (a === '--keep') o.keep = true;
    else if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
    else fail(`unknown option '${a}'`);
  }
  return o;
}
function fail(message) {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

// ---------------------------------------------------------------- stages
// Each stage's spec is the paper spec's data preparation (derived columns,
// time, event, group, covariates) with one analysis, as the paper spec sets
// it; "load" has none (the file read and the cohort formed); "paper" is the
// whole paper spec (every section and the three subcohorts).
const paper = JSON.parse(fs.readFileSync(path.join(root, 'public/examples/npc_paper.spec.json'), 'utf8'));
const base = { version: 1, derive: paper.derive, time: paper.time, event: paper.event, group: paper.group, covariates: paper.covariates };
const nTerms = 1 + paper.covariates.length;
export const STAGES = [
  { key: 'paper', title: 'paper spec (all sections, 3 subcohorts)', spec: paper },
  { key: 'load', title: 'CSV load + cohort', spec: { ...base, analyses: {} } },
  { key: 'km', title: 'KM overall + by group', spec: { ...base, analyses: { km: paper.analyses.km } } },
  { key: 'followup', title: 'reverse-KM follow-up', spec: { ...base, analyses: { followup: {} } } },
  {
    key: 'cox',
    title: `Cox Efron, ${nTerms} terms (+ PH test)`,
    spec: { ...base, analyses: { cox: { ties: 'efron', univariate: false, multivariable: true } } },
  },
  { key: 'logistic', title: 'propensity glm', spec: { ...base, analyses: { logistic: {} } } },
  { key: 'matching', title: '1:1 caliper matching incl. balance', spec: { ...base, analyses: { matching: paper.analyses.matching } } },
];
// R runs the five analyses in one script (each block timed), on one cohort.
const R_STAGES = ['load', 'km', 'followup', 'cox', 'logistic', 'matching'];
export const R_SPEC = { ...base, analyses: Object.assign({}, ...STAGES.filter((s) => s.key !== 'paper' && s.key !== 'load').map((s) => s.spec.analyses)) };

// ---------------------------------------------------------------- running
const seconds = (t0) => (performance.now() - t0) / 1000;
const best = (xs) => Math.min(...xs);
// Small cohorts take milliseconds, so more runs steady the best one; the
// paper spec at 200,000 rows takes half a minute or more, so it runs once.
const defaultRepeat = (n, key) => (n <= 20000 ? 5 : key === 'paper' ? 1 : 3);
const hasTime = fs.existsSync(TIME);

function cohortFile(work, n, seed) {
  const file = path.join(work, `cohort_${n}_seed${seed}.csv`);
  if (!fs.existsSync(file)) {
    const t0 = performance.now();
    const csv = execFileSync(CLI, ['synthetic-cohort', '--n', String(n), '--seed', String(seed)], { maxBuffer: 4 * 2 ** 30 });
    fs.writeFileSync(file, csv);
    log(`  generated ${path.basename(file)} (${mb(csv.length)} MB) in ${seconds(t0).toFixed(1)} s`);
  }
  return file;
}

// The CLI once: CPU seconds (user + system, from bash's `times` for its
// children, in milliseconds), wall seconds, max RSS (GNU time), stdout
// without its newline.
function runNative(csv, specFile) {
  const timeFile = path.join(os.tmpdir(), `localsurv-bench-time-${process.pid}`);
  const cmd = [...(hasTime ? [TIME, '-f', '%M', '-o', timeFile] : []), CLI, csv, specFile];
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', '"$@"; rc=$?; times >&2; exit $rc', 'bench', ...cmd], { maxBuffer: 2 ** 31 - 1, encoding: 'utf8' });
  const wall = seconds(t0);
  if (r.status !== 0) throw new Error(`native CLI failed on ${specFile} (exit ${r.status}): ${String(r.stderr).slice(0, 500)}`);
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stderr);
  if (!m) throw new Error(`bench: no CPU times from bash's times: ${r.stderr.slice(-200)}`);
  const cpu = 60 * Number(m[1]) + Number(m[2]) + 60 * Number(m[3]) + Number(m[4]);
  let rssKb = null;
  if (hasTime) {
    rssKb = Number(fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop());
    fs.rmSync(timeFile, { force: true });
  }
  return { seconds: cpu, wall, rssKb, text: r.stdout.replace(/\n$/, '') };
}

function runWasm(csv, specFile, resultFile, repeat) {
  const r = spawnSync(process.execPath, [path.join(root, 'bench/wasm_stage.mjs'), csv, specFile, resultFile, String(repeat)], {
    encoding: 'utf8',
    maxBuffer: 2 ** 26,
  });
  if (r.status !== 0) throw new Error(`wasm stage failed on ${specFile} (exit ${r.status}): ${String(r.stderr).slice(0, 800)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function rAvailable() {
  const r = spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages({library(survival); library(MatchIt); library(jsonlite)}); cat(R.version$major, R.version$minor, as.character(packageVersion("survival")), as.character(packageVersion("MatchIt")))'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const [major, minor, survival, matchit] = r.stdout.trim().split(/\s+/);
  return { R: `${major}.${minor}`, survival, MatchIt: matchit };
}

async function rScriptFor(spec, csv) {
  // web/rscript.js imports its R helpers as `?raw`; register the loader the
  // Node tests use (scripts/r_text.mjs) before importing it.
  await import('../scripts/r_text.mjs');
  const { timedRScript } = await import('./r_stages.mjs');
  const { createEngine } = await import('../web/engine.js');
  const factory = createRequire(import.meta.url)(path.join(root, 'build-wasm/localsurv.js'));
  const engine = await createEngine(factory, { wasmBinary: fs.readFileSync(path.join(root, 'build-wasm/localsurv.wasm')) });
  const read = engine.readSpec(spec);
  if (!read.ok) throw new Error(`the engine refuses the R stages' spec: ${read.error.message}`);
  return timedRScript(read.result, csv);
}

function runR(scriptFile) {
  const outFile = `${scriptFile}.out.json`;
  const timeFile = `${scriptFile}.time`;
  const [cmd, args] = hasTime ? [TIME, ['-f', '%M', '-o', timeFile, 'Rscript', scriptFile]] : ['Rscript', [scriptFile]];
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LOCALSURV_BENCH_OUT: outFile }, maxBuffer: 2 ** 26 });
  const total = seconds(t0);
  if (r.status !== 0) throw new Error(`Rscript failed (exit ${r.status}): ${String(r.stderr).slice(-1500)}`);
  const out = JSON.parse(fs.readFileSync(outFile, 'utf8'));
  const rssKb = hasTime ? Number(fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()) : null;
  return { ...out, total_s: total, rssKb, stderr: r.stderr };
}

// ---------------------------------------------------------------- first visit
// What a first visit downloads, gzip-compressed (zlib level 6, the usual
// server setting): the page (index.html and what it references), the engine
// it starts at once (worker, localsurv.js, localsurv.wasm), then what the
// service worker's install adds (sw.js: its file list; files already loaded
// are taken from the HTTP cache or revalidated, so they cost no body).
export function firstVisit(dist = path.join(root, 'dist')) {
  if (!fs.existsSync(path.join(dist, 'index.html'))) return null;
  const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 6 }).length;
  const raw = (f) => fs.statSync(path.join(dist, f)).size;
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const referenced = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]).filter((f) => fs.existsSync(path.join(dist, f)));
  const assets = fs.readdirSync(path.join(dist, 'assets'));
  const worker = assets.filter((f) => /^worker-.*\.js$/.test(f)).map((f) => `assets/${f}`);
  const page = ['index.html', ...referenced, 'sw.js'];
  const engine = [...worker, 'localsurv.js', 'localsurv.wasm'];
  const sw = fs.readFileSync(path.join(dist, 'sw.js'), 'utf8');
  const m = /self\.LOCALSURV_BUILD = (\{.*?\});\n/.exec(sw);
  const listed = m ? JSON.parse(m[1]).files : [];
  // './' is the page the visitor opened (index.html); the list also names
  // index.html itself, a second URL, so the cache fetches it once more.
  const loaded = new Set(['./', ...page, ...engine].filter((f) => f !== 'index.html'));
  const afterwards = listed.filter((f) => !loaded.has(f));
  const entry = (files) => ({ files, raw: files.reduce((s, f) => s + raw(f), 0), gzip: files.reduce((s, f) => s + gz(f), 0) });
  return { page: entry(page), engine: entry(engine), serviceWorker: entry(afterwards) };
}

// ---------------------------------------------------------------- machine
function machine(rInfo) {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown';
  const memKb = Number(/MemTotal:\s*(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  const first = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30000 });
    return r.status === 0 ? (r.stdout || r.stderr).split('\n')[0].trim() : 'unknown';
  };
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: model,
    ramGb: memKb / 2 ** 20,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    cxx: first('c++', ['--version']),
    emcc: first('emcc', ['--version']),
    r: rInfo ? `R ${rInfo.R}, survival ${rInfo.survival}, MatchIt ${rInfo.MatchIt}` : 'not run',
    load: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

// ---------------------------------------------------------------- report
const mb = (bytes) => (bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 2 : 0);
const secs = (s) => (s == null ? '—' : s < 0.0005 ? '<0.001' : s < 10 ? s.toFixed(3) : s.toFixed(1));
const ratio = (r, x) => (r == null || x == null ? '—' : x <= 0 ? '—' : `${(r / x).toFixed(1)}×`);
const kbMb = (kb) => (kb == null ? '—' : String(Math.round(kb / 1024)));

function report(results, visit, info, opts) {
  const L = [];
  L.push(`# LocalSurv benchmark, ${info.date}`, '');
  L.push(`Command: \`node bench/run.mjs ${opts.argv.join(' ')}\``, '');
  L.push('Times are CPU seconds (user + system), best of the repeats: the machine may be shared, and every engine here computes on one thread, so on an idle machine CPU time is about the wall-clock time (the JSON output has both). Ratios are R\'s time divided by LocalSurv\'s (above 1× = faster than R).');
  L.push('native = build/localsurv; "native CLI run" is the CPU time of the whole process (reading the file included), "native" the analysis alone: that minus the "load" spec\'s run (reading the file and forming the cohort). A difference of two process runs: at small sizes it is within the noise ("noise" where it came out below zero).');
  L.push('wasm = the engine under Node, warm: engine compiled and the file read (load + describe) before the timed run() call; "load" = load + describe + the cohort-only run(). "wasm 1st call" is the first run() in a fresh process, before V8 has optimised the wasm code (the first analysis a visitor runs).');
  L.push('R = the project\'s R script (web/rscript.js) for the same analyses on the same file, proc.time() around each block; "load" = read.csv + derived columns + cohort.');
  L.push('Peak memory in MB: native and wasm = peak RSS of the process that ran the stage (wasm: Node included); R = gc() "max used" during the stage (R\'s heap, the data included).');
  if (!hasTime) L.push('The CLI\'s and Rscript\'s peak RSS were not measured: /usr/bin/time (Debian package time) is not installed.');
  L.push('');
  L.push('| stage | rows | R | native | native CLI run | wasm | wasm 1st call | R ÷ native | R ÷ wasm | peak MB R | peak MB native | peak MB wasm |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const st of STAGES.filter((s) => opts.stages.includes(s.key))) {
    for (const res of results) {
      const x = res.stages[st.key];
      if (!x) continue;
      L.push(`| ${st.title} | ${res.n.toLocaleString('en-US')} | ${secs(x.r?.seconds)} | ${x.native.seconds == null ? 'noise' : secs(x.native.seconds)} | ${secs(x.native.total_s)} | ${secs(x.wasm.seconds)} | ${secs(x.wasm.first_s)} | ${ratio(x.r?.seconds, x.native.seconds)} | ${ratio(x.r?.seconds, x.wasm.seconds)} | ${x.r?.heap_mb == null ? '—' : Math.round(x.r.heap_mb)} | ${kbMb(x.native.rssKb)} | ${kbMb(x.wasm.rssKb)} |`);
    }
  }
  L.push('');
  const eng = results.flatMap((r) => Object.values(r.stages).map((x) => x.wasm.engine_s));
  if (eng.length) L.push(`wasm engine load (compile + instantiate, with wasmBinary, per process): median ${secs(eng.sort((a, b) => a - b)[Math.floor(eng.length / 2)])} s.`);
  for (const res of results) {
    if (res.r) L.push(`R at ${res.n.toLocaleString('en-US')} rows: whole Rscript run ${secs(res.r.total_s)} s wall-clock (startup and packages included), peak RSS ${kbMb(res.r.rssKb)} MB.`);
    if (res.rErrors?.length) L.push(`R errors at ${res.n.toLocaleString('en-US')} rows: ${res.rErrors.join('; ')}`);
  }
  L.push(`Native and wasm results byte-identical: ${results.every((r) => Object.values(r.stages).every((x) => x.identical)) ? 'yes, every stage at every size' : 'NO: ' + results.flatMap((r) => Object.entries(r.stages).filter(([, x]) => !x.identical).map(([k]) => `${k} at ${r.n}`)).join(', ')}.`, '');

  L.push('## Targets (issue 11)', '');
  L.push('| target | measured | met |', '|---|---|---|');
  for (const t of targets(results, visit)) L.push(`| ${t.what} | ${t.measured} | ${t.met} |`);
  L.push('');

  L.push('## First visit, bytes over the wire (gzip)', '');
  L.push('Computed from the files in dist/ (zlib level 6), not traced in a browser; MB = 2^20 bytes here and above.', '');
  if (!visit) L.push('dist/ is not built (bash scripts/build.sh): not measured.', '');
  else {
    L.push('| what | files | raw | gzip |', '|---|---|---:|---:|');
    const row = (what, e) => L.push(`| ${what} | ${e.files.join(', ')} | ${mb(e.raw)} MB | ${mb(e.gzip)} MB |`);
    row('the page', visit.page);
    row('the engine (started at once)', visit.engine);
    row('then the service worker', visit.serviceWorker);
    const total = visit.page.gzip + visit.engine.gzip + visit.serviceWorker.gzip;
    L.push(`| **first visit in all** | | | **${mb(total)} MB** |`, '');
  }

  L.push('## Machine', '');
  L.push(`- ${info.machine.nproc} CPUs (nproc), ${info.machine.cpu}, ${info.machine.ramGb.toFixed(1)} GB RAM, ${info.machine.os}`);
  L.push(`- Node ${info.machine.node}; native: ${info.machine.cxx}; wasm: ${info.machine.emcc}; ${info.machine.r}`);
  L.push(`- load average (1, 5, 15 min) at the start: ${info.loadStart}; at the end: ${info.machine.load}`);
  L.push(`- generator seed ${opts.seed}; repeats: ${opts.repeatText}; wall time of the whole benchmark ${info.total.toFixed(0)} s`, '');
  return L.join('\n');
}

// Issue 11's targets column, where this run measured the work.
function targets(results, visit) {
  const at = (n, key) => results.find((r) => r.n === n)?.stages[key];
  const out = [];
  const time = (what, n, key, limit) => {
    const x = at(n, key);
    if (!x) return;
    out.push({ what, measured: `wasm ${secs(x.wasm.seconds)} s`, met: x.wasm.seconds < limit ? 'yes' : `no (${(x.wasm.seconds / limit).toFixed(1)}× the target)` });
  };
  time('paper spec, 2,000 rows, wasm < 0.1 s', 2000, 'paper', 0.1);
  time('paper spec, 200,000 rows, wasm < 5 s', 200000, 'paper', 5);
  const x1m = at(1000000, 'paper');
  if (x1m) {
    const gb = x1m.wasm.rssKb / 2 ** 20;
    out.push({ what: 'paper spec, 1M rows, wasm < 30 s, < 1 GB', measured: `wasm ${secs(x1m.wasm.seconds)} s, ${gb.toFixed(2)} GB`, met: x1m.wasm.seconds < 30 && gb < 1 ? 'yes' : 'no' });
  }
  const faster = (what, key, factor) => {
    const x = at(200000, key);
    if (!x?.r) return;
    const f = x.r.seconds / x.wasm.seconds;
    out.push({ what: `${what}, 200,000 rows, wasm ≥ ${factor}× faster than R`, measured: `R ${secs(x.r.seconds)} s, wasm ${secs(x.wasm.seconds)} s: ${f.toFixed(1)}×`, met: f >= factor ? 'yes' : 'no' });
  };
  faster('CSV load + cohort', 'load', 10);
  faster('KM overall + by group', 'km', 5);
  faster('reverse-KM follow-up', 'followup', 5);
  faster('Cox Efron + PH test', 'cox', 5);
  faster('propensity glm', 'logistic', 5);
  time('1:1 caliper matching incl. balance, 200,000 rows, wasm < 0.5 s', 200000, 'matching', 0.5);
  if (visit) {
    const total = visit.page.gzip + visit.engine.gzip + visit.serviceWorker.gzip;
    out.push({ what: 'first visit ≤ 0.6 MB gzip', measured: `${mb(total)} MB`, met: total <= 0.6 * 2 ** 20 ? 'yes' : `no (${(total / (0.6 * 2 ** 20)).toFixed(1)}×)` });
  }
  return out;
}

// ---------------------------------------------------------------- main
function log(message) {
  process.stderr.write(`${message}\n`);
}

async function main() {
  const argv = process.argv.slice(2);
  const o = parseArgs(argv);
  const known = STAGES.map((s) => s.key);
  const stages = o.stages ?? known;
  for (const s of stages) if (!known.includes(s)) fail(`unknown stage '${s}' (stages: ${known.join(', ')})`);
  if (!stages.includes('load')) stages.unshift('load'); // the native analysis times subtract it
  for (const f of [CLI, path.join(root, 'build-wasm/localsurv.js'), path.join(root, 'build-wasm/localsurv.wasm')]) {
    if (!fs.existsSync(f)) fail(`${path.relative(root, f)} is missing: build first (bash scripts/build.sh)`);
  }
  const t0 = performance.now();
  const loadStart = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const rInfo = o.r ? rAvailable() : null;
  if (o.r && !rInfo) log('bench: Rscript with survival, MatchIt and jsonlite not found: R is not run');
  fs.mkdirSync(o.work, { recursive: true });
  const resultsDir = path.join(o.work, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const specFiles = {};
  for (const st of STAGES.filter((s) => stages.includes(s.key))) {
    specFiles[st.key] = path.join(o.work, `stage_${st.key}.spec.json`);
    fs.writeFileSync(specFiles[st.key], JSON.stringify(st.spec, null, 1));
  }

  const results = [];
  let mismatch = false;
  for (const n of o.sizes) {
    log(`bench: ${n.toLocaleString('en-US')} rows`);
    const csv = cohortFile(o.work, n, o.seed);
    const res = { n, stages: {} };
    for (const st of STAGES.filter((s) => stages.includes(s.key))) {
      const repeat = o.repeat ?? defaultRepeat(n, st.key);
      const native = [];
      for (let i = 0; i < repeat; i++) native.push(runNative(csv, specFiles[st.key]));
      const wasmFile = path.join(resultsDir, `${n}.${st.key}.wasm.json`);
      const nativeFile = path.join(resultsDir, `${n}.${st.key}.native.json`);
      fs.writeFileSync(nativeFile, native[0].text);
      const w = runWasm(csv, specFiles[st.key], wasmFile, repeat);
      const identical = fs.readFileSync(wasmFile, 'utf8') === native[0].text;
      if (!identical) mismatch = true;
      const envelope = JSON.parse(native[0].text);
      if (!envelope.ok) throw new Error(`stage ${st.key} at ${n} rows: ${envelope.error.message}`);
      res.stages[st.key] = {
        identical,
        repeat,
        native: { cpu_s: native.map((x) => x.seconds), wall_s: native.map((x) => x.wall), total_s: best(native.map((x) => x.seconds)), rssKb: Math.max(...native.map((x) => x.rssKb ?? 0)) || null },
        wasm: { ...w, seconds: (st.key === 'load' ? w.load_s : 0) + best(w.run_s), first_s: (st.key === 'load' ? w.load_s : 0) + w.run_s[0], rssKb: w.max_rss_kb },
      };
      log(`  ${st.key}: native ${secs(res.stages[st.key].native.total_s)} s (whole CLI run), wasm ${secs(res.stages[st.key].wasm.seconds)} s${identical ? '' : '  RESULTS DIFFER'}`);
    }
    // Native analysis time = the stage's CLI run minus the load-only run; a
    // difference below zero is noise (another process took the CPU), not a time.
    const load = res.stages.load?.native.total_s;
    for (const [key, x] of Object.entries(res.stages)) {
      const net = key === 'load' ? x.native.total_s : load == null ? null : x.native.total_s - load;
      x.native.seconds = net != null && net >= 0 ? net : null;
    }
    if (rInfo) {
      const scriptFile = path.join(o.work, `r_stages_${n}.R`);
      fs.writeFileSync(scriptFile, await rScriptFor(R_SPEC, csv));
      log('  R: running the R script ...');
      const r = runR(scriptFile);
      res.r = { total_s: r.total_s, rssKb: r.rssKb };
      res.rErrors = Object.entries(r.errors ?? {}).map(([k, v]) => `${k}: ${v}`);
      for (const key of R_STAGES) if (res.stages[key] && r.stages[key]) res.stages[key].r = r.stages[key];
      log(`  R: ${R_STAGES.map((k) => `${k} ${secs(r.stages[k]?.seconds)}`).join(', ')} s`);
      if (!o.keep) fs.rmSync(scriptFile, { force: true });
      for (const f of [`${scriptFile}.out.json`, `${scriptFile}.time`]) fs.rmSync(f, { force: true });
    }
    results.push(res);
  }
  if (!o.keep) fs.rmSync(resultsDir, { recursive: true, force: true });

  const visit = firstVisit();
  const info = { date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), machine: machine(rInfo), loadStart, total: seconds(t0) };
  const text = report(results, visit, info, {
    argv,
    seed: o.seed,
    stages,
    repeatText: o.repeat ? String(o.repeat) : '5 up to 20,000 rows; above, 3 and the paper spec once',
  });
  console.log(text);
  if (o.out) {
    fs.mkdirSync(path.dirname(o.out), { recursive: true });
    fs.writeFileSync(o.out, text + '\n');
  }
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ info, sizes: o.sizes, stages, results, firstVisit: visit }, null, 1) + '\n');
  if (mismatch) {
    log('bench: native and wasm results differ (see the table)');
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`bench: ${err.stack ?? err}`);
    process.exit(1);
  });
}
