// The figures' type: the font stack every figure and export names, and the
// width estimates their layout (margins, label columns, caption lines) rests
// on, since jsdom and a plain export cannot measure text.
//
//   fontStack(latin)          latin ('Arial, Helvetica'), then the CJK fonts,
//                             then sans-serif
//   FONT                      the default style's stack
//   isWide(ch)                a full-width character (CJK ideograph, kana, hangul,
//                             full-width punctuation): about 1 em wide
//   textEm(s, narrowEm)       the width of s in em: 1 per wide character,
//                             narrowEm (a sans-serif average) per other one
//
// Chinese text needs a CJK font, and Han characters need a Simplified Chinese
// one (Japanese fonts draw some of them differently): the stack names the
// usual SC fonts of Linux, Windows and macOS after the Latin ones, so Latin
// letters and digits keep their look and only what those lack falls to a CJK
// font. The fonts are named, never shipped: the page and its SVGs stay
// self-contained. The stack is the same in both languages, because the data
// (column names, levels) may be Chinese on an English page.

const CJK_FONTS = 'Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC';

export const fontStack = (latin) => `${latin}, ${CJK_FONTS}, sans-serif`;
export const FONT = fontStack('Helvetica, Arial');

// East Asian Wide and Fullwidth ranges (Unicode UAX #11) that text here can hold.
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;

export const isWide = (ch) => WIDE.test(ch);

export function textEm(s, narrowEm = 0.6) {
  let em = 0;
  for (const ch of String(s)) em += isWide(ch) ? 1 : narrowEm;
  return em;
}
