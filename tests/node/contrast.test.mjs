// Text colours meet WCAG AA's 4.5:1 contrast on their background (issue 10 §3):
// every `color:` of web/style.css on its rule's background (else the page's
// white), dimmed by the rule's opacity where it has one (bar disabled
// buttons, which WCAG exempts, and invisible ones); the figures' text colours (axis and labels
// black, the forest plot's notes, the risk table's group colours) on white.
// The ratio is computed here from the WCAG formula, independently of plots.js.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './harness.mjs';
import { PALETTE, TEXT_PALETTE, contrastRatio, textColour } from '../../web/plots.js';

function hex(c) {
  const m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(c);
  return (m ? `#${m[1]}${m[1]}${m[2]}${m[2]}${m[3]}${m[3]}` : c).toLowerCase();
}
const channel = (c) => {
  const v = c / 255;
  return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
const rgb = (c) => [1, 3, 5].map((i) => parseInt(hex(c).slice(i, i + 2), 16));
const lum = (c) => {
  const [r, g, b] = rgb(c).map(channel);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
function ratio(a, b) {
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
// A colour at opacity a over bg.
const blend = (c, bg, a) => `#${rgb(c).map((v, i) => Math.round(a * v + (1 - a) * rgb(bg)[i]).toString(16).padStart(2, '0')).join('')}`;

const css = fs.readFileSync(path.join(root, 'web/style.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const rules = [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].map(([, sel, body]) => ({ sel: sel.trim(), body }));
const rootBody = rules.find((r) => r.sel === ':root').body;
// Custom properties (--ink: #1a1a1a) of :root, for var(--ink) anywhere.
const vars = Object.fromEntries([...rootBody.matchAll(/(--[\w-]+)\s*:\s*([^;]+)/g)].map(([, k, v]) => [k, v.trim()]));
const resolve = (v) => v?.replace(/var\((--[\w-]+)\)/g, (_, k) => vars[k] ?? k).trim();
const prop = (body, name) => resolve(new RegExp(`(?:^|;)\\s*${name}\\s*:\\s*([^;]+)`).exec(body)?.[1]);
const PAGE_TEXT = hex(prop(rootBody, 'color'));
const PAGE_BG = hex(prop(rootBody, 'background'));
const isHex = (c) => /^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(c ?? '');

test('the WCAG ratio: black on white 21, #777 on white 4.48, and plots.js agrees', () => {
  assert.equal(ratio('#000', '#fff'), 21);
  assert.ok(Math.abs(ratio('#777777', '#ffffff') - 4.48) < 0.01);
  for (const c of ['#000000', '#777777', '#0072B2', '#E69F00']) assert.ok(Math.abs(contrastRatio(c, '#ffffff') - ratio(c, '#ffffff')) < 1e-9, c);
});

test('every text colour of style.css reaches 4.5:1 on its background (dimmed ones too)', () => {
  const checked = [];
  for (const { sel, body } of rules) {
    const color = prop(body, 'color');
    const opacity = Number(prop(body, 'opacity') ?? 1);
    if (!color && opacity === 1) continue;
    if (/:disabled/.test(sel)) continue; // WCAG 1.4.3 exempts inactive controls
    if (opacity === 0) continue; // not seen (the file input behind its label)
    const bgRaw = prop(body, 'background');
    const bg = isHex(bgRaw) ? hex(bgRaw) : PAGE_BG;
    assert.ok(!color || isHex(color), `${sel}: a colour this test reads (#rgb, #rrggbb or a :root variable): ${color}`);
    const fg = blend(hex(color ?? PAGE_TEXT), bg, opacity);
    const r = ratio(fg, bg);
    checked.push(sel);
    assert.ok(r >= 4.5, `${sel}: ${fg} on ${bg} is ${r.toFixed(2)}:1`);
  }
  assert.ok(checked.length >= 10, checked.join(', '));
  assert.ok(checked.some((s) => s.includes('.stale')), 'the dimmed out-of-date results');
});

test('figure text colours: the risk table’s group colours (darkened palette), the forest plot’s notes', () => {
  assert.equal(TEXT_PALETTE.length, PALETTE.length);
  TEXT_PALETTE.forEach((c, i) => {
    assert.ok(ratio(c, '#ffffff') >= 4.5, `${PALETTE[i]} -> ${c}: ${ratio(c, '#ffffff').toFixed(2)}`);
    // The same hue, only darker: each channel scaled by one factor.
    const [a, b] = [rgb(PALETTE[i]), rgb(c)];
    const k = Math.max(...b) / Math.max(1, Math.max(...a));
    a.forEach((v, j) => assert.ok(Math.abs(v * k - b[j]) <= 1.5, `${PALETTE[i]} -> ${c}`));
  });
  // Already readable colours stay as they are.
  assert.equal(textColour('#0072B2'), '#0072B2');
  assert.equal(textColour('#000000'), '#000000');
  // The web figures' literal text fills.
  const sources = ['web/plots.js', 'web/analyses/subgroups.js', 'web/analyses/matching.js', 'web/analyses/cutpoint.js'].map((f) => fs.readFileSync(path.join(root, f), 'utf8'));
  const fills = sources.flatMap((s) => [...s.matchAll(/Plot\.text\([^\n]*fill: '(#[0-9a-fA-F]{3,6})'/g)].map((m) => m[1]));
  assert.ok(fills.length >= 2);
  for (const f of fills) assert.ok(ratio(f, '#ffffff') >= 4.5, f);
});
