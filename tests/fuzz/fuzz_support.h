// Shared by the libFuzzer targets in this folder. A localsurv::Error is what
// bad input must produce; any other exception escapes the target, which
// libFuzzer reports as a crash (uncaught exception -> abort), as it reports
// sanitizer findings, timeouts and oversized allocations.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace fuzzsupport {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A broken invariant that is not an exception: print why, then abort so
// libFuzzer saves the input.
[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  std::abort();
}

// Output JSON must be well-formed whatever the input: dump it the way
// core/api.cpp does (invalid UTF-8 replaced), check it parses, return it.
template <class Json>
std::string check_dumps(const Json& j, const char* what) {
  std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (!nlohmann::json::accept(text)) finding(std::string(what) + " dumps invalid JSON");
  return text;
}

}  // namespace fuzzsupport
