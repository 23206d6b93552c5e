// Loads the wasm engine in Node the same way the worker does (through
// web/engine.js), and runs the native CLI, so tests can compare the two.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterEach } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../../web/engine.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

export async function loadEngine() {
  const factory = require(path.join(root, 'build-wasm/localsurv.js'));
  // Node 20's global fetch makes Emscripten 3.1.6's loader try to fetch a
  // file path; handing it the bytes avoids that.
  return createEngine(factory, { wasmBinary: fs.readFileSync(path.join(root, 'build-wasm/localsurv.wasm')) });
}

export function datasetPath(name) {
  return path.join(root, 'tests/reference/datasets', `${name}.csv`);
}

/** Runs build/localsurv; returns {status, stdout} (stdout without the final newline). */
export function runCli(dataFile, specFile) {
  try {
    const stdout = execFileSync(path.join(root, 'build/localsurv'), [dataFile, specFile], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
    return { status: 0, stdout: stdout.replace(/\n$/, '') };
  } catch (e) {
    return { status: e.status, stdout: String(e.stdout).replace(/\n$/, '') };
  }
}

/** tests/specs/<dataset>.<name>.json, each with the dataset it runs on. */
export function specCases() {
  const dir = path.join(root, 'tests/specs');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, dataset: f.split('.')[0], specFile: path.join(dir, f) }));
}

/**
 * For a suite that stands in browser globals (document, fetch, Worker, ...):
 * returns setGlobal(name, value), and every global it set is put back after
 * each test.
 */
export function stubGlobals() {
  const saved = {};
  afterEach(() => {
    for (const [name, d] of Object.entries(saved)) {
      if (d) Object.defineProperty(globalThis, name, d);
      else delete globalThis[name];
      delete saved[name];
    }
  });
  return (name, value) => {
    if (!(name in saved)) saved[name] = Object.getOwnPropertyDescriptor(globalThis, name);
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  };
}
