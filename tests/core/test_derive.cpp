// Derived columns against R's own expressions on the synthetic cohort.
#include "error.h"
#include "golden.h"
#include "study/derive.h"

using namespace localsurv;

TEST_CASE("BED and EQD2 as the golden's derived expression (npc_synth_1)") {
  // bed <- with(d, bone_rt_dose_gy * (1 + (bone_rt_dose_gy / bone_rt_fractions) / 10))
  // sum(!is.na(bed)) == 321; sum(bed, na.rm = TRUE) == 17662.200000000001; bed[c(8, 9, 19)] == 60,
  // 72, 14.4 eqd2 <- with(d, bone_rt_dose_gy * (bone_rt_dose_gy / bone_rt_fractions + 10) / 12);
  // sum == 14718.5
  auto t = testsupport::dataset("npc_synth_1");
  DeriveSpec bed;
  bed.kind = DeriveSpec::Kind::Bed;
  bed.name = "bed";
  bed.dose = "bone_rt_dose_gy";
  bed.fractions = "bone_rt_fractions";
  DeriveSpec eqd2 = bed;
  eqd2.kind = DeriveSpec::Kind::Eqd2;
  eqd2.name = "eqd2";
  derive_columns(t, {bed, eqd2});
  const Column& b = t.column("bed");
  double sum = 0, sum2 = 0;
  std::size_t n = 0;
  for (std::size_t r = 0; r < t.n_rows; ++r)
    if (!b.is_missing(r)) {
      ++n;
      sum += b.numbers[r];
      sum2 += t.column("eqd2").numbers[r];
    }
  CHECK(n == 321);
  CHECK_CLOSE("sum bed", sum, 17662.200000000001, 1e-12);
  CHECK_CLOSE("sum eqd2", sum2, 14718.5, 1e-12);
  CHECK(b.numbers[7] == 60);
  CHECK(b.numbers[8] == 72);
  CHECK_CLOSE("bed row 19", b.numbers[18], 14.4, 1e-15);
}

TEST_CASE("cut into labelled groups as R's cut(right = FALSE / TRUE)") {
  // table(cut(d$age, c(-Inf, 45, 60, Inf), right = FALSE)): 1015, 850, 176
  auto t = testsupport::dataset("npc_synth_1");
  DeriveSpec c;
  c.name = "age_group";
  c.column = "age";
  c.breaks = {45, 60};
  c.labels = {"<45", "45-59", ">=60"};
  derive_columns(t, {c});
  const Column& g = t.column("age_group");
  std::vector<int> counts(3, 0);
  for (auto code : g.codes) ++counts[static_cast<std::size_t>(code)];
  CHECK(counts == std::vector<int>{1015, 850, 176});
  CHECK(g.levels == c.labels);
  // right = TRUE puts a value equal to a break in the lower group.
  auto small = testsupport::dataset("lung");
  DeriveSpec r;
  r.name = "old";
  r.column = "age";
  r.breaks = {70};
  r.labels = {"<=70", ">70"};
  r.right = true;
  derive_columns(small, {r});
  std::size_t high = 0;
  for (auto code : small.column("old").codes) high += code == 1;
  CHECK(high == 46);  // sum(lung$age > 70) == 46 (sum(lung$age >= 70) is 53)
}

TEST_CASE("derived-column mistakes name the column") {
  auto t = testsupport::dataset("npc_synth_1");
  DeriveSpec c;
  c.name = "age";
  c.column = "age";
  c.breaks = {45};
  c.labels = {"a", "b"};
  CHECK_THROWS_WITH_AS(derive_columns(t, {c}), doctest::Contains("already exists"), Error);
  c.name = "g";
  c.labels = {"a"};
  CHECK_THROWS_WITH_AS(derive_columns(t, {c}),
                       doctest::Contains("1 breaks make 2 groups, but 1 labels"), Error);
  c.labels = {"a", "b", "c"};
  c.breaks = {60, 45};
  CHECK_THROWS_WITH_AS(derive_columns(t, {c}), doctest::Contains("increasing"), Error);
  c.column = "sex";
  c.breaks = {1};
  c.labels = {"a", "b"};
  CHECK_THROWS_WITH_AS(derive_columns(t, {c}), doctest::Contains("holds text"), Error);
}
