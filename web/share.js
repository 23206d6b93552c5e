// The reproduction link: a URL fragment that carries the analysis spec and a
// fingerprint of the data file, so a colleague or reviewer with the same file
// gets byte-identical results. The fragment is never sent to a server, and it
// holds no patient values and no file name (a file name may hold a patient's).
//
// Format, version 1:  #ls1.<spec>.<sha256>.<size>[&lang=<language>]
//   <spec>   base64url (no padding) of deflate-raw of the spec's UTF-8 JSON
//   <sha256> SHA-256 of the data file's bytes, 64 lowercase hex characters
//   <size>   the data file's length in bytes, decimal
//   &lang    the page's language when the link was made (web/i18n.js); not part of the analysis
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
//   parseSpecJson(text, what?) -> spec object                 throws ShareError; what: the key
//                                   naming the text ('page.share.what_spec', 'page.share.what_link')
//   runPlan(spec) -> {analyses: string[], subcohorts, text}  what running the spec will do
//   ShareError: Error with a user-facing message (in the page's language when read: a
//     language switch says it again) and a `code`
//     ('empty' | 'prefix' | 'version' | 'parts' | 'base64' | 'deflate' | 'json' | 'spec' | 'hash' | 'size'
//      | 'depth' | 'length' | 'shape')
//
// A link is hostile until checked: after inflating, its spec must be JSON
// nested at most SPEC_LIMITS.depth deep, with at most SPEC_LIMITS.entries
// items in any list or object, SPEC_LIMITS.text characters in any text and
// SPEC_LIMITS.values values in all, and of the types the page's form reads
// (docs/spec.md, "Limits of a spec opened in the page"). A spec the engine
// accepts nests at most 8 deep (subcohorts[].analyses.cutpoint.groups.match.exact[],
// counting the spec's own object), so no valid analysis is refused; what is
// refused never reaches structuredClone, the form or the R script.

import { formatThousands } from './format.js';
import { withoutLanguage, t, tn } from './i18n.js';

export const SHARE_VERSION = 1;
const PREFIX = 'ls';
// A spec is a few kB; the cap keeps a hostile link (deflate expands up to
// ~1000x) from making the page inflate megabytes.
const MAX_SPEC_BYTES = 1 << 20;

export const SPEC_LIMITS = Object.freeze({ depth: 32, entries: 10_000, text: 100_000, values: 100_000 });

export class ShareError extends Error {
  /** say() -> the message in the page's language */
  constructor(code, say) {
    super();
    this.name = 'ShareError';
    this.code = code;
    this.say = say;
  }

