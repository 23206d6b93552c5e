#include "io/spec.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "error.h"
#include "io/dates.h"
#include "io/filter.h"

namespace localsurv {
namespace {

using nlohmann::json;

std::string kind_of(const json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "true/false";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "text";
  if (j.is_array()) return "a list";
  return "an object";
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error("analysis spec: '" + path + "' " + what, path);
}

// Text the result echoes (names, labels, values, filters) is bounded so a
// spec cannot make the result explode.
void check_length(const std::string& text, const std::string& path, std::size_t max) {
  if (text.size() > max)
    fail(path, "is " + std::to_string(text.size()) + " bytes long; the limit is " +
                   std::to_string(max) + " bytes" +
                   (max == limits::kFilterBytes ? " for a filter" : " for a name, label or value"));
}

void check_entries(std::size_t n, const std::string& path, std::size_t max) {
  if (n > max)
    fail(path, "has " + std::to_string(n) + " entries; the limit is " + std::to_string(max));
}

std::string text_of(const json& j, const std::string& path, std::size_t max = limits::kTextBytes) {
  std::string t = j.get<std::string>();
  check_length(t, path, max);
  return t;
}

// Reads one JSON object, remembering which keys were used so that anything
// left over (a misspelt option) is reported instead of ignored.
class ObjectReader {
 public:
  ObjectReader(const json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object())
      fail(path_.empty() ? "(spec)" : path_, "must be an object, not " + kind_of(j_));
  }
  ~ObjectReader() noexcept(false) {
    if (std::uncaught_exceptions()) return;
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!used_.count(it.key()))
        fail(child(it.key()), "is not a known option here (known: " + known() + ")");
  }
  std::string child(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  const json* get(const std::string& key) {
    used_.insert(key);
    known_.push_back(key);
    auto it = j_.find(key);
    return it == j_.end() || it->is_null() ? nullptr : &*it;
  }
  void read(const std::string& key, std::string& out, std::size_t max = limits::kTextBytes) {
    if (const json* v = get(key)) {
      if (!v->is_string()) fail(child(key), "must be text, not " + kind_of(*v));
      out = text_of(*v, child(key), max);
    }
  }
  void read(const std::string& key, bool& out) {
    if (const json* v = get(key)) {
      if (!v->is_boolean()) fail(child(key), "must be true or false, not " + kind_of(*v));
      out = v->get<bool>();
    }
  }
  void read(const std::string& key, double& out) {
    if (const json* v = get(key)) {
      if (!v->is_number()) fail(child(key), "must be a number, not " + kind_of(*v));
      out = v->get<double>();
    }
  }
  void read(const std::string& key, int& out) {
    if (const json* v = get(key)) {
      double d = v->is_number() ? v->get<double>() : 0.5;
      if (d != std::floor(d) || std::fabs(d) > 1e9)
        fail(child(key),
             "must be a whole number, not " + (v->is_number() ? v->dump() : kind_of(*v)));
      out = static_cast<int>(d);
    }
  }
  // Values that name cells ("2", 2, "dead") are kept as text.
  void read(const std::string& key, std::vector<std::string>& out,
            std::size_t max_entries = limits::kListEntries) {
    if (const json* v = get(key)) {
      json list = v->is_array() ? *v : json::array({*v});
      check_entries(list.size(), child(key), max_entries);
      out.clear();
      for (std::size_t i = 0; i < list.size(); ++i) {
        const json& e = list[i];
        if (e.is_string())
          out.push_back(text_of(e, child(key) + "[" + std::to_string(i) + "]"));
        else if (e.is_number())
          out.push_back(e.dump());
        else
          fail(child(key) + "[" + std::to_string(i) + "]",
               "must be text or a number, not " + kind_of(e));
      }
    }
  }
  void read(const std::string& key, std::vector<double>& out, std::size_t max_entries) {
    if (const json* v = get(key)) {
      if (!v->is_array()) fail(child(key), "must be a list of numbers, not " + kind_of(*v));
      check_entries(v->size(), child(key), max_entries);
      out.clear();
      for (std::size_t i = 0; i < v->size(); ++i) {
        if (!(*v)[i].is_number())
          fail(child(key) + "[" + std::to_string(i) + "]",
               "must be a number, not " + kind_of((*v)[i]));
        out.push_back((*v)[i].get<double>());
      }
    }
  }
  // An enumerated option: its name must be one of `allowed`'s.
  template <class E>
  void read(const std::string& key, E& out, std::initializer_list<E> allowed) {
    std::string name = option_name(out);
    read(key, name);
    std::string list;
    for (E e : allowed) {
      const std::string known = option_name(e);
      if (name == known) {
        out = e;
        return;
      }
      list += (list.empty() ? "" : ", ") + known;
    }
    fail(child(key), "is '" + name + "'; it must be one of: " + list);
  }
  void one_of(const std::string& key, const std::string& value,
              std::initializer_list<const char*> allowed) {
    std::string list;
    for (const char* a : allowed) {
      if (value == a) return;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    fail(child(key), "is '" + value + "'; it must be one of: " + list);
  }

 private:
  std::string known() const {
    std::string s;
    for (const auto& k : known_) s += (s.empty() ? "" : ", ") + k;
    return s;
  }
  const json& j_;
  std::string path_;
  std::set<std::string> used_;
  std::vector<std::string> known_;
};

DeriveSpec read_derive(const json& j, const std::string& path) {
  DeriveSpec d;
  ObjectReader r(j, path);
  r.read("name", d.name);
  if (d.name.empty()) fail(path + ".name", "is required");
  const json* cut = r.get("cut");
  const json* bed = r.get("bed");
  const json* eqd2 = r.get("eqd2");
  const json* flag = r.get("flag");
  const json* dates = r.get("date_diff");
  if ((cut != nullptr) + (bed != nullptr) + (eqd2 != nullptr) + (flag != nullptr) +
          (dates != nullptr) !=
      1)
    fail(path, "must have exactly one of cut, bed, eqd2, flag or date_diff");
  if (dates) {
    ObjectReader c(*dates, path + ".date_diff");
    d.kind = DeriveSpec::Kind::DateDiff;
    c.read("start", d.start);
    c.read("end", d.end);
    std::string unit = "days", format = "auto";
    c.read("unit", unit);
    c.read("format", format);
    d.unit = time_unit_from_name(unit, path + ".date_diff.unit");
    d.date_format = date_format_from_name(format, path + ".date_diff.format");
    if (d.start.empty()) fail(path + ".date_diff.start", "is required");
    if (d.end.empty()) fail(path + ".date_diff.end", "is required");
  } else if (flag) {
    ObjectReader c(*flag, path + ".flag");
    d.kind = DeriveSpec::Kind::Flag;
    c.read("column", d.column);
    c.read("values", d.values);
    if (d.column.empty()) fail(path + ".flag.column", "is required");
  } else if (cut) {
    ObjectReader c(*cut, path + ".cut");
    d.kind = DeriveSpec::Kind::Cut;
    c.read("column", d.column);
    c.read("breaks", d.breaks, limits::kCutBreaks);
    c.read("labels", d.labels);
    c.read("right", d.right);
    if (d.column.empty()) fail(path + ".cut.column", "is required");
  } else {
    ObjectReader c(bed ? *bed : *eqd2, path + (bed ? ".bed" : ".eqd2"));
    d.kind = bed ? DeriveSpec::Kind::Bed : DeriveSpec::Kind::Eqd2;
    c.read("dose", d.dose);
    c.read("fractions", d.fractions);
    c.read("alpha_beta", d.alpha_beta);
    if (d.dose.empty() || d.fractions.empty()) fail(c.child("dose"), "and fractions are required");
  }
  return d;
}

void check_distinct(const std::vector<std::string>& levels, const std::string& path) {
  std::set<std::string> seen;
  for (const auto& l : levels)
    if (!seen.insert(l).second) fail(path, "lists the level '" + l + "' twice");
}

void read_term(const json& j, const std::string& path, TermSpec& t) {
  if (j.is_string()) {
    t.column = text_of(j, path);
    return;
  }
  ObjectReader r(j, path);
  r.read("column", t.column);
  r.read("type", t.kind, {TermKind::Auto, TermKind::Numeric, TermKind::Factor});
  r.read("levels", t.levels);
  check_distinct(t.levels, path + ".levels");
  r.read("reference", t.reference);
  if (t.column.empty()) fail(path + ".column", "is required");
}

// A first pass over the text (nlohmann's SAX interface, no document built)
// that stops at the first list or object nested deeper than the limit and
// names where it is. nlohmann's parser itself does not recurse, but copying,
// comparing, dumping and destroying a document do, and so would this file's
// readers: 50,000 levels overflowed the stack natively and in wasm.
class DepthCheck : public nlohmann::json_sax<json> {
 public:
  explicit DepthCheck(const char* what) : what_(what) {}
  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return enter(false); }
  bool key(string_t& k) override {
    stack_.back().key = k;
    return true;
  }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return enter(true); }
  bool end_array() override { return leave(); }
  // Syntax errors are left to the parse that follows, which words them.
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  struct Level {
    bool list;
    std::size_t index = 0;
    std::string key;
  };
  bool value() {
    if (!stack_.empty() && stack_.back().list) ++stack_.back().index;
    return true;
  }
  bool enter(bool list) {
    if (stack_.size() >= limits::kJsonDepth) {
      std::string path;
      for (const Level& l : stack_) {
        if (l.list) {
          path += "[" + std::to_string(l.index) + "]";
        } else {
          if (!path.empty()) path += '.';
          // Keys are shown short: the path is only there to find the place.
          path += l.key.size() > 40 ? l.key.substr(0, 40) + "..." : l.key;
        }
      }
      throw Error(std::string(what_) + ": '" + path + "' nests lists and objects more than " +
                      std::to_string(limits::kJsonDepth) +
                      " levels deep (the limit; a spec needs at most 8)",
                  path);
    }
    stack_.push_back({list, 0, {}});
    return true;
  }
  bool leave() {
    stack_.pop_back();
    return value();
  }
  const char* what_;
  std::vector<Level> stack_;
};

