// Row filters for subcohorts: a small expression language over columns.
//
//   expr       := term ('or' term)*
//   term       := factor ('and' factor)*
//   factor     := 'not' factor | '(' expr ')' | comparison
//   comparison := column op value
//               | column 'in' '(' value (',' value)* ')'
//               | column 'is' ['not'] 'missing'
//   op         := '==' | '!=' | '<' | '<=' | '>' | '>='
//   column     := name of letters, digits, '_' and '.', or `any text`
//   value      := number | "text" | 'text'
//
// A comparison on a missing cell is false (as R's subset() drops NA), so
// `x != 1` keeps neither 1 nor missing; use `is missing` to ask for missing.
// Numbers compare numerically (also "2" against 2.0 in a text column); order
// comparisons (<, <=, >, >=) need a numeric column.
//
// Errors (localsurv::Error) name the offending token and its 1-based
// character position, or the unknown column; their message starts with, and
// their field is, the spec field the filter came from ("filter",
// "subcohorts[0].filter"). Parentheses and 'not' nest at most
// kMaxFilterDepth levels deep (a real filter needs a handful).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/table.h"

namespace localsurv {

inline constexpr std::size_t kMaxFilterDepth = 100;

// 1 where the row passes the filter. An empty (all-blank) filter keeps all rows.
std::vector<uint8_t> evaluate_filter(const Table& table, std::string_view expression,
                                     const std::string& field = "filter");

// A filter as read, without data (for the R script, web/rscript.js): the same
// parser as evaluate_filter, so the same filters fail with the same messages,
// except the checks that need the data (unknown column, text against a
// numeric column). Or/And hold 2+ children in order; Group is a parenthesised
// expression as written; Not and Group hold one.
struct FilterValue {
  bool number;       // written as a number (else quoted text)
  std::string text;  // as written, without quotes
};
struct FilterNode {
  enum class Kind { Or, And, Not, Group, Compare, In, Missing };
  Kind kind;
  std::vector<FilterNode> children;
  std::string column;               // Compare, In, Missing
  std::string op;                   // Compare: == != < <= > >=
  std::vector<FilterValue> values;  // Compare: one; In: one or more
  bool negate = false;              // Missing: 'is not missing'
};
// nullopt for a blank filter (it keeps every row).
std::optional<FilterNode> parse_filter(std::string_view expression,
                                       const std::string& field = "filter");

}  // namespace localsurv
