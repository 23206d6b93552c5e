// The wasm engine behind one envelope, and the worker side of the bridge.
//
// createEngine(factory, moduleArgs) -> {version, load, describe, run, runText, readSpec}
//   The one JavaScript wrapper over the Embind Engine, shared by the Web
//   Worker, the Node tests and the browser tests, so every caller speaks the
//   same envelope: {ok: true, result} | {ok: false, error: {message, field, line, column}}.
//   run/runText take an optional onProgress({stage, done, total}); the
//   engine's runWithProgress is used when the wasm build has it, else run.
//   readSpec(spec) needs no data: {spec: the spec as a run echoes it (every
//   default written out), filters: each filter's parsed tree} (core/api.h
//   Session::read_spec), for the R script (web/rscript.js).
//
// serveEngine(scope, loadEngine) -> handler
//   The worker's message loop (worker.js wires it to `self`; Node tests to a
//   fake scope). Messages in:
//     {type: 'init', source}                        once, before any request
//     {type: 'load' | 'describe' | 'run' | 'readSpec', id, payload}
//   Messages out:
//     {type: 'progress', id, stage, done, total}    during a run
//     {type: 'result', id, envelope}                exactly once per request
//   The engine is created on the first request (loadEngine(source)); if that
//   fails every request gets {ok: false, error: {code: 'engine-load', ...}}
//   and the next request tries again. An exception out of the engine itself
//   (a wasm trap) answers {code: 'engine-crash'}: the page then drops this
//   worker, since the wasm heap may be corrupt.

/** The envelope for a failure outside the engine's own validation. */
export function failure(code, message) {
  return { ok: false, error: { code, message, field: null, line: null, column: null } };
}

/**
 * @param {(args: object) => Promise<any>} factory  Emscripten's createLocalSurv
 * @param {object} [moduleArgs]  {wasmBinary} where the loader must not fetch (Node, the single file), or {locateFile}
 */
export async function createEngine(factory, moduleArgs = {}) {
  const module = await factory(moduleArgs);
  const engine = new module.Engine();
  const hasProgress = typeof engine.runWithProgress === 'function';
  const runText = (specText, onProgress) =>
    onProgress && hasProgress
      ? engine.runWithProgress(specText, (stage, done, total) => onProgress({ stage, done, total }))
      : engine.run(specText);
  // JSON.stringify recurses: a spec object nested thousands deep (or with a
  // cycle) would throw RangeError here, which the worker would take for a
  // crashed engine. It is a bad request instead; the engine itself bounds the
  // depth of the text it reads.
  const specText = (spec) => {
    if (typeof spec === 'string') return { text: spec };
    try {
      return { text: JSON.stringify(spec) };
    } catch (err) {
      return { envelope: failure('bad-request', `the analysis spec cannot be read: ${err?.message ?? err}`) };
    }
  };
  return {
    version: module.version(),
    /** Whether this wasm build reports progress (Engine.runWithProgress). */
    hasProgress,
    /** @param {Uint8Array} bytes the file's contents */
    load(bytes) {
      engine.setData(bytes);
    },
    /** Column summary; options = the spec's "data" block. Returns the envelope. */
    describe(options = {}) {
      const { text, envelope } = specText(options);
      return envelope ?? JSON.parse(engine.describe(text));
    },
    /** The raw envelope text: byte-comparable with the CLI's stdout. */
    runText,
    run(spec, onProgress) {
      const { text, envelope } = specText(spec);
      return envelope ?? JSON.parse(runText(text, onProgress));
    },
    readSpec(spec) {
      const { text, envelope } = specText(spec);
      return envelope ?? JSON.parse(engine.readSpec(text));
    },
  };
}

/**
 * @param {{postMessage(msg: any): void, onmessage?: any}} scope  the worker global (or a fake)
 * @param {(source: any) => Promise<ReturnType<typeof createEngine>>} loadEngine
 * @returns {(data: any) => Promise<void>} the message handler (also installed as scope.onmessage)
 */
export function serveEngine(scope, loadEngine) {
  let source = null;
  let enginePromise = null;

  function engine() {
    if (!enginePromise) {
      enginePromise = loadEngine(source);
      // A failed load is not remembered: the next request tries again.
      enginePromise.catch(() => {
        enginePromise = null;
      });
    }
    return enginePromise;
  }

  async function handle(data) {
    if (data?.type === 'init') {
      source = data.source;
      return;
    }
    const { id, type, payload } = data ?? {};
    const reply = (envelope) => scope.postMessage({ type: 'result', id, envelope });
    let e;
    try {
      e = await engine();
    } catch (err) {
      reply(failure('engine-load', `the analysis engine could not be loaded: ${err?.message ?? err}`));
      return;
    }
    let envelope;
    try {
      if (type === 'load') {
        e.load(payload.bytes);
        envelope = e.describe(payload.options ?? {});
      } else if (type === 'describe') {
        envelope = e.describe(payload ?? {});
      } else if (type === 'readSpec') {
        envelope = e.readSpec(payload);
      } else if (type === 'run') {
        envelope = e.run(payload, ({ stage, done, total }) => scope.postMessage({ type: 'progress', id, stage, done, total }));
      } else {
        envelope = failure('bad-request', `unknown request type '${type}'`);
      }
    } catch (err) {
      envelope = failure('engine-crash', `the analysis engine failed: ${err?.message ?? err}`);
    }
    reply(envelope);
  }

  scope.onmessage = (event) => handle(event.data);
  return handle;
}
