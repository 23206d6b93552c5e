// LICENSE and the notices: THIRD_PARTY_NOTICES.txt names what the engine
// compiles in (musl's libm, Eigen, nlohmann-json, Emscripten's runtime);
// the build's THIRD_PARTY_LICENSES.txt adds every npm package in the page's
// bundles, checked here against the bundles' source maps (an account of the
// bundled modules independent of the plugin that writes the list).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { root } from './harness.mjs';
import { bundleLicenses, LICENSES_FILE } from '../../scripts/vite_licenses.js';

const read = (...p) => fs.readFileSync(path.join(...p), 'utf8');
const squash = (s) => s.replace(/\r\n?/g, '\n').replace(/\s+/g, ' ').trim();
const MUSL = '/usr/share/emscripten/system/lib/libc/musl';

/** The package (name, version, licence, folder) a bundled file belongs to. */
function packageOf(file) {
  let dir = path.dirname(file);
  while (dir.includes(`${path.sep}node_modules${path.sep}`)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      if (pkg.name) return { name: pkg.name, version: pkg.version, license: pkg.license, dir };
    }
    dir = path.dirname(dir);
  }
  return null;
}

let built = null;
after(() => built && fs.rmSync(built.outDir, { recursive: true, force: true }));
/** The hosted page built with source maps into a temporary folder. */
async function buildWithMaps() {
  if (built) return built;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-licenses-'));
  await build({
    configFile: path.join(root, 'vite.config.js'),
    root: path.join(root, 'web'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, sourcemap: true },
  });
  const packages = new Map();
  const maps = [];
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) =>
    e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.js.map') && maps.push(path.join(d, e.name)));
  walk(outDir);
  for (const map of maps) {
    const { sources, sourceRoot = '' } = JSON.parse(fs.readFileSync(map, 'utf8'));
    for (const s of sources) {
      const p = packageOf(path.resolve(path.dirname(map), sourceRoot, s));
      if (p) packages.set(p.name, p);
    }
  }
  built = { outDir, maps, packages, text: read(outDir, LICENSES_FILE) };
  return built;
}

test('LocalSurv is MIT-licensed: LICENSE and package.json agree', () => {
  assert.match(read(root, 'LICENSE'), /^MIT License\n\nCopyright \(c\) \d{4} The LocalSurv authors\n/);
  assert.equal(JSON.parse(read(root, 'package.json')).license, 'MIT');
});

test('every npm package in the page and worker bundles is listed with its licence and licence text', async () => {
  const { maps, packages, text } = await buildWithMaps();
  assert.ok(maps.some((m) => /worker/.test(path.basename(m))), 'the worker bundle has a source map too');
  assert.ok(packages.has('@observablehq/plot') && packages.has('read-excel-file'), [...packages.keys()].join(' '));
  const listed = [...text.matchAll(/^(\S+) (\S+) \(npm\) - (.+)$/gm)].map((m) => ({ name: m[1], version: m[2], license: m[3] }));
  assert.deepEqual(listed.map((p) => p.name).sort(), [...packages.keys()].sort(), 'the list is exactly the bundled packages');
  for (const p of packages.values()) {
    const entry = listed.find((l) => l.name === p.name);
    assert.equal(entry.version, p.version, p.name);
    assert.equal(entry.license, p.license, p.name);
    assert.match(text, new RegExp(`^  ${p.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} ${p.version} - `, 'm'), `${p.name} in the contents`);
    const file = fs.readdirSync(p.dir).find((f) => /^(licen[sc]e|copying)/i.test(f));
    assert.ok(file, `${p.name} has a licence file`);
    assert.ok(squash(text).includes(squash(read(p.dir, file))), `${p.name}'s ${file} is in the notices`);
  }
});

