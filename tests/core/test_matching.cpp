// Nearest-neighbour matching against MatchIt: the goldens' matching.<spec>
// `corrected` blocks (matchit(treat ~ covariates, method = "nearest",
// distance = "glm", ...) with the documented pairing, MatchIt >= 4.5.4) and
// tests/reference/extra/matching.json (tests/r/matching.R: ratio 2,
// replacement, m.order smallest/data/random, exact matching).
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "error.h"
#include "golden.h"
#include "matching.h"
#include "model_frame.h"

using namespace localsurv;
using testsupport::json;
using testsupport::num;
using testsupport::nums;

namespace {

bool has_warning(const MatchingResult& r, const std::string& part) {
  for (const auto& w : r.warnings)
    if (w.find(part) != std::string::npos) return true;
  return false;
}

std::string error_of(const std::vector<double>& d, const std::vector<int>& t,
                     const std::vector<int>& e, const MatchingOptions& o) {
  try {
    nearest_neighbor_match(d, t, e, o);
  } catch (const Error& err) {
    return err.what();
  }
  return "no error";
}

// The golden's matching input: logistic.ps_all (ids = 1-based data rows of
// the multivariable Cox complete cases, the rows matchit() gets) and treat
// from the dataset's treat expression.
struct Input {
  std::vector<long> ids;
  std::vector<double> ps, lp;
  std::vector<int> treat;
};

Input golden_input(const std::string& name) {
  const json& g = testsupport::golden(name);
  const json& ds = g["dataset"];
  std::string expr = ds["treat"]["expression"].get<std::string>();
  std::string column, value;
  if (name == "lung") {
    REQUIRE(expr == "as.integer(sex == 2)");
    column = "sex", value = "2";
  } else if (name == "veteran") {
    REQUIRE(expr == "as.integer(trt == 2)");
    column = "trt", value = "2";
  } else if (name == "colon_bin") {
    REQUIRE(expr == "as.integer(rx == 'Lev+5FU')");
    column = "rx", value = "Lev+5FU";
  } else if (name == "pbc") {
    REQUIRE(expr == "as.integer(trt == 1)");
    column = "trt", value = "1";
  } else if (name == "rotterdam") {
    REQUIRE(expr == "chemo");
    column = "chemo", value = "1";
  } else if (name == "npc_synth_1") {
    REQUIRE(expr == "lt");
    column = "lt", value = "1";
  } else {
    FAIL("no treat expression known for " << name);
  }
  Input in;
  const json& pa = g["logistic"]["ps_all"];
  in.ids = pa["id"].get<std::vector<long>>();
  in.ps = nums(pa["ps"]);
  in.lp = nums(pa["linear_predictor"]);
  Table t = testsupport::dataset(name);
  std::vector<std::size_t> rows;
  for (long id : in.ids) rows.push_back(std::size_t(id - 1));
  // The csv's id column is 1..n, so id - 1 is the row.
  for (std::size_t i = 0; i < rows.size(); ++i)
    REQUIRE(t.column("id").numbers[rows[i]] == double(in.ids[i]));
  in.treat = event_indicator(t.column(column), {value}, rows);
  return in;
}

std::vector<long> to_ids(const Input& in, const std::vector<std::size_t>& idx) {
  std::vector<long> out;
  for (std::size_t i : idx) out.push_back(in.ids[i]);
  return out;
}

void check_spec(const std::string& name, const std::string& spec) {
  INFO("dataset " << name << ", spec " << spec);
  Input in = golden_input(name);
  const json& m = testsupport::golden(name)["matching"][spec];
  const json& o = m["options"];
  REQUIRE(m["n_input"].get<std::size_t>() == in.ids.size());
  REQUIRE(o["method"] == "nearest");
  REQUIRE(o["distance"] == "glm");
  REQUIRE(o["estimand"] == "ATT");
  REQUIRE(o["replace"] == false);
  REQUIRE(o["ratio"] == 1);
  REQUIRE(o["discard"] == "none");
  REQUIRE(o["m.order_used"] == "largest");

  MatchingOptions opt;
  std::string link = o["link"].get<std::string>();
  const std::vector<double>* d = nullptr;
  if (link == "logit") {
    d = &in.ps;
  } else {
    REQUIRE(link == "linear.logit");
    d = &in.lp;  // MatchIt: predict(glm, type = "link")
    opt.distance_scale = DistanceScale::LinearLogit;
  }
  if (!o["caliper"].is_null()) {
    opt.caliper = num(o["caliper"]);
    opt.caliper_unit =
        o["std.caliper"].get<bool>() ? CaliperUnit::StandardDeviations : CaliperUnit::DistanceUnits;
  }
  MatchingResult r = nearest_neighbor_match(*d, in.treat, {}, opt);

  CHECK_CLOSE("sd(distance)", r.distance_sd, num(m["distance_summary"]["sd"]), 1e-14);
  if (o["caliper"].is_null()) {
    CHECK(!r.caliper_used);
    CHECK(r.caliper_description == "no caliper");
  } else {
    CHECK(r.caliper_used);
    CHECK(r.caliper_absolute == num(o["caliper_absolute"]));  // bit-identical to R
    CHECK(r.caliper_description.find(link == "logit" ? "propensity score scale"
                                                     : "logit of the propensity score scale") !=
          std::string::npos);
  }

  const json& c = m["corrected"];
  auto ids_of = [&](const std::vector<std::size_t>& v) { return to_ids(in, v); };
  CHECK(ids_of(r.pair_treated) == c["pairs"]["treated_id"].get<std::vector<long>>());
  CHECK(ids_of(r.pair_control) == c["pairs"]["control_id"].get<std::vector<long>>());
  CHECK(r.pair_subclass == c["pairs"]["subclass"].get<std::vector<int>>());
  CHECK(ids_of(r.unmatched_treated) == c["unmatched_treated_ids"].get<std::vector<long>>());
  CHECK(r.n_matched_treated == c["n_matched_treated"].get<std::size_t>());
  CHECK(r.n_matched_control == c["n_matched_control"].get<std::size_t>());
  // summary(m)$nn: rows All (ESS), All, Matched (ESS), Matched, Unmatched,
  // Discarded; columns Control, Treated.
  const json& nn = c["nn"];
  REQUIRE(nn["rownames"][3] == "Matched");
  REQUIRE(nn["rownames"][4] == "Unmatched");
  CHECK(double(r.n_control) == num(nn["rows"][1][0]));
  CHECK(double(r.n_treated) == num(nn["rows"][1][1]));
  CHECK(double(r.n_matched_control) == num(nn["rows"][3][0]));
  CHECK(double(r.n_matched_treated) == num(nn["rows"][3][1]));
  CHECK(double(r.n_unmatched_control) == num(nn["rows"][4][0]));
  CHECK(double(r.n_unmatched_treated) == num(nn["rows"][4][1]));
  CHECK(r.n_pairs == r.n_matched_treated);
  // R's warnings for this call (pbc: fewer controls than treated).
  std::vector<std::string> expected;
  for (const auto& w : testsupport::golden(name)["warnings"])
    if (w["step"] == "matchit " + spec + " (corrected)")
      expected.push_back(w["message"].get<std::string>());
  CHECK(r.warnings == expected);
  // 1:1 without replacement: every matched unit has weight 1.
  for (std::size_t i = 0; i < r.weights.size(); ++i)
    CHECK(r.weights[i] == (r.unit_subclass[i] > 0 ? 1.0 : 0.0));

  // The installed MatchIt (4.5.1, abs() bug) differs; our pairs must not
  // reproduce it wherever the README says the two differ.
  const json& inst = m["matchit_installed"];
  bool same = ids_of(r.pair_control) == inst["pairs"]["control_id"].get<std::vector<long>>() &&
              ids_of(r.pair_treated) == inst["pairs"]["treated_id"].get<std::vector<long>>();
  CHECK(same == m["installed_equals_corrected"].get<bool>());
}

const char* kDatasets[] = {"lung", "veteran", "colon_bin", "pbc", "rotterdam", "npc_synth_1"};
const char* kSpecs[] = {"a_default", "b_caliper_0.01_raw", "c_caliper_0.2sd_linear_logit",
                        "d_caliper_0.002_raw"};

}  // namespace

