// The reproduction link (web/share.js): specs survive the round trip exactly
// (checked against the spec files and the CLI's echoed result.spec, then by
// re-running the CLI on the decoded spec), the fingerprint matches node:crypto,
// every malformed link is a ShareError with a message a user can act on, and
// a different file is reported as different.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { runCli, root } from './harness.mjs';
import {
  sha256Hex,
  encodeShare,
  decodeShare,
  looksLikeShare,
  checkFingerprint,
  shareUrl,
  ShareError,
  SHARE_VERSION,
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