json parse_json(std::string_view text, const char* what) {
  if (text.size() > limits::kSpecBytes)
    throw Error(std::string(what) + " is " + std::to_string(text.size()) + " bytes; the limit is " +
                    std::to_string(limits::kSpecBytes) + " bytes (1 MiB)",
                "(spec)");
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return json();
  DepthCheck depth(what);
  json::sax_parse(text.begin(), text.end(), &depth);
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // parse errors, and numbers out of range
    throw Error(std::string(what) + " is not valid JSON: " + e.what(), "(spec)");
  }
}

void require_column(const std::string& column, const std::string& path) {
  if (column.empty()) fail(path, "is required");
}

void read_csv_options(const json& d, CsvOptions& csv) {
  ObjectReader r(d, "data");
  std::string delim;
  r.read("delimiter", delim);
  if (!delim.empty()) {
    r.one_of("delimiter", delim, {",", ";", "\t"});
    csv.delimiter = delim[0];
  }
  if (const json* dc = r.get("decimal_comma")) {
    if (!dc->is_boolean()) fail("data.decimal_comma", "must be true or false");
    csv.decimal_comma = dc->get<bool>() ? 1 : 0;
  }
  r.read("sheet", csv.sheet);
  if (const json* types = r.get("column_types")) {
    if (!types->is_object()) fail("data.column_types", "must be an object {column: type}");
    for (auto it = types->begin(); it != types->end(); ++it) {
      std::string path = "data.column_types." + it.key();
      check_length(it.key(), path, limits::kTextBytes);
      if (!it->is_string()) fail(path, "must be \"numeric\" or \"categorical\"");
      std::string t = it->get<std::string>();
      if (t != "numeric" && t != "categorical")
        fail(path, "is '" + t + "'; it must be numeric or categorical");
      csv.column_types[it.key()] = t == "numeric" ? ColumnType::Numeric : ColumnType::Categorical;
    }
  }
  if (const json* listed = r.get("missing_values")) {
    if (!listed->is_object())
      fail("data.missing_values", "must be an object {column: [\"text\", ...]}");
    for (auto it = listed->begin(); it != listed->end(); ++it) {
      const std::string path = "data.missing_values." + it.key();
      check_length(it.key(), path, limits::kTextBytes);
      if (!it->is_array())
        fail(path, "must be a list of the texts read as missing, not " + kind_of(*it));
      check_entries(it->size(), path, limits::kListEntries);
      std::vector<std::string>& tokens = csv.missing_values[it.key()];
      for (std::size_t i = 0; i < it->size(); ++i) {
        const std::string at = path + "[" + std::to_string(i) + "]";
        if (!(*it)[i].is_string())
          fail(at, "must be text (as in the file), not " + kind_of((*it)[i]));
        tokens.push_back(text_of((*it)[i], at));
      }
    }
  }
}

