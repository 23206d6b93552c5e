// The analysis spec: one JSON document that drives the page, the CLI, the
// share link and the tests. This is the one place JSON is read into plain
// structs; parse_spec rejects unknown keys and bad values with an Error whose
// field is the JSON path (e.g. "analyses.cox.ties"), so a typo never silently
// falls back to a default.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv.h"
#include "io/spec_columns.h"
#include "stats/balance.h"
#include "stats/cox.h"
#include "stats/cutpoint.h"
#include "stats/kaplan_meier.h"
#include "stats/log_rank.h"
#include "stats/matching.h"

namespace localsurv {

// The spec's enumerated options, each read once here from its JSON name
// (below; an unknown name is an Error listing the known ones) so that no
// later step compares text. Options a kernel takes use the kernel's enum.
enum class SelectTest { Wald, Lrt };                   // cox.select_test
enum class CaliperScale { Sd, Raw };                   // matching.caliper_scale
enum class OutcomeModel { Cluster, Strata };           // matching.outcome_model
enum class BalanceCriterion { P, Smd, Both };          // matching.balance_criterion
enum class BalanceTest { Auto, Chisq, Fisher };        // matching.balance_test
enum class RoundRule { Exact, Model };                 // matching.round_rule
enum class CutUse { Maxstat, Median, Youden, Value };  // cutpoint.groups.use
enum class Table1Binary { Counts, Numeric };           // table1.binary

// Names as the spec writes them (and as spec_to_json echoes them).
NLOHMANN_JSON_SERIALIZE_ENUM(TermKind, {{TermKind::Auto, "auto"},
                                        {TermKind::Numeric, "numeric"},
                                        {TermKind::Factor, "factor"}})
NLOHMANN_JSON_SERIALIZE_ENUM(KmConfType, {{KmConfType::Log, "log"},
                                          {KmConfType::LogLog, "log-log"},
                                          {KmConfType::Plain, "plain"},
                                          {KmConfType::None, "none"}})
NLOHMANN_JSON_SERIALIZE_ENUM(PAdjustMethod, {{PAdjustMethod::Holm, "holm"},
                                             {PAdjustMethod::Bonferroni, "bonferroni"},
                                             {PAdjustMethod::None, "none"},
                                             {PAdjustMethod::BH, "BH"}})
NLOHMANN_JSON_SERIALIZE_ENUM(CoxTies, {{CoxTies::Efron, "efron"}, {CoxTies::Breslow, "breslow"}})
NLOHMANN_JSON_SERIALIZE_ENUM(SelectTest, {{SelectTest::Wald, "wald"}, {SelectTest::Lrt, "lrt"}})
NLOHMANN_JSON_SERIALIZE_ENUM(DistanceScale, {{DistanceScale::PropensityScore, "ps"},
                                             {DistanceScale::LinearLogit, "logit"},
                                             {DistanceScale::Other, "other"}})
NLOHMANN_JSON_SERIALIZE_ENUM(MatchOrder, {{MatchOrder::Largest, "largest"},
                                          {MatchOrder::Smallest, "smallest"},
                                          {MatchOrder::Data, "data"},
                                          {MatchOrder::Random, "random"},
                                          {MatchOrder::Given, "given"}})
NLOHMANN_JSON_SERIALIZE_ENUM(CaliperScale, {{CaliperScale::Sd, "sd"}, {CaliperScale::Raw, "raw"}})
NLOHMANN_JSON_SERIALIZE_ENUM(SmdDenominator, {{SmdDenominator::MatchItTreated, "matchit"},
                                              {SmdDenominator::PooledSample, "pooled"}})
NLOHMANN_JSON_SERIALIZE_ENUM(OutcomeModel,
                             {{OutcomeModel::Cluster, "cluster"}, {OutcomeModel::Strata, "strata"}})
NLOHMANN_JSON_SERIALIZE_ENUM(BalanceCriterion, {{BalanceCriterion::P, "p"},
                                                {BalanceCriterion::Smd, "smd"},
                                                {BalanceCriterion::Both, "both"}})
NLOHMANN_JSON_SERIALIZE_ENUM(BalanceTest, {{BalanceTest::Auto, "auto"},
                                           {BalanceTest::Chisq, "chisq"},
                                           {BalanceTest::Fisher, "fisher"}})
NLOHMANN_JSON_SERIALIZE_ENUM(RoundRule, {{RoundRule::Exact, "exact"}, {RoundRule::Model, "model"}})
NLOHMANN_JSON_SERIALIZE_ENUM(MaxstatPMethod, {{MaxstatPMethod::Lau94, "lau94"},
                                              {MaxstatPMethod::CondMC, "condmc"},
                                              {MaxstatPMethod::None, "none"}})
NLOHMANN_JSON_SERIALIZE_ENUM(Table1Binary,
                             {{Table1Binary::Counts, "counts"}, {Table1Binary::Numeric, "numeric"}})
NLOHMANN_JSON_SERIALIZE_ENUM(CutUse, {{CutUse::Maxstat, "maxstat"},
                                      {CutUse::Median, "median"},
                                      {CutUse::Youden, "youden"},
                                      {CutUse::Value, "value"}})

// An option's name in the spec ("efron"), for the conventions a result states.
template <class E>
std::string option_name(E value) {
  return nlohmann::json(value).get<std::string>();
}

struct TimeSpec {
  std::string column;
  std::string unit = "days";  // days | weeks | months | years: only labels output
};

struct EventSpec {
  std::string column;
  std::vector<std::string> values = {"1"};  // cell values that mean the event happened
};

struct GroupSpec {
  std::string column;               // empty = no group
  std::vector<std::string> levels;  // order; empty = sorted distinct values
  std::string reference;            // empty = first level
};

struct KmSpec {
  bool enabled = false;
  double conf_int = 0.95;
  KmConfType conf_type = KmConfType::Log;  // log | log-log | plain
  std::vector<double> times;               // survival reported at these times
  bool by_group = true;
};

struct FollowupSpec {
  bool enabled = false;
};

struct LogRankSpec {
  bool enabled = false;
  double rho = 0;               // 0 = log-rank; 1 = Peto-Peto (G-rho family)
  std::string strata;           // column, empty = none
  std::vector<std::string> by;  // further grouping columns (k-group tests)
  PAdjustMethod pairwise_adjust = PAdjustMethod::Holm;  // holm | bonferroni | none (k >= 3 groups)
};

struct CoxSpec {
  bool enabled = false;
  CoxTies ties = CoxTies::Efron;  // efron | breslow
  double conf_int = 0.95;
  bool univariate = true;
  bool multivariable = true;
  std::string strata;   // column, empty = none
  std::string cluster;  // column for robust sandwich SE, empty = none
  // Multivariable model from the univariate screen (Table 3 of a typical
  // study): terms whose univariate p < select_p, plus `force`. select_p = 0
  // puts every term in the model.
  double select_p = 0;
  SelectTest select_test = SelectTest::Wald;  // wald | lrt: the univariate p used
  std::vector<std::string> force;             // columns always in the model
};

struct LogisticSpec {
  bool enabled = false;  // group ~ covariates (the propensity model)
};

// Propensity-score matching as MatchIt 4.5 method = "nearest" (with the
// documented, corrected caliper of MatchIt >= 4.5.4).
struct MatchingSpec {
  bool enabled = false;
  DistanceScale distance =
      DistanceScale::PropensityScore;  // ps (glm, link logit) | logit (link linear.logit)
  int ratio = 1;
  bool replace = false;
  MatchOrder order = MatchOrder::Largest;         // largest | smallest | data | random
  int seed = 1;                                   // order = random
  double caliper = 0;                             // 0 = none
  CaliperScale caliper_scale = CaliperScale::Sd;  // sd (std.caliper = TRUE) | raw (distance units)
  std::vector<std::string> exact;                 // columns matched exactly
  SmdDenominator smd =
      SmdDenominator::MatchItTreated;  // matchit (SD of all treated) | pooled (tableone)
  bool yates = true;                   // balance chi-square: continuity correction for 2x2 tables
  OutcomeModel outcome_model =
      OutcomeModel::Cluster;  // matched Cox: cluster (robust SE on pairs) | strata (pairs)
  // Propensity-model terms (columns of `covariates`); empty = all covariates.
  // Balance is always judged on every covariate.
  std::vector<std::string> score_covariates;
  // When a covariate counts as balanced after matching.
  BalanceCriterion balance_criterion = BalanceCriterion::P;  // p | smd | both
  double balance_p = 0.1;    // balanced when p > balance_p (the paper's rule)
  double balance_smd = 0.1;  // balanced when every |SMD| < balance_smd
  BalanceTest balance_test =
      BalanceTest::Auto;  // auto (Fisher if an expected count < 5) | chisq | fisher
  // "Several rounds of matching until all parameters were balanced": up to
  // `rounds` rounds, each adding the still-unbalanced covariates to the
  // exact-match set (round_rule "exact") or to the score model ("model").
  int rounds = 1;
  RoundRule round_rule = RoundRule::Exact;  // exact | model
};

// Groups by the cutpoint (e.g. BED > 60 Gy, <= 60 Gy, no RT), compared
// pairwise, optionally re-analysed in matched pairs against the reference.
struct CutpointGroupsSpec {
  bool enabled = false;
  CutUse use = CutUse::Maxstat;  // maxstat | median | youden | value
  double value = 0;              // the cutpoint when use = value
  std::string none;              // filter: the reference group without the exposure (e.g. no RT)
  std::string none_label = "none";
  bool match = false;  // each cut group vs the reference, matched with `matching`
  MatchingSpec matching;
};

// Best cutpoint of a numeric column for the outcome.
struct CutpointSpec {
  bool enabled = false;
  std::string column;
  double minprop = 0.1, maxprop = 0.9;             // maxstat defaults
  MaxstatPMethod pmethod = MaxstatPMethod::Lau94;  // lau94 | condmc
  int replicates = 10000;                          // condmc
  int seed = 1;                                    // condmc
  double horizon = 0;                              // Youden at a time horizon; 0 = on event status
  CutpointGroupsSpec groups;
};

// Treatment effect within each level of chosen columns, with the
// treatment x subgroup interaction (a forest plot's data).
struct SubgroupSpec {
  bool enabled = false;
  std::vector<TermSpec> variables;  // each read as a factor
  bool adjust = false;              // adjust each level's HR for the covariates
};

struct Table1Spec {
  bool enabled = false;
  bool yates = true;  // continuity correction for 2x2 chi-square
  // An "auto" covariate whose values are all 0 or 1: counts = n (%) as a
  // factor with levels 0 and 1; numeric = mean (SD) and median (IQR).
  Table1Binary binary = Table1Binary::Counts;
};

struct AnalysisSpec;

struct SubcohortSpec {
  std::string name;
  std::string filter;
  // Its own covariates and/or analyses (same outcome and group); null = the
  // main spec's.
  std::shared_ptr<const AnalysisSpec> spec;
  nlohmann::json analyses_json, covariates_json;  // only while parsing
};

// Display names: what the page's tables, figures and exports call a column
// and its levels ("lt" -> "Local therapy", "0" -> "No"). The analysis never
// reads them (the result JSON and the R script keep the file's names); the
// spec carries them so a reproduction link shows the same names.
struct DisplayNames {
  std::map<std::string, std::string> columns;                        // column -> name
  std::map<std::string, std::map<std::string, std::string>> levels;  // column -> level -> name
  bool empty() const { return columns.empty() && levels.empty(); }
};

struct AnalysisSpec {
  int version = 1;
  CsvOptions csv;
  std::vector<DeriveSpec> derive;         // new columns, computed first (core/study/derive.h)
  std::string filter;                     // subcohort (core/io/filter.h); empty = every row
  std::vector<SubcohortSpec> subcohorts;  // the analyses again within each
  TimeSpec time;
  EventSpec event;
  GroupSpec group;
  std::vector<TermSpec> covariates;
  KmSpec km;
  FollowupSpec followup;
  LogRankSpec logrank;
  CoxSpec cox;
  LogisticSpec logistic;
  Table1Spec table1;
  MatchingSpec matching;
  CutpointSpec cutpoint;
  SubgroupSpec subgroups;
  DisplayNames labels;
};

// Bounds on what a spec may ask for (docs/spec.md, "Limits"): far above what
// a real study writes, low enough that no spec (a shared link included) can
// overflow the stack, run for hours or return a result of gigabytes. Going
// over one is an Error naming the field and the limit.
namespace limits {
inline constexpr std::size_t kSpecBytes = 1 << 20;  // the whole spec's JSON text
inline constexpr std::size_t kJsonDepth = 32;       // nested lists/objects (a spec needs 8)
inline constexpr std::size_t kTextBytes = 1000;     // a name, label, level or value
inline constexpr std::size_t kFilterBytes = 10000;  // a filter expression
inline constexpr std::size_t kSubcohorts = 100;     // each reruns every analysis
inline constexpr std::size_t kDeriveSteps = 100;    // derived columns
inline constexpr std::size_t kKmTimes = 100;        // km.times: reported per group and subcohort
inline constexpr std::size_t kCutBreaks = 100;      // breaks of one derived cut
inline constexpr std::size_t kEventValues = 100;    // event.values
inline constexpr std::size_t kListEntries = 1000;   // any other list (columns, levels, values)
inline constexpr int kMatchingWork = 100;           // matching ratio x rounds
inline constexpr int kReplicates = 100000;          // cutpoint condmc replicates
}  // namespace limits

AnalysisSpec parse_spec(std::string_view json_text);
// Just the "data" block (CSV reading options), for describing a file before
// a full spec exists.
CsvOptions parse_csv_options(std::string_view json_text);
AnalysisSpec parse_spec(const nlohmann::json& json);

// The spec with every default written out: what the result reports as
// "options actually used".
nlohmann::ordered_json spec_to_json(const AnalysisSpec& spec);

// The engine's reading of each filter of the spec (io/filter.h
// parse_filter), keyed by where the spec holds it ("filter",
// "subcohorts[i].filter", "analyses.cutpoint.groups.none",
// "subcohorts[i].analyses.cutpoint.groups.none" when that subcohort has its
// own analyses): its tree, null when blank, or {"error": {message, field}}
// with the message a run gives (web/rscript.js writes R from these).
//   {"or"|"and": [node, ...]}  {"not"|"group": node}
//   {"column", "op", "value": v}  {"column", "in": [v, ...]}
//   {"column", "is": "missing"|"not missing"}     v = {"number"|"text": "as written"}
nlohmann::ordered_json filters_to_json(const AnalysisSpec& spec);

}  // namespace localsurv
