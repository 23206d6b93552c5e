// Figure export: one standalone SVG of a whole figure (every SVG in it, e.g.
// the Kaplan–Meier curves and the number-at-risk table, stacked as drawn, and
// the caption as text), a 300-dpi PNG of it, and a download helper.
//
// API:
//   figureToSvg(figureEl, {captionFontSize, padding = 8}) -> string (caption size and
//       font: the figure's style, data-font-size / data-font-family, else 11 px Helvetica)
//       '<svg xmlns=... width height viewBox>' with a white background, the
//       figure's SVGs as nested <svg x y width height> in document order, the
//       <figcaption> wrapped into <text> lines (Chinese between any two
//       characters); fonts are named, never embedded (the figure's own stack,
//       figure_text.js: a Chinese figure's names CJK fonts too), so nothing
//       external is needed; xml:lang is the figure's language.
//   svgToPng(svgString, {dpi = 300, widthInches}) -> Promise<Blob>   (browser)
//       rasterizes through <img> + <canvas>; the PNG carries a pHYs chunk of
//       dpi (300 dpi = 11811 px/m). widthInches defaults to the SVG width at
//       96 px per inch.
//   download(data, filename, document, type)   Blob or string -> a file save
// Pure, byte-level helpers (tested in Node):
//   svgSize(svgString) -> {width, height}        the root's width/height
//   pngPixelSize(svgWidth, svgHeight, {dpi, widthInches}) -> {width, height}
//   pixelsPerMeter(dpi) -> integer (PNG stores density per metre)
//   crc32(bytes) -> unsigned 32-bit CRC (PNG / zlib polynomial)
//   pngChunks(bytes) -> [{type, offset, length, data, crc}]
//   setPngDpi(bytes, dpi) -> Uint8Array: pHYs (unit = metre) right after IHDR,
//       any earlier pHYs removed; other chunks byte-identical.

import { escapeHtml } from './html.js';
import { FONT, isWide, textEm } from './figure_text.js';
import { t } from './i18n.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHAR_EM = 0.55;