// The covariate list at `path` into s.covariates (time, event and group known).
void read_covariates(const json& c, const std::string& path, AnalysisSpec& s) {
  if (!c.is_array()) fail(path, "must be a list");
  check_entries(c.size(), path, limits::kListEntries);
  s.covariates.clear();
  for (std::size_t i = 0; i < c.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    TermSpec t;
    read_term(c[i], at, t);
    for (const auto& other : s.covariates)
      if (other.column == t.column) fail(at, "names column '" + t.column + "' twice");
    for (const auto& [role, column] :
         {std::pair<const char*, const std::string&>{"time", s.time.column},
          {"event", s.event.column},
          {"group", s.group.column}})
      if (t.column == column)
        fail(at, "names column '" + t.column + "', which is already the " + role +
                     " column; a covariate must be another column");
    s.covariates.push_back(std::move(t));
  }
}

// Matching options at `path` (analyses.matching, or a cutpoint's groups.match).
void read_matching(const json& m, const std::string& path, MatchingSpec& ms) {
  ObjectReader k(m, path);
  ms.enabled = true;
  k.read("enabled", ms.enabled);
  k.read("distance", ms.distance, {DistanceScale::PropensityScore, DistanceScale::LinearLogit});
  k.read("ratio", ms.ratio);
  if (ms.ratio < 1 || ms.ratio > 20) fail(path + ".ratio", "must be a whole number from 1 to 20");
  k.read("replace", ms.replace);
  k.read("order", ms.order,
         {MatchOrder::Largest, MatchOrder::Smallest, MatchOrder::Data, MatchOrder::Random});
  k.read("seed", ms.seed);
  k.read("caliper", ms.caliper);
  if (!(ms.caliper >= 0)) fail(path + ".caliper", "must be 0 (none) or positive");
  k.read("caliper_scale", ms.caliper_scale, {CaliperScale::Sd, CaliperScale::Raw});
  k.read("exact", ms.exact);
  k.read("smd", ms.smd, {SmdDenominator::MatchItTreated, SmdDenominator::PooledSample});
  k.read("yates", ms.yates);
  k.read("outcome_model", ms.outcome_model, {OutcomeModel::Cluster, OutcomeModel::Strata});
  k.read("score_covariates", ms.score_covariates);
  k.read("balance_criterion", ms.balance_criterion,
         {BalanceCriterion::P, BalanceCriterion::Smd, BalanceCriterion::Both});
  k.read("balance_p", ms.balance_p);
  if (!(ms.balance_p > 0 && ms.balance_p < 1)) fail(path + ".balance_p", "must be between 0 and 1");
  k.read("balance_smd", ms.balance_smd);
  if (!(ms.balance_smd > 0)) fail(path + ".balance_smd", "must be positive");
  k.read("balance_test", ms.balance_test,
         {BalanceTest::Auto, BalanceTest::Chisq, BalanceTest::Fisher});
  k.read("rounds", ms.rounds);
  if (ms.rounds < 1 || ms.rounds > 20)
    fail(path + ".rounds", "must be a whole number from 1 to 20");
  // Each round refits the score and matches ratio controls per treated unit.
  if (ms.ratio * ms.rounds > limits::kMatchingWork)
    fail(path + ".rounds",
         "times ratio is " + std::to_string(ms.ratio) + " x " + std::to_string(ms.rounds) + " = " +
             std::to_string(ms.ratio * ms.rounds) + "; the limit is " +
             std::to_string(limits::kMatchingWork) + "; choose fewer rounds or a smaller ratio");
  k.read("round_rule", ms.round_rule, {RoundRule::Exact, RoundRule::Model});
}

