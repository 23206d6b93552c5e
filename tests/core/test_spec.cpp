// The spec's bounds (core/io/spec.h limits, docs/spec.md "Limits"): a spec at
// each limit is read, one step over it is an Error naming the field and the
// limit; nesting that overflowed the stack is refused before anything
// recurses over it.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "api.h"
#include "error.h"
#include "golden.h"
#include "io/spec.h"

using namespace localsurv;
using json = nlohmann::json;

namespace {

struct Failure {
  std::string message, field;
};

// The Error parse_spec throws for `text`, or an empty message.
Failure spec_error(const std::string& text) {
  try {
    parse_spec(std::string_view(text));
  } catch (const Error& e) {
    return {e.what(), e.field};
  }
  return {};
}

json base() { return {{"time", "t"}, {"event", "e"}}; }

// `spec` with the value at `path` (a JSON pointer) set to `value`.
json with(json spec, const std::string& path, const json& value) {
  spec[json::json_pointer(path)] = value;
  return spec;
}

json numbers(std::size_t n) {
  json a = json::array();
  for (std::size_t i = 0; i < n; ++i) a.push_back(static_cast<double>(i + 1));
  return a;
}

// Reads at n entries, fails at n + 1 with the field and the limit named.
void check_list_limit(const std::string& field, const std::function<json(std::size_t)>& spec_with,
                      std::size_t limit) {
  CAPTURE(field);
  CHECK(spec_error(spec_with(limit).dump()).message == "");
  const Failure f = spec_error(spec_with(limit + 1).dump());
  CHECK(f.field == field);
  CHECK(f.message == "analysis spec: '" + field + "' has " + std::to_string(limit + 1) +
                         " entries; the limit is " + std::to_string(limit));
}

}  // namespace

TEST_CASE("nesting deeper than kJsonDepth is refused with the path, before anything recurses") {
  // What crashed the CLI: subcohorts[0].analyses nested 50,000 deep.
  std::string deep =
      R"({"time": "t", "event": "e", "subcohorts": [{"name": "a", "filter": "t > 0", "analyses": )";
  for (int i = 0; i < 50000; ++i) deep += R"({"analyses": )";
  deep += "{}";
  for (int i = 0; i < 50000; ++i) deep += "}";
  deep += "}]}";
  Failure f = spec_error(deep);
  const std::string path = "subcohorts[0].analyses" + [] {
    std::string s;
    for (int i = 0; i < 29; ++i) s += ".analyses";
    return s;
  }();
  CHECK(f.field == path);
  CHECK(f.message == "analysis spec: '" + path +
                         "' nests lists and objects more than 32 levels deep (the limit; a spec "
                         "needs at most 8)");
  // What threw "Maximum call stack size exceeded" in wasm: event.values 3,000 deep.
  std::string values = R"({"time": "t", "event": {"column": "e", "values": )" +
                       std::string(3000, '[') + "1" + std::string(3000, ']') + "}}";
  f = spec_error(values);
  CHECK(f.field.rfind("event.values[0][0][0]", 0) == 0);
  CHECK(f.message.find("more than 32 levels deep") != std::string::npos);
  // Exactly at the limit the text is read (and the unknown key is the problem).
  auto nested = [](std::size_t containers) {
    return R"({"time": "t", "event": "e", "x": )" + std::string(containers - 1, '[') +
           std::string(containers - 1, ']') + "}";
  };
  CHECK(spec_error(nested(limits::kJsonDepth)).message ==
        "analysis spec: 'x' is not a known option here (known: version, data, derive, filter, labels, "
        "subcohorts, time, event, group, covariates, analyses)");
  CHECK(spec_error(nested(limits::kJsonDepth + 1)).field == "x" + [] {
    std::string s;
    for (std::size_t i = 0; i + 1 < limits::kJsonDepth; ++i) s += "[0]";
    return s;
  }());
  // The data options go through the same reader.
  CHECK_THROWS_WITH_AS(parse_csv_options(std::string(100000, '[')),
                       doctest::Contains("more than 32 levels deep"), Error);
  // Invalid JSON is still reported as such.
  CHECK(spec_error(R"({"time": )").message.rfind("analysis spec is not valid JSON", 0) == 0);
}

TEST_CASE("the whole spec is at most kSpecBytes") {
  std::string text = base().dump();
  text += std::string(limits::kSpecBytes - text.size(), ' ');
  CHECK(spec_error(text).message == "");
  text += ' ';
  const Failure f = spec_error(text);
  CHECK(f.field == "(spec)");
  CHECK(f.message == "analysis spec is 1048577 bytes; the limit is 1048576 bytes (1 MiB)");
}