TEST_CASE(
    "goldens: matchit(treat ~ covariates, method = 'nearest', distance = 'glm' [, caliper]) "
    "corrected pairs") {
  for (const char* name : kDatasets) {
    REQUIRE(testsupport::golden(name).contains("matching"));
    for (const char* spec : kSpecs) check_spec(name, spec);
  }
}

TEST_CASE("goldens: logit(ps) computed from the scores gives the linear.logit pairs") {
  for (const char* name : kDatasets) {
    INFO("dataset " << name);
    Input in = golden_input(name);
    MatchingOptions opt;
    opt.distance_scale = DistanceScale::LinearLogit;
    opt.caliper_unit = CaliperUnit::StandardDeviations;
    opt.caliper = 0.2;
    MatchingResult a = nearest_neighbor_match(in.lp, in.treat, {}, opt);
    MatchingResult b = nearest_neighbor_match(logit_scores(in.ps), in.treat, {}, opt);
    CHECK(a.pair_control == b.pair_control);
    CHECK(a.pair_treated == b.pair_treated);
    CHECK_CLOSE("caliper", b.caliper_absolute, a.caliper_absolute, 1e-12);
  }
}

namespace {

const json& extra_cases() {
  static json all =
      json::parse(testsupport::read_file(testsupport::test_data_path("extra/matching.json")));
  return all["cases"];
}

struct ExtraCase {
  std::vector<long> ids;
  std::vector<double> distance;
  std::vector<int> treat, exact;
  MatchingOptions opt;
};

ExtraCase extra_case(const json& c) {
  ExtraCase e;
  e.ids = c["input"]["id"].get<std::vector<long>>();
  e.distance = nums(c["input"]["distance"]);
  e.treat = c["input"]["treat"].get<std::vector<int>>();
  if (!c["input"]["exact"].is_null()) e.exact = c["input"]["exact"].get<std::vector<int>>();
  const json& o = c["options"];
  e.opt.ratio = o["ratio"].get<int>();
  e.opt.replace = o["replace"].get<bool>();
  e.opt.distance_scale =
      o["distance"] == "lp" ? DistanceScale::LinearLogit : DistanceScale::PropensityScore;
  std::string order = o["m_order"].get<std::string>();
  if (order == "largest") {
    e.opt.order = MatchOrder::Largest;
  } else if (order == "smallest") {
    e.opt.order = MatchOrder::Smallest;
  } else if (order == "data") {
    e.opt.order = MatchOrder::Data;
  } else {
    REQUIRE(order == "random");
    // R's sample.int order, as matchit() drew it under set.seed.
    e.opt.order = MatchOrder::Given;
    for (int k : c["given_order"].get<std::vector<int>>()) e.opt.given_order.push_back(k - 1);
  }
  if (!o["caliper"].is_null()) {
    e.opt.caliper = num(o["caliper"]);
    e.opt.caliper_unit =
        o["std_caliper"].get<bool>() ? CaliperUnit::StandardDeviations : CaliperUnit::DistanceUnits;
  }
  return e;
}

}  // namespace