// The "analyses" block at `path` into s (other fields untouched).
void read_analyses(const json& a, const std::string& path, AnalysisSpec& s) {
  ObjectReader r(a, path);
  if (const json* km = r.get("km")) {
    ObjectReader k(*km, path + ".km");
    s.km.enabled = true;
    k.read("enabled", s.km.enabled);
    k.read("conf_int", s.km.conf_int);
    if (!(s.km.conf_int > 0 && s.km.conf_int < 1))
      fail(path + ".km.conf_int", "must be between 0 and 1");
    k.read("conf_type", s.km.conf_type, {KmConfType::Log, KmConfType::LogLog, KmConfType::Plain});
    k.read("times", s.km.times, limits::kKmTimes);
    for (double t : s.km.times)
      if (!std::isfinite(t) || t < 0) fail(path + ".km.times", "must be non-negative numbers");
    k.read("by_group", s.km.by_group);
  }
  if (const json* f = r.get("followup")) {
    ObjectReader k(*f, path + ".followup");
    s.followup.enabled = true;
    k.read("enabled", s.followup.enabled);
  }
  if (const json* lr = r.get("logrank")) {
    ObjectReader k(*lr, path + ".logrank");
    s.logrank.enabled = true;
    k.read("enabled", s.logrank.enabled);
    k.read("rho", s.logrank.rho);
    if (!(s.logrank.rho >= 0)) fail(path + ".logrank.rho", "must be 0 or more");
    k.read("strata", s.logrank.strata);
    k.read("by", s.logrank.by);
    k.read("pairwise_adjust", s.logrank.pairwise_adjust,
           {PAdjustMethod::Holm, PAdjustMethod::Bonferroni, PAdjustMethod::None});
  }
  if (const json* cx = r.get("cox")) {
    ObjectReader k(*cx, path + ".cox");
    s.cox.enabled = true;
    k.read("enabled", s.cox.enabled);
    k.read("ties", s.cox.ties, {CoxTies::Efron, CoxTies::Breslow});
    k.read("conf_int", s.cox.conf_int);
    if (!(s.cox.conf_int > 0 && s.cox.conf_int < 1))
      fail(path + ".cox.conf_int", "must be between 0 and 1");
    k.read("univariate", s.cox.univariate);
    k.read("multivariable", s.cox.multivariable);
    k.read("strata", s.cox.strata);
    k.read("cluster", s.cox.cluster);
    k.read("select_p", s.cox.select_p);
    if (!(s.cox.select_p >= 0 && s.cox.select_p <= 1))
      fail(path + ".cox.select_p", "must be between 0 and 1");
    k.read("select_test", s.cox.select_test, {SelectTest::Wald, SelectTest::Lrt});
    k.read("force", s.cox.force);
  }
  if (const json* lg = r.get("logistic")) {
    ObjectReader k(*lg, path + ".logistic");
    s.logistic.enabled = true;
    k.read("enabled", s.logistic.enabled);
  }
  if (const json* m = r.get("matching")) read_matching(*m, path + ".matching", s.matching);
  if (const json* cp = r.get("cutpoint")) {
    ObjectReader k(*cp, path + ".cutpoint");
    CutpointSpec& c = s.cutpoint;
    c.enabled = true;
    k.read("enabled", c.enabled);
    k.read("column", c.column);
    if (c.column.empty()) fail(path + ".cutpoint.column", "is required");
    k.read("minprop", c.minprop);
    k.read("maxprop", c.maxprop);
    if (!(c.minprop >= 0 && c.minprop < c.maxprop && c.maxprop <= 1))
      fail(path + ".cutpoint.minprop", "and maxprop must satisfy 0 <= minprop < maxprop <= 1");
    k.read("pmethod", c.pmethod, {MaxstatPMethod::Lau94, MaxstatPMethod::CondMC});
    k.read("replicates", c.replicates);
    if (c.replicates < 100 || c.replicates > limits::kReplicates)
      fail(path + ".cutpoint.replicates",
           "is " + std::to_string(c.replicates) + "; it must be from 100 to " +
               std::to_string(limits::kReplicates) + " (the limit; R's default is 10000)");
    k.read("seed", c.seed);
    k.read("horizon", c.horizon);
    if (!(c.horizon >= 0))
      fail(path + ".cutpoint.horizon", "must be 0 (event status) or a positive time");
    if (const json* g = k.get("groups")) {
      ObjectReader gr(*g, path + ".cutpoint.groups");
      CutpointGroupsSpec& gs = c.groups;
      gs.enabled = true;
      gr.read("enabled", gs.enabled);
      gr.read("use", gs.use, {CutUse::Maxstat, CutUse::Median, CutUse::Youden, CutUse::Value});
      const bool has_value = gr.get("value") != nullptr;
      gr.read("value", gs.value);
      if (gs.use == CutUse::Value && !has_value)
        fail(path + ".cutpoint.groups.value", "is required when use is 'value'");
      if (has_value && gs.use != CutUse::Value)
        fail(path + ".cutpoint.groups.value", "is only used with use = 'value'");
      if (!std::isfinite(gs.value)) fail(path + ".cutpoint.groups.value", "must be finite");
      gr.read("none", gs.none, limits::kFilterBytes);
      gr.read("none_label", gs.none_label);
      if (gs.none_label.empty()) fail(path + ".cutpoint.groups.none_label", "must not be empty");
      // match: true (default options) or the options of analyses.matching.
      if (const json* mt = gr.get("match")) {
        if (mt->is_boolean())
          gs.match = mt->get<bool>();
        else if (mt->is_object())
          read_matching(*mt, path + ".cutpoint.groups.match", gs.matching);
        else
          fail(path + ".cutpoint.groups.match",
               "must be true, false or an object of matching options");
        if (mt->is_object()) gs.match = gs.matching.enabled;
      }
      if (gs.match && gs.none.empty())
        fail(path + ".cutpoint.groups.match",
             "needs a reference group to match against: set groups.none (e.g. \"bone_rt == 0\")");
    }
  }
  if (const json* sg = r.get("subgroups")) {
    ObjectReader k(*sg, path + ".subgroups");
    s.subgroups.enabled = true;
    k.read("enabled", s.subgroups.enabled);
    k.read("adjust", s.subgroups.adjust);
    if (const json* vars = k.get("variables")) {
      if (!vars->is_array() || vars->empty())
        fail(path + ".subgroups.variables", "must be a non-empty list");
      check_entries(vars->size(), path + ".subgroups.variables", limits::kListEntries);
      for (std::size_t i = 0; i < vars->size(); ++i) {
        TermSpec t;
        read_term((*vars)[i], path + ".subgroups.variables[" + std::to_string(i) + "]", t);
        t.kind = TermKind::Factor;
        s.subgroups.variables.push_back(t);
      }
    }
    if (s.subgroups.variables.empty()) fail(path + ".subgroups.variables", "is required");
  }
  if (const json* t1 = r.get("table1")) {
    ObjectReader k(*t1, path + ".table1");
    s.table1.enabled = true;
    k.read("enabled", s.table1.enabled);
    k.read("yates", s.table1.yates);
    k.read("binary", s.table1.binary, {Table1Binary::Counts, Table1Binary::Numeric});
  }
}

