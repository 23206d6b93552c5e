// The one HTML escaper (web/html.js): every text from a file or a link that
// the page writes into markup as a string (the report, the clipboard's table,
// an exported figure's caption and label) goes through escapeHtml. Checked
// here: hostile and random texts read back as exactly themselves from element
// content and from attribute values quoted either way, through an HTML parser
// (jsdom) and an XML parser (the SVG figures), and no markup is made of them;
// and no module in web/ writes entities with an escaper of its own.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { escapeHtml } from '../../web/html.js';
import { root } from './harness.mjs';

const HOSTILE = [
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', "'><b>x</b>",
  'a & b', '&amp; &lt; &#39; &quot; &apos;', '&', '&#', '&#x', 'x=\'1\' y="2"', '</title><p>', '</textarea>',
  '<!-- x -->', '<![CDATA[ x ]]>', ']]>', '<?xml x?>', 'a\tb\nc\r\nd', 'Überlebenszeit 生存 😀', '\u202e)"DI"(', '', ' ',
];

// A deterministic stream of random texts over the characters that matter
// here (markup punctuation, quotes, letters, non-ASCII), no control characters
// (XML cannot hold them, escaped or not).
function randomTexts(n) {
  let seed = 8;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pool = [...'<>&"\';=/!?-[]#x; aé生😀'];
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(next() * 16) }, () => pool[Math.floor(next() * pool.length)]).join(''));
}

const texts = [...HOSTILE, ...randomTexts(500)];
const { window } = new JSDOM('');

test('escapeHtml: each text reads back as itself from HTML content and attributes, and makes no markup', () => {
  const body = texts.map((t) => `<p title="${escapeHtml(t)}" data-x='${escapeHtml(t)}'>${escapeHtml(t)}</p>`).join('');
  const doc = new JSDOM(`<!doctype html><body>${body}</body>`).window.document;
  const ps = [...doc.body.children];
  assert.equal(ps.length, texts.length);
  ps.forEach((p, i) => {
    const t = texts[i].replace(/\r\n?/g, '\n'); // HTML parsing normalises line ends
    assert.equal(p.tagName, 'P');
    assert.equal(p.children.length, 0, `markup made of ${JSON.stringify(texts[i])}`);
    assert.equal(p.textContent, t);
    assert.equal(p.getAttribute('title'), t);
    assert.equal(p.getAttribute('data-x'), t);
    assert.deepEqual(p.getAttributeNames(), ['title', 'data-x']);
  });
});

test('escapeHtml: each text reads back as itself from SVG (XML) content and attributes', () => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg">${texts.map((t) => `<text aria-label="${escapeHtml(t)}" class='${escapeHtml(t)}'>${escapeHtml(t)}</text>`).join('')}</svg>`;
  const doc = new window.DOMParser().parseFromString(svg, 'image/svg+xml');
  assert.equal(doc.getElementsByTagName('parsererror').length, 0);
  const nodes = [...doc.documentElement.children];
  assert.equal(nodes.length, texts.length);
  nodes.forEach((n, i) => {
    const t = texts[i].replace(/\r\n?/g, '\n');
    assert.equal(n.children.length, 0, `markup made of ${JSON.stringify(texts[i])}`);
    assert.equal(n.textContent, t);
    // XML normalises white space in attribute values to spaces.
    assert.equal(n.getAttribute('aria-label'), t.replace(/[\t\n]/g, ' '));
    assert.equal(n.getAttribute('class'), t.replace(/[\t\n]/g, ' '));
  });
});

test('escapeHtml: the five characters and nothing else; null and undefined are empty', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  assert.equal(escapeHtml('Überleben 生存 😀 a\tb'), 'Überleben 生存 😀 a\tb');
  assert.equal(escapeHtml(null), '');
  assert.equal(escapeHtml(undefined), '');
  assert.equal(escapeHtml(0), '0');
});

test('web/ has one HTML escaper: no other module writes an entity, and the markup builders import it', () => {
  const dir = path.join(root, 'web');
  const entity = /&(amp|lt|gt|quot|apos|#39|#x27|#34);/;
  const writers = fs.readdirSync(dir).filter((f) => f.endsWith('.js') && entity.test(fs.readFileSync(path.join(dir, f), 'utf8')));
  assert.deepEqual(writers, ['html.js']);
  for (const f of ['report.js', 'tables.js', 'figure_export.js']) {
    assert.match(fs.readFileSync(path.join(dir, f), 'utf8'), /^import \{ escapeHtml \} from '\.\/html\.js';$/m, f);
  }
});
