// localsurv DATA.csv SPEC.json  -> result envelope JSON on stdout.
// localsurv synthetic-cohort [--seed S] [--n N]  -> the synthetic NPC cohort
//   (core/io/synthetic_cohort.h) as CSV on stdout; the defaults give the bundled
//   example public/examples/npc_cohort.csv byte for byte.
// Exit 0 on {"ok":true}, 1 on {"ok":false} (the message also goes to stderr),
// 2 on usage or unreadable files.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api.h"
#include "error.h"
#include "io/synthetic_cohort.h"

namespace {
bool slurp(const char* path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}
// Whole decimal numbers only: "--n 2e3" or "--seed -1" are usage errors.
bool parse_whole(const std::string& text, unsigned long long& out) {
  if (text.empty() || text.size() > 19) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  out = std::stoull(text);
  return true;
}

int synthetic_cohort(int argc, char** argv) {
  localsurv::SyntheticCohortOptions o;
  for (int i = 2; i < argc; i += 2) {
    std::string flag = argv[i];
    unsigned long long v = 0;
    if (i + 1 >= argc || (flag != "--seed" && flag != "--n") || !parse_whole(argv[i + 1], v)) {
      std::cerr << "usage: localsurv synthetic-cohort [--seed S] [--n N]  (whole numbers)\n";
      return 2;
    }
    if (flag == "--seed")
      o.seed = v;
    else
      o.n = static_cast<long long>(v);
  }
  try {
    std::cout << localsurv::synthetic_cohort_csv(o);
  } catch (const localsurv::Error& e) {
    std::cerr << "localsurv: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "synthetic-cohort") return synthetic_cohort(argc, argv);
  if (argc != 3) {
    std::cerr << "usage: localsurv DATA.csv SPEC.json\n"
                 "       localsurv synthetic-cohort [--seed S] [--n N]\n"
                 "Runs the analysis spec on the data file and prints the result as JSON, or\n"
                 "writes the synthetic example cohort as CSV.\n";
    return 2;
  }
  std::string data, spec;
  if (!slurp(argv[1], data)) {
    std::cerr << "localsurv: cannot read data file " << argv[1] << "\n";
    return 2;
  }
  if (!slurp(argv[2], spec)) {
    std::cerr << "localsurv: cannot read spec file " << argv[2] << "\n";
    return 2;
  }
  localsurv::Session session;
  session.set_data(std::move(data));
  std::string out = session.run(spec);
  std::cout << out << "\n";
  auto envelope = nlohmann::json::parse(out);
  if (!envelope["ok"].get<bool>()) {
    std::cerr << "localsurv: " << envelope["error"]["message"].get<std::string>() << "\n";
    return 1;
  }
  return 0;
}