// Every analysis switched off, options back to their defaults.
void reset_analyses(AnalysisSpec& s) {
  s.km = {};
  s.followup = {};
  s.logrank = {};
  s.cox = {};
  s.logistic = {};
  s.table1 = {};
  s.matching = {};
  s.cutpoint = {};
  s.subgroups = {};
}

}  // namespace

AnalysisSpec parse_spec(std::string_view text) {
  return parse_spec(parse_json(text, "analysis spec"));
}

namespace {

// {name: display name}: names and display names are text within the limits,
// a display name is not empty.
std::map<std::string, std::string> read_names(const json& j, const std::string& path,
                                              const char* what) {
  if (!j.is_object()) fail(path, std::string("must be an object {") + what + ": display name}");
  check_entries(j.size(), path, limits::kListEntries);
  std::map<std::string, std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string child = path + "." + it.key();
    check_length(it.key(), child, limits::kTextBytes);
    if (!it->is_string()) fail(child, "must be text (the display name), not " + kind_of(*it));
    std::string name = text_of(*it, child);
    if (name.empty()) fail(child, "is empty; leave the entry out to keep the file's name");
    out[it.key()] = name;
  }
  return out;
}

DisplayNames read_labels(const json& j) {
  DisplayNames d;
  ObjectReader r(j, "labels");
  if (const json* c = r.get("columns")) d.columns = read_names(*c, "labels.columns", "column");
  if (const json* l = r.get("levels")) {
    if (!l->is_object()) fail("labels.levels", "must be an object {column: {level: display name}}");
    check_entries(l->size(), "labels.levels", limits::kListEntries);
    for (auto it = l->begin(); it != l->end(); ++it) {
      check_length(it.key(), "labels.levels." + it.key(), limits::kTextBytes);
      d.levels[it.key()] = read_names(*it, "labels.levels." + it.key(), "level");
    }
  }
  return d;
}

}  // namespace

