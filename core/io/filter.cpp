#include "io/filter.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>

#include "error.h"
#include "io/csv.h"

namespace localsurv {
namespace {

enum class Tok { Name, Number, Text, Op, LParen, RParen, Comma, End };

struct Token {
  Tok kind;
  std::string text;
  std::size_t pos;  // 1-based
};

// `field` is the spec field the filter came from: the message starts with it.
[[noreturn]] void fail(const std::string& field, const std::string& what, std::size_t pos) {
  throw Error(field + ": " + what + " at position " + std::to_string(pos), field);
}

std::vector<Token> tokenize(std::string_view s, const std::string& field) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    std::size_t pos = i + 1;
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(' || c == ')' || c == ',') {
      out.push_back({c == '('   ? Tok::LParen
                     : c == ')' ? Tok::RParen
                                : Tok::Comma,
                     std::string(1, c), pos});
      ++i;
    } else if (c == '"' || c == '\'' || c == '`') {
      std::size_t end = s.find(c, i + 1);
      if (end == std::string_view::npos) fail(field, std::string("unclosed ") + c, pos);
      out.push_back(
          {c == '`' ? Tok::Name : Tok::Text, std::string(s.substr(i + 1, end - i - 1)), pos});
      i = end + 1;
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
      std::string op(1, c);
      if (i + 1 < s.size() && s[i + 1] == '=') op += '=';
      if (op == "=" || op == "!")
        fail(field, "'" + op + "' is not an operator (use == or !=)", pos);
      out.push_back({Tok::Op, op, pos});
      i += op.size();
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' ||
               (c == '.' && i + 1 < s.size() &&
                std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      std::size_t j = i + 1;
      while (j < s.size() &&
             (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' ||
              ((s[j] == '-' || s[j] == '+') && (s[j - 1] == 'e' || s[j - 1] == 'E'))))
        ++j;
      std::string text(s.substr(i, j - i));
      // The CSV reader's syntax: what it would not read as a number in a
      // cell ("0x10") is no number here either.
      if (!plain_decimal(text)) {
        const std::string why = not_a_number_reason(text);
        fail(field, "'" + text + "' is not a number" + (why.empty() ? "" : " (" + why + ")"), pos);
      }
      out.push_back({Tok::Number, text, pos});
      i = j;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '.') {
      std::size_t j = i + 1;
      while (j < s.size() &&
             (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' || s[j] == '.'))
        ++j;
      out.push_back({Tok::Name, std::string(s.substr(i, j - i)), pos});
      i = j;
    } else {
      fail(field, "unexpected character '" + std::string(1, c) + "'", pos);
    }
  }
  out.push_back({Tok::End, "end of the filter", s.size() + 1});
  return out;
}

bool as_number(const std::string& s, double& out) { return parse_csv_number(s, false, out); }

bool is_keyword(const Token& t, const char* word) { return t.kind == Tok::Name && t.text == word; }

// The one recursive-descent parser of the grammar (filter.h). It calls its
// builder B at each rule, in reading order, so errors come in the same order
// whatever B builds: the Evaluator below (row masks: B::column looks the
// column up, so an unknown column fails where it is read) or the TreeBuilder
// (parse_filter).
template <class B>
class Parser {
 public:
  using Result = typename B::Result;
  Parser(B& build, std::vector<Token> tokens, const std::string& field)
      : b_(build), t_(std::move(tokens)), field_(field) {}

  Result run() {
    Result m = expr();
    if (t_[i_].kind != Tok::End)
      fail(field_, "unexpected '" + t_[i_].text + "'; expected 'and', 'or' or the end", t_[i_].pos);
    return m;
  }

 private:
  Result expr() {
    Result m = term();
    while (is_keyword(t_[i_], "or")) {
      ++i_;
      Result r = term();
      m = b_.any(std::move(m), std::move(r));
    }
    return m;
  }

  Result term() {
    Result m = factor();
    while (is_keyword(t_[i_], "and")) {
      ++i_;
      Result r = factor();
      m = b_.all(std::move(m), std::move(r));
    }
    return m;
  }

  // 'not' and '(' recurse: their nesting is bounded so that no filter can
  // overflow the stack (100,000 of either did, natively and in wasm).
  Result factor() {
    const Token& t = t_[i_];
    if (is_keyword(t, "not") || t.kind == Tok::LParen) {
      if (depth_ == kMaxFilterDepth)
        fail(field_,
             "'" + t.text + "' nests parentheses and 'not' more than " +
                 std::to_string(kMaxFilterDepth) + " levels deep (the limit)",
             t.pos);
      ++depth_;
      ++i_;
      Result m;
      if (t.kind == Tok::LParen) {
        m = b_.group(expr());
        if (t_[i_].kind != Tok::RParen)
          fail(field_, "expected ')' but found '" + t_[i_].text + "'", t_[i_].pos);
        ++i_;
      } else {
        m = b_.negate(factor());
      }
      --depth_;
      return m;
    }
    return comparison();
  }

  const Token& value() {
    const Token& t = t_[i_];
    if (t.kind != Tok::Number && t.kind != Tok::Text)
      fail(field_, "expected a number or \"text\" but found '" + t.text + "'", t.pos);
    ++i_;
    return t;
  }

  Result comparison() {
    const Token& name = t_[i_];
    if (name.kind != Tok::Name)
      fail(field_, "expected a column name but found '" + name.text + "'", name.pos);
    auto col = b_.column(name);
    ++i_;
    const Token& op = t_[i_];
    if (is_keyword(op, "is")) {
      ++i_;
      bool negate = false;
      if (is_keyword(t_[i_], "not")) {
        negate = true;
        ++i_;
      }
      if (!is_keyword(t_[i_], "missing"))
        fail(field_, "expected 'missing' but found '" + t_[i_].text + "'", t_[i_].pos);
      ++i_;
      return b_.missing(col, negate);
    }
    if (is_keyword(op, "in")) {
      ++i_;
      if (t_[i_].kind != Tok::LParen)
        fail(field_, "expected '(' after 'in' but found '" + t_[i_].text + "'", t_[i_].pos);
      ++i_;
      std::vector<const Token*> values = {&value()};
      while (t_[i_].kind == Tok::Comma) {
        ++i_;
        values.push_back(&value());
      }
      if (t_[i_].kind != Tok::RParen)
        fail(field_, "expected ',' or ')' but found '" + t_[i_].text + "'", t_[i_].pos);
      ++i_;
      return b_.in(col, values, op.pos);
    }
    if (op.kind != Tok::Op)
      fail(field_,
           "expected ==, !=, <, <=, >, >=, in or is after '" + name.text + "' but found '" +
               op.text + "'",
           op.pos);
    ++i_;
    std::size_t value_pos = t_[i_].pos;
    return b_.compare(col, op.text, value(), value_pos);
  }

  B& b_;
  std::vector<Token> t_;
  const std::string& field_;
  std::size_t i_ = 0;
  std::size_t depth_ = 0;
};

// Builds the row mask of each rule.
class Evaluator {
 public:
  using Result = std::vector<uint8_t>;
  Evaluator(const Table& table, const std::string& field) : table_(table), field_(field) {}

  Result any(Result m, const Result& r) {
    for (std::size_t k = 0; k < m.size(); ++k) m[k] = m[k] || r[k];
    return m;
  }
  Result all(Result m, const Result& r) {
    for (std::size_t k = 0; k < m.size(); ++k) m[k] = m[k] && r[k];
    return m;
  }
  Result group(Result m) { return m; }
  Result negate(Result m) {
    for (auto& v : m) v = !v;
    return m;
  }

  const Column* column(const Token& name) {
    const Column* col = table_.find(name.text);
    if (!col) {
      std::string available;
      for (const auto& c : table_.columns) available += (available.empty() ? "" : ", ") + c.name;
      fail(field_, "column '" + name.text + "' is not in the data (columns: " + available + ")",
           name.pos);
    }
    return col;
  }

  Result missing(const Column* col, bool negate) {
    Result m(table_.n_rows, 0);
    for (std::size_t r = 0; r < m.size(); ++r) m[r] = col->is_missing(r) != negate;
    return m;
  }

  Result in(const Column* col, const std::vector<const Token*>& values, std::size_t pos) {
    Result m(table_.n_rows, 0);
    for (const Token* v : values) {
      Result e = compare(col, "==", *v, pos);
      for (std::size_t r = 0; r < m.size(); ++r) m[r] = m[r] || e[r];
    }
    return m;
  }

  Result compare(const Column* column, const std::string& op, const Token& value, std::size_t pos) {
    const Column& col = *column;
    const std::string& v = value.text;
    Result m(table_.n_rows, 0);
    double x = 0;
    bool number = as_number(v, x);
    bool equality = op == "==" || op == "!=";
    if (col.type == ColumnType::Numeric && !number)
      fail(field_, "column '" + col.name + "' holds numbers, but '" + v + "' is not a number", pos);
    if (col.type == ColumnType::Categorical && !equality)
      fail(field_, "column '" + col.name + "' holds text; use ==, != or in with it, not " + op,
           pos);
    for (std::size_t r = 0; r < m.size(); ++r) {
      if (col.is_missing(r)) continue;
      bool result;
      if (col.type == ColumnType::Numeric) {
        double c = col.numbers[r];
        result = op == "=="   ? c == x
                 : op == "!=" ? c != x
                 : op == "<"  ? c < x
                 : op == "<=" ? c <= x
                 : op == ">"  ? c > x
                              : c >= x;
      } else {
        const std::string& c = col.levels[static_cast<std::size_t>(col.codes[r])];
        double y;
        bool eq = c == v || (number && as_number(c, y) && y == x);
        result = op == "==" ? eq : !eq;
      }
      m[r] = result;
    }
    return m;
  }

 private:
  const Table& table_;
  const std::string& field_;
};

// Builds the tree (parse_filter); a chain of and/or is one node.
class TreeBuilder {
 public:
  using Result = FilterNode;
  using Kind = FilterNode::Kind;

  Result any(Result m, Result r) { return chain(Kind::Or, std::move(m), std::move(r)); }
  Result all(Result m, Result r) { return chain(Kind::And, std::move(m), std::move(r)); }
  Result group(Result m) { return wrap(Kind::Group, std::move(m)); }
  Result negate(Result m) { return wrap(Kind::Not, std::move(m)); }
  const std::string& column(const Token& name) { return name.text; }
  Result missing(const std::string& col, bool negate) {
    Result n{Kind::Missing, {}, col, {}, {}};
    n.negate = negate;
    return n;
  }
  Result in(const std::string& col, const std::vector<const Token*>& values, std::size_t) {
    Result n{Kind::In, {}, col, {}, {}};
    for (const Token* v : values) n.values.push_back(value(*v));
    return n;
  }
  Result compare(const std::string& col, const std::string& op, const Token& v, std::size_t) {
    return {Kind::Compare, {}, col, op, {value(v)}};
  }

 private:
  static FilterValue value(const Token& t) { return {t.kind == Tok::Number, t.text}; }
  static Result wrap(Kind kind, Result m) {
    Result n{kind, {}, {}, {}, {}};
    n.children.push_back(std::move(m));
    return n;
  }
  // m is this chain's node when it was made by this loop: a parenthesised
  // chain is a Group, so it is never extended.
  static Result chain(Kind kind, Result m, Result r) {
    if (m.kind != kind) m = wrap(kind, std::move(m));
    m.children.push_back(std::move(r));
    return m;
  }
};

}  // namespace

std::vector<uint8_t> evaluate_filter(const Table& table, std::string_view expression,
                                     const std::string& field) {
  if (expression.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return std::vector<uint8_t>(table.n_rows, 1);
  Evaluator evaluator(table, field);
  return Parser<Evaluator>(evaluator, tokenize(expression, field), field).run();
}

std::optional<FilterNode> parse_filter(std::string_view expression, const std::string& field) {
  if (expression.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::nullopt;
  TreeBuilder builder;
  return Parser<TreeBuilder>(builder, tokenize(expression, field), field).run();
}

}  // namespace localsurv
