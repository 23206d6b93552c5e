// The one JavaScript wrapper over the wasm Engine, shared by the Web Worker,
// the Node tests and the browser tests, so every caller speaks the same
// envelope: {ok: true, result} | {ok: false, error: {message, field, line, column}}.

/**
 * @param {(args: object) => Promise<any>} factory  Emscripten's createLocalSurv
 * @param {object} [moduleArgs]  e.g. {wasmBinary} in Node, where the loader cannot fetch a path
 */
export async function createEngine(factory, moduleArgs = {}) {
  const module = await factory(moduleArgs);
  const engine = new module.Engine();
  return {
    version: module.version(),
    /** @param {Uint8Array} bytes the file's contents */
    load(bytes) {
      engine.setData(bytes);
    },
    /** Column summary; options = the spec's "data" block. Returns the envelope. */
    describe(options = {}) {
      return JSON.parse(engine.describe(JSON.stringify(options)));
    },
    /** The raw envelope text: byte-comparable with the CLI's stdout. */
    runText(specText) {
      return engine.run(specText);
    },
    run(spec) {
      return JSON.parse(engine.run(typeof spec === 'string' ? spec : JSON.stringify(spec)));
    },
  };
}