TEST_CASE("extra: matchit(ratio, replace, m.order, exact, caliper) corrected pairs (matching.R)") {
  int n_cases = 0;
  for (const auto& item : extra_cases().items()) {
    const json& c = item.value();
    INFO(item.key() << ": " << c["call"].get<std::string>());
    ++n_cases;
    REQUIRE(c["emulation_reproduces_installed"].get<bool>());
    ExtraCase e = extra_case(c);
    MatchingResult r = nearest_neighbor_match(e.distance, e.treat, e.exact, e.opt);
    const json& x = c["corrected"];
    std::vector<long> pt, pc, unmatched;
    for (std::size_t i : r.pair_treated) pt.push_back(e.ids[i]);
    for (std::size_t i : r.pair_control) pc.push_back(e.ids[i]);
    for (std::size_t i : r.unmatched_treated) unmatched.push_back(e.ids[i]);
    CHECK(pt == x["pairs"]["treated_id"].get<std::vector<long>>());
    CHECK(pc == x["pairs"]["control_id"].get<std::vector<long>>());
    CHECK(r.pair_subclass == x["pairs"]["subclass"].get<std::vector<int>>());
    CHECK(unmatched == x["unmatched_treated_ids"].get<std::vector<long>>());
    CHECK(r.n_matched_treated == x["n_matched_treated"].get<std::size_t>());
    CHECK(r.n_matched_control == x["n_matched_control"].get<std::size_t>());
    auto w = nums(x["weights"]);
    REQUIRE(w.size() == r.weights.size());
    int bad_w = 0;
    for (std::size_t i = 0; i < w.size(); ++i)
      bad_w += !testsupport::close(r.weights[i], w[i], 1e-12);
    CHECK(bad_w == 0);
    if (x["caliper_absolute"].is_null())
      CHECK(!r.caliper_used);
    else
      CHECK(r.caliper_absolute == num(x["caliper_absolute"]));
    CHECK(r.warnings == x["warnings"].get<std::vector<std::string>>());
  }
  CHECK(n_cases == 16);
}
