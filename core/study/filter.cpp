#include "study/filter.h"

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

// Recursive-descent parser that evaluates as it goes: each rule returns the
// row mask of its sub-expression.
class Evaluator {
 public:
  Evaluator(const Table& table, std::vector<Token> tokens, const std::string& field)
      : table_(table), t_(std::move(tokens)), field_(field) {}

  std::vector<uint8_t> run() {
    std::vector<uint8_t> m = expr();
    if (t_[i_].kind != Tok::End)
      fail(field_, "unexpected '" + t_[i_].text + "'; expected 'and', 'or' or the end", t_[i_].pos);
    return m;
  }

 private:
  std::vector<uint8_t> expr() {
    std::vector<uint8_t> m = term();
    while (is_keyword(t_[i_], "or")) {
      ++i_;
      std::vector<uint8_t> r = term();
      for (std::size_t k = 0; k < m.size(); ++k) m[k] = m[k] || r[k];
    }
    return m;
  }

  std::vector<uint8_t> term() {
    std::vector<uint8_t> m = factor();
    while (is_keyword(t_[i_], "and")) {
      ++i_;
      std::vector<uint8_t> r = factor();
      for (std::size_t k = 0; k < m.size(); ++k) m[k] = m[k] && r[k];
    }
    return m;
  }

  // 'not' and '(' recurse: their nesting is bounded so that no filter can
  // overflow the stack (100,000 of either did, natively and in wasm).
  std::vector<uint8_t> factor() {
    const Token& t = t_[i_];
    if (is_keyword(t, "not") || t.kind == Tok::LParen) {
      if (depth_ == kMaxFilterDepth)
        fail(field_,
             "'" + t.text + "' nests parentheses and 'not' more than " +
                 std::to_string(kMaxFilterDepth) + " levels deep (the limit)",
             t.pos);
      ++depth_;
      ++i_;
      std::vector<uint8_t> m;
      if (t.kind == Tok::LParen) {
        m = expr();
        if (t_[i_].kind != Tok::RParen)
          fail(field_, "expected ')' but found '" + t_[i_].text + "'", t_[i_].pos);
        ++i_;
      } else {
        m = factor();
        for (auto& v : m) v = !v;
      }
      --depth_;
      return m;
    }
    return comparison();
  }

  std::string value() {
    const Token& t = t_[i_];
    if (t.kind != Tok::Number && t.kind != Tok::Text)
      fail(field_, "expected a number or \"text\" but found '" + t.text + "'", t.pos);
    ++i_;
    return t.text;
  }

  std::vector<uint8_t> comparison() {
    const Token& name = t_[i_];
    if (name.kind != Tok::Name)
      fail(field_, "expected a column name but found '" + name.text + "'", name.pos);
    const Column* col = table_.find(name.text);
    if (!col) {
      std::string available;
      for (const auto& c : table_.columns) available += (available.empty() ? "" : ", ") + c.name;
      fail(field_, "column '" + name.text + "' is not in the data (columns: " + available + ")",
           name.pos);
    }
    ++i_;
    const Token& op = t_[i_];
    std::vector<uint8_t> m(table_.n_rows, 0);
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
      for (std::size_t r = 0; r < m.size(); ++r) m[r] = col->is_missing(r) != negate;
      return m;
    }
    if (is_keyword(op, "in")) {
      ++i_;
      if (t_[i_].kind != Tok::LParen)
        fail(field_, "expected '(' after 'in' but found '" + t_[i_].text + "'", t_[i_].pos);
      ++i_;
      std::vector<std::string> values = {value()};
      while (t_[i_].kind == Tok::Comma) {
        ++i_;
        values.push_back(value());
      }
      if (t_[i_].kind != Tok::RParen)
        fail(field_, "expected ',' or ')' but found '" + t_[i_].text + "'", t_[i_].pos);
      ++i_;
      for (const auto& v : values) {
        std::vector<uint8_t> e = compare(*col, "==", v, op.pos);
        for (std::size_t r = 0; r < m.size(); ++r) m[r] = m[r] || e[r];
      }
      return m;
    }
    if (op.kind != Tok::Op)
      fail(field_,
           "expected ==, !=, <, <=, >, >=, in or is after '" + name.text + "' but found '" +
               op.text + "'",
           op.pos);
    ++i_;
    std::size_t value_pos = t_[i_].pos;
    return compare(*col, op.text, value(), value_pos);
  }

  std::vector<uint8_t> compare(const Column& col, const std::string& op, const std::string& v,
                               std::size_t pos) {
    std::vector<uint8_t> m(table_.n_rows, 0);
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

  const Table& table_;
  std::vector<Token> t_;
  const std::string& field_;
  std::size_t i_ = 0;
  std::size_t depth_ = 0;
};

}  // namespace

std::vector<uint8_t> evaluate_filter(const Table& table, std::string_view expression,
                                     const std::string& field) {
  if (expression.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return std::vector<uint8_t>(table.n_rows, 1);
  return Evaluator(table, tokenize(expression, field), field).run();
}

}  // namespace localsurv