TEST_CASE(
    "text echoed into the result: names, labels and values kTextBytes, filters kFilterBytes") {
  const std::string name(limits::kTextBytes, 'n'), long_name(limits::kTextBytes + 1, 'n');
  auto over = [&](const std::string& field, std::size_t n, const std::string& kind) {
    return "analysis spec: '" + field + "' is " + std::to_string(n) + " bytes long; the limit is " +
           std::to_string(kind == "filter" ? limits::kFilterBytes : limits::kTextBytes) +
           " bytes for " + (kind == "filter" ? "a filter" : "a name, label or value");
  };
  const json sub = {{"name", "s"}, {"filter", "t > 0"}};
  struct Case {
    std::string pointer, field;
  };
  for (const Case& c :
       {Case{"/time", "time"}, Case{"/event", "event"}, Case{"/group", "group"},
        Case{"/subcohorts/0/name", "subcohorts[0].name"}, Case{"/covariates/0", "covariates[0]"},
        Case{"/analyses/cox/force/0", "analyses.cox.force[0]"},
        Case{"/data/sheet", "data.sheet"}}) {
    CAPTURE(c.field);
    json s = with(base(), "/subcohorts", json::array({sub}));
    CHECK(spec_error(with(s, c.pointer, name).dump()).message == "");
    const Failure f = spec_error(with(s, c.pointer, long_name).dump());
    CHECK(f.field == c.field);
    CHECK(f.message == over(c.field, long_name.size(), "text"));
  }
  // A derived cut's label, and a column_types key.
  json cut = {{"name", "g"},
              {"cut", {{"column", "t"}, {"breaks", {1}}, {"labels", {"low", long_name}}}}};
  Failure f = spec_error(with(base(), "/derive", json::array({cut})).dump());
  CHECK(f.field == "derive[0].cut.labels[1]");
  json types = with(base(), "/data/column_types", json::object({{long_name, "numeric"}}));
  CHECK(spec_error(types.dump()).message ==
        over("data.column_types." + long_name, long_name.size(), "text"));
  // A data.missing_values key and one of its texts.
  json listed = with(base(), "/data/missing_values", json::object({{long_name, {"unknown"}}}));
  CHECK(spec_error(listed.dump()).message ==
        over("data.missing_values." + long_name, long_name.size(), "text"));
  listed = with(base(), "/data/missing_values", json::object({{"t", {"?", long_name}}}));
  CHECK(spec_error(listed.dump()).message ==
        over("data.missing_values.t[1]", long_name.size(), "text"));
  // Filters: the subset, each subcohort's and the cutpoint's reference group.
  const std::string filter = "t > 0" + std::string(limits::kFilterBytes - 5, ' ');
  for (const Case& c :
       {Case{"/filter", "filter"}, Case{"/subcohorts/0/filter", "subcohorts[0].filter"},
        Case{"/analyses/cutpoint/groups/none", "analyses.cutpoint.groups.none"}}) {
    CAPTURE(c.field);
    json s = with(base(), "/subcohorts", json::array({sub}));
    s["analyses"]["cutpoint"]["column"] = "x";
    CHECK(spec_error(with(s, c.pointer, filter).dump()).message == "");
    f = spec_error(with(s, c.pointer, filter + " ").dump());
    CHECK(f.field == c.field);
    CHECK(f.message == over(c.field, filter.size() + 1, "filter"));
  }
}

