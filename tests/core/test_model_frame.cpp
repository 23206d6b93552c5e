// Model frames: complete cases, event coding and treatment contrasts named as
// R's model.matrix names them.
#include "error.h"
#include "golden.h"
#include "io/csv.h"
#include "study/model_frame.h"

using namespace localsurv;

TEST_CASE("complete cases and dropped counts (lung, coxph na.omit)") {
  // nrow(na.omit(lung[c("time","status","sex","age","ph.ecog","ph.karno","wt.loss")])) == 213
  auto lung = testsupport::dataset("lung");
  auto sel = complete_rows(lung, {"time", "status", "sex", "age", "ph.ecog", "ph.karno", "wt.loss"},
                           all_rows(lung));
  CHECK(sel.rows.size() ==
        testsupport::golden("lung")["cox"]["complete_case_n"].get<std::size_t>());
  CHECK(sel.dropped == 228 - 213);
  std::size_t by_col = 0;
  for (auto& [name, n] : sel.dropped_by_column) by_col += n;
  CHECK(by_col == sel.dropped);
}

TEST_CASE("event indicator: numeric and text event values") {
  auto lung = testsupport::dataset("lung");
  auto rows = all_rows(lung);
  auto ev = event_indicator(lung.column("status"), {"2"}, rows);
  int events = 0;
  for (int e : ev) events += e;
  CHECK(events == testsupport::golden("lung")["km"]["overall"]["events"].get<int>());
  auto t = read_csv("s\ndead\nalive\ndead\n");
  auto e2 = event_indicator(t.column("s"), {"dead"}, all_rows(t));
  CHECK(e2 == std::vector<int>{1, 0, 1});
  CHECK_THROWS_AS(event_indicator(lung.column("status"), {"dead"}, rows), Error);
}

TEST_CASE("event values and levels are numbers only as the CSV reader reads numbers") {
  // "0x2" is text to read_csv, so it is refused for a numeric column (strtod would read 2) ...
  auto lung = testsupport::dataset("lung");
  CHECK_THROWS_WITH_AS(event_indicator(lung.column("status"), {"0x2"}, all_rows(lung)),
                       "event value '0x2' is not a number, but column 'status' is numeric", Error);
  // ... and in a text column it matches its own text only, not the cell "2".
  auto t = read_csv("s\n2\n0x2\nx\n");
  REQUIRE(t.column("s").type == ColumnType::Categorical);
  CHECK(event_indicator(t.column("s"), {"0x2"}, all_rows(t)) == std::vector<int>{0, 1, 0});
  CHECK(event_indicator(t.column("s"), {"2.0"}, all_rows(t)) == std::vector<int>{1, 0, 0});
  // Levels sort numerically only when every one is a plain decimal.
  auto u = read_csv("g\n10\n9\n0x1\n");
  CHECK(factor_levels(u.column("g"), TermSpec{"g", TermKind::Factor, {}, ""}) ==
        std::vector<std::string>{"0x1", "10", "9"});
  auto v = read_csv("g\n10\n9\nb\n");
  CHECK(factor_levels(v.column("g"), TermSpec{"g", TermKind::Factor, {}, ""}) ==
        std::vector<std::string>{"10", "9", "b"});
}

