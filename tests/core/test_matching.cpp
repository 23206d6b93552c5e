// Nearest-neighbour matching against MatchIt: the goldens' matching.<spec>
// `corrected` blocks (matchit(treat ~ covariates, method = "nearest",
// distance = "glm", ...) with the documented pairing, MatchIt >= 4.5.4) and
// tests/reference/extra/matching.json (tests/r/matching.R: ratio 2,
// replacement, m.order smallest/data/random, exact matching).
#include <cmath>
#include <map>
#include <set>

#include "error.h"
#include "golden.h"
#include "stats/matching.h"
#include "study/model_frame.h"

using namespace localsurv;
using testsupport::json;
using testsupport::num;
using testsupport::nums;

namespace {

bool has_warning(const MatchingResult& r, const std::string& part) {
  return testsupport::has_warning(r.warnings, part);
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
    std::string expected_text =
        o["std.caliper"].get<bool>()
            ? "caliper 0.2 standard deviations of the logit of the propensity score (SD "
            : "caliper " + std::string(spec == "b_caliper_0.01_raw" ? "0.01" : "0.002") +
                  " on the propensity-score scale";
    INFO(r.caliper_description);
    CHECK(r.caliper_description.rfind(expected_text, 0) == 0);
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
  CHECK(testsupport::texts(r.warnings) == expected);
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

const json& extra_cases() { return testsupport::extra("matching")["cases"]; }

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
    CHECK(testsupport::texts(r.warnings) == x["warnings"].get<std::vector<std::string>>());
  }
  CHECK(n_cases == 16);
}

namespace {

// Straight transcription of the documented algorithm with linear scans
// (quadratic; small inputs only), to check the pointer structure against.
std::vector<std::vector<std::size_t>> naive_match(const std::vector<double>& d,
                                                  const std::vector<int>& t,
                                                  const std::vector<int>& ex,
                                                  const std::vector<std::size_t>& order_treated,
                                                  int ratio, bool replace, double cal) {
  const std::size_t n = d.size();
  std::vector<std::size_t> by(n);
  for (std::size_t i = 0; i < n; ++i) by[i] = i;
  std::stable_sort(by.begin(), by.end(), [&](std::size_t a, std::size_t b) {
    if (!ex.empty() && ex[a] != ex[b]) return ex[a] < ex[b];
    return d[a] < d[b];
  });
  std::vector<std::size_t> pos(n);
  for (std::size_t p = 0; p < n; ++p) pos[by[p]] = p;
  std::vector<char> used(n, 0);
  std::vector<std::vector<std::size_t>> mm(n);  // by treated data position
  auto same = [&](std::size_t a, std::size_t b) { return ex.empty() || ex[a] == ex[b]; };
  for (int r = 0; r < ratio; ++r) {
    for (std::size_t i : order_treated) {
      auto ok = [&](std::size_t u) {
        return t[u] == 0 && !used[u] && same(u, i) &&
               std::find(mm[i].begin(), mm[i].end(), u) == mm[i].end();
      };
      long left = -1, right = -1;
      for (long p = long(pos[i]) - 1; p >= 0; --p)
        if (ok(by[std::size_t(p)])) {
          if (!(std::fabs(d[i] - d[by[std::size_t(p)]]) > cal)) left = long(by[std::size_t(p)]);
          break;
        }
      for (std::size_t p = pos[i] + 1; p < n; ++p)
        if (ok(by[p])) {
          if (!(std::fabs(d[i] - d[by[p]]) > cal)) right = long(by[p]);
          break;
        }
      long pick = -1;
      if (left >= 0 && right >= 0)
        pick = std::fabs(d[std::size_t(left)] - d[i]) <= std::fabs(d[std::size_t(right)] - d[i])
                   ? left
                   : right;
      else
        pick = left >= 0 ? left : right;
      if (pick < 0) continue;
      mm[i].push_back(std::size_t(pick));
      if (!replace) used[std::size_t(pick)] = 1;
    }
  }
  return mm;
}

}  // namespace