TEST_CASE("lists that multiply the work or the output are bounded") {
  check_list_limit(
      "subcohorts",
      [](std::size_t n) {
        json subs = json::array();
        for (std::size_t i = 0; i < n; ++i)
          subs.push_back({{"name", "s" + std::to_string(i)}, {"filter", "t > 0"}});
        return with(base(), "/subcohorts", subs);
      },
      limits::kSubcohorts);
  check_list_limit(
      "analyses.km.times",
      [](std::size_t n) { return with(base(), "/analyses/km/times", numbers(n)); },
      limits::kKmTimes);
  check_list_limit(
      "event.values",
      [](std::size_t n) {
        return with(base(), "/event", {{"column", "e"}, {"values", numbers(n)}});
      },
      limits::kEventValues);
  check_list_limit(
      "derive[0].cut.breaks",
      [](std::size_t n) {
        json labels = json::array();
        for (std::size_t i = 0; i <= n; ++i) labels.push_back("g" + std::to_string(i));
        json cut = {{"name", "g"},
                    {"cut", {{"column", "t"}, {"breaks", numbers(n)}, {"labels", labels}}}};
        return with(base(), "/derive", json::array({cut}));
      },
      limits::kCutBreaks);
  check_list_limit(
      "derive",
      [](std::size_t n) {
        json steps = json::array();
        for (std::size_t i = 0; i < n; ++i)
          steps.push_back(
              {{"name", "f" + std::to_string(i)}, {"flag", {{"column", "e"}, {"values", {1}}}}});
        return with(base(), "/derive", steps);
      },
      limits::kDeriveSteps);
  check_list_limit(
      "covariates",
      [](std::size_t n) {
        json covs = json::array();
        for (std::size_t i = 0; i < n; ++i) covs.push_back("c" + std::to_string(i));
        return with(base(), "/covariates", covs);
      },
      limits::kListEntries);
  check_list_limit(
      "analyses.logrank.by",
      [](std::size_t n) {
        json by = json::array();
        for (std::size_t i = 0; i < n; ++i) by.push_back("c" + std::to_string(i));
        return with(base(), "/analyses/logrank/by", by);
      },
      limits::kListEntries);
}

TEST_CASE("data.missing_values: a list of texts per column, echoed only when given") {
  check_list_limit(
      "data.missing_values.t",
      [](std::size_t n) {
        json texts = json::array();
        for (std::size_t i = 0; i < n; ++i) texts.push_back("x" + std::to_string(i));
        return with(base(), "/data/missing_values", {{"t", texts}});
      },
      limits::kListEntries);
  CHECK(spec_error(with(base(), "/data/missing_values", json::array()).dump()).message ==
        "analysis spec: 'data.missing_values' must be an object {column: [\"text\", ...]}");
  CHECK(spec_error(with(base(), "/data/missing_values", {{"t", "unknown"}}).dump()).message ==
        "analysis spec: 'data.missing_values.t' must be a list of the texts read as missing, not "
        "text");
  const Failure f =
      spec_error(with(base(), "/data/missing_values", {{"t", json::array({"?", -99})}}).dump());
  CHECK(f.message ==
        "analysis spec: 'data.missing_values.t[1]' must be text (as in the file), "
        "not a number");
  CHECK(f.field == "data.missing_values.t[1]");
  const AnalysisSpec s = parse_spec(
      with(base(), "/data/missing_values", {{"t", {"unknown", "-99"}}, {"e", json::array()}}));
  CHECK(s.csv.missing_values.at("t") == std::vector<std::string>{"unknown", "-99"});
  const auto echoed = spec_to_json(s);
  CHECK(echoed["data"]["missing_values"].dump() == R"({"e":[],"t":["unknown","-99"]})");
  // Without it the echo is as before (results of existing specs keep their bytes).
  CHECK(!spec_to_json(parse_spec(base()))["data"].contains("missing_values"));
  CHECK(parse_csv_options(R"({"missing_values": {"t": ["?"]}})").missing_values.at("t") ==
        std::vector<std::string>{"?"});
}

TEST_CASE("matching ratio x rounds and condmc replicates are bounded") {
  for (const std::string at : {"/analyses/matching", "/analyses/cutpoint/groups/match"}) {
    CAPTURE(at);
    json s = base();
    s["analyses"]["cutpoint"] = {{"column", "x"}, {"groups", {{"none", "x == 0"}}}};
    const std::string field = at == "/analyses/matching" ? "analyses.matching.rounds"
                                                         : "analyses.cutpoint.groups.match.rounds";
    CHECK(spec_error(with(s, at, {{"ratio", 5}, {"rounds", 20}}).dump()).message == "");
    CHECK(spec_error(with(s, at, {{"ratio", 20}, {"rounds", 5}}).dump()).message == "");
    const Failure f = spec_error(with(s, at, {{"ratio", 6}, {"rounds", 17}}).dump());
    CHECK(f.field == field);
    CHECK(f.message == "analysis spec: '" + field +
                           "' times ratio is 6 x 17 = 102; the limit is 100; choose fewer rounds "
                           "or a smaller ratio");
  }
  json s = with(base(), "/analyses/cutpoint", {{"column", "x"}, {"pmethod", "condmc"}});
  CHECK(spec_error(with(s, "/analyses/cutpoint/replicates", limits::kReplicates).dump()).message ==
        "");
  const Failure f =
      spec_error(with(s, "/analyses/cutpoint/replicates", limits::kReplicates + 1).dump());
  CHECK(f.field == "analyses.cutpoint.replicates");
  CHECK(f.message ==
        "analysis spec: 'analyses.cutpoint.replicates' is 100001; it must be from 100 to 100000 "
        "(the limit; R's default is 10000)");
}