CsvOptions parse_csv_options(std::string_view text) {
  CsvOptions csv;
  json j = parse_json(text, "data options");
  if (!j.is_null()) read_csv_options(j, csv);
  return csv;
}

AnalysisSpec parse_spec(const json& j) {
  AnalysisSpec s;
  ObjectReader top(j, "");
  top.read("version", s.version);
  if (s.version != 1)
    fail("version", "is " + std::to_string(s.version) + "; this LocalSurv reads version 1");

  if (const json* d = top.get("data")) read_csv_options(*d, s.csv);

  if (const json* d = top.get("derive")) {
    if (!d->is_array()) fail("derive", "must be a list of derived columns");
    check_entries(d->size(), "derive", limits::kDeriveSteps);
    for (std::size_t i = 0; i < d->size(); ++i)
      s.derive.push_back(read_derive((*d)[i], "derive[" + std::to_string(i) + "]"));
  }
  top.read("filter", s.filter, limits::kFilterBytes);
  if (const json* l = top.get("labels")) s.labels = read_labels(*l);
  if (const json* subs = top.get("subcohorts")) {
    if (!subs->is_array()) fail("subcohorts", "must be a list of {name, filter}");
    check_entries(subs->size(), "subcohorts", limits::kSubcohorts);
    for (std::size_t i = 0; i < subs->size(); ++i) {
      std::string path = "subcohorts[" + std::to_string(i) + "]";
      ObjectReader r(subs->at(i), path);
      SubcohortSpec sc;
      r.read("name", sc.name);
      r.read("filter", sc.filter, limits::kFilterBytes);
      if (sc.name.empty()) fail(path + ".name", "is required");
      if (sc.filter.empty()) fail(path + ".filter", "is required");
      if (const json* a = r.get("analyses")) sc.analyses_json = *a;
      if (const json* c = r.get("covariates")) sc.covariates_json = *c;
      s.subcohorts.push_back(sc);
    }
  }

  if (const json* t = top.get("time")) {
    if (t->is_string()) {
      s.time.column = text_of(*t, "time");
    } else {
      ObjectReader r(*t, "time");
      r.read("column", s.time.column);
      r.read("unit", s.time.unit);
      r.one_of("unit", s.time.unit, {"days", "weeks", "months", "years"});
    }
  }
  require_column(s.time.column, "time.column");

  if (const json* e = top.get("event")) {
    if (e->is_string()) {
      s.event.column = text_of(*e, "event");
    } else {
      ObjectReader r(*e, "event");
      r.read("column", s.event.column);
      r.read("values", s.event.values, limits::kEventValues);
      if (s.event.values.empty()) fail("event.values", "must name at least one value");
    }
  }
  require_column(s.event.column, "event.column");

  if (const json* g = top.get("group")) {
    if (g->is_string()) {
      s.group.column = text_of(*g, "group");
    } else {
      ObjectReader r(*g, "group");
      r.read("column", s.group.column);
      r.read("levels", s.group.levels);
      check_distinct(s.group.levels, "group.levels");
      r.read("reference", s.group.reference);
      require_column(s.group.column, "group.column");
    }
  }

  if (const json* c = top.get("covariates")) read_covariates(*c, "covariates", s);

  if (const json* a = top.get("analyses")) read_analyses(*a, "analyses", s);
  // A subcohort may run its own analyses (e.g. the dose analysis only among
  // patients with bone metastasis), on the same outcome and covariates.
  for (std::size_t i = 0; i < s.subcohorts.size(); ++i) {
    SubcohortSpec& sc = s.subcohorts[i];
    if (sc.analyses_json.is_null() && sc.covariates_json.is_null()) continue;
    const std::string path = "subcohorts[" + std::to_string(i) + "]";
    AnalysisSpec own = s;
    own.subcohorts.clear();
    if (!sc.covariates_json.is_null())
      read_covariates(sc.covariates_json, path + ".covariates", own);
    if (!sc.analyses_json.is_null()) {
      reset_analyses(own);
      read_analyses(sc.analyses_json, path + ".analyses", own);
    }
    sc.spec = std::make_shared<const AnalysisSpec>(std::move(own));
    sc.analyses_json = nullptr;
    sc.covariates_json = nullptr;
  }
  return s;
}

