// Web Worker: owns the wasm engine so the page never blocks. Loaded lazily on
// the first request. Protocol (one message shape each way):
//   in:  {id, type: 'load' | 'describe' | 'run', payload, base}
//        base = absolute URL of the folder holding localsurv.js / .wasm
//   out: {id, envelope}  where envelope is the engine's {ok, result | error}
// Cancelling is done by the page terminating this worker.
import { createEngine } from './engine.js';

let enginePromise = null;

function engine(base) {
  if (!enginePromise) {
    enginePromise = (async () => {
      importScripts(new URL('localsurv.js', base).href);
      return createEngine(self.createLocalSurv, { locateFile: (file) => new URL(file, base).href });
    })();
  }
  return enginePromise;
}

self.onmessage = async (event) => {
  const { id, type, payload, base } = event.data;
  let envelope;
  try {
    const e = await engine(base);
    if (type === 'load') {
      e.load(payload.bytes);
      envelope = e.describe(payload.options ?? {});
    } else if (type === 'describe') {
      envelope = e.describe(payload ?? {});
    } else if (type === 'run') {
      envelope = e.run(payload);
    } else {
      envelope = { ok: false, error: { message: `unknown request type '${type}'` } };
    }
  } catch (err) {
    envelope = { ok: false, error: { message: `the analysis engine failed: ${err?.message ?? err}` } };
  }
  self.postMessage({ id, envelope });
};