TEST_CASE("a spec at the subcohort limit runs end to end") {
  std::string csv = "t,e,x\n";
  for (int i = 1; i <= 40; ++i)
    csv +=
        std::to_string(i) + "," + std::to_string(i % 3 == 0) + "," + std::to_string(i % 4) + "\n";
  json subs = json::array();
  for (std::size_t i = 0; i < limits::kSubcohorts; ++i)
    subs.push_back(
        {{"name", "s" + std::to_string(i)}, {"filter", "x != " + std::to_string(i % 4)}});
  json spec = with(base(), "/subcohorts", subs);
  spec["analyses"]["km"] = {{"times", numbers(limits::kKmTimes)}};
  Session session;
  session.set_data(csv);
  const json out = json::parse(session.run(spec.dump()));
  REQUIRE(out["ok"] == true);
  CHECK(out["result"]["subcohorts"].size() == limits::kSubcohorts);
  CHECK(out["result"]["subcohorts"][99]["cohort"]["rows_used"] == 30);
}

TEST_CASE("every enumerated option: a bad name lists the known ones, a known one is echoed") {
  // The lists as the spec has always written them (docs/spec.md): the order
  // of the names in the message is part of it.
  struct Option {
    const char* pointer;
    const char* field;
    const char* known;
    const char* other;  // a known name that is not the default
  };
  const json cut = {{"column", "x"}, {"groups", {{"use", "median"}}}};
  const std::vector<Option> options = {
      {"/analyses/km/conf_type", "analyses.km.conf_type", "log, log-log, plain", "log-log"},
      {"/analyses/logrank/pairwise_adjust", "analyses.logrank.pairwise_adjust",
       "holm, bonferroni, none", "bonferroni"},
      {"/analyses/cox/ties", "analyses.cox.ties", "efron, breslow", "breslow"},
      {"/analyses/cox/select_test", "analyses.cox.select_test", "wald, lrt", "lrt"},
      {"/analyses/matching/distance", "analyses.matching.distance", "ps, logit", "logit"},
      {"/analyses/matching/order", "analyses.matching.order", "largest, smallest, data, random",
       "random"},
      {"/analyses/matching/caliper_scale", "analyses.matching.caliper_scale", "sd, raw", "raw"},
      {"/analyses/matching/smd", "analyses.matching.smd", "matchit, pooled", "pooled"},
      {"/analyses/matching/outcome_model", "analyses.matching.outcome_model", "cluster, strata",
       "strata"},
      {"/analyses/matching/balance_criterion", "analyses.matching.balance_criterion",
       "p, smd, both", "both"},
      {"/analyses/matching/balance_test", "analyses.matching.balance_test", "auto, chisq, fisher",
       "fisher"},
      {"/analyses/matching/round_rule", "analyses.matching.round_rule", "exact, model", "model"},
      {"/analyses/cutpoint/pmethod", "analyses.cutpoint.pmethod", "lau94, condmc", "condmc"},
      {"/analyses/cutpoint/groups/use", "analyses.cutpoint.groups.use",
       "maxstat, median, youden, value", "youden"},
      {"/analyses/table1/binary", "analyses.table1.binary", "counts, numeric", "numeric"},
      {"/covariates/0/type", "covariates[0].type", "auto, numeric, factor", "factor"},
  };
  for (const auto& o : options) {
    CAPTURE(o.field);
    json s = base();
    s["covariates"] = json::array({{{"column", "x"}}});
    s["analyses"]["cutpoint"] = cut;
    for (const char* bad : {"Efron", "", "0x10"}) {
      const Failure f = spec_error(with(s, o.pointer, bad).dump());
      CHECK(f.field == o.field);
      CHECK(f.message == std::string("analysis spec: '") + o.field + "' is '" + bad +
                             "'; it must be one of: " + o.known);
    }
    const Failure wrong_kind = spec_error(with(s, o.pointer, 1).dump());
    CHECK(wrong_kind.message ==
          std::string("analysis spec: '") + o.field + "' must be text, not a number");
    const AnalysisSpec parsed = parse_spec(std::string_view(with(s, o.pointer, o.other).dump()));
    const nlohmann::ordered_json echo = spec_to_json(parsed);
    CHECK(echo[nlohmann::ordered_json::json_pointer(o.pointer)] == o.other);
  }
}
