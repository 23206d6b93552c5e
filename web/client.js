// Page side of the worker bridge: lazy worker start, one promise per
// request, and cancel() that terminates the worker (the engine is restarted,
// and the file reloaded into it, on the next request).
export class EngineClient {
  constructor(base = new URL('./', document.baseURI).href) {
    this.base = base;
    this.worker = null;
    this.pending = new Map();
    this.nextId = 1;
    this.lastLoad = null;
  }

  #start() {
    if (this.worker) return;
    this.worker = new Worker(new URL('./worker.js', import.meta.url));
    this.worker.onmessage = ({ data }) => {
      const p = this.pending.get(data.id);
      if (!p) return;
      this.pending.delete(data.id);
      p.resolve(data.envelope);
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values())
        p.resolve({ ok: false, error: { message: `the analysis engine stopped: ${e.message}` } });
      this.pending.clear();
      this.worker = null;
    };
  }

  #request(type, payload) {
    this.#start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      this.worker.postMessage({ id, type, payload, base: this.base });
    });
  }

  /** @param {Uint8Array} bytes */
  async load(bytes, options = {}) {
    this.lastLoad = { bytes, options };
    return this.#request('load', { bytes, options });
  }

  describe(options = {}) {
    return this.#request('describe', options);
  }

  async run(spec) {
    if (!this.worker && this.lastLoad) await this.#request('load', this.lastLoad);
    return this.#request('run', JSON.stringify(spec));
  }

  cancel() {
    if (!this.worker) return;
    this.worker.terminate();
    this.worker = null;
    for (const p of this.pending.values()) p.resolve({ ok: false, cancelled: true, error: { message: 'cancelled' } });
    this.pending.clear();
  }
}
