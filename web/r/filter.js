// filter.js: a filter, as the engine parsed it, in R. web/rscript.js writes
// each cohort's filters with it, and the cutpoint block (web/analyses/
// cutpoint.js) its reference group's.
//
// API
//   rFilter(tree) -> string    a filter, as the engine parsed it (an entry of
//                readSpec's filters), in R; throws the engine's message for
//                a filter it cannot read (nested deeper than its limit, not
//                the filter language), and a message past what R's parser reads
//   FilterError  what rFilter throws for a filter the script cannot use
//                (its message starts 'filter: ')
//   isObject(x)  a plain object (not null, not an array)
//
// A filter arrives as the engine parsed it (readSpec's `filters`, core/spec.h
// filters_to_json): its tree, null when blank, or {error} with the engine's
// message where the engine cannot read it. There is no second parser here.
import { SCRIPT_LIMITS, rName, rStr } from './escape.js';

export const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);

/** A filter the script cannot use: the engine's error, or past one of R's limits. */
export class FilterError extends Error {}

// How deep R code nests brackets, outside its strings and backquoted names.
function rNesting(code) {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === '`') {
      for (i++; code[i] !== c; i++) if (code[i] === '\\') i++;
    } else if ('([{'.includes(c)) max = Math.max(max, ++depth);
    else if (')]}'.includes(c)) depth--;
  }
  return max;
}

// A number as the filter holds it: the engine takes only the CSV reader's
// plain decimals (core/io/csv.h parse_csv_number), which R reads as it does.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
function rFilterValue(v) {
  if (!isObject(v)) throw new FilterError('filter: expected a value');
  if (typeof v.text === 'string') return rStr(v.text);
  const t = v.number;
  if (typeof t !== 'string' || !DECIMAL.test(t)) throw new FilterError('filter: expected a value');
  if (t.length > SCRIPT_LIMITS.rToken) {
    throw new FilterError(`filter: the number '${t.slice(0, 20)}...' (${t.length} characters) is longer than R's parser reads (${SCRIPT_LIMITS.rToken}); write it shorter`);
  }
  return t;
}

const OPS = ['==', '!=', '<', '<=', '>', '>='];
// One node of the engine's tree (core/spec.h filters_to_json) as R.
function rNode(n) {
  if (!isObject(n)) throw new FilterError('filter: expected a comparison');
  if (Array.isArray(n.or)) return n.or.length > 1 ? `(${n.or.map(rNode).join(' | ')})` : rNode(n.or[0]);
  if (Array.isArray(n.and)) return n.and.length > 1 ? `(${n.and.map(rNode).join(' & ')})` : rNode(n.and[0]);
  if (n.not !== undefined) return `!${rNode(n.not)}`;
  if (n.group !== undefined) return `(${rNode(n.group)})`;
  const col = rName(n.column);
  if (Array.isArray(n.in)) return `(${col} %in% c(${n.in.map(rFilterValue).join(', ')}))`;
  if (n.is === 'missing' || n.is === 'not missing') return n.is === 'missing' ? `is.na(${col})` : `!is.na(${col})`;
  if (!OPS.includes(n.op)) throw new FilterError('filter: expected a comparison operator');
  return `ls_true(${col} ${n.op} ${rFilterValue(n.value)})`;
}

/**
 * A filter, as the engine parsed it (an entry of readSpec's `filters`), as an
 * R expression over the data's columns (for with(data, ...)). Comparisons go
 * through ls_true(), so a comparison on a missing cell is FALSE and `not` of
 * it TRUE, as in LocalSurv. Throws the engine's error for a filter it cannot
 * read, and a message for one R's parser could not read.
 */
export function rFilter(tree) {
  if (tree === null) return 'TRUE';
  if (isObject(tree) && isObject(tree.error)) throw new FilterError(String(tree.error.message));
  const out = rNode(tree);
  const nesting = rNesting(out);
  if (nesting > SCRIPT_LIMITS.filterNesting) {
    throw new FilterError(`filter: its R code would nest brackets ${nesting} deep, more than R's parser reads in the script (${SCRIPT_LIMITS.filterNesting}); write the filter with fewer parentheses`);
  }
  return out;
}
