// The reproduction link (web/share.js): specs survive the round trip exactly
// (checked against the spec files and the CLI's echoed result.spec, then by
// re-running the CLI on the decoded spec), the fingerprint matches node:crypto,
// every malformed link is a ShareError with a message a user can act on, a
// hostile spec (too deep, too large, wrong types) is refused before anything
// uses it, and a different file is reported as different.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { runCli, root, specCases, datasetPath } from './harness.mjs';
import {
  sha256Hex,
  encodeShare,
  decodeShare,
  looksLikeShare,
  checkFingerprint,
  shareUrl,
  ShareError,
  SHARE_VERSION,
  SPEC_LIMITS,
  parseSpecJson,
  runPlan,
} from '../../web/share.js';

const csvPath = path.join(root, 'public/examples/npc_cohort.csv');
const specPath = path.join(root, 'public/examples/npc_paper.spec.json');
const csv = new Uint8Array(fs.readFileSync(csvPath));
const paperSpec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
const csvSha = createHash('sha256').update(csv).digest('hex');

async function deflateRaw(bytes) {
  const s = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(s).arrayBuffer());
}
const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

async function rejectsWith(fragment, code, pattern) {
  await assert.rejects(decodeShare(fragment), (e) => {
    assert.ok(e instanceof ShareError, `expected a ShareError, got ${e?.name}: ${e?.message}`);
    assert.equal(e.code, code, `code for ${fragment.slice(0, 60)}: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('sha256Hex: the FIPS 180-2 vectors for "" and "abc"', async () => {
  assert.equal(await sha256Hex(new Uint8Array()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(
    await sha256Hex(new TextEncoder().encode('abc')),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
});

test('sha256Hex of the bundled CSV equals node:crypto', async () => {
  assert.equal(await sha256Hex(csv), csvSha);
});

test('the paper spec file: fragment under 2,500 characters, format ls1, round trip deep-equal', async () => {
  const fragment = await encodeShare({ spec: paperSpec, sha256: csvSha, size: csv.length });
  assert.ok(fragment.length < 2500, `fragment is ${fragment.length} characters`);
  assert.match(fragment, new RegExp(`^#ls${SHARE_VERSION}\\.[A-Za-z0-9_-]+\\.${csvSha}\\.${csv.length}$`));
  assert.ok(looksLikeShare(fragment));
  const back = await decodeShare(fragment);
  assert.deepEqual(back, { spec: paperSpec, sha256: csvSha, size: csv.length });
  // location.hash hands the fragment back with its '#'; a pasted one may lack it.
  assert.deepEqual(await decodeShare(fragment.slice(1)), back);
});

test('the fragment carries only spec, fingerprint and size: a file name passed along is not encoded', async () => {
  const plain = await encodeShare({ spec: paperSpec, sha256: csvSha, size: csv.length });
  const withName = await encodeShare({ spec: paperSpec, sha256: csvSha, size: csv.length, name: 'Doe_John_2019.csv', rows: [[1, 2]] });
  assert.equal(withName, plain);
  assert.deepEqual(Object.keys(await decodeShare(plain)).sort(), ['sha256', 'size', 'spec']);
});

test('the CLI-echoed result.spec round-trips and, run again by the CLI, gives a byte-identical result JSON', async () => {
  const first = runCli(csvPath, specPath);
  assert.equal(first.status, 0, first.stdout.slice(0, 300));
  const echoed = JSON.parse(first.stdout).result.spec;
  const fragment = await encodeShare({ spec: echoed, sha256: csvSha, size: csv.length });
  assert.ok(fragment.length < 2500, `fragment is ${fragment.length} characters`);
  const { spec } = await decodeShare(fragment);
  assert.deepEqual(spec, echoed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-share-'));
  try {
    const file = path.join(dir, 'spec.json');
    fs.writeFileSync(file, JSON.stringify(spec));
    const second = runCli(csvPath, file);
    assert.equal(second.status, 0, second.stdout.slice(0, 300));
    assert.ok(second.stdout === first.stdout, 'result JSON differs after the share round trip');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('non-ASCII text in a spec (labels, filters) survives the round trip', async () => {
  const spec = { version: 1, filter: 'site == "Zürich – Süd"', derive: [{ name: 'âge', cut: { column: 'age', breaks: [45], labels: ['<45', '≥45'] } }] };
  const sha = 'ab'.repeat(32);
  assert.deepEqual(await decodeShare(await encodeShare({ spec, sha256: sha, size: 0 })), { spec, sha256: sha, size: 0 });
});

test('malformed fragments: each is a ShareError with its code and a plain message', async () => {
  const good = await encodeShare({ spec: paperSpec, sha256: csvSha, size: csv.length });
  const [, packed] = good.slice(1).split('.');
  const tail = `${csvSha}.${csv.length}`;

  await rejectsWith('', 'empty', /holds no analysis/);
  await rejectsWith('#', 'empty', /holds no analysis/);
  await rejectsWith('#results', 'prefix', /not a LocalSurv reproduction link/);
  await rejectsWith(`#xx1.${packed}.${tail}`, 'prefix', /not a LocalSurv/);
  await rejectsWith(`#ls.${packed}.${tail}`, 'prefix', /not a LocalSurv/);
  await rejectsWith(`#ls2.${packed}.${tail}`, 'version', /newer version of LocalSurv/);
  await rejectsWith(`#ls0.${packed}.${tail}`, 'version', /format 0/);

  // Cut by a mail program: the trailing parts are gone.
  await rejectsWith(good.slice(0, 800), 'parts', /incomplete.*four parts.*has 2/);
  await rejectsWith(`#ls1.${packed}.${csvSha}`, 'parts', /incomplete/);
  await rejectsWith(`#ls1..${tail}`, 'parts', /incomplete/);
  await rejectsWith(`#ls1.${packed}.${tail}.extra`, 'parts', /has 5/);

  await rejectsWith(`#ls1.${packed.slice(0, 100)}+/${packed.slice(100)}.${tail}`, 'base64', /characters that do not belong/);
  await rejectsWith(`#ls1.${packed.slice(0, 100)}%20${packed.slice(100)}.${tail}`, 'base64', /do not belong/);
  await rejectsWith(`#ls1.${packed}=.${tail}`, 'base64', /do not belong/);
  await rejectsWith(`#ls1.A.${tail}`, 'base64', /do not belong/); // 1 mod 4: not whole bytes

  await rejectsWith(`#ls1.${packed}.${csvSha.slice(0, 63)}.${csv.length}`, 'hash', /64 hexadecimal.*is 63 characters/);
  await rejectsWith(`#ls1.${packed}.${csvSha.slice(0, 63)}g.${csv.length}`, 'hash', /other characters/);
  await rejectsWith(`#ls1.${packed}.${csvSha}0.${csv.length}`, 'hash', /is 65 characters/);

  await rejectsWith(`#ls1.${packed}.${csvSha}.12kB`, 'size', /not a number of bytes/);
  await rejectsWith(`#ls1.${packed}.${csvSha}.-5`, 'size', /not a number of bytes/);
  await rejectsWith(`#ls1.${packed}.${csvSha}.99999999999999999999`, 'size', /not a number of bytes/);

  // Valid base64url, but not a deflate stream / a truncated one.
  await rejectsWith(`#ls1.${b64url(new Uint8Array([0xff, 0xff, 1, 2, 3]))}.${tail}`, 'deflate', /damaged and cannot be unpacked/);
  await rejectsWith(`#ls1.${packed.slice(0, 400)}.${tail}`, 'deflate', /cannot be unpacked/);

  // Deflate fine, content not: invalid UTF-8, then text that is not JSON.
  await rejectsWith(`#ls1.${b64url(await deflateRaw(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])))}.${tail}`, 'json', /not valid JSON/);
  await rejectsWith(`#ls1.${b64url(await deflateRaw(new TextEncoder().encode('{"version": 1,')))}.${tail}`, 'json', /not valid JSON/);
  for (const notObject of ['[1,2]', 'null', '"spec"', '42']) {
    await rejectsWith(`#ls1.${b64url(await deflateRaw(new TextEncoder().encode(notObject)))}.${tail}`, 'spec', /expected a JSON object/);
  }

  // A deflate bomb: 2 MB of spaces packs to a few kB; it must not be inflated whole.
  const bomb = await deflateRaw(new TextEncoder().encode(`{"a":"${' '.repeat(2 << 20)}"}`));
  await rejectsWith(`#ls1.${b64url(bomb)}.${tail}`, 'deflate', /more than 1 MB/);
});

test('an upper-case fingerprint is accepted and read as lower case', async () => {
  const good = await encodeShare({ spec: { version: 1 }, sha256: csvSha, size: 7 });
  const upper = good.replace(csvSha, csvSha.toUpperCase());
  assert.notEqual(upper, good);
  assert.equal((await decodeShare(upper)).sha256, csvSha);
});

test('encodeShare refuses arguments that would make a broken link', async () => {
  await assert.rejects(encodeShare({ spec: [], sha256: csvSha, size: 1 }), TypeError);
  await assert.rejects(encodeShare({ spec: { version: 1 }, sha256: csvSha.toUpperCase(), size: 1 }), TypeError);
  await assert.rejects(encodeShare({ spec: { version: 1 }, sha256: 'abc', size: 1 }), TypeError);
  await assert.rejects(encodeShare({ spec: { version: 1 }, sha256: csvSha, size: -1 }), TypeError);
  await assert.rejects(encodeShare({ spec: { version: 1 }, sha256: csvSha, size: 1.5 }), TypeError);
});

test('checkFingerprint: the same bytes match; a different size or content is reported as a different file', async () => {
  const expected = { sha256: csvSha, size: csv.length };

  const same = await checkFingerprint(expected, csv.slice());
  assert.equal(same.ok, true);
  assert.equal(same.sha256, csvSha);
  assert.match(same.message, /is the one the link was made with/);

  // A trailing newline added by an editor: the size differs.
  const longer = new Uint8Array(csv.length + 1);
  longer.set(csv);
  longer[csv.length] = 0x0a;
  const bySize = await checkFingerprint(expected, longer);
  assert.equal(bySize.ok, false);
  assert.equal(bySize.size, csv.length + 1);
  assert.match(bySize.message, new RegExp(`${(csv.length + 1).toLocaleString('en-US')} bytes`));
  assert.match(bySize.message, new RegExp(`made with is ${csv.length.toLocaleString('en-US')} bytes`));
  assert.match(bySize.message, /not the file the link was made with/);
  assert.match(bySize.message, /would not reproduce the shared numbers/);

  // One digit changed: same size, different content.
  const edited = csv.slice();
  const i = edited.lastIndexOf(0x31); // a '1' near the end of the data
  assert.ok(i > 0);
  edited[i] = 0x32;
  const byContent = await checkFingerprint(expected, edited);
  assert.equal(byContent.ok, false);
  assert.equal(byContent.size, csv.length);
  assert.notEqual(byContent.sha256, csvSha);
  assert.match(byContent.message, /same size .* but different content/);
  assert.match(byContent.message, /would not reproduce the shared numbers/);

  // What decodeShare returns is what checkFingerprint takes.
  const decoded = await decodeShare(await encodeShare({ spec: paperSpec, ...expected }));
  assert.equal((await checkFingerprint(decoded, csv)).ok, true);
});

test('shareUrl replaces any existing fragment and keeps path and query', () => {
  const frag = '#ls1.abc.' + 'a'.repeat(64) + '.10';
  assert.equal(shareUrl('https://example.org/app/?lang=en', frag), `https://example.org/app/?lang=en${frag}`);
  assert.equal(shareUrl({ href: 'https://example.org/app/#ls1.old.x.1' }, frag), `https://example.org/app/${frag}`);
  assert.equal(shareUrl(new URL('file:///home/me/localsurv/index.html#top'), frag.slice(1)), `file:///home/me/localsurv/index.html${frag}`);
});

test('looksLikeShare tells share fragments from other anchors', () => {
  assert.equal(looksLikeShare('#ls1.x.y.z'), true);
  assert.equal(looksLikeShare('ls2.x'), true);
  assert.equal(looksLikeShare(''), false);
  assert.equal(looksLikeShare('#results'), false);
  assert.equal(looksLikeShare('#lsomething'), false);
});

// ------------------------------------------------------ hostile specs in links

/** A link carrying `text` as its spec, bound to the bundled example. */
async function linkWith(text) {
  return `#ls1.${b64url(await deflateRaw(new TextEncoder().encode(text)))}.${csvSha}.${csv.length}`;
}
const linkOf = (spec) => linkWith(JSON.stringify(spec));
const nested = (open, close, depth, inner = '0') => open.repeat(depth) + inner + close.repeat(depth);

test('spec limits are the documented ones', () => {
  assert.deepEqual({ ...SPEC_LIMITS }, { depth: 32, entries: 10_000, text: 100_000, values: 100_000 });
  const doc = fs.readFileSync(path.join(root, 'docs/spec.md'), 'utf8');
  for (const row of [/nesting of lists and objects \| 32 levels/, /entries in one list or object \| 10,000/, /characters in one text \| 100,000/, /values in the whole spec \| 100,000/])
    assert.match(doc, row);
});

test('a link nesting 5,000 lists or objects deep is a ShareError "depth", before any parser or structuredClone sees it', async () => {
  for (const text of [
    `{"version":1,"event":{"values":${nested('[', ']', 5000)}}}`,
    `{"version":1,"analyses":${nested('{"a":', '}', 5000, '{}')}}`,
    `{"version":1,"x":${nested('[', ']', 200000)}}`, // a 400 kB link of brackets
  ]) {
    await rejectsWith(await linkWith(text), 'depth', /more than 32 levels deep.*needs at most 8\./);
  }
  // At the limit: the top object and 31 lists inside it are 32 levels.
  const atLimit = `{"version":1,"x":${nested('[', ']', 31)}}`;
  assert.equal((await decodeShare(await linkWith(atLimit))).spec.version, 1);
  await rejectsWith(await linkWith(`{"version":1,"x":${nested('[', ']', 32)}}`), 'depth', /32 levels/);
  // Brackets inside text (a filter, a label) are not nesting, escaped quotes included.
  const filter = `x == "\\"${'['.repeat(5000)}"`;
  assert.equal((await decodeShare(await linkOf({ version: 1, filter }))).spec.filter, filter);
  // The JSON editor's text gets the same check and the same code.
  assert.throws(() => parseSpecJson(`{"a":${nested('[', ']', 5000)}}`), (e) => e instanceof ShareError && e.code === 'depth' && /^The spec nests/.test(e.message));
});

// How deep a JSON value nests lists and objects (the spec's own object is 1).
const depthOf = (v) => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);

test('the deepest valid spec nests 8 levels: the engine runs it, and its message, the page\'s and docs/spec.md say 8', () => {
  // The deepest paths a spec has: subcohorts[].analyses.cutpoint.groups.match.exact[]
  // and subcohorts[].analyses.subgroups.variables[].levels[].
  const deepest = {
    time: 'time', event: { column: 'status', values: [2] }, group: 'sex', covariates: ['ph.ecog'],
    subcohorts: [{
      name: 'deepest', filter: 'age > 0',
      analyses: {
        cutpoint: { column: 'age', groups: { use: 'median', none: 'age < 50', match: { exact: ['ph.ecog'] } } },
        subgroups: { variables: [{ column: 'ph.ecog', levels: ['0', '1', '2', '3'] }] },
      },
    }],
  };
  const depth = depthOf(deepest);
  assert.equal(depth, 8);
  const { cutpoint, subgroups } = deepest.subcohorts[0].analyses;
  assert.equal(depthOf(cutpoint), depthOf(subgroups));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'share-depth-'));
  try {
    const run = (spec) => {
      const file = path.join(dir, 'spec.json');
      fs.writeFileSync(file, typeof spec === 'string' ? spec : JSON.stringify(spec));
      return JSON.parse(runCli(datasetPath('lung'), file).stdout);
    };
    const ran = run(deepest);
    assert.equal(ran.ok, true, JSON.stringify(ran.error));
    assert.equal(ran.result.subcohorts[0].error, undefined);
    const tooDeep = run(`{"x":${nested('[', ']', 40)}}`);
    assert.match(tooDeep.error.message, new RegExp(`a spec needs at most ${depth}\\)$`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => parseSpecJson(`{"x":${nested('[', ']', 40)}}`), (e) => e.message.includes(`an analysis spec needs at most ${depth}.`));
  const doc = fs.readFileSync(path.join(root, 'docs/spec.md'), 'utf8');
  const said = [...doc.matchAll(/(?:needs|nests) at most (\d+) \(`([^`]+)`\)/g)];
  assert.deepEqual(said.map((m) => [Number(m[1]), m[2]]), [[depth, 'subcohorts[].analyses.cutpoint.groups.match.exact[]'], [depth, 'subcohorts[].analyses.cutpoint.groups.match.exact[]']]);
  assert.equal(depthOf(paperSpec), Number(/spec in `public\/examples\/` is [^,]*, nests (\d+)\s+levels/.exec(doc)[1]), 'docs/spec.md: how deep the paper spec nests');
});

test('runPlan names a link\'s unknown analysis by its key, also one Object.prototype holds ("constructor", "__proto__")', async () => {
  const text = '{"version":1,"analyses":{"km":{},"constructor":{},"__proto__":{},"hasOwnProperty":{},"isPrototypeOf":{}}}';
  const { spec } = await decodeShare(await linkWith(text));
  const plan = runPlan(spec);
  assert.deepEqual(plan.analyses, ['km', 'constructor', '__proto__', 'hasOwnProperty', 'isPrototypeOf']);
  assert.equal(plan.text, 'It runs 5 analyses (Kaplan–Meier, "constructor", "__proto__", "hasOwnProperty", "isPrototypeOf") on the whole cohort.');
  assert.deepEqual(runPlan(parseSpecJson(text)), plan);
});

test('huge lists, objects, texts and value counts in a link are a ShareError "length" naming where and the limit', async () => {
  const times = (n) => ({ version: 1, analyses: { km: { times: Array.from({ length: n }, (_, i) => i) } } });
  assert.equal((await decodeShare(await linkOf(times(10_000)))).spec.analyses.km.times.length, 10_000);
  await rejectsWith(await linkOf(times(10_001)), 'length', /a list of 10,001 entries at analyses\.km\.times \(at most 10,000\)/);

  const types = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`c${i}`, 'numeric']));
  await rejectsWith(await linkOf({ version: 1, data: { column_types: types } }), 'length', /an object of 10,001 entries at data\.column_types/);

  await rejectsWith(await linkOf({ version: 1, filter: 'x'.repeat(100_001) }), 'length', /a text of 100,001 characters at filter \(at most 100,000\)/);
  assert.equal((await decodeShare(await linkOf({ version: 1, filter: 'x'.repeat(100_000) }))).spec.filter.length, 100_000);

  // Eleven lists of 10,000: each within its limit, 110,000 values in all.
  const many = { version: 1, x: Array.from({ length: 11 }, () => Array(10_000).fill(0)) };
  await rejectsWith(await linkOf(many), 'length', /more than 100,000 values in all/);
});

test('wrong types where the page expects objects, lists or text are a ShareError "shape" naming the field', async () => {
  const base = { version: 1, time: { column: 'os_months', unit: 'months' }, event: { column: 'os_status', values: ['1'] } };
  const cases = [
    [{ analyses: [] }, /"analyses" must be an object, not an empty list/],
    [{ analyses: { km: 5 } }, /"analyses\.km" must be an object of options, not a number/],
    [{ analyses: { cutpoint: 'bed' } }, /"analyses\.cutpoint" must be an object of options, not text/],
    [{ analyses: { cox: { force: 'age' } } }, /"analyses\.cox\.force" must be a list of column names, not text/],
    [{ analyses: { matching: { exact: [{}] } } }, /"analyses\.matching\.exact\[0\]" must be a column name, not an object/],
    [{ analyses: { subgroups: { variables: [null] } } }, /"analyses\.subgroups\.variables\[0\]" must be a column name or an object/],
    [{ analyses: { cutpoint: { groups: { match: 'yes' } } } }, /"analyses\.cutpoint\.groups\.match" must be true, false or an object/],
    [{ analyses: { km: { times: '12, 36' } } }, /"analyses\.km\.times" must be a list of numbers, not text/],
    [{ analyses: { km: { times: [12, '36'] } } }, /"analyses\.km\.times\[1\]" must be a number, not text/],
    [{ event: { column: 'os_status', values: true } }, /"event\.values" must be a list of texts or numbers, not true\/false/],
    [{ subcohorts: {} }, /"subcohorts" must be a list, not an object/],
    [{ subcohorts: [null] }, /"subcohorts\[0\]" must be an object \{name, filter\}, not null/],
    [{ subcohorts: [{ name: 'a', filter: 'x == 1', analyses: { km: [] } }] }, /"subcohorts\[0\]\.analyses\.km" must be an object/],
    [{ subcohorts: [{ name: ['a'], filter: 'x == 1' }] }, /"subcohorts\[0\]\.name" must be text, not a list/],
    [{ derive: [{ name: 'a_cut', cut: true }] }, /"derive\[0\]\.cut" must be an object, not true\/false/],
    [{ derive: [{ name: 'a_cut', cut: { column: 'a', breaks: '45' } }] }, /"derive\[0\]\.cut\.breaks" must be a list of one or more numbers/],
    [{ derive: [{ name: 'a_cut', cut: { column: 'a', breaks: [] } }] }, /"derive\[0\]\.cut\.breaks" must be a list of one or more numbers, not an empty list/],
    [{ derive: [{ name: 'a_cut', cut: { column: 'a' } }] }, /"derive\[0\]\.cut\.breaks" is required/],
    [{ derive: [{ name: 'time_from_dates', date_diff: 'dx' }] }, /"derive\[0\]\.date_diff" must be an object/],
    [{ derive: ['bed'] }, /"derive\[0\]" must be an object \{name, …\}, not text/],
    [{ covariates: 'age' }, /"covariates" must be a list, not text/],
    [{ covariates: [null] }, /"covariates\[0\]" must be a column name or an object/],
    [{ covariates: [{ column: 'age', levels: [{}] }] }, /"covariates\[0\]\.levels\[0\]" must be text or a number, not an object/],
    [{ time: 5 }, /"time" must be text or an object, not a number/],
    [{ event: { column: 'os_status', values: [{ a: 1 }] } }, /"event\.values\[0\]" must be text or a number, not an object/],
    [{ group: { column: 'lt', levels: [[1]] } }, /"group\.levels\[0\]" must be text or a number, not a list/],
    [{ filter: { and: [] } }, /"filter" must be text, not an object/],
    [{ data: { column_types: { age: 1 } } }, /"data\.column_types\.age" must be "numeric" or "categorical", not a number/],
    [{ data: [] }, /"data" must be an object/],
    [{ data: { missing_values: ['unknown'] } }, /"data\.missing_values" must be an object/],
    [{ data: { missing_values: { rfstime: 'unknown' } } }, /"data\.missing_values\.rfstime" must be a list of the texts read as missing, not text/],
    [{ data: { missing_values: { rfstime: ['unknown', -99] } } }, /"data\.missing_values\.rfstime\[1\]" must be text \(as in the file\), not a number/],
    [{ labels: [] }, /"labels" must be an object, not an empty list/],
    [{ labels: { columns: { lt: 1 } } }, /"labels\.columns\.lt" must be text \(the display name\), not a number/],
    [{ labels: { levels: { lt: 'No' } } }, /"labels\.levels\.lt" must be an object \{level: display name\}, not text/],
    [{ labels: { levels: { lt: { 0: ['No'] } } } }, /"labels\.levels\.lt\.0" must be text \(the display name\), not a list/],
    // An object that throws when the page turns it into text.
    [{ analyses: { km: { conf_type: { toString: 1 } } } }, /"analyses\.km\.conf_type\.toString" is not an option of any analysis/],
    [{ subcohorts: [{ name: { valueOf: 0 }, filter: 'x == 1' }] }, /"subcohorts\[0\]\.name\.valueOf" is not an option/],
  ];
  for (const [extra, message] of cases) {
    const spec = { ...base, ...extra };
    await assert.rejects(decodeShare(await linkOf(spec)), (e) => {
      assert.ok(e instanceof ShareError, `${JSON.stringify(extra)}: ${e}`);
      assert.equal(e.code, 'shape', JSON.stringify(extra));
      assert.match(e.message, /^The analysis in this link is not a valid analysis: /);
      assert.match(e.message, message, JSON.stringify(extra));
      return true;
    });
  }
});

test('shapes the engine accepts open: short forms, null options, any column name in column_types, missing_values and labels', async () => {
  const spec = {
    version: 1,
    time: 'os_months',
    event: { column: 'os_status', values: 1 },
    group: 'lt',
    filter: null,
    data: { column_types: { toString: 'categorical', valueOf: 'numeric' }, missing_values: { valueOf: ['unknown', 'toString'], os_months: [] } },
    labels: { columns: { valueOf: 'V', lt: 'Local therapy' }, levels: { toString: { valueOf: 'v' }, lt: { 0: 'No', 1: 'Yes' } } },
    covariates: ['age', { column: 'sex', type: 'factor', levels: ['F', 'M'], reference: 'F' }],
    analyses: { km: { times: [12] }, cox: { force: ['age'] }, cutpoint: { column: 'bed', groups: { match: true } }, table1: null },
  };
  // A column may be named "__proto__": only JSON text can carry that as a key.
  const text = JSON.stringify(spec).replace('"toString"', '"__proto__":"numeric","toString"');
  const back = (await decodeShare(await linkWith(text))).spec;
  assert.deepEqual(back, JSON.parse(text));
  assert.deepEqual(Object.keys(back.data.column_types), ['__proto__', 'toString', 'valueOf']);
});

test('a link carrying Table 1\'s option for 0/1 columns opens with it, and the CLI runs it', async () => {
  for (const binary of ['counts', 'numeric']) {
    const spec = { ...paperSpec, analyses: { ...paperSpec.analyses, table1: { yates: true, binary } } };
    const back = (await decodeShare(await encodeShare({ spec, sha256: csvSha, size: csv.length }))).spec;
    assert.deepEqual(back, spec);
    assert.deepEqual(parseSpecJson(JSON.stringify(back)), spec);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-share-'));
    try {
      const file = path.join(dir, 'spec.json');
      fs.writeFileSync(file, JSON.stringify(back));
      const out = runCli(csvPath, file);
      assert.equal(out.status, 0, out.stdout.slice(0, 300));
      assert.equal(JSON.parse(out.stdout).result.spec.analyses.table1.binary, binary);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('every spec the suite runs passes the checks unchanged, and so does its CLI-echoed spec (what a link carries)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-share-'));
  try {
    for (const c of [...specCases(), { name: 'npc_paper', specFile: specPath, data: csvPath }]) {
      const text = fs.readFileSync(c.specFile, 'utf8');
      assert.deepEqual(parseSpecJson(text), JSON.parse(text), c.name);
      const out = runCli(c.data ?? datasetPath(c.dataset), c.specFile);
      assert.equal(out.status, 0, `${c.name}: ${out.stdout.slice(0, 300)}`);
      const echoed = JSON.stringify(JSON.parse(out.stdout).result.spec);
      assert.deepEqual(parseSpecJson(echoed), JSON.parse(echoed), `${c.name} (echoed)`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('runPlan says what a link will run: the analyses, the subcohorts, and what makes a run long', async () => {
  const paper = runPlan(paperSpec);
  assert.deepEqual(paper.analyses, Object.keys(paperSpec.analyses).filter((k) => paperSpec.analyses[k]?.enabled !== false));
  assert.equal(paper.subcohorts, paperSpec.subcohorts?.length ?? 0);
  assert.match(paper.text, new RegExp(`^It runs ${paper.analyses.length} analyses \\(.*Kaplan–Meier.*\\) on the whole cohort`));

  // The runaway link: 10,000 subcohorts bound to the example's fingerprint.
  // It decodes (the engine's own limit refuses it when run), and the plan says so.
  const subcohorts = Array.from({ length: 10_000 }, (_, i) => ({ name: `s${i}`, filter: `age > ${i % 90}` }));
  const link = await linkOf({ ...paperSpec, subcohorts });
  const { spec } = await decodeShare(link);
  const plan = runPlan(spec);
  assert.equal(plan.subcohorts, 10_000);
  assert.match(plan.text, /on each of 10,000 subcohorts \(10,001 cohorts in all\)\./);

  const heavy = runPlan({
    analyses: { km: {}, followup: { enabled: false }, matching: { rounds: 12 }, cutpoint: { column: 'bed', pmethod: 'condmc', replicates: 1_000_000 } },
    subcohorts: [{ name: 'a', filter: 'x == 1' }, { name: 'b', filter: 'x == 2', analyses: { km: {} } }],
  });
  assert.deepEqual(heavy.analyses, ['km', 'matching', 'cutpoint']);
  assert.equal(
    heavy.text,
    'It runs 3 analyses (Kaplan–Meier, propensity-score matching, best cutpoint) on the whole cohort and on each of 2 subcohorts (3 cohorts in all; 1 of the subcohorts with analyses of their own). Each cohort: matching repeats for up to 12 rounds; the cutpoint\'s p-value uses 1,000,000 Monte Carlo replicates.',
  );
  assert.equal(runPlan({ analyses: {} }).text, 'It runs no analysis on the whole cohort (none is switched on).');
  assert.equal(runPlan({ analyses: { km: {} }, subcohorts: [{ name: 'a', filter: 'x' }] }).text, 'It runs 1 analysis (Kaplan–Meier) on the whole cohort and on each of 1 subcohort (2 cohorts in all).');
});
