// One benchmark stage in the wasm engine under Node, in a process of its own
// (so its peak memory is the stage's): called by bench/run.mjs, not by hand.
//
//   node bench/wasm_stage.mjs DATA.csv SPEC.json RESULT.json REPEAT
//
// Loads the engine as the worker and the tests do (web/engine.js, with
// wasmBinary), reads the file as the page does (load, then describe), then
// runs the spec REPEAT times on the loaded file (warm: engine compiled, CSV
// parsed). Writes the first run's envelope text to RESULT.json and prints one
// JSON line: CPU seconds (user + system of this process, V8's compiler and
// garbage-collector threads included) {engine_s, load_s, run_s[]}, the same
// as wall-clock seconds {engine_wall_s, load_wall_s, run_wall_s[]}, and
// {max_rss_kb, wasm_memory_bytes}.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../web/engine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [dataFile, specFile, resultFile, repeatText] = process.argv.slice(2);
const repeat = Number(repeatText);
if (!dataFile || !specFile || !resultFile || !(repeat >= 1)) {
  console.error('usage: node bench/wasm_stage.mjs DATA.csv SPEC.json RESULT.json REPEAT');
  process.exit(2);
}

// A clock: its start, and (start) -> {cpu, wall} seconds since.
const start = () => ({ cpu: process.cpuUsage(), wall: performance.now() });
const since = (t0) => {
  const c = process.cpuUsage(t0.cpu);
  return { cpu: (c.user + c.system) / 1e6, wall: (performance.now() - t0.wall) / 1000 };
};
const factory = createRequire(import.meta.url)(path.join(root, 'build-wasm/localsurv.js'));
const wasmBinary = fs.readFileSync(path.join(root, 'build-wasm/localsurv.wasm'));
let module = null;
// The module itself, for the size of its memory (createEngine keeps it private).
const keep = (args) => factory(args).then((m) => (module = m));

let t0 = start();
const engine = await createEngine(keep, { wasmBinary });
const engine_t = since(t0);

const bytes = fs.readFileSync(dataFile);
const specText = fs.readFileSync(specFile, 'utf8');
t0 = start();
engine.load(bytes);
const described = engine.describe({});
const load_t = since(t0);
if (!described.ok) throw new Error(`describe failed: ${described.error.message}`);

const runs = [];
for (let i = 0; i < repeat; i++) {
  t0 = start();
  const text = engine.runText(specText);
  runs.push(since(t0));
  if (i === 0) fs.writeFileSync(resultFile, text);
}

console.log(
  JSON.stringify({
    engine_s: engine_t.cpu,
    load_s: load_t.cpu,
    run_s: runs.map((t) => t.cpu),
    engine_wall_s: engine_t.wall,
    load_wall_s: load_t.wall,
    run_wall_s: runs.map((t) => t.wall),
    max_rss_kb: process.resourceUsage().maxRSS,
    wasm_memory_bytes: module.HEAP8.buffer.byteLength,
  }),
);
