#include "golden.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "api.h"
#include "csv.h"

namespace testsupport {

std::string test_data_path(const std::string& relative) {
  return std::string(LOCALSURV_TEST_DATA) + "/" + relative;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open test file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

localsurv::Table dataset(const std::string& name) {
  return localsurv::read_csv(read_file(test_data_path("datasets/" + name + ".csv")));
}

const json& golden(const std::string& name) {
  static std::map<std::string, json> cache;
  auto it = cache.find(name);
  if (it == cache.end())
    it = cache.emplace(name, json::parse(read_file(test_data_path("goldens/" + name + ".json"))))
             .first;
  return it->second;
}

double num(const json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

std::vector<double> nums(const json& j) {
  std::vector<double> v;
  for (const auto& x : j) v.push_back(num(x));
  return v;
}

std::vector<double> numeric_column(const localsurv::Table& t, const std::string& name) {
  const auto& c = t.column(name);
  if (c.type != localsurv::ColumnType::Numeric)
    throw std::runtime_error("test expects numeric column " + name);
  return c.numbers;
}

bool close(double a, double b, double rel, double floor) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::fabs(a - b) <= rel * std::max(std::fabs(b), floor) + 1e-300;
}

json run_spec(const std::string& dataset, const std::string& spec) {
  localsurv::Session s;
  s.set_data(read_file(test_data_path("datasets/" + dataset + ".csv")));
  json env = json::parse(s.run(spec));
  INFO(env.dump().substr(0, 400));
  REQUIRE(env["ok"].get<bool>());
  return env["result"];
}

}  // namespace testsupport