// What a line may break at: spaces, and either side of a wide (Chinese)
// character, except before closing punctuation or after opening punctuation.
const WRAP_TOKEN = /\s+|[^\s]/gu;
const NO_BREAK_BEFORE = /^[，。、；：！？）》」』〉】,.;:!?)\]]/;
const NO_BREAK_AFTER = /[（《「『〈【(\[]$/;

/**
 * Greedy wrap to a budget of maxChars Latin characters (the caption has no
 * measured text in Node); a wide character counts as 1 em, about two of them.
 */
export function wrapText(text, maxChars) {
  const width = (s) => textEm(s, CHAR_EM) / CHAR_EM;
  // Runs of narrow characters stay whole (a word); each wide character is its own piece.
  const pieces = [];
  for (const ch of String(text).match(WRAP_TOKEN) ?? []) {
    const last = pieces[pieces.length - 1];
    const wide = isWide(ch);
    if (/\s/.test(ch)) {
      if (last && !last.space) pieces.push({ text: ' ', space: true });
    } else if (last && !last.space && !last.wide && !wide) last.text += ch;
    else pieces.push({ text: ch, space: false, wide });
  }
  const lines = [];
  let line = '';
  let gap = false;
  let lastWide = false;
  for (const p of pieces) {
    if (p.space) {
      gap = true;
      continue;
    }
    const joined = gap && line ? `${line} ${p.text}` : line + p.text;
    const breakable = gap || ((p.wide || lastWide) && !NO_BREAK_BEFORE.test(p.text) && !NO_BREAK_AFTER.test(line));
    if (line && breakable && width(joined) > maxChars) {
      lines.push(line);
      line = p.text;
    } else line = joined;
    gap = false;
    lastWide = p.wide;
  }
  if (line) lines.push(line);
  return lines;
}

function numberAttr(el, name) {
  const v = parseFloat(el.getAttribute(name));
  if (Number.isFinite(v)) return v;
  const vb = (el.getAttribute('viewBox') ?? '').split(/[\s,]+/).map(Number);
  return name === 'width' ? vb[2] : vb[3];
}

// Characters XML 1.0 forbids (control characters but tab and line ends; the
// two non-characters), which a column name or level from the file may hold:
// shown as \u00XX, as the engine shows them in its messages, so the file is
// still an SVG (a raw one makes every SVG reader refuse it).
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
export const xmlSafe = (s) => String(s).replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The whole figure (its top-level SVGs + caption) as one standalone SVG document string. */
export function figureToSvg(figureEl, { captionFontSize = Number(figureEl.dataset?.fontSize) || 11, padding = 8 } = {}) {
  const font = figureEl.dataset?.fontFamily || FONT;
  const doc = figureEl.ownerDocument;
  const Serializer = doc.defaultView?.XMLSerializer ?? globalThis.XMLSerializer;
  const serializer = new Serializer();
  const svgs = [...figureEl.querySelectorAll('svg')].filter((s) => !s.parentElement?.closest('svg'));
  if (!svgs.length) throw new Error(t('figures.export.no_svg'));
  const width = Math.max(...svgs.map((s) => numberAttr(s, 'width')));
  const parts = [];
  let y = 0;
  for (const svg of svgs) {
    const w = numberAttr(svg, 'width');
    const h = numberAttr(svg, 'height');
    const clone = svg.cloneNode(true);
    clone.setAttribute('x', '0');
    clone.setAttribute('y', String(y));
    clone.setAttribute('width', String(w));
    clone.setAttribute('height', String(h));
    if (!clone.getAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${w} ${h}`);
    clone.setAttribute('font-family', font);
    // Page-only inline styles (max-width, display) mean nothing in a file;
    // keep colours and font size.
    clone.style.removeProperty('max-width');
    clone.style.removeProperty('height');
    clone.style.removeProperty('display');
    clone.style.setProperty('font-family', font);
    clone.removeAttribute('aria-hidden');
    // Plot's own <style> sizes its SVG for a page (height: auto, max-width);
    // on a nested <svg> that would override the explicit size.
    for (const st of clone.querySelectorAll('style')) st.remove();
    parts.push(serializer.serializeToString(clone));
    y += h;
  }
  const caption = figureEl.querySelector('figcaption')?.textContent?.trim() ?? '';
  const lineH = Math.round(captionFontSize * 1.35);
  const lines = caption ? wrapText(caption, Math.floor((width - 2 * padding) / (captionFontSize * CHAR_EM))) : [];
  const captionTop = y + padding;
  const texts = lines.map((l, i) => `<tspan x="${padding}" y="${captionTop + (i + 1) * lineH - 3}">${escapeHtml(l)}</tspan>`).join('');
  const height = Math.ceil(lines.length ? captionTop + lines.length * lineH + padding : y);
  const label = figureEl.querySelector('[aria-label]')?.getAttribute('aria-label') ?? caption;
  const lang = figureEl.lang ? ` xml:lang="${escapeHtml(figureEl.lang)}"` : '';
  return xmlSafe(
    `<svg xmlns="${SVG_NS}"${lang} width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(label)}" font-family="${escapeHtml(font)}" style="color:#000">` +
    `<title>${escapeHtml(label)}</title>` +
    `<style>text, tspan { white-space: pre; }</style>` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>` +
    parts.join('') +
    (lines.length ? `<text class="ls-caption" font-size="${captionFontSize}" fill="#000">${texts}</text>` : '') +
    `</svg>`
  );
}

/** Width and height of the root <svg> of an SVG string (attributes, else viewBox). */
export function svgSize(svgString) {
  const root = /<svg\b[^>]*>/.exec(svgString)?.[0] ?? '';
  const attr = (n) => parseFloat(new RegExp(`\\s${n}="([^"]+)"`).exec(root)?.[1]);
  let width = attr('width');
  let height = attr('height');
  if (!(width > 0 && height > 0)) {
    const vb = /viewBox="([^"]+)"/.exec(root)?.[1]?.split(/[\s,]+/).map(Number) ?? [];
    width = vb[2];
    height = vb[3];
  }
  if (!(width > 0 && height > 0)) throw new Error(t('figures.export.no_size'));
  return { width, height };
}

