// Kernel flags worded at the edge: study/plain_words.cpp reads a flag's code
// and fields (stats/flag.h), never its text, so each case gives a text that
// says nothing of what the message must name.
#include <doctest/doctest.h>

#include "stats/cox.h"
#include "stats/log_rank.h"
#include "study/plain_words.h"

using localsurv::Flag;
using localsurv::FlagCode;
using localsurv::plain_warning;
using localsurv::Vocabulary;

namespace {

// lt (the group) and celltype, a factor of three levels whose two
// coefficients are named as R names them.
Vocabulary celltype_words() {
  Vocabulary v;
  v.group_levels = {"none", "RT"};
  v.group_column = "lt";
  v.coefficients = {{"ltRT", "lt = RT", "lt", false},
                    {"celltypesmallcell", "celltype = smallcell", "celltype", true},
                    {"celltypeadeno", "celltype = adeno", "celltype", true},
                    {"age", "age", "age", true}};
  return v;
}

}  // namespace

TEST_CASE("a singular Cox flag naming every coefficient of a factor names its column") {
  Flag f(FlagCode::CoxSingular, "kernel text, not read");
  f.names = {"celltypesmallcell", "celltypeadeno"};
  const localsurv::Said said = plain_warning(f, celltype_words());
  CHECK(said.message ==
        "celltype has no estimable hazard ratio (NA): among the patients in this model it is "
        "constant or a combination of other terms (collinear); leave it out of the covariates");
  CHECK(said.detail == "kernel text, not read");
  // One level of the factor and another column: each by its label, and the
  // group (not a covariate) takes away the remedy.
  f.names = {"ltRT", "celltypeadeno"};
  CHECK(plain_warning(f, celltype_words()).message ==
        "lt = RT and celltype = adeno have no estimable hazard ratio (NA): among the patients in "
        "this model they are constant or a combination of other terms (collinear)");
  // Without a vocabulary: the names as the kernel gave them.
  CHECK(plain_warning(f, {}).message ==
        "ltRT and celltypeadeno have no estimable hazard ratio (NA): among the patients in this "
        "model they are constant or a combination of other terms (collinear)");
}

TEST_CASE("group codes in a flag become the levels of the vocabulary") {
  const Vocabulary v = celltype_words();
  CHECK(plain_warning(localsurv::group_flag(FlagCode::GroupNotAtRisk, "", {1}), v).message ==
        "group 'RT' has no patient at risk at any event time (expected 0); it is left out of the "
        "test and its degrees of freedom, as in R's survdiff");
  // Descriptives: a group, or (no group) the whole sample.
  CHECK(plain_warning(localsurv::group_flag(FlagCode::SingleValue, "", {0}), v).message ==
        "group 'none' has a single value: its SD is NA.");
  CHECK(plain_warning(localsurv::group_flag(FlagCode::SingleValue, "", {}), v).message ==
        "The whole sample has a single value: its SD is NA.");
  // Matching names the arm by its level.
  CHECK(plain_warning(localsurv::group_flag(FlagCode::NoArmUnits, "", {0}), v).message ==
        "there are no patients in the control group (lt = none), so nobody can be matched");
  // A code the vocabulary has no level for stays a code.
  CHECK(plain_warning(localsurv::group_flag(FlagCode::OneGroupAtRisk, "", {5}), v).message ==
        "only group code 5 has patients at risk at the event times, so there is nothing to "
        "compare: chisq 0, df 0, p 1, as R's survdiff gives");
}

TEST_CASE("a flag's scope is said before it: the fit, the pair, the group") {
  const Vocabulary v = celltype_words();
  Flag f(FlagCode::CoxNotConverged, "Ran out of iterations and did not converge");
  f.where = "interaction (main-effects model)";
  const localsurv::Said said = plain_warning(f, v);
  CHECK(said.message ==
        "interaction (main-effects model): the model did not converge: its estimates are not "
        "reliable (usually a level with very few patients or events)");
  CHECK(said.detail == "Ran out of iterations and did not converge");
  Flag pair = localsurv::group_flag(FlagCode::GroupNotAtRisk, "", {0});
  pair.pair = {0, 1};
  CHECK(plain_warning(pair, v).message ==
        "group 'none' vs group 'RT': group 'none' has no patient at risk at any event time "
        "(expected 0); it is left out of the test and its degrees of freedom, as in R's survdiff");
  Flag curve(FlagCode::CurveNoEvents, "no events; survival stays at 1");
  curve.group = 1;
  CHECK(plain_warning(curve, v).message == "group 'RT': no events; survival stays at 1");
}

TEST_CASE("kernels flag what they are about as data") {
  // Three group codes, the middle one with no patients.
  const std::vector<double> time{1, 2, 3, 4, 5, 6};
  const std::vector<int> status{1, 0, 1, 1, 0, 1};
  const std::vector<int> group{0, 2, 0, 2, 0, 2};
  const localsurv::LogRankResult r = localsurv::log_rank(time, status, group);
  REQUIRE(!r.warnings.empty());
  CHECK(r.warnings[0].code == FlagCode::EmptyGroupLevel);
  CHECK(r.warnings[0].groups == std::vector<int>{1});
  // A constant column: aliased, named by its coefficient.
  localsurv::CoxInput in;
  in.time = {1, 2, 3, 4};
  in.status = {1, 1, 0, 1};
  in.x = Eigen::MatrixXd::Zero(4, 2);
  in.x.col(0) << 0, 1, 0, 1;
  in.names = {"trt", "const"};
  const localsurv::CoxResult c = localsurv::cox_fit(in);
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0].code == FlagCode::CoxSingular);
  CHECK(c.warnings[0].names == std::vector<std::string>{"const"});
  CHECK(c.warnings[0].text == "X matrix deemed to be singular; variable 2 (const)");
  CHECK(c.warnings[0].where.empty());
}