test('the shipped notices are that list, next to the hosted page and inside the single file', async () => {
  const { text } = await buildWithMaps();
  assert.equal(read(root, 'dist', LICENSES_FILE), text);
  assert.equal(read(root, 'dist-single', LICENSES_FILE), text);
  assert.ok(text.includes(read(root, 'LICENSE').trimEnd()));
  assert.ok(text.includes(read(root, 'THIRD_PARTY_NOTICES.txt').trimEnd()));

  const index = read(root, 'dist/index.html');
  assert.match(index, /^<!doctype html>\n<!--\nLocalSurv \(MIT License\)\. The licences of the software in this page are in THIRD_PARTY_LICENSES\.txt\.\n-->/i);
  const single = read(root, 'dist-single/localsurv.html');
  const start = single.indexOf('<!--\n');
  const end = single.indexOf('\n-->', start);
  assert.ok(start > 0 && start < 40 && end > start, 'a comment right after the doctype');
  assert.ok(single.slice(start, end).includes(text), 'the single file carries the whole text');

  const sw = read(root, 'dist/sw.js');
  const build = JSON.parse(sw.match(/^self\.LOCALSURV_BUILD = (.*);$/m)[1]);
  assert.ok(build.files.includes(LICENSES_FILE), 'cached for offline use');
});

test('THIRD_PARTY_NOTICES.txt covers what the engine compiles in, with the licence texts', () => {
  const notices = read(root, 'THIRD_PARTY_NOTICES.txt');
  for (const heading of [/^Eigen 3\.4\.0 /m, /^JSON for Modern C\+\+ 3\.11\.2 /m, /^fast_float 3\.9\.0 /m, /^musl libc /m, /^Emscripten 3\.1\.6 /m])
    assert.match(notices, heading);
  assert.ok(notices.includes(read(MUSL, 'COPYRIGHT').trimEnd()), "musl's COPYRIGHT file, verbatim");
  if (fs.existsSync('/usr/share/common-licenses/MPL-2.0'))
    assert.ok(notices.includes(read('/usr/share/common-licenses/MPL-2.0').trimEnd()), 'the MPL-2.0 text (Eigen)');
  assert.match(notices, /University of Illinois\/NCSA/);
  assert.match(notices, /Copyright \(c\) 2013-2022 Niels Lohmann/);

  // Every copyright line of every musl file the native build compiles
  // (libm/CMakeLists.txt) is in the notices.
  const names = read(root, 'libm/CMakeLists.txt').match(/set\(names ([^)]*)\)/)[1].trim().split(/\s+/);
  assert.ok(names.length > 10, names.join(' '));
  for (const n of names) {
    const source = read(MUSL, 'src/math', `${n}.c`);
    const header = source.slice(0, source.search(/^#include/m));
    for (const line of header.split('\n').filter((l) => /copyright/i.test(l))) {
      const holder = line.replace(/^[\s/*]*/, '').trim();
      assert.ok(squash(notices).includes(squash(holder)), `${n}.c: "${holder}"`);
    }
  }
});

test('a bundled package under a licence that is not permissive stops the build', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-gpl-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules/copyleft'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules/copyleft/package.json'),
      JSON.stringify({ name: 'copyleft', version: '1.0.0', license: 'GPL-3.0-only', type: 'module', main: 'index.js' }));
    // (Code that survives tree-shaking: a module Rolldown inlines away
    // entirely is not in the bundle.)
    fs.writeFileSync(path.join(dir, 'node_modules/copyleft/index.js'), 'export function copyleft(n) { return `copyleft ${n} ${Date.now()}`; }\n');
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>\n');
    fs.writeFileSync(path.join(dir, 'main.js'), "import { copyleft } from 'copyleft';\ndocument.body.textContent = copyleft(document.title);\n");
    await assert.rejects(
      build({ configFile: false, root: dir, logLevel: 'silent', build: { outDir: path.join(dir, 'out'), write: false },
        plugins: bundleLicenses().plugins }),
      /copyleft.*GPL-3\.0-only/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
