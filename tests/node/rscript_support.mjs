// web/rscript.js writes a script from the engine's reading of a spec
// (readSpec: the spec with its defaults, each filter's parsed tree), as the
// page does through the worker; here from the wasm engine (web/engine.js).
import fs from 'node:fs';
import path from 'node:path';
import { rScript } from '../../web/rscript.js';
import { loadEngine, root } from './harness.mjs';

export const engine = await loadEngine();

/** The engine's reading of `spec`; a spec it refuses throws its message, as the page shows it. */
export function readSpec(spec) {
  const read = engine.readSpec(spec);
  if (!read.ok) throw new Error(read.error.message);
  return read.result;
}

/** The script for `spec`, as the page's R script button writes it. */
export const scriptOf = (spec, options) => rScript(readSpec(spec), options);

/** One filter as the engine parsed it (its tree, null, or {error}). */
export const filterTree = (text) => readSpec({ time: 't', event: 'e', filter: text }).filters.filter;

// The test-only pairing step (rScript's options.correctedPairing): R code
// that never ships in the page's bundle.
export const CORRECTED_PAIRING = fs.readFileSync(path.join(root, 'tests/r/corrected_pairing.R'), 'utf8');
