// The reproduction link: a URL fragment that carries the analysis spec and a
// fingerprint of the data file, so a colleague or reviewer with the same file
// gets byte-identical results. The fragment is never sent to a server, and it
// holds no patient values and no file name (a file name may hold a patient's).
//
// Format, version 1:  #ls1.<spec>.<sha256>.<size>
//   <spec>   base64url (no padding) of deflate-raw of the spec's UTF-8 JSON
//   <sha256> SHA-256 of the data file's bytes, 64 lowercase hex characters
//   <size>   the data file's length in bytes, decimal
// '.' separates the parts because it is neither a base64url character nor
// one that mail clients or URL encoders touch.
//
// API (browser and Node 20: CompressionStream, crypto.subtle, btoa/atob):
//   sha256Hex(bytes: Uint8Array) -> Promise<string>
//   encodeShare({spec, sha256, size}) -> Promise<string>   fragment, '#ls1....'
//   decodeShare(fragment) -> Promise<{spec, sha256, size}>  throws ShareError
//   looksLikeShare(fragment) -> boolean   is this fragment meant as a share link
//   checkFingerprint({sha256, size}, bytes) -> Promise<{ok, message, sha256, size}>
//   shareUrl(location, fragment) -> string   page URL without its old fragment + fragment
//   ShareError: Error with a user-facing message and a `code`
//     ('empty' | 'prefix' | 'version' | 'parts' | 'base64' | 'deflate' | 'json' | 'spec' | 'hash' | 'size')

export const SHARE_VERSION = 1;
const PREFIX = 'ls';
// A spec is a few kB; the cap keeps a hostile link (deflate expands up to
// ~1000x) from making the page inflate megabytes.
const MAX_SPEC_BYTES = 1 << 20;

export class ShareError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'ShareError';
    this.code = code;
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

function toBase64url(bytes) {
  let bin = '';
  // Chunks keep String.fromCharCode's argument count under engine limits.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text) {
  // atob is lenient (whitespace, '+' and '/'); the link alphabet is not, and a
  // length of 1 mod 4 cannot come from whole bytes.
  if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let bin;
  try {
    bin = atob(padded);
  } catch {
    return null;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pump(bytes, transform, limit = Infinity) {
  const writer = transform.writable.getWriter();
  // Errors surface on the readable side; these catches keep the writable
  // side's copies of them from becoming unhandled rejections.
  writer.write(bytes).catch(() => {});
  writer.close().catch(() => {});
  const reader = transform.readable.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      reader.cancel().catch(() => {});
      throw new RangeError('too large');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export async function encodeShare({ spec, sha256, size }) {
  if (!isPlainObject(spec)) throw new TypeError('encodeShare: spec must be an object');
  if (typeof sha256 !== 'string' || !HEX64.test(sha256)) {
    throw new TypeError('encodeShare: sha256 must be 64 lowercase hex characters (use sha256Hex)');
  }
  if (!Number.isSafeInteger(size) || size < 0) throw new TypeError('encodeShare: size must be a byte count');
  const json = new TextEncoder().encode(JSON.stringify(spec));
  const packed = await pump(json, new CompressionStream('deflate-raw'));
  return `#${PREFIX}${SHARE_VERSION}.${toBase64url(packed)}.${sha256}.${size}`;
}

function stripHash(fragment) {
  return String(fragment ?? '').trim().replace(/^#/, '');
}

export function looksLikeShare(fragment) {
  return /^ls\d+(\.|$)/.test(stripHash(fragment));
}

const BROKEN = 'Check that the whole link was copied (mail programs sometimes cut long links or split them over lines).';

export async function decodeShare(fragment) {
  const text = stripHash(fragment);
  if (!text) throw new ShareError('empty', 'This link holds no analysis: the part after "#" is empty.');
  const parts = text.split('.');
  const head = /^ls(\d+)$/.exec(parts[0]);
  if (!head) {
    throw new ShareError('prefix', 'This is not a LocalSurv reproduction link: it should start with "#ls1.".');
  }
  const version = Number(head[1]);
  if (version !== SHARE_VERSION) {
    throw new ShareError(
      'version',
      version > SHARE_VERSION
        ? `This link was made by a newer version of LocalSurv (link format ${version}); this page reads format ${SHARE_VERSION}. Open it with the newer version.`
        : `This link uses link format ${version}, which this version of LocalSurv does not read (it reads format ${SHARE_VERSION}).`,
    );
  }
  if (parts.length !== 4 || parts.some((p) => p === '')) {
    throw new ShareError(
      'parts',
      `This link is incomplete: it should have four parts separated by "." (format, analysis, file fingerprint, file size) but has ${parts.filter((p) => p !== '').length}. ${BROKEN}`,
    );
  }
  const [, packedText, sha, sizeText] = parts;
  const packed = fromBase64url(packedText);
  if (!packed) {
    throw new ShareError('base64', `The analysis part of this link contains characters that do not belong there. ${BROKEN}`);
  }
  if (!HEX64.test(sha.toLowerCase())) {
    throw new ShareError(
      'hash',
      `The file fingerprint in this link is damaged: it should be 64 hexadecimal characters (0-9, a-f) but is ${sha.length} characters${/^[0-9a-f]*$/i.test(sha) ? '' : ' with other characters among them'}. ${BROKEN}`,
    );
  }
  if (!/^\d+$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new ShareError('size', `The file size in this link ("${sizeText.slice(0, 20)}") is not a number of bytes. ${BROKEN}`);
  }
  let json;
  try {
    json = await pump(packed, new DecompressionStream('deflate-raw'), MAX_SPEC_BYTES);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new ShareError('deflate', 'The analysis in this link unpacks to more than 1 MB, far more than any analysis needs; it was not opened.');
    }
    throw new ShareError('deflate', `The analysis part of this link is damaged and cannot be unpacked. ${BROKEN}`);
  }
  let spec;
  try {
    spec = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new ShareError('json', 'The analysis in this link unpacks, but not to a readable analysis (it is not valid JSON text). The link may have been edited by hand.');
  }
  if (!isPlainObject(spec)) {
    throw new ShareError('spec', 'The analysis in this link is not an analysis specification (expected a JSON object).');
  }
  return { spec, sha256: sha.toLowerCase(), size: Number(sizeText) };
}

function bytesText(n) {
  const s = String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${s} byte${n === 1 ? '' : 's'}`;
}

export async function checkFingerprint(expected, bytes) {
  const size = bytes.byteLength;
  const sha256 = await sha256Hex(bytes);
  const notSame = 'It is not the file the link was made with, so the results would not reproduce the shared numbers.';
  if (size !== expected.size) {
    return {
      ok: false,
      sha256,
      size,
      message: `This file is ${bytesText(size)}; the file the link was made with is ${bytesText(expected.size)}. ${notSame} Choose the original file (the same export, unedited and not re-saved by a spreadsheet program).`,
    };
  }
  if (sha256 !== String(expected.sha256).toLowerCase()) {
    return {
      ok: false,
      sha256,
      size,
      message: `This file has the same size as the file the link was made with (${bytesText(size)}) but different content: some values differ. ${notSame} Choose the original file (the same export, unedited and not re-saved by a spreadsheet program).`,
    };
  }
  return {
    ok: true,
    sha256,
    size,
    message: `This file is the one the link was made with (same size, ${bytesText(size)}, and same SHA-256 fingerprint ${sha256.slice(0, 12)}…).`,
  };
}

export function shareUrl(location, fragment) {
  const href = String(location?.href ?? location);
  const frag = String(fragment);
  return href.split('#')[0] + (frag.startsWith('#') ? frag : `#${frag}`);
}
