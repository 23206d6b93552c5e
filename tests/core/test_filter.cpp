// Subcohort filters: results equal R's subset() on the same data, and every
// mistake names its token and position.
#include "error.h"
#include "golden.h"
#include "io/csv.h"
#include "io/filter.h"

using namespace localsurv;

namespace {
std::size_t count(const std::vector<uint8_t>& m) {
  std::size_t n = 0;
  for (auto v : m) n += v;
  return n;
}
std::string error_of(const Table& t, const std::string& f) {
  try {
    evaluate_filter(t, f);
  } catch (const Error& e) {
    CHECK(e.field == "filter");
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("filters count the rows R's subset() keeps (lung, veteran, pbc)") {
  auto lung = testsupport::dataset("lung");
  // nrow(subset(lung, age >= 65)) == 100; subset() drops NA comparisons.
  CHECK(count(evaluate_filter(lung, "age >= 65")) == 100);
  // nrow(subset(lung, sex == 2 & ph.ecog %in% c(0, 1))) == 69
  CHECK(count(evaluate_filter(lung, "sex == 2 and ph.ecog in (0, 1)")) == 69);
  // nrow(subset(lung, is.na(wt.loss))) == 14; !is.na: 214
  CHECK(count(evaluate_filter(lung, "wt.loss is missing")) == 14);
  CHECK(count(evaluate_filter(lung, "wt.loss is not missing")) == 214);
  // nrow(subset(lung, wt.loss != 0)) == 180 (NA rows dropped)
  CHECK(count(evaluate_filter(lung, "wt.loss != 0")) == 180);
  // nrow(subset(lung, !(age < 50 | age > 70))) == 162
  CHECK(count(evaluate_filter(lung, "not (age < 50 or age > 70)")) == 162);
  auto vet = testsupport::dataset("veteran");
  // nrow(subset(veteran, celltype %in% c("adeno", "large"))) == 54
  CHECK(count(evaluate_filter(vet, "celltype in ('adeno', \"large\")")) == 54);
  // nrow(subset(veteran, celltype != "squamous")) == 102
  CHECK(count(evaluate_filter(vet, "`celltype` != 'squamous'")) == 102);
  auto pbc = testsupport::dataset("pbc");
  // nrow(subset(pbc, !is.na(trt))) == 312; edema == 0.5: 44 among all 418
  CHECK(count(evaluate_filter(pbc, "trt is not missing")) == 312);
  CHECK(count(evaluate_filter(pbc, "edema == 0.5")) == 44);
  CHECK(count(evaluate_filter(pbc, "   ")) == 418);  // nrow(pbc): a blank filter keeps all
}

TEST_CASE("filter mistakes name the token and position") {
  auto t = read_csv("age,site\n50,liver\n60,lung\n");
  CHECK(error_of(t, "agee > 3").find("column 'agee' is not in the data") != std::string::npos);
  CHECK(error_of(t, "age = 3").find("'=' is not an operator (use == or !=) at position 5") !=
        std::string::npos);
  CHECK(error_of(t, "age > ")
            .find("expected a number or \"text\" but found 'end of the filter' at position 7") !=
        std::string::npos);
  CHECK(error_of(t, "age > 3 and").find("expected a column name") != std::string::npos);
  CHECK(error_of(t, "(age > 3").find("expected ')'") != std::string::npos);
  CHECK(error_of(t, "age > 'old'").find("holds numbers, but 'old' is not a number") !=
        std::string::npos);
  CHECK(error_of(t, "site < 'm'").find("holds text; use ==, != or in") != std::string::npos);
  CHECK(error_of(t, "site == \"liver").find("unclosed \"") != std::string::npos);
  CHECK(error_of(t, "age > 3 age")
            .find("unexpected 'age'; expected 'and', 'or' or the end at position 9") !=
        std::string::npos);
  CHECK(error_of(t, "site is empty").find("expected 'missing'") != std::string::npos);
  CHECK(error_of(t, "age in 50").find("expected '(' after 'in'") != std::string::npos);
  CHECK(error_of(t, "age > 3 & site == 'lung'").find("unexpected character '&'") !=
        std::string::npos);
  // A filter from elsewhere in the spec is named by its own field, in the
  // message and as the field, from the tokenizer and from the parser.
  const std::pair<const char*, const char*> mistakes[] = {
      {"age > 3 & x", " at position 9"}, {"age > 3 or agee < 2", " at position 12"}};
  for (const auto& mistake : mistakes) {
    const char* f = mistake.first;
    const char* at = mistake.second;
    CAPTURE(f);
    try {
      evaluate_filter(t, f, "subcohorts[2].filter");
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.field == "subcohorts[2].filter");
      CHECK(std::string(e.what()).rfind("subcohorts[2].filter: ", 0) == 0);
      CHECK(std::string(e.what()).find(at) != std::string::npos);
    }
  }
}

TEST_CASE("numbers compare numerically in text columns too") {
  auto t = read_csv("code\n1.0\nx\n2\n");
  CHECK(evaluate_filter(t, "code == 1") == std::vector<uint8_t>{1, 0, 0});
  CHECK(evaluate_filter(t, "code in (2, 'x')") == std::vector<uint8_t>{0, 1, 1});
}

TEST_CASE("parentheses and 'not' nest at most kMaxFilterDepth levels, then a message") {
  auto t = read_csv("age,site\n50,liver\n60,lung\n");
  auto nested = [](std::size_t depth, const std::string& open, const std::string& close) {
    std::string f;
    for (std::size_t i = 0; i < depth; ++i) f += open;
    f += "age > 55";
    for (std::size_t i = 0; i < depth; ++i) f += close;
    return f;
  };
  const std::size_t limit = kMaxFilterDepth;
  CHECK(count(evaluate_filter(t, nested(limit, "(", ")"))) == 1);
  CHECK(count(evaluate_filter(t, nested(limit, "not ", ""))) == 1);  // an even number of nots
  CHECK(count(evaluate_filter(t, nested(limit / 2, "not (", ")"))) == 1);
  const std::string too_deep = "'(' nests parentheses and 'not' more than " +
                               std::to_string(limit) + " levels deep (the limit) at position " +
                               std::to_string(limit + 1);
  CHECK(error_of(t, nested(limit + 1, "(", ")")) == "filter: " + too_deep);
  CHECK(error_of(t, nested(limit + 1, "not ", "")).find("'not' nests parentheses") !=
        std::string::npos);
  // What overflowed the stack before the limit: 100,000 of either.
  CHECK(error_of(t, std::string(100000, '(')).find("(the limit) at position 101") !=
        std::string::npos);
  CHECK(error_of(t, nested(100000, "not ", "")).find("(the limit) at position 401") !=
        std::string::npos);
}

TEST_CASE(
    "parse_filter reads a filter as evaluate_filter does: its tree, and the same syntax errors") {
  using Kind = FilterNode::Kind;
  CHECK_FALSE(parse_filter(" \t\r\n").has_value());
  // An and/or chain is one node with its parts in order; parentheses are a
  // Group of their own, so (a and b) and c keeps its shape.
  FilterNode n =
      *parse_filter("(age > 3 and x == 'a') and not y in (1, \"b\") or z is not missing");
  REQUIRE(n.kind == Kind::Or);
  REQUIRE(n.children.size() == 2);
  const FilterNode& a = n.children[0];
  REQUIRE(a.kind == Kind::And);
  REQUIRE(a.children.size() == 2);
  CHECK(a.children[0].kind == Kind::Group);
  REQUIRE(a.children[0].children.size() == 1);
  const FilterNode& inner = a.children[0].children[0];
  REQUIRE(inner.kind == Kind::And);
  REQUIRE(inner.children.size() == 2);
  CHECK(inner.children[0].kind == Kind::Compare);
  CHECK(inner.children[0].column == "age");
  CHECK(inner.children[0].op == ">");
  CHECK(inner.children[0].values.at(0).number);
  CHECK(inner.children[0].values.at(0).text == "3");
  CHECK_FALSE(inner.children[1].values.at(0).number);
  CHECK(inner.children[1].values.at(0).text == "a");
  REQUIRE(a.children[1].kind == Kind::Not);
  const FilterNode& in = a.children[1].children.at(0);
  CHECK(in.kind == Kind::In);
  CHECK(in.column == "y");
  REQUIRE(in.values.size() == 2);
  CHECK((in.values[0].number && in.values[0].text == "1"));
  CHECK((!in.values[1].number && in.values[1].text == "b"));
  CHECK(n.children[1].kind == Kind::Missing);
  CHECK(n.children[1].column == "z");
  CHECK(n.children[1].negate);
  CHECK(parse_filter("`odd name` is missing")->column == "odd name");
  CHECK_FALSE(parse_filter("`odd name` is missing")->negate);
  // The checks that need data are left to the run: any column, any value.
  CHECK(parse_filter("agee < 'm'")->kind == Kind::Compare);
  // Syntax errors: the run's messages and fields, word for word.
  auto t = read_csv("age,site\n50,liver\n60,lung\n");
  std::string deep(kMaxFilterDepth + 1, '(');
  const std::vector<std::string> mistakes = {"age = 3",       "age > ",          "age > 3 and",
                                             "(age > 3",      "site == \"liver", "age > 3 age",
                                             "site is empty", "age in 50",       "age > 3 & x",
                                             "age in (1 2)",  "1abc == 2",       deep + "age > 1"};
  for (const std::string& f : mistakes) {
    CAPTURE(f);
    std::string run_error, parse_error, run_field, parse_field;
    try {
      evaluate_filter(t, f, "subcohorts[1].filter");
    } catch (const Error& e) {
      run_error = e.what();
      run_field = e.field;
    }
    try {
      parse_filter(f, "subcohorts[1].filter");
    } catch (const Error& e) {
      parse_error = e.what();
      parse_field = e.field;
    }
    CHECK(!parse_error.empty());
    CHECK(parse_error == run_error);
    CHECK(parse_field == "subcohorts[1].filter");
    CHECK(parse_field == run_field);
  }
}

TEST_CASE("a number the CSV reader would not read is no number in a filter either") {
  // read_csv takes "0x10" in a cell as text; strtod alone would read 16.
  auto t = read_csv("age,code\n16,0x10\n60,16\n");
  CHECK(t.column("age").type == ColumnType::Numeric);
  CHECK(t.column("code").type == ColumnType::Categorical);
  CHECK(error_of(t, "age > 0x10") ==
        "filter: '0x10' is not a number (a hexadecimal number; write it in decimal) at position "
        "7");
  CHECK(error_of(t, "age in (0x3C, 61)").find("'0x3C' is not a number (a hexadecimal number") !=
        std::string::npos);
  // As text it is refused where numbers are compared ...
  CHECK(error_of(t, "age > '0x10'").find("holds numbers, but '0x10' is not a number") !=
        std::string::npos);
  // ... and matches only its own text in a text column, never the number 16.
  CHECK(evaluate_filter(t, "code == '0x10'") == std::vector<uint8_t>{1, 0});
  CHECK(evaluate_filter(t, "code == 16") == std::vector<uint8_t>{0, 1});
  CHECK(evaluate_filter(t, "code == ' 16'") == std::vector<uint8_t>{0, 0});
  // Plain decimals keep their meaning; bad syntax keeps its message.
  CHECK(count(evaluate_filter(t, "age > 1.5e1")) == 2);
  CHECK(error_of(t, "age > 1e") == "filter: '1e' is not a number at position 7");
}
