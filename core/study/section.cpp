#include "study/section.h"

#include <cctype>

namespace localsurv {

using json = nlohmann::ordered_json;

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// A check helper's message ("cross_tabulate: levels ..."): in the kernel's
// terms, not the user's.
bool from_kernel(const std::string& m) {
  std::size_t i = 0;
  while (i < m.size() && (std::islower(static_cast<unsigned char>(m[i])) ||
                          std::isdigit(static_cast<unsigned char>(m[i])) || m[i] == '_'))
    ++i;
  return i > 0 && m.compare(i, 2, ": ") == 0;
}

std::string quoted(const std::vector<std::string>& names) {
  std::vector<std::string> q;
  for (const auto& n : names) q.push_back("'" + n + "'");
  std::string s;
  for (std::size_t i = 0; i < q.size(); ++i)
    s += (i ? i + 1 == q.size() ? " and " : ", " : "") + q[i];
  return s;
}

}  // namespace localsurv
