// scripts/serve.sh installs and builds only what serving needs: no C++
// compiler, doctest, Chromium or R (setup.sh --serve), no devDependencies,
// no native build (build.sh --serve).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { root } from './harness.mjs';
import { pathFarm, run } from './path_farm.mjs';

const TEST_ONLY = ['g++', 'doctest-dev', 'chromium', 'fonts-noto-cjk', 'r-base-core', 'r-cran-survival', 'r-cran-matchit', 'r-cran-maxstat', 'r-cran-jsonlite'];
// Programs of the test packages (and any C/C++ compiler but Emscripten's).
const TEST_PROGRAMS = /^(g\+\+|gcc|cc|c\+\+|cpp|c89|c99|x86_64-linux-gnu-.*|clang.*|chromium.*|R|Rscript)(-[0-9.]+)?$/;

async function packageSet(...args) {
  const r = await run('bash', ['scripts/setup.sh', ...args, '--list'], process.env);
  assert.equal(r.status, 0, r.output);
  return r.stdout.trim().split('\n');
}

test('setup --serve lists only the packages serving needs; the test command adds the rest', async () => {
  const serve = await packageSet('--serve');
  const tests = await packageSet();
  const withR = await packageSet('--with-r');
  for (const p of ['cmake', 'ninja-build', 'libeigen3-dev', 'nlohmann-json3-dev', 'emscripten']) assert.ok(serve.includes(p), p);
  for (const p of TEST_ONLY) {
    assert.ok(!serve.includes(p), `serve installs ${p}`);
    assert.ok(withR.includes(p), `the test command lacks ${p}`);
  }
  for (const p of serve) assert.ok(tests.includes(p) && withR.includes(p), p);
  for (const p of ['g++', 'doctest-dev', 'chromium']) assert.ok(tests.includes(p), p);
});

test('what the page and its build import is in dependencies (what serve installs), not devDependencies', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const files = [
    ...fs.readdirSync(path.join(root, 'web')).filter((f) => f.endsWith('.js')).map((f) => path.join('web', f)),
    'vite.config.js', 'vite.single.config.js',
    ...fs.readdirSync(path.join(root, 'scripts')).filter((f) => /^vite_.*\.js$/.test(f)).map((f) => path.join('scripts', f)),
  ];
  const imported = new Set();
  for (const f of files) {
    const text = fs.readFileSync(path.join(root, f), 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.') || spec.startsWith('node:')) continue;
      imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  assert.ok(imported.has('vite') && imported.has('@observablehq/plot'), [...imported].join(' '));
  for (const name of imported) assert.ok(pkg.dependencies[name], `${name} is imported but not in dependencies`);
});

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

test('the serve path configures, builds and serves with no C++ compiler, Chromium or R on PATH', async () => {
  const log = path.join(os.tmpdir(), `localsurv-cmake-${process.pid}.log`);
  fs.rmSync(log, { force: true });
  const farm = pathFarm({
    hide: (n) => TEST_PROGRAMS.test(n),
    scripts: { cmake: `#!/bin/sh\necho "$*" >>'${log}'\nexec /usr/bin/cmake "$@"\n` },
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-serve-'));
  let server;
  try {
    const env = farm.env();
    for (const p of ['g++', 'cc', 'chromium', 'Rscript']) assert.ok(!fs.existsSync(path.join(farm.bin, p)), p);

    // A fresh configure of the wasm build: Emscripten's compilers only, and
    // no doctest.
    const configure = await run('bash', ['-c', `source scripts/node_env.sh && localsurv_use_node &&
      emcmake cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Release`, 'bash', path.join(tmp, 'build-wasm')], env);
    assert.equal(configure.status, 0, configure.output);
    const cache = fs.readFileSync(path.join(tmp, 'build-wasm/CMakeCache.txt'), 'utf8');
    assert.match(cache, /^CMAKE_CXX_COMPILER:[A-Z]+=.*em\+\+$/m);
    assert.doesNotMatch(cache, /doctest/i);

    const port = await freePort();
    server = spawn('bash', ['scripts/serve.sh'], {
      cwd: root, env: { ...env, LOCALSURV_PORT: String(port) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout.on('data', (d) => (output += d));
    server.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}/`;
    let page = null;
    for (let i = 0; i < 600 && page === null; i++) {
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 1000))]);
      assert.equal(code, undefined, `serve.sh exited (${code}):\n${output}`);
      if (!output.includes(`open http://localhost:${port}`)) continue;
      try {
        const res = await fetch(url);
        if (res.ok) page = await res.text();
      } catch {
        // not listening yet
      }
    }
    assert.ok(page, `nothing served at ${url}:\n${output}`);
    assert.match(page, /<title[^>]*>[^<]*LocalSurv/);
    const licences = await fetch(`${url}THIRD_PARTY_LICENSES.txt`);
    assert.equal(licences.status, 200);
    const wasm = await fetch(`${url}localsurv.wasm`);
    assert.equal(wasm.status, 200);

    // Only the wasm build and the configure above ran cmake: no native build.
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    assert.ok(calls.some((c) => /--build build-wasm/.test(c)), calls.join('\n'));
    for (const c of calls) assert.doesNotMatch(c, /(-B|--build) build( |$)/, `native build run: ${c}`);
  } finally {
    if (server && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
    farm.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(log, { force: true });
  }
});

test('serve installs the npm dependencies only, and the page builds with them', async () => {
  // A copy of what the page's build reads, with no node_modules.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-serve-npm-'));
  try {
    for (const f of ['package.json', 'package-lock.json', 'vite.config.js', 'vite.single.config.js', 'LICENSE',
      'THIRD_PARTY_NOTICES.txt', 'scripts', 'web', 'public'])
      fs.cpSync(path.join(root, f), path.join(copy, f), { recursive: true });
    const setup = await run('bash', ['scripts/setup.sh', '--serve'], process.env, { cwd: copy });
    assert.equal(setup.status, 0, setup.output);
    assert.match(setup.stdout, /^setup: installing npm packages \(dependencies only\)$/m);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    for (const name of Object.keys(pkg.devDependencies))
      assert.ok(!fs.existsSync(path.join(copy, 'node_modules', name)), `${name} installed for serving`);
    const build = await run('bash', ['-c', `source scripts/node_env.sh && localsurv_use_node &&
      npx vite build --logLevel error && npx vite build --config vite.single.config.js --logLevel error`], process.env, { cwd: copy });
    assert.equal(build.status, 0, build.output);
    for (const f of ['dist/index.html', 'dist/THIRD_PARTY_LICENSES.txt', 'dist-single/localsurv.html'])
      assert.ok(fs.existsSync(path.join(copy, f)), f);
    // A later full setup there brings the test packages back.
    assert.equal(fs.readFileSync(path.join(copy, 'node_modules/.localsurv-install'), 'utf8'), 'serve\n');
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

