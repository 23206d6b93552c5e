// The page's two languages (web/i18n.js, web/locales/): the same keys with
// the same {placeholders} in English and Chinese, every key the page asks for
// exists and every key is asked for, Chinese texts are Chinese, and the
// language of a reproduction link survives in its fragment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AREAS, MESSAGES } from '../../web/locales/index.js';
import { t, tn, setLanguage, language, languageFromFragment, fragmentWithLanguage, preferredLanguage } from '../../web/i18n.js';
import { untranslatedWords } from './i18n_terms.mjs';

const web = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const placeholders = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const CJK = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;

// The page's sources, without the translations themselves.
function sources(dir = web) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'locales' || e.name === 'generated' ? [] : sources(p);
    // i18n.js itself shows the syntax in its comment.
    if (e.name === 'i18n.js' && dir === web) return [];
    return /\.(js|html)$/.test(e.name) ? [[p, fs.readFileSync(p, 'utf8')]] : [];
  });
}

test('each area file holds only its own keys, in both languages', async () => {
  for (const area of AREAS) {
    for (const lang of ['en', 'zh-CN']) {
      const texts = (await import(`../../web/locales/${lang}/${area}.js`)).default;
      for (const [key, value] of Object.entries(texts)) {
        assert.ok(key.startsWith(`${area}.`), `${lang}/${area}.js: key "${key}" belongs to another area`);
        assert.equal(typeof value, 'string', `${lang}/${area}.js: "${key}" is not a text`);
        assert.notEqual(value.trim(), '', `${lang}/${area}.js: "${key}" is empty`);
      }
    }
  }
});

test('English and Chinese have the same keys with the same placeholders', () => {
  const en = MESSAGES.en;
  const zh = MESSAGES['zh-CN'];
  for (const key of Object.keys(en)) {
    // Chinese has no singular: key.one may be left to key.other.
    if (key.endsWith('.one') && !(key in zh)) {
      assert.ok(`${key.slice(0, -4)}.other` in zh, `zh-CN lacks "${key}" and its .other`);
      continue;
    }
    assert.ok(Object.hasOwn(zh, key), `zh-CN lacks "${key}" (English: ${en[key]})`);
    assert.deepEqual(placeholders(zh[key]), placeholders(en[key]), `"${key}": placeholders differ`);
  }
  for (const key of Object.keys(zh)) assert.ok(Object.hasOwn(en, key), `zh-CN has "${key}", English does not`);
});

test('Chinese texts are Chinese: a Latin word in one is a term (HR, Cox, CSV…) or a placeholder', () => {
  for (const [key, value] of Object.entries(MESSAGES['zh-CN'])) {
    const text = value.replace(/\{\w+\}/g, ' ');
    assert.deepEqual(untranslatedWords(text), [], `zh-CN "${key}": ${value}`);
    if (/[A-Za-z]{3,}/.test(MESSAGES.en[key].replace(/\{\w+\}/g, '')) && !CJK.test(value)) {
      assert.deepEqual(untranslatedWords(MESSAGES.en[key].replace(/\{\w+\}/g, ' ')), [], `zh-CN "${key}" is the English text: ${value}`);
    }
  }
});