TEST_CASE("pointer structure equals a linear-scan transcription (random data with ties)") {
  std::uint64_t state = 7;
  auto next = [&]() {  // small LCG: test data only
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return double(state >> 11) / double(1ULL << 53);
  };
  int compared = 0;
  for (int rep = 0; rep < 300; ++rep) {
    std::size_t n = 5 + std::size_t(next() * 60);
    std::vector<double> d(n);
    std::vector<int> t(n), ex;
    bool coarse = rep % 3 == 0;  // many exact ties
    bool use_exact = rep % 4 == 1;
    for (std::size_t i = 0; i < n; ++i) {
      d[i] = coarse ? std::floor(next() * 8) / 8 : next();
      t[i] = next() < 0.4;
      if (use_exact) ex.push_back(int(next() * 3));
    }
    MatchingOptions o;
    o.ratio = 1 + rep % 3;
    o.replace = rep % 5 == 2;
    o.order = MatchOrder(rep % 4);  // Largest, Smallest, Data, Random
    o.seed = std::uint64_t(rep);
    if (rep % 2) {
      o.caliper_unit = CaliperUnit::DistanceUnits;
      o.caliper = 0.05 + 0.1 * next();
      std::vector<double> u = d;
      std::sort(u.begin(), u.end());
      if (std::unique(u.begin(), u.end()) - u.begin() == 2) continue;  // MatchIt refuses
    }
    INFO("rep " << rep);
    MatchingResult r = nearest_neighbor_match(d, t, ex, o);
    auto mm = naive_match(d, t, ex, r.treated_order, o.ratio, o.replace,
                          r.caliper_used ? r.caliper_absolute : NAN);
    std::vector<std::size_t> pt, pc;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t c : mm[i]) pt.push_back(i), pc.push_back(c);
    CHECK(r.pair_treated == pt);
    CHECK(r.pair_control == pc);
    ++compared;
  }
  CHECK(compared > 250);
}

TEST_CASE("m.order random: seeded, reproducible, a permutation of the treated units") {
  Input in = golden_input("lung");
  MatchingOptions o;
  o.order = MatchOrder::Random;
  o.caliper_unit = CaliperUnit::DistanceUnits;
  o.caliper = 0.01;
  o.seed = 12345;
  MatchingResult a = nearest_neighbor_match(in.ps, in.treat, {}, o);
  MatchingResult b = nearest_neighbor_match(in.ps, in.treat, {}, o);
  CHECK(a.pair_control == b.pair_control);
  CHECK(a.treated_order == b.treated_order);
  // The documented permutation, fixed so native and wasm builds agree.
  std::vector<std::size_t> perm = random_permutation(a.n_treated, o.seed);
  std::vector<std::size_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t k = 0; k < sorted.size(); ++k) CHECK(sorted[k] == k);
  // Pinned: splitmix64 from seed 1 (first draw 0x910a2dec89025cc1) and
  // Fisher-Yates from the top, computed independently in Python.
  CHECK(random_permutation(5, 1) == std::vector<std::size_t>{2, 1, 4, 3, 0});
  MatchingOptions g = o;
  g.order = MatchOrder::Given;
  g.given_order = perm;
  MatchingResult c = nearest_neighbor_match(in.ps, in.treat, {}, g);
  CHECK(c.pair_control == a.pair_control);
  o.seed = 54321;
  MatchingResult d = nearest_neighbor_match(in.ps, in.treat, {}, o);
  CHECK(d.treated_order != a.treated_order);
}

