// The worker bridge (web/client.js EngineClient <-> web/engine.js serveEngine)
// in Node: the real wasm engine behind an in-process fake Worker that keeps
// the browser's semantics that matter here (messages are structured-cloned
// and delivered asynchronously, terminate() silences the worker for good).
// Results are checked against the native CLI's output and against calling
// the engine directly; the protocol against web/engine.js's header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EngineClient } from '../../web/client.js';
import { createEngine, serveEngine } from '../../web/engine.js';
import { loadEngine, datasetPath, runCli, root } from './harness.mjs';

const lungBytes = new Uint8Array(fs.readFileSync(datasetPath('lung')));
const lungSpecFile = path.join(root, 'tests/specs/lung.basic.json');
const lungSpec = JSON.parse(fs.readFileSync(lungSpecFile, 'utf8'));

/** A Worker look-alike running serveEngine in this process; records what it sees. */
function fakeWorkers(loadEngineImpl = () => loadEngine()) {
  const log = { workers: [], engineLoads: 0, sources: [], received: [] };
  const create = () => {
    const worker = { terminated: false, onmessage: null, onerror: null };
    const scope = {
      postMessage(msg) {
        const data = structuredClone(msg);
        setImmediate(() => worker.terminated || worker.onmessage?.({ data }));
      },
    };
    serveEngine(scope, (source) => {
      log.engineLoads++;
      log.sources.push(source);
      return loadEngineImpl(source);
    });
    worker.postMessage = (msg) => {
      const data = structuredClone(msg);
      log.received.push(data);
      setImmediate(() => worker.terminated || scope.onmessage({ data }));
    };
    worker.terminate = () => {
      worker.terminated = true;
    };
    log.workers.push(worker);
    return worker;
  };
  return { create, log };
}

const source = () => ({ scriptUrl: 'test://localsurv.js' });

