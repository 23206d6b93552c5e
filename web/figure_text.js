// The figures' type: the font stack a figure names in each language, and the
// width estimates their layout (margins, label columns, caption lines) rests
// on, since jsdom and a plain export cannot measure text.
//
//   FONT                      the default style's stack: 'Helvetica, Arial, sans-serif'
//   fontFor(stack, lang)      the stack a figure in lang names: for Chinese, the
//                             usual Simplified Chinese fonts before the generic family
//   isWide(ch)                a full-width character (CJK ideograph, kana, hangul,
//                             full-width punctuation): about 1 em wide
//   textEm(s, narrowEm)       the width of s in em: 1 per wide character,
//                             narrowEm (a sans-serif average) per other one
//
// Chinese text needs a CJK font, and Han characters a Simplified Chinese one
// (Japanese fonts draw some of them differently): a Chinese figure names the
// SC fonts of Linux, Windows and macOS after its Latin ones, so Latin letters
// and digits keep their look where those fonts exist and Chinese falls to an
// SC font. Named, never shipped: the page and its SVGs stay self-contained.
// An English figure names the Latin fonts only, as it always has.

const CJK_FONTS = 'Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC';
const CJK_LANGUAGES = new Set(['zh-CN']);

export const FONT = 'Helvetica, Arial, sans-serif';

export function fontFor(stack, lang) {
  if (!CJK_LANGUAGES.has(lang) || stack.includes(CJK_FONTS)) return stack;
  const generic = /,\s*(sans-serif|serif|system-ui)\s*$/.exec(stack);
  return generic ? `${stack.slice(0, generic.index)}, ${CJK_FONTS}, ${generic[1]}` : `${stack}, ${CJK_FONTS}`;
}

// East Asian Wide and Fullwidth ranges (Unicode UAX #11) that text here can hold.
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;

export const isWide = (ch) => WIDE.test(ch);

export function textEm(s, narrowEm = 0.6) {
  let em = 0;
  for (const ch of String(s)) em += isWide(ch) ? 1 : narrowEm;
  return em;
}