TEST_CASE("treatment contrasts named like model.matrix (veteran celltype, pbc edema)") {
  auto vet = testsupport::dataset("veteran");
  TermSpec cell{"celltype", TermKind::Factor, {"squamous", "smallcell", "adeno", "large"}, ""};
  TermSpec karno{"karno", TermKind::Auto, {}, ""};
  auto d = build_design(vet, {cell, karno}, all_rows(vet));
  REQUIRE(d.x.cols() == 4);
  CHECK(d.names ==
        std::vector<std::string>{"celltypesmallcell", "celltypeadeno", "celltypelarge", "karno"});
  CHECK(d.x(0, 0) == 0);          // row 1 is squamous, the reference
  CHECK(d.x.col(0).sum() == 48);  // table(veteran$celltype)["smallcell"] == 48
  auto pbc = testsupport::dataset("pbc");
  TermSpec edema{"edema", TermKind::Factor, {"0", "0.5", "1"}, ""};
  auto sel = complete_rows(pbc, {"edema"}, all_rows(pbc));
  auto de = build_design(pbc, {edema}, sel.rows);
  CHECK(de.names == std::vector<std::string>{"edema0.5", "edema1"});
  // Undeclared order: numeric-aware sort; reference can be chosen.
  auto lv = factor_levels(pbc.column("edema"), TermSpec{"edema", TermKind::Factor, {}, "1"});
  CHECK(lv == std::vector<std::string>{"1", "0", "0.5"});
  CHECK_THROWS_AS(factor_levels(pbc.column("edema"), TermSpec{"edema", TermKind::Factor, {}, "2"}),
                  Error);
  CHECK_THROWS_WITH_AS(factor_codes(vet.column("celltype"), {"squamous", "smallcell"}),
                       doctest::Contains("not one of its declared levels"), Error);
  CHECK_THROWS_AS(
      build_design(vet, {TermSpec{"celltype", TermKind::Numeric, {}, ""}}, all_rows(vet)), Error);
}

TEST_CASE(
    "event values match numerically in text columns; text where numbers are needed names the "
    "line") {
  auto t = read_csv("t,s\n1,1.0\n2,0\n\n3,1\n4,?\n5,x y\n");
  CHECK(t.column("s").type == ColumnType::Categorical);
  CHECK(event_indicator(t.column("s"), {"1"}, all_rows(t)) == std::vector<int>{1, 0, 1, 0, 0});
  CHECK(event_indicator(t.column("s"), {"1.0"}, all_rows(t)) == std::vector<int>{1, 0, 1, 0, 0});
  try {
    numeric_values(t.column("s"), all_rows(t));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("line 6, column 2 has '?'") != std::string::npos);
    CHECK(e.line == 6);
    CHECK(e.column == 2);
  }
  // A reference given as "1.0" finds the numeric level "1".
  auto lv = factor_levels(t.column("t"), TermSpec{"t", TermKind::Factor, {}, "3.0"});
  CHECK(lv.front() == "3");
  // Factor levels of a text column match by text, as R factor() does ("1" is not "1.0").
  CHECK_THROWS_WITH_AS(factor_codes(t.column("s"), {"1.0", "0"}), doctest::Contains("on line 5"),
                       Error);
}

TEST_CASE("the cell named is one the CSV reader would not read as a number") {
  // strtod reads 0x10 (16) and inf, so before they were skipped and the
  // message named no line at all.
  auto t = read_csv("t\n1\n0x10\n");
  CHECK_THROWS_WITH_AS(
      numeric_values(t.column("t"), all_rows(t)),
      "column 't' holds text, so it cannot be used as numbers (times, doses, ages): "
      "line 3, column 1 has '0x10', a hexadecimal number; write it in decimal",
      Error);
  // With a decimal comma "1,5" was a number: the cell that is text either way is named.
  auto semi = read_csv("id;t\n1;1,5\n2;soon\n");
  CHECK_THROWS_WITH_AS(numeric_values(semi.column("t"), all_rows(semi)),
                       doctest::Contains("line 3, column 2 has 'soon'"), Error);
  // Without one, "1,5" is the text (a quoted field in a comma file).
  CsvOptions no_comma;
  no_comma.decimal_comma = 0;
  auto plain = read_csv("id;t\n1;1,5\n2;2\n", no_comma);
  CHECK_THROWS_WITH_AS(numeric_values(plain.column("t"), all_rows(plain)),
                       doctest::Contains("line 2, column 2 has '1,5'"), Error);
  // Only the rows asked about are searched; a derived column has no file column.
  Column derived = t.column("t");
  derived.file_column = 0;
  CHECK_THROWS_WITH_AS(numeric_values(derived, {1}), doctest::Contains("line 3 has '0x10'"), Error);
}