TEST_CASE("exact: a stratum with controls only (MatchIt 4.5.1 stops there) changes nothing") {
  const json& c = extra_cases()["lung_exact_ecog"];
  ExtraCase e = extra_case(c);
  MatchingResult base = nearest_neighbor_match(e.distance, e.treat, e.exact, e.opt);
  // lung's one ph.ecog = 3 patient, a control, in a stratum of its own.
  e.distance.push_back(e.distance[0]);
  e.treat.push_back(0);
  e.exact.push_back(99);
  MatchingResult r = nearest_neighbor_match(e.distance, e.treat, e.exact, e.opt);
  CHECK(r.pair_treated == base.pair_treated);
  CHECK(r.pair_control == base.pair_control);
  CHECK(r.pair_subclass == base.pair_subclass);
  CHECK(r.n_unmatched_control == base.n_unmatched_control + 1);
  CHECK(r.warnings.empty());
}

TEST_CASE("errors a user can act on") {
  std::vector<double> d = {0.1, 0.2, 0.3, 0.4};
  std::vector<int> t = {1, 0, 1, 0};
  MatchingOptions o;
  CHECK(error_of({0.1, 0.2}, t, {}, o).find("distance has 2 elements but treat has 4") !=
        std::string::npos);
  CHECK(error_of({0.1, NAN, 0.3, 0.4}, t, {}, o)
            .find("distance of row 2 is missing (NaN); it must be a finite number") !=
        std::string::npos);
  CHECK(error_of(d, {1, 0, 2, 0}, {}, o).find("treat of row 3 is 2") != std::string::npos);
  CHECK(error_of(d, t, {1, 2}, o).find("exact has 2 elements") != std::string::npos);
  CHECK(error_of({0.1, 1.2, 0.3, 0.4}, t, {}, o)
            .find("distance of row 2 is 1.2; a propensity score lies between 0 and 1") !=
        std::string::npos);
  MatchingOptions other = o;
  other.distance_scale = DistanceScale::Other;
  CHECK(error_of({0.1, 1.2, 0.3, 0.4}, t, {}, other) == "no error");
  MatchingOptions r0 = o;
  r0.ratio = 0;
  CHECK(error_of(d, t, {}, r0).find("ratio must be at least 1") != std::string::npos);
  MatchingOptions cn = o;
  cn.caliper_unit = CaliperUnit::DistanceUnits;
  cn.caliper = NAN;
  CHECK(error_of(d, t, {}, cn).find("caliper is missing") != std::string::npos);
  MatchingOptions c2 = o;
  c2.caliper_unit = CaliperUnit::StandardDeviations;
  c2.caliper = 0.2;
  CHECK(error_of({0.1, 0.2, 0.1, 0.2}, t, {}, c2).find("only two values") != std::string::npos);
  MatchingOptions g = o;
  g.order = MatchOrder::Given;
  g.given_order = {0, 0};
  CHECK(error_of(d, t, {}, g).find("not a permutation") != std::string::npos);
  g.given_order = {0};
  CHECK(error_of(d, t, {}, g).find("each of the 2 treated units") != std::string::npos);
  CHECK_THROWS_AS(logit_scores({0.5, 1.0}), Error);
}

