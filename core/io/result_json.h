// The result document's JSON for the kernels' Result structs: each writer
// turns one struct into the keys the page, the R script and the tests read.
// A number that is not finite (NaN, Inf) is written as null. Pure: nothing
// here computes a statistic or words a warning.
#pragma once
#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stats/balance.h"
#include "stats/descriptives.h"
#include "stats/kaplan_meier.h"
#include "stats/log_rank.h"
#include "stats/test_statistic.h"

namespace localsurv {

nlohmann::ordered_json number(double x);
nlohmann::ordered_json numbers(const std::vector<double>& v);
nlohmann::ordered_json matrix_json(const Eigen::MatrixXd& m);

// An analysis's (or one model's) error block: {message, field, detail}.
nlohmann::ordered_json error_json(const std::string& message, const std::string& field,
                                  const std::string& detail);

// "statistic", "df", "p" appended to `out`.
void add_test(nlohmann::ordered_json& out, const TestStatistic& t);
nlohmann::ordered_json cox_test_json(const TestStatistic& t);

const char* conf_type_name(KmConfType t);
// `at`: the curve at the spec's times (km_at_times), or null for none.
nlohmann::ordered_json curve_json(const KaplanMeierCurve& c, const std::string& stratum,
                                  const KmAtTimes* at, bool weighted = false);
nlohmann::ordered_json followup_json(const FollowupMedian& f, const std::string& stratum);

nlohmann::ordered_json log_rank_json(const LogRankResult& r, const std::vector<std::string>& levels,
                                     const std::string& variable);
nlohmann::ordered_json pairwise_json(const PairwiseLogRankResult& r,
                                     const std::vector<std::string>& levels,
                                     const std::string& adjust);

nlohmann::ordered_json numeric_summary_json(const NumericSummary& s);
nlohmann::ordered_json categorical_summary_json(const CategoricalSummary& s);

nlohmann::ordered_json balance_json(const BalanceResult& r);

}  // namespace localsurv