  get message() {
    return this.say();
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

// The page's language may follow the link's parts ('&lang=zh-CN', web/i18n.js).
function stripHash(fragment) {
  return withoutLanguage(String(fragment ?? '').trim()).replace(/^#/, '');
}

export function looksLikeShare(fragment) {
  return /^ls\d+(\.|$)/.test(stripHash(fragment));
}

const broken = () => t('page.share.broken');

export async function decodeShare(fragment) {
  const text = stripHash(fragment);
  if (!text) throw new ShareError('empty', () => t('page.share.empty'));
  const parts = text.split('.');
  const head = /^ls(\d+)$/.exec(parts[0]);
  if (!head) {
    throw new ShareError('prefix', () => t('page.share.prefix', { start: `#${PREFIX}${SHARE_VERSION}.` }));
  }
  const version = Number(head[1]);
  if (version !== SHARE_VERSION) {
    throw new ShareError('version', () => t(version > SHARE_VERSION ? 'page.share.version_newer' : 'page.share.version_older', { version, supported: SHARE_VERSION }));
  }
  if (parts.length !== 4 || parts.some((p) => p === '')) {
    const n = parts.filter((p) => p !== '').length;
    throw new ShareError('parts', () => t('page.share.parts', { n, broken: broken() }));
  }
  const [, packedText, sha, sizeText] = parts;
  const packed = fromBase64url(packedText);
  if (!packed) {
    throw new ShareError('base64', () => t('page.share.base64', { broken: broken() }));
  }
  if (!HEX64.test(sha.toLowerCase())) {
    const key = /^[0-9a-f]*$/i.test(sha) ? 'page.share.hash' : 'page.share.hash_other';
    throw new ShareError('hash', () => t(key, { n: sha.length, broken: broken() }));
  }
  if (!/^\d+$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new ShareError('size', () => t('page.share.size', { size: sizeText.slice(0, 20), broken: broken() }));
  }
  let json;
  try {
    json = await pump(packed, new DecompressionStream('deflate-raw'), MAX_SPEC_BYTES);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new ShareError('deflate', () => t('page.share.too_large'));
    }
    throw new ShareError('deflate', () => t('page.share.deflate', { broken: broken() }));
  }
  let specText;
  try {
    specText = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw new ShareError('json', () => t('page.share.not_text'));
  }
  const spec = parseSpecJson(specText, 'page.share.what_link');
  return { spec, sha256: sha.toLowerCase(), size: Number(sizeText) };
}

// ------------------------------------------------- a spec's depth, size, shape

// Whether JSON text nests lists and objects deeper than `limit`, found
// without parsing, so that no parser or later recursion (structuredClone, the
// form, the R script) meets a deeper document.
function nestsDeeperThan(text, limit) {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

const count = formatThousands;
const joinPath = (path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);
// Keys a JSON object may carry that would make it throw when the page turns
// it into text (a form field, a message); no spec option has these names.
const COERCION_KEYS = new Set(['toString', 'valueOf']);

// Objects keyed by the file's column names or levels: any key is a name there.
const NAMED_BY_FILE = /^(data\.column_types|data\.missing_values|labels\.columns|labels\.levels(\..*)?)$/;

// A problem is a function giving its words in the page's language (said
// again on a language switch); `where` names a place in the spec.
const where = (path) => path || t('page.share.top');

// Sizes, and the coercion keys (outside the objects NAMED_BY_FILE lists,
// whose keys may be anything: the page reads them by own keys, never turning
// those objects into text). Depth is bounded.
function sizeProblem(value, path, seen) {
  if (++seen.values > SPEC_LIMITS.values) return ['length', () => t('page.share.too_many_values', { max: count(SPEC_LIMITS.values) })];
  if (typeof value === 'string') {
    const n = value.length;
    return n > SPEC_LIMITS.text ? ['length', () => t('page.share.long_text', { n: count(n), path: where(path), max: count(SPEC_LIMITS.text) })] : null;
  }
  if (value === null || typeof value !== 'object') return null;
  const keys = Array.isArray(value) ? null : Object.keys(value);
  const n = keys ? keys.length : value.length;
  if (n > SPEC_LIMITS.entries) {
    return ['length', () => t(keys ? 'page.share.big_object' : 'page.share.big_list', { n: count(n), path: where(path), max: count(SPEC_LIMITS.entries) })];
  }
  if (!keys) {
    for (let i = 0; i < value.length; i++) {
      const p = sizeProblem(value[i], joinPath(path, i), seen);
      if (p) return p;
    }
    return null;
  }
  for (const k of keys) {
    if (COERCION_KEYS.has(k) && !NAMED_BY_FILE.test(path)) return ['shape', () => t('page.share.not_option', { path: joinPath(path, k) })];
    const p = sizeProblem(value[k], joinPath(path, k), seen);
    if (p) return p;
  }
  return null;
}

// The types the page's form and the R script rely on, as the engine reads
// them (core/spec.cpp): null means absent; a list of values may be one value,
// except the column lists the form edits (cox.force, matching.exact, …),
// which the page always writes as lists.
const isObj = isPlainObject;
const isText = (v) => typeof v === 'string';
const isCell = (v) => typeof v === 'string' || typeof v === 'number';
const isNumber = (v) => typeof v === 'number';
// [test of the value, what it must be, and for lists: [test of an item, what it must be]]
// (what: a key of page.share.type.*)
const TYPE = {
  text: [isText, 'text'],
  number: [isNumber, 'number'],
  object: [isObj, 'object'],
  cells: [(v) => isCell(v) || Array.isArray(v), 'cells', [isCell, 'cell']],
  cellList: [Array.isArray, 'columns', [isCell, 'column']],
  numbers: [Array.isArray, 'numbers', [isNumber, 'number']],
  breaks: [(v) => Array.isArray(v) && v.length > 0, 'breaks', [isNumber, 'number']],
  textOrObject: [(v) => isText(v) || isObj(v), 'text_or_object'],
  boolOrObject: [(v) => typeof v === 'boolean' || isObj(v), 'bool_or_object'],
  list: [Array.isArray, 'list'],
};
const typeName = (what) => t(`page.share.type.${what}`);

// What a value is, in words (a key of page.share.kind.*).
function kindOf(v) {
  if (Array.isArray(v)) return v.length ? 'list' : 'empty_list';
  if (v === null) return 'null';
  return { string: 'text', number: 'number', boolean: 'bool', object: 'object' }[typeof v];
}
// "<path> must be <what>, not <kind>"
const mustBe = (path, what, v) => {
  const kind = kindOf(v);
  return () => t('page.share.must_be', { path, what: typeName(what), kind: t(`page.share.kind.${kind}`) });
};
// "<path> must be <the key's words>, not <kind>"; params: spec syntax the words show ({shape})
const mustBeSaid = (path, key, v, params = {}) => {
  const kind = kindOf(v);
  return () => t(key, { ...params, path, kind: t(`page.share.kind.${kind}`) });
};

// fields: {key: type}; a type ending in '!' is required.
function typeProblem(obj, path, fields) {
  for (const [key, spelled] of Object.entries(fields)) {
    const v = obj[key];
    const type = spelled.replace(/!$/, '');
    const at = joinPath(path, key);
    if (v == null) {
      if (type !== spelled) return () => t('page.share.required', { path: at });
      continue;
    }
    const [ok, what, item] = TYPE[type];
    if (!ok(v)) return mustBe(at, what, v);
    const bad = item && Array.isArray(v) ? v.findIndex((x) => !item[0](x)) : -1;
    if (bad >= 0) return mustBe(`${at}[${bad}]`, item[1], v[bad]);
  }
  return null;
}

function termsProblem(list, path) {
  for (let i = 0; i < list.length; i++) {
    const term = list[i];
    const at = joinPath(path, i);
    if (isText(term)) continue;
    if (!isObj(term)) return mustBeSaid(at, 'page.share.term', term, { shape: '{column, …}' });
    const p = typeProblem(term, at, { column: 'text', type: 'text', reference: 'text', levels: 'cells' });
    if (p) return p;
  }
  return null;
}

function analysesProblem(a, path) {
  for (const [name, opts] of Object.entries(a)) {
    if (opts == null) continue;
    const at = joinPath(path, name);
    if (!isObj(opts)) return mustBeSaid(at, 'page.share.options', opts);
    const p =
      typeProblem(opts, at, { force: 'cellList', exact: 'cellList', score_covariates: 'cellList', variables: 'list', column: 'text', groups: 'object', by: 'cells', times: 'numbers' }) ??
      (Array.isArray(opts.variables) ? termsProblem(opts.variables, `${at}.variables`) : null) ??
      (isObj(opts.groups) ? typeProblem(opts.groups, `${at}.groups`, { match: 'boolOrObject', none: 'text', none_label: 'text', use: 'text' }) : null) ??
      (isObj(opts.groups?.match) ? typeProblem(opts.groups.match, `${at}.groups.match`, { exact: 'cellList', score_covariates: 'cellList' }) : null);
    if (p) return p;
  }
  return null;
}

function shapeProblem(spec) {
  const top = typeProblem(spec, '', {
    data: 'object', derive: 'list', filter: 'text', subcohorts: 'list', time: 'textOrObject', event: 'textOrObject',
    group: 'textOrObject', covariates: 'list', analyses: 'object', labels: 'object',
  });
  if (top) return top;
  if (spec.labels) {
    const p = typeProblem(spec.labels, 'labels', { columns: 'object', levels: 'object' });
    if (p) return p;
    for (const [column, name] of Object.entries(spec.labels.columns ?? {}))
      if (!isText(name)) return mustBeSaid(`labels.columns.${column}`, 'page.share.display_name', name);
    for (const [column, names] of Object.entries(spec.labels.levels ?? {})) {
      if (!isObj(names)) return mustBeSaid(`labels.levels.${column}`, 'page.share.level_names', names);
      for (const [level, name] of Object.entries(names))
        if (!isText(name)) return mustBeSaid(`labels.levels.${column}.${level}`, 'page.share.display_name', name);
    }
  }
  if (spec.data) {
    const p = typeProblem(spec.data, 'data', { column_types: 'object', missing_values: 'object', sheet: 'text', delimiter: 'text' });
    if (p) return p;
    for (const [name, type] of Object.entries(spec.data.column_types ?? {}))
      if (!isText(type)) return mustBeSaid(`data.column_types.${name}`, 'page.share.column_type', type, { numeric: 'numeric', categorical: 'categorical' });
    for (const [name, texts] of Object.entries(spec.data.missing_values ?? {})) {
      if (!Array.isArray(texts)) return mustBeSaid(`data.missing_values.${name}`, 'page.share.missing_list', texts);
      const at = texts.findIndex((x) => !isText(x));
      if (at >= 0) return mustBeSaid(`data.missing_values.${name}[${at}]`, 'page.share.missing_text', texts[at]);
    }
  }
  for (const [i, d] of (spec.derive ?? []).entries()) {
    const at = `derive[${i}]`;
    if (!isObj(d)) return mustBeSaid(at, 'page.share.derive_object', d, { shape: '{name, …}' });
    const p =
      typeProblem(d, at, { name: 'text', cut: 'object', bed: 'object', eqd2: 'object', flag: 'object', date_diff: 'object' }) ??
      (d.cut ? typeProblem(d.cut, `${at}.cut`, { column: 'text', breaks: 'breaks!', labels: 'cells' }) : null) ??
      (d.date_diff ? typeProblem(d.date_diff, `${at}.date_diff`, { start: 'text', end: 'text', unit: 'text', format: 'text' }) : null) ??
      (d.flag ? typeProblem(d.flag, `${at}.flag`, { column: 'text', values: 'cells' }) : null) ??
      (d.bed || d.eqd2 ? typeProblem(d.bed ?? d.eqd2, `${at}.${d.bed ? 'bed' : 'eqd2'}`, { dose: 'text', fractions: 'text', alpha_beta: 'number' }) : null);
    if (p) return p;
  }
  for (const [i, s] of (spec.subcohorts ?? []).entries()) {
    const at = `subcohorts[${i}]`;
    if (!isObj(s)) return mustBeSaid(at, 'page.share.subcohort_object', s, { shape: '{name, filter}' });
    const p =
      typeProblem(s, at, { name: 'text', filter: 'text', analyses: 'object', covariates: 'list' }) ??
      (s.analyses ? analysesProblem(s.analyses, `${at}.analyses`) : null) ??
      (s.covariates ? termsProblem(s.covariates, `${at}.covariates`) : null);
    if (p) return p;
  }
  for (const [key, fields] of [['time', { column: 'text', unit: 'text' }], ['event', { column: 'text', values: 'cells' }], ['group', { column: 'text', reference: 'text', levels: 'cells' }]]) {
    const p = isObj(spec[key]) ? typeProblem(spec[key], key, fields) : null;
    if (p) return p;
  }
  return (spec.covariates ? termsProblem(spec.covariates, 'covariates') : null) ?? (spec.analyses ? analysesProblem(spec.analyses, 'analyses') : null);
}

/**
 * JSON text of an analysis spec, checked before anything uses it: depth and
 * sizes within SPEC_LIMITS, an object, and the types the page relies on.
 * `what` is the key of the words that start each message ("The analysis in
 * this link": 'page.share.what_link', "The spec": 'page.share.what_spec').
 */
export function parseSpecJson(text, what = 'page.share.what_spec') {
  const fromLink = what === 'page.share.what_link';
  if (nestsDeeperThan(text, SPEC_LIMITS.depth)) {
    throw new ShareError('depth', () => t('page.share.depth', { what: t(what), depth: SPEC_LIMITS.depth, needed: 8 }));
  }
  let spec;
  try {
    spec = JSON.parse(text);
  } catch {
    throw new ShareError('json', () => t(fromLink ? 'page.share.json_link' : 'page.share.json', { what: t(what) }));
  }
  if (!isPlainObject(spec)) {
    const kind = kindOf(spec);
    throw new ShareError('spec', () => t('page.share.not_object', { what: t(what), kind: t(`page.share.kind.${kind}`) }));
  }
  const [code, problem] = sizeProblem(spec, '', { values: 0 }) ?? ['shape', shapeProblem(spec)];
  if (code === 'length') throw new ShareError(code, () => t('page.share.too_big', { what: t(what), problem: problem() }));
  if (problem) throw new ShareError(code, () => t('page.share.invalid', { what: t(what), problem: problem() }));
  return spec;
}

// The analyses a plan names (page.share.analysis.<key>).
const ANALYSIS_NAMES = new Set(['table1', 'km', 'followup', 'logrank', 'cox', 'logistic', 'matching', 'subgroups', 'cutpoint']);

const enabledAnalyses = (a) => (isObj(a) ? Object.keys(a).filter((k) => isObj(a[k]) && a[k].enabled !== false) : []);

/**
 * What running `spec` will do, in words for the page's confirmation (in the
 * page's language): the analyses switched on, on how many cohorts, and the
 * options that make a run long (matching rounds, Monte Carlo replicates).
 */
export function runPlan(spec) {
  const names = enabledAnalyses(spec.analyses);
  // Own names only: a link's key such as "constructor" or "__proto__" is no analysis.
  const analyses = names.map((k) => (ANALYSIS_NAMES.has(k) ? t(`page.share.analysis.${k}`) : t('page.share.plan.unknown', { key: k.slice(0, 40) })));
  const subs = Array.isArray(spec.subcohorts) ? spec.subcohorts : [];
  const own = subs.filter((s) => isObj(s) && (s.analyses != null || s.covariates != null)).length;
  const n = analyses.length;
  const runs = n ? tn('page.share.plan.runs', n, { analyses: analyses.join(t('page.list_separator')) }) : t('page.share.plan.runs_none');
  const cohorts = subs.length
    ? tn('page.share.plan.subcohorts', subs.length, {
        count: count(subs.length),
        all: count(subs.length + 1),
        own: own ? t('page.share.plan.own', { own: count(own) }) : '',
      })
    : '';
  let text = t('page.share.plan.sentence', { runs, cohorts });
  const notes = [];
  const rounds = spec.analyses?.matching?.rounds;
  if (names.includes('matching') && Number.isFinite(rounds) && rounds > 1) notes.push(t('page.share.plan.rounds', { rounds: count(rounds) }));
  const cut = spec.analyses?.cutpoint;
  if (names.includes('cutpoint') && cut?.pmethod === 'condmc') {
    notes.push(Number.isFinite(cut.replicates) ? t('page.share.plan.replicates', { replicates: count(cut.replicates) }) : t('page.share.plan.replicates_default'));
  }
  if (notes.length) text += t('page.share.plan.each_cohort', { notes: notes.join(t('page.share.plan.note_separator')) });
  return { analyses: names, subcohorts: subs.length, text };
}

const bytesText = (n) => tn('page.share.bytes', n, { count: formatThousands(n) });

// The message is read in the page's language at the time (a getter), so a
// language switch says it again.
export async function checkFingerprint(expected, bytes) {
  const size = bytes.byteLength;
  const sha256 = await sha256Hex(bytes);
  const answer = (ok, say) => ({ ok, sha256, size, get message() { return say(); } });
  if (size !== expected.size) {
    return answer(false, () => t('page.share.check.size', { size: bytesText(size), expected: bytesText(expected.size) }));
  }
  if (sha256 !== String(expected.sha256).toLowerCase()) {
    return answer(false, () => t('page.share.check.content', { size: bytesText(size) }));
  }
  return answer(true, () => t('page.share.check.same', { size: bytesText(size), sha256: sha256.slice(0, 12) }));
}

export function shareUrl(location, fragment) {
  const href = String(location?.href ?? location);
  const frag = String(fragment);
  return href.split('#')[0] + (frag.startsWith('#') ? frag : `#${frag}`);
}