TEST_CASE("degenerate inputs: warnings and an empty matching, never a crash") {
  MatchingResult none = nearest_neighbor_match({}, {}, {});
  CHECK(none.n_pairs == 0);
  CHECK(has_warning(none, "no treated units"));

  MatchingResult all_treated = nearest_neighbor_match({0.1, 0.2}, {1, 1}, {});
  CHECK(all_treated.n_pairs == 0);
  CHECK(all_treated.n_unmatched_treated == 2);
  CHECK(has_warning(all_treated, "no control units"));

  MatchingResult no_treated = nearest_neighbor_match({0.1, 0.2}, {0, 0}, {});
  CHECK(no_treated.n_pairs == 0);
  CHECK(has_warning(no_treated, "no treated units"));

  // Exact strata that never hold both groups.
  MatchingResult apart = nearest_neighbor_match({0.1, 0.2, 0.3}, {1, 0, 0}, {1, 2, 2});
  CHECK(apart.n_pairs == 0);
  CHECK(has_warning(apart, "no matches were found"));

  // A caliper nobody meets.
  MatchingOptions tight;
  tight.caliper_unit = CaliperUnit::DistanceUnits;
  tight.caliper = 1e-9;
  MatchingResult far = nearest_neighbor_match({0.1, 0.5, 0.9}, {1, 0, 0}, {}, tight);
  CHECK(far.n_pairs == 0);
  CHECK(far.unmatched_treated == std::vector<std::size_t>{0});
  CHECK(has_warning(far, "widen the caliper"));
  for (double w : far.weights) CHECK(w == 0.0);

  // Constant distance: the caliper is dropped (as MatchIt), pairs in sort order.
  MatchingOptions sd;
  sd.caliper_unit = CaliperUnit::StandardDeviations;
  sd.caliper = 0.2;
  MatchingResult flat = nearest_neighbor_match({0.3, 0.3, 0.3, 0.3}, {0, 1, 0, 1}, {}, sd);
  CHECK(!flat.caliper_used);
  CHECK(std::isnan(flat.caliper_absolute));
  CHECK(has_warning(flat, "same distance"));
  CHECK(flat.pair_control == std::vector<std::size_t>{0, 2});

  // A negative caliper is used as its absolute value, as MatchIt does.
  Input in = golden_input("veteran");
  MatchingOptions pos, neg;
  pos.caliper_unit = neg.caliper_unit = CaliperUnit::DistanceUnits;
  pos.caliper = 0.01;
  neg.caliper = -0.01;
  MatchingResult a = nearest_neighbor_match(in.ps, in.treat, {}, pos);
  MatchingResult b = nearest_neighbor_match(in.ps, in.treat, {}, neg);
  CHECK(a.pair_control == b.pair_control);
  CHECK(b.caliper_absolute == 0.01);
  CHECK(has_warning(b, "negative"));

  // A ratio beyond the number of controls: each treated unit takes them all
  // (with replacement), nearest first, without looping a million rounds.
  MatchingOptions big;
  big.ratio = 1000000;
  big.replace = true;
  MatchingResult all = nearest_neighbor_match({0.1, 0.2, 0.35, 0.4, 0.6}, {1, 0, 1, 0, 0}, {}, big);
  CHECK(all.pair_treated == std::vector<std::size_t>{0, 0, 0, 2, 2, 2});
  CHECK(all.pair_control == std::vector<std::size_t>{1, 3, 4, 3, 1, 4});
  CHECK(all.pair_subclass == std::vector<int>{0, 0, 0, 0, 0, 0});

  // An infinite caliper is no caliper (MatchIt drops non-finite calipers).
  MatchingOptions inf;
  inf.caliper_unit = CaliperUnit::DistanceUnits;
  inf.caliper = INFINITY;
  MatchingResult c = nearest_neighbor_match(in.ps, in.treat, {}, inf);
  CHECK(!c.caliper_used);
  CHECK(c.pair_control == nearest_neighbor_match(in.ps, in.treat, {}).pair_control);
}

TEST_CASE("scale: 200,000 units, 1:1 with a caliper and 1:3 with exact strata") {
  const std::size_t n = 200000;
  std::vector<double> d(n);
  std::vector<int> t(n), ex(n);
  std::uint64_t state = 99;
  for (std::size_t i = 0; i < n; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    double u = double(state >> 11) / double(1ULL << 53);
    d[i] = std::floor(u * 1e5) / 1e5;  // ties
    t[i] = (state >> 7) % 3 == 0;
    ex[i] = int((state >> 20) % 4);
  }
  MatchingOptions a;
  a.caliper_unit = CaliperUnit::StandardDeviations;
  a.caliper = 0.2;
  MatchingResult r1 = nearest_neighbor_match(d, t, {}, a);
  MatchingOptions b;
  b.ratio = 3;
  MatchingResult r2 = nearest_neighbor_match(d, t, ex, b);
  CHECK(r1.n_matched_treated == r1.n_treated);  // about 2 controls per treated
  CHECK(r2.n_pairs > 0);
}