/** PNG pixel size: widthInches × dpi wide, the SVG's aspect ratio kept. */
export function pngPixelSize(svgWidth, svgHeight, { dpi = 300, widthInches = svgWidth / 96 } = {}) {
  const width = Math.round(widthInches * dpi);
  return { width, height: Math.max(1, Math.round((width * svgHeight) / svgWidth)) };
}

/** PNG's pHYs stores pixels per metre: 300 dpi -> 11811. */
export const pixelsPerMeter = (dpi) => Math.round(dpi / 0.0254);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export function pngChunks(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (PNG_SIGNATURE.some((v, i) => b[i] !== v)) throw new Error(t('figures.export.not_png'));
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const chunks = [];
  let off = 8;
  while (off + 12 <= b.length) {
    const length = view.getUint32(off);
    const type = String.fromCharCode(...b.subarray(off + 4, off + 8));
    if (off + 12 + length > b.length) throw new Error(t('figures.export.truncated_png', { chunk: type }));
    chunks.push({ type, offset: off, length, data: b.subarray(off + 8, off + 8 + length), crc: view.getUint32(off + 8 + length) });
    off += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

function physChunk(dpi) {
  const ppm = pixelsPerMeter(dpi);
  const chunk = new Uint8Array(21);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, 9);
  chunk.set([0x70, 0x48, 0x59, 0x73], 4); // 'pHYs'
  view.setUint32(8, ppm);
  view.setUint32(12, ppm);
  chunk[16] = 1; // unit: metre
  view.setUint32(17, crc32(chunk.subarray(4, 17)));
  return chunk;
}

/** The PNG with its density set to dpi (a pHYs chunk right after IHDR, which must precede IDAT). */
export function setPngDpi(bytes, dpi = 300) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const chunks = pngChunks(b);
  if (chunks[0]?.type !== 'IHDR') throw new Error(t('figures.export.no_ihdr', { chunk: 'IHDR' }));
  const kept = chunks.filter((c) => c.type !== 'pHYs');
  const phys = physChunk(dpi);
  const size = 8 + kept.reduce((a, c) => a + 12 + c.length, 0) + phys.length;
  const out = new Uint8Array(size);
  out.set(PNG_SIGNATURE, 0);
  let off = 8;
  kept.forEach((c, i) => {
    out.set(b.subarray(c.offset, c.offset + 12 + c.length), off);
    off += 12 + c.length;
    if (i === 0) {
      out.set(phys, off);
      off += phys.length;
    }
  });
  return out;
}

/** Rasterizes an SVG string to a PNG Blob at dpi (browser only: <img> + <canvas>). */
export async function svgToPng(svgString, { dpi = 300, widthInches, document: doc = globalThis.document } = {}) {
  const { width: sw, height: sh } = svgSize(svgString);
  const { width, height } = pngPixelSize(sw, sh, { dpi, widthInches: widthInches ?? sw / 96 });
  const img = new (doc.defaultView ?? globalThis).Image();
  // A data: URL keeps the canvas untainted and needs no object-URL bookkeeping.
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgString)}`;
  await (img.decode ? img.decode() : new Promise((resolve, reject) => {
    img.onload = resolve;
    img.onerror = () => reject(new Error(t('figures.export.draw_failed')));
  }));
  const canvas = doc.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(img, 0, 0, width, height);
  const blob = await new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error(t('figures.export.encode_failed')))), 'image/png'));
  return new Blob([setPngDpi(new Uint8Array(await blob.arrayBuffer()), dpi)], { type: 'image/png' });
}

/** Saves a Blob or a string as a file through a temporary <a download>. */
export function download(data, filename, doc = globalThis.document, type) {
  const win = doc.defaultView ?? globalThis;
  const BlobC = win.Blob ?? Blob;
  const blob = data instanceof BlobC || data instanceof Blob ? data : new BlobC([data], { type: type ?? 'application/octet-stream' });
  const URLC = win.URL ?? URL;
  const url = URLC.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the save in some browsers.
  win.setTimeout(() => URLC.revokeObjectURL(url), 10000);
  return a;
}
