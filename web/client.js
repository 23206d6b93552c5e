// Page side of the worker bridge (the worker side is serveEngine in engine.js).
//
//   const client = new EngineClient();
//   await client.load(bytes, options?)   -> envelope of describe(options) on the new data
//   await client.describe(options?)      -> envelope (column summary)
//   await client.run(spec, {onProgress}) -> envelope; onProgress({stage, done, total})
//   await client.readSpec(spec)          -> envelope: the engine's reading of the spec (engine.js)
//   client.cancel()                      -> true if something was running
//
// Every call resolves (never rejects) with an envelope:
//   {ok: true, result} | {ok: false, error: {message, field, line, column, code?}}
// code is set by the bridge, not the engine: 'engine-load' (worker or wasm
// could not start), 'engine-crash' (the worker died or the wasm trapped),
// 'cancelled' (then also cancelled: true at the top level), 'bad-request'.
//
// The worker starts on the first request. cancel() terminates it and fails
// the pending requests; the next request starts a new worker and first
// reloads the last file (load's bytes and options) into it, so the page need
// not know a restart happened.
import { createEngineWorker, engineSource } from './assets.js';
import { failure } from './engine.js';
import { t } from './i18n.js';

const cancelledEnvelope = () => ({ ...failure('cancelled', t('page.client.cancelled')), cancelled: true });

export class EngineClient {
  /**
   * @param {object} [deps]  for tests: createWorker() -> Worker-like, source() -> engine source for 'init'
   */
  constructor({ createWorker = createEngineWorker, source = engineSource } = {}) {
    this.createWorker = createWorker;
    this.source = source;
    this.worker = null;
    this.pending = new Map(); // id -> {resolve, onProgress}: posted to the worker
    this.calls = new Set(); // describe/run calls not yet answered
    this.nextId = 1;
    this.lastLoad = null; // {bytes, options}: replayed into a restarted worker
    this.dataReady = null; // promise of the load envelope in the current worker
  }

  /** Starts the worker if there is none; returns an envelope if that failed. */
  #start() {
    if (this.worker) return null;
    let worker;
    try {
      worker = this.createWorker();
      worker.postMessage({ type: 'init', source: this.source() });
    } catch (err) {
      worker?.terminate();
      return failure('engine-load', t('page.client.not_started', { error: err?.message ?? err }));
    }
    worker.onmessage = ({ data }) => {
      if (worker !== this.worker) return; // a terminated worker's last words
      const p = this.pending.get(data.id);
      if (!p) return;
      if (data.type === 'progress') {
        p.onProgress?.({ stage: data.stage, done: data.done, total: data.total });
        return;
      }
      this.pending.delete(data.id);
      p.resolve(data.envelope);
      // A trapped wasm heap cannot be trusted for the requests queued after it.
      if (data.envelope?.error?.code === 'engine-crash') this.#drop(data.envelope);
    };
    const died = (message) => {
      if (worker === this.worker) this.#drop(failure('engine-crash', t('page.client.stopped', { error: message })));
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      died(e.message || t('page.client.worker_error'));
    };
    worker.onmessageerror = () => died(t('page.client.message_unreadable'));
    this.worker = worker;
    this.dataReady = null;
    return null;
  }

  /** Terminates the worker and answers every pending request with `envelope`. */
  #drop(envelope) {
    this.worker?.terminate();
    this.worker = null;
    this.dataReady = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.resolve(envelope);
  }

  #post(type, payload, onProgress) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, onProgress });
      this.worker.postMessage({ type, id, payload });
    });
  }

  // A request may wait for the file to be (re)loaded before it is posted;
  // `calls` holds it meanwhile so that cancel() reaches it too.
  #request(type, payload, onProgress) {
    return new Promise((resolve) => {
      const call = { resolve };
      this.calls.add(call);
      this.#perform(type, payload, onProgress, call).then((envelope) => {
        if (this.calls.delete(call)) resolve(envelope);
      });
    });
  }

  async #perform(type, payload, onProgress, call) {
    let failed = this.#start();
    if (failed) return failed;
    if (this.lastLoad) {
      let loaded = this.dataReady && (await this.dataReady);
      if (!this.calls.has(call)) return null;
      // The file is not in this worker's engine: a new worker, or a load
      // that never reached the engine (engine-load / engine-crash).
      if (!loaded || loaded.cancelled || loaded.error?.code) {
        if ((failed = this.#start())) return failed;
        this.dataReady = this.#post('load', this.lastLoad);
        loaded = await this.dataReady;
        if (!this.calls.has(call)) return null;
        if (loaded.cancelled || loaded.error?.code) return loaded;
      }
    }
    if ((failed = this.#start())) return failed;
    return this.#post(type, payload, onProgress);
  }

  /** @param {Uint8Array} bytes the file; options = the spec's "data" block */
  async load(bytes, options = {}) {
    this.lastLoad = { bytes, options };
    const failed = this.#start();
    if (failed) return failed;
    const ready = this.#post('load', this.lastLoad);
    this.dataReady = ready;
    return ready;
  }

  describe(options = {}) {
    return this.#request('describe', options);
  }

  /** @param {object|string} spec  @param {{onProgress?: (p: {stage: string, done: number, total: number}) => void}} [opts] */
  run(spec, { onProgress } = {}) {
    return this.#request('run', typeof spec === 'string' ? spec : JSON.stringify(spec), onProgress);
  }

  /** @param {object|string} spec */
  readSpec(spec) {
    return this.#request('readSpec', typeof spec === 'string' ? spec : JSON.stringify(spec));
  }

  /** Stops the running request and those queued behind it; false if there were none. */
  cancel() {
    if (this.pending.size === 0 && this.calls.size === 0) return false;
    const calls = [...this.calls];
    this.calls.clear();
    this.#drop(cancelledEnvelope());
    for (const c of calls) c.resolve(cancelledEnvelope());
    return true;
  }
}