test('every key the page asks for exists, and every key is asked for', () => {
  const all = sources();
  const used = new Set();
  const prefixes = [];
  for (const [file, text] of all) {
    const rel = path.relative(web, file);
    for (const m of text.matchAll(/\b(?:t|tn)\(\s*(['"`])([\w.-]+)\1/g)) {
      const key = m[2];
      used.add(key);
      const isPlural = text.slice(m.index, m.index + 3) === 'tn(';
      const wanted = isPlural ? `${key}.other` : key;
      assert.ok(Object.hasOwn(MESSAGES.en, wanted), `${rel}: asks for "${wanted}", which English lacks`);
      if (isPlural) used.add(`${key}.other`).add(`${key}.one`);
    }
    for (const m of text.matchAll(/data-i18n="([\w.-]+)"/g)) {
      assert.ok(Object.hasOwn(MESSAGES.en, m[1]), `${rel}: data-i18n="${m[1]}" is not an English key`);
      used.add(m[1]);
    }
    for (const m of text.matchAll(/data-i18n-attr="([^"]+)"/g)) {
      for (const pair of m[1].split(';')) {
        const key = pair.split(':')[1]?.trim();
        assert.ok(Object.hasOwn(MESSAGES.en, key), `${rel}: data-i18n-attr key "${key}" is not an English key`);
        used.add(key);
      }
    }
    // Keys built at run time name their prefix: t(`analyses.ci.${type}`) or
    // a literal key in a table of keys ('form.unit.days').
    for (const m of text.matchAll(/\b(?:t|tn)\(\s*`([\w.-]+)\$\{/g)) prefixes.push(m[1]);
    for (const m of text.matchAll(/(['"])((?:page|form|analyses|figures|engine)\.[\w.-]+)\1/g)) used.add(m[2]);
  }
  const unused = Object.keys(MESSAGES.en).filter((k) => !used.has(k) && !prefixes.some((p) => k.startsWith(p)));
  assert.deepEqual(unused, [], 'keys no source asks for');
});

test('t fills placeholders, tn picks the plural, a missing key falls back and is visible', () => {
  const before = language();
  try {
    setLanguage('en');
    assert.equal(t('page.language'), 'Language');
    setLanguage('zh-CN');
    assert.equal(t('page.language'), '语言');
    assert.throws(() => setLanguage('xx'), /unknown language "xx"/);
    const errors = [];
    const original = console.error;
    console.error = (m) => errors.push(m);
    try {
      assert.equal(t('no.such.key'), 'no.such.key');
      t('no.such.key');
    } finally {
      console.error = original;
    }
    assert.equal(errors.length, 1, 'a missing key is reported once');
    // A placeholder that params lack stays visible; params cannot reach prototypes.
    assert.equal(t('page.language', { x: 1 }), '语言');
    // tn: English has a singular; Chinese has one form (key.other) for every n.
    assert.equal(tn('page.rows.events', 1), '1 个事件');
    assert.equal(tn('page.rows.events', 2), '2 个事件');
    setLanguage('en');
    assert.equal(tn('page.rows.events', 1), '1 event');
    assert.equal(tn('page.rows.events', 0), '0 events');
    assert.equal(tn('page.share.bytes', 1234, { count: '1,234' }), '1,234 bytes');
  } finally {
    setLanguage(before);
  }
});

test('the language rides in the fragment after the reproduction link', () => {
  assert.equal(languageFromFragment('#ls1.abc.def.12&lang=zh-CN'), 'zh-CN');
  assert.equal(languageFromFragment('#ls1.abc.def.12'), null);
  assert.equal(languageFromFragment('#ls1.abc.def.12&lang=xx'), null);
  assert.equal(fragmentWithLanguage('#ls1.abc.def.12', 'zh-CN'), '#ls1.abc.def.12&lang=zh-CN');
  assert.equal(fragmentWithLanguage('#ls1.abc.def.12&lang=zh-CN', 'en'), '#ls1.abc.def.12&lang=en');
  assert.equal(fragmentWithLanguage('', 'zh-CN'), '#&lang=zh-CN');
  assert.equal(preferredLanguage('#&lang=zh-CN', 'en', ['en-US']), 'zh-CN', 'the link wins');
  assert.equal(preferredLanguage('', 'zh-CN', ['en-US']), 'zh-CN', 'then the saved choice');
  assert.equal(preferredLanguage('', null, ['zh-CN', 'en']), 'zh-CN', 'then the browser');
  assert.equal(preferredLanguage('', 'fr', ['fr-FR']), 'en', 'else English');
});

// A file name or a column name is a placeholder's value: copied as it is,
// never read as a placeholder or a replacement pattern itself.
test('hostile placeholder values stay literal in both languages', () => {
  const before = language();
  try {
    for (const lang of ['en', 'zh-CN']) {
      setLanguage(lang);
      const name = '{error} $& $1 <img src=x onerror=alert(1)> __proto__';
      const text = t('page.data.unreadable', { name, error: 'E' });
      assert.ok(text.includes(name), `${lang}: ${text}`);
      assert.equal(text.split('E').length - 1, 1 + (name.match(/E/g) ?? []).length, `${lang}: {error} filled once: ${text}`);
    }
  } finally {
    setLanguage(before);
  }
});