namespace {
nlohmann::ordered_json matching_to_json(const MatchingSpec& m) {
  return {{"distance", m.distance},
          {"ratio", m.ratio},
          {"replace", m.replace},
          {"order", m.order},
          {"seed", m.seed},
          {"caliper", m.caliper},
          {"caliper_scale", m.caliper_scale},
          {"exact", m.exact},
          {"smd", m.smd},
          {"yates", m.yates},
          {"outcome_model", m.outcome_model},
          {"score_covariates", m.score_covariates},
          {"balance_criterion", m.balance_criterion},
          {"balance_p", m.balance_p},
          {"balance_smd", m.balance_smd},
          {"balance_test", m.balance_test},
          {"rounds", m.rounds},
          {"round_rule", m.round_rule}};
}

nlohmann::ordered_json covariates_to_json(const std::vector<TermSpec>& covariates) {
  using json = nlohmann::ordered_json;
  json covs = json::array();
  for (const auto& t : covariates)
    covs.push_back({{"column", t.column},
                    {"type", option_name(t.kind)},
                    {"levels", t.levels},
                    {"reference", t.reference}});
  return covs;
}

// The analyses block with every option written out.
nlohmann::ordered_json analyses_to_json(const AnalysisSpec& s) {
  using json = nlohmann::ordered_json;
  json a = json::object();
  if (s.km.enabled)
    a["km"] = {{"conf_int", s.km.conf_int},
               {"conf_type", s.km.conf_type},
               {"times", s.km.times},
               {"by_group", s.km.by_group}};
  if (s.followup.enabled) a["followup"] = json::object();
  if (s.logrank.enabled)
    a["logrank"] = {{"rho", s.logrank.rho},
                    {"strata", s.logrank.strata},
                    {"by", s.logrank.by},
                    {"pairwise_adjust", s.logrank.pairwise_adjust}};
  if (s.cox.enabled)
    a["cox"] = {{"ties", s.cox.ties},
                {"conf_int", s.cox.conf_int},
                {"univariate", s.cox.univariate},
                {"multivariable", s.cox.multivariable},
                {"strata", s.cox.strata},
                {"cluster", s.cox.cluster},
                {"select_p", s.cox.select_p},
                {"select_test", s.cox.select_test},
                {"force", s.cox.force}};
  if (s.logistic.enabled) a["logistic"] = json::object();
  if (s.table1.enabled) a["table1"] = {{"yates", s.table1.yates}, {"binary", s.table1.binary}};
  if (s.subgroups.enabled) {
    json vars = json::array();
    for (const auto& t : s.subgroups.variables)
      vars.push_back({{"column", t.column}, {"levels", t.levels}, {"reference", t.reference}});
    a["subgroups"] = {{"variables", vars}, {"adjust", s.subgroups.adjust}};
  }
  if (s.cutpoint.enabled) {
    const CutpointSpec& c = s.cutpoint;
    a["cutpoint"] = {{"column", c.column},   {"minprop", c.minprop},       {"maxprop", c.maxprop},
                     {"pmethod", c.pmethod}, {"replicates", c.replicates}, {"seed", c.seed},
                     {"horizon", c.horizon}};
    if (c.groups.enabled) {
      json g = {{"use", c.groups.use}};
      if (c.groups.use == CutUse::Value) g["value"] = c.groups.value;
      g["none"] = c.groups.none;
      g["none_label"] = c.groups.none_label;
      g["match"] = c.groups.match ? json(matching_to_json(c.groups.matching)) : json(false);
      a["cutpoint"]["groups"] = g;
    }
  }
  if (s.matching.enabled) a["matching"] = matching_to_json(s.matching);
  return a;
}
}  // namespace

