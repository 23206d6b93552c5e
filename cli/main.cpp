// localsurv DATA.csv SPEC.json  -> result envelope JSON on stdout.
// Exit 0 on {"ok":true}, 1 on {"ok":false} (the message also goes to stderr),
// 2 on usage or unreadable files.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api.h"

namespace {
bool slurp(const char* path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: localsurv DATA.csv SPEC.json\n"
                 "Runs the analysis spec on the data file and prints the result as JSON.\n";
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