test('load, describe and run through the bridge give the CLI result; progress arrives as the engine reports it', async () => {
  const { create, log } = fakeWorkers();
  const client = new EngineClient({ createWorker: create, source });
  assert.equal(log.workers.length, 0, 'a worker started before any request');

  const loaded = await client.load(lungBytes);
  assert.equal(loaded.ok, true, JSON.stringify(loaded.error));
  assert.equal(loaded.result.rows, 228);
  // The engine's source is the first thing the worker hears, once.
  assert.deepEqual(log.received[0], { type: 'init', source: source() });
  assert.deepEqual(log.sources, [source()]);

  const described = await client.describe({});
  assert.deepEqual(described, loaded);

  const progress = [];
  const ran = await client.run(lungSpec, { onProgress: (p) => progress.push(p) });
  assert.equal(ran.ok, true, JSON.stringify(ran.error));
  const cli = runCli(datasetPath('lung'), lungSpecFile);
  assert.equal(cli.status, 0);
  assert.deepEqual(ran, JSON.parse(cli.stdout));

  // The same events the engine gives a direct caller, in order.
  const direct = await loadEngine();
  direct.load(lungBytes);
  const expected = [];
  direct.run(lungSpec, (p) => expected.push(p));
  assert.ok(expected.length >= 2, 'the engine reported no progress');
  assert.deepEqual(progress, expected);
  assert.equal(progress.at(-1).done, progress.at(-1).total);

  assert.equal(log.workers.length, 1);
  assert.equal(log.engineLoads, 1, 'the engine was loaded more than once');
  // Every request went out with its own id.
  const ids = log.received.filter((m) => m.type !== 'init').map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('cancel answers the pending request {ok:false, cancelled:true}, and the next run restarts the worker with the file reloaded', async () => {
  const { create, log } = fakeWorkers();
  const client = new EngineClient({ createWorker: create, source });
  assert.equal(client.cancel(), false, 'cancel with nothing running reported a cancel');
  assert.equal((await client.load(lungBytes)).ok, true);

  const pending = client.run(lungSpec);
  assert.equal(client.cancel(), true);
  const cancelled = await pending;
  assert.equal(cancelled.ok, false);
  assert.equal(cancelled.cancelled, true);
  assert.equal(cancelled.error.code, 'cancelled');
  assert.equal(log.workers[0].terminated, true, 'the worker was not terminated');

  const again = await client.run(lungSpec);
  assert.equal(again.ok, true, JSON.stringify(again.error));
  assert.deepEqual(again, JSON.parse(runCli(datasetPath('lung'), lungSpecFile).stdout));
  assert.equal(log.workers.length, 2, 'no new worker after cancel');
  assert.equal(log.engineLoads, 2);
  // The new worker got init, then the replayed file, then the run.
  const second = log.received.slice(log.received.findLastIndex((m) => m.type === 'init'));
  assert.deepEqual(second.map((m) => m.type), ['init', 'load', 'run']);
  assert.deepEqual(second[1].payload.bytes, lungBytes);

  // Cancelled mid-run (the worker has the request and has reported progress):
  // the run's answer, already on its way, is dropped with the worker.
  let progressSeen = 0;
  const midRun = await client.run(lungSpec, {
    onProgress: () => {
      progressSeen++;
      client.cancel();
    },
  });
  assert.equal(progressSeen, 1, 'progress arrived after the cancel');
  assert.equal(midRun.cancelled, true);
  assert.equal(log.workers.length, 2);
  assert.equal(log.workers[1].terminated, true);
  assert.equal(log.received.at(-1).type, 'run');
});

test('an engine that cannot load answers every request with code engine-load, and a later request tries again', async () => {
  let fail = true;
  const { create, log } = fakeWorkers(() => (fail ? Promise.reject(new Error('wasm fetch failed')) : loadEngine()));
  const client = new EngineClient({ createWorker: create, source });
  const [a, b] = await Promise.all([client.load(lungBytes), client.describe({})]);
  for (const env of [a, b]) {
    assert.equal(env.ok, false);
    assert.equal(env.error.code, 'engine-load');
    assert.match(env.error.message, /could not be loaded: wasm fetch failed/);
    assert.deepEqual(Object.keys(env.error).sort(), ['code', 'column', 'field', 'line', 'message']);
  }
  fail = false;
  const ran = await client.run(lungSpec);
  assert.equal(ran.ok, true, JSON.stringify(ran.error));
  assert.equal(ran.result.cohort.rows_available, 228, 'the file was not reloaded before the run');
  assert.equal(log.workers.length, 1, 'a load failure should not need a new worker');
});

test('a worker that cannot be created, a trap in the engine and a dying worker each give an envelope, not a rejection', async () => {
  const broken = new EngineClient({
    createWorker: () => {
      throw new Error('workers are disabled');
    },
    source,
  });
  const noWorker = await broken.run(lungSpec);
  assert.equal(noWorker.ok, false);
  assert.equal(noWorker.error.code, 'engine-load');
  assert.match(noWorker.error.message, /workers are disabled/);

  // An engine whose run throws, as a wasm trap does.
  const trapping = fakeWorkers(async () => ({
    load() {},
    describe: () => ({ ok: true, result: {} }),
    run() {
      throw new Error('RuntimeError: unreachable');
    },
  }));
  const client = new EngineClient({ createWorker: trapping.create, source });
  const trapped = await client.run(lungSpec);
  assert.equal(trapped.ok, false);
  assert.equal(trapped.error.code, 'engine-crash');
  assert.match(trapped.error.message, /unreachable/);
  assert.equal(trapping.log.workers[0].terminated, true, 'a trapped worker is kept');
  assert.equal((await client.describe({})).ok, true);
  assert.equal(trapping.log.workers.length, 2);

  // The worker itself dies (uncaught error event) with a request pending.
  const dying = fakeWorkers();
  const c2 = new EngineClient({ createWorker: dying.create, source });
  const pending = c2.load(lungBytes);
  dying.log.workers[0].onerror({ message: 'out of memory', preventDefault() {} });
  const died = await pending;
  assert.equal(died.ok, false);
  assert.equal(died.error.code, 'engine-crash');
  assert.match(died.error.message, /out of memory/);
});

test('serveEngine answers an unknown request type with bad-request', async () => {
  const out = [];
  const handle = serveEngine({ postMessage: (m) => out.push(m) }, () => loadEngine());
  await handle({ type: 'init', source: null });
  await handle({ type: 'frobnicate', id: 7 });
  assert.equal(out.length, 1);
  assert.equal(out[0].type, 'result');
  assert.equal(out[0].id, 7);
  assert.equal(out[0].envelope.error.code, 'bad-request');
});

test('createEngine falls back to Engine.run when the wasm has no runWithProgress, and uses it when it has', async () => {
  const calls = [];
  const envelope = '{"ok":true,"result":{"x":1}}';
  class OldEngine {
    setData() {}
    describe() {
      return envelope;
    }
    run(text) {
      calls.push(['run', text]);
      return envelope;
    }
  }
  const old = await createEngine(async () => ({ Engine: OldEngine, version: () => 'old' }));
  assert.equal(old.hasProgress, false);
  const seen = [];
  assert.deepEqual(old.run({ a: 1 }, (p) => seen.push(p)), { ok: true, result: { x: 1 } });
  assert.deepEqual(calls, [['run', '{"a":1}']]);
  assert.deepEqual(seen, []);

  class NewEngine extends OldEngine {
    runWithProgress(text, cb) {
      calls.push(['runWithProgress', text]);
      cb('Cox models', 1, 2);
      return envelope;
    }
  }
  const current = await createEngine(async () => ({ Engine: NewEngine, version: () => 'new' }));
  assert.equal(current.hasProgress, true);
  current.run('{"b":2}', (p) => seen.push(p));
  assert.deepEqual(calls.at(-1), ['runWithProgress', '{"b":2}']);
  assert.deepEqual(seen, [{ stage: 'Cox models', done: 1, total: 2 }]);
  // No callback: plain run, as before progress existed.
  current.run('{"c":3}');
  assert.deepEqual(calls.at(-1), ['run', '{"c":3}']);
  // The wasm build in the tree has it.
  assert.equal((await loadEngine()).hasProgress, true);
});

test('readSpec through the bridge: the engine\'s reading of a spec (its echo as a run gives it, each filter\'s tree), with or without a file, and its refusal', async () => {
  const { create } = fakeWorkers();
  const client = new EngineClient({ createWorker: create, source });
  const spec = { ...lungSpec, filter: 'age > 50 and sex in (1, "2")', subcohorts: [{ name: 'bad', filter: 'age >' }] };
  // No file is needed.
  const before = await client.readSpec(spec);
  assert.equal(before.ok, true, JSON.stringify(before.error));
  assert.deepEqual(before, (await loadEngine()).readSpec(spec));
  assert.deepEqual(before.result.filters.filter, { and: [
    { column: 'age', op: '>', value: { number: '50' } },
    { column: 'sex', in: [{ number: '1' }, { text: '2' }] },
  ] });
  assert.deepEqual(before.result.filters['subcohorts[0].filter'], { error: {
    message: "subcohorts[0].filter: expected a number or \"text\" but found 'end of the filter' at position 6", field: 'subcohorts[0].filter',
  } });
  // The echo is the run's result.spec.
  assert.equal((await client.load(lungBytes)).ok, true);
  const ran = JSON.parse(runCli(datasetPath('lung'), lungSpecFile).stdout).result;
  assert.deepEqual((await client.readSpec(lungSpec)).result.spec, ran.spec);
  const refused = await client.readSpec({ ...lungSpec, analyses: { km: { conf_int: 'x' } } });
  assert.equal(refused.ok, false);
  assert.equal(refused.error.field, 'analyses.km.conf_int');
});