nlohmann::ordered_json spec_to_json(const AnalysisSpec& s) {
  using json = nlohmann::ordered_json;
  json j;
  j["version"] = s.version;
  json data = json::object();
  if (s.csv.delimiter) data["delimiter"] = std::string(1, s.csv.delimiter);
  if (s.csv.decimal_comma >= 0) data["decimal_comma"] = s.csv.decimal_comma == 1;
  if (!s.csv.sheet.empty()) data["sheet"] = s.csv.sheet;
  json types = json::object();
  for (const auto& [name, t] : s.csv.column_types)
    types[name] = t == ColumnType::Numeric ? "numeric" : "categorical";
  data["column_types"] = types;
  // Only when given: results of specs without it keep their bytes.
  if (!s.csv.missing_values.empty()) {
    json listed = json::object();
    for (const auto& [name, tokens] : s.csv.missing_values) listed[name] = tokens;
    data["missing_values"] = listed;
  }
  j["data"] = data;
  json derive = json::array();
  for (const auto& d : s.derive) {
    if (d.kind == DeriveSpec::Kind::DateDiff)
      derive.push_back({{"name", d.name},
                        {"date_diff",
                         {{"start", d.start},
                          {"end", d.end},
                          {"unit", time_unit_name(d.unit)},
                          {"format", date_format_name(d.date_format)}}}});
    else if (d.kind == DeriveSpec::Kind::Flag)
      derive.push_back({{"name", d.name}, {"flag", {{"column", d.column}, {"values", d.values}}}});
    else if (d.kind == DeriveSpec::Kind::Cut)
      derive.push_back({{"name", d.name},
                        {"cut",
                         {{"column", d.column},
                          {"breaks", d.breaks},
                          {"labels", d.labels},
                          {"right", d.right}}}});
    else
      derive.push_back(
          {{"name", d.name},
           {d.kind == DeriveSpec::Kind::Bed ? "bed" : "eqd2",
            {{"dose", d.dose}, {"fractions", d.fractions}, {"alpha_beta", d.alpha_beta}}}});
  }
  j["derive"] = derive;
  j["filter"] = s.filter;
  json subs = json::array();
  for (const auto& sc : s.subcohorts) {
    json entry = {{"name", sc.name}, {"filter", sc.filter}};
    if (sc.spec) {
      entry["covariates"] = covariates_to_json(sc.spec->covariates);
      entry["analyses"] = analyses_to_json(*sc.spec);
    }
    subs.push_back(entry);
  }
  j["subcohorts"] = subs;
  j["time"] = {{"column", s.time.column}, {"unit", s.time.unit}};
  j["event"] = {{"column", s.event.column}, {"values", s.event.values}};
  if (!s.group.column.empty())
    j["group"] = {
        {"column", s.group.column}, {"levels", s.group.levels}, {"reference", s.group.reference}};
  j["covariates"] = covariates_to_json(s.covariates);
  j["analyses"] = analyses_to_json(s);
  // Only when given: a spec without display names echoes as it always has.
  if (!s.labels.empty()) j["labels"] = {{"columns", s.labels.columns}, {"levels", s.labels.levels}};
  return j;
}

namespace {
nlohmann::ordered_json filter_node_to_json(const FilterNode& n) {
  using json = nlohmann::ordered_json;
  using Kind = FilterNode::Kind;
  auto value = [](const FilterValue& v) { return json{{v.number ? "number" : "text", v.text}}; };
  switch (n.kind) {
    case Kind::Or:
    case Kind::And: {
      json list = json::array();
      for (const auto& c : n.children) list.push_back(filter_node_to_json(c));
      return {{n.kind == Kind::Or ? "or" : "and", list}};
    }
    case Kind::Not:
    case Kind::Group:
      return {{n.kind == Kind::Not ? "not" : "group", filter_node_to_json(n.children.at(0))}};
    case Kind::Compare:
      return {{"column", n.column}, {"op", n.op}, {"value", value(n.values.at(0))}};
    case Kind::In: {
      json list = json::array();
      for (const auto& v : n.values) list.push_back(value(v));
      return {{"column", n.column}, {"in", list}};
    }
    case Kind::Missing:
      return {{"column", n.column}, {"is", n.negate ? "not missing" : "missing"}};
  }
  return nullptr;
}

nlohmann::ordered_json filter_to_json(const std::string& text, const std::string& field) {
  try {
    std::optional<FilterNode> tree = parse_filter(text, field);
    return tree ? filter_node_to_json(*tree) : nlohmann::ordered_json();
  } catch (const Error& e) {
    return {{"error", {{"message", e.what()}, {"field", e.field}}}};
  }
}

// As the run reads the reference group's filter (core/analysis.cpp).
void add_none_filter(nlohmann::ordered_json& out, const AnalysisSpec& s, const std::string& at) {
  if (s.cutpoint.enabled && s.cutpoint.groups.enabled && !s.cutpoint.groups.none.empty())
    out[at + "analyses.cutpoint.groups.none"] = filter_to_json(s.cutpoint.groups.none, "filter");
}
}  // namespace

nlohmann::ordered_json filters_to_json(const AnalysisSpec& s) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["filter"] = filter_to_json(s.filter, "filter");
  add_none_filter(out, s, "");
  for (std::size_t i = 0; i < s.subcohorts.size(); ++i) {
    const std::string at = "subcohorts[" + std::to_string(i) + "].";
    out[at + "filter"] = filter_to_json(s.subcohorts[i].filter, at + "filter");
    if (s.subcohorts[i].spec) add_none_filter(out, *s.subcohorts[i].spec, at);
  }
  return out;
}

}  // namespace localsurv
