// What a Session envelope must never hold, whatever the input: anything but
// a localsurv::Error. Session turns any other exception into an "internal
// error" envelope, and an analysis turns one into an {"error": ...} block of
// its own inside an ok:true envelope (core/study/section.h, isolated()), so the
// whole result is searched, not only the top level. A kernel's own check
// that reached the user untranslated is a finding too. Header-only: used by
// the fuzz_run target (tests/fuzz/) and the C++ tests
// (tests/core/test_envelope_check.cpp checks it).
#pragma once
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace testsupport {

// Every {"error": ...} in `node`, with its path ("results.cox.univariate.2").
inline void error_blocks(const nlohmann::json& node, const std::string& path,
                         std::vector<std::pair<std::string, const nlohmann::json*>>& out) {
  if (node.is_object()) {
    if (node.contains("error")) out.emplace_back(path, &node["error"]);
    for (const auto& [k, v] : node.items())
      if (k != "error") error_blocks(v, path + "." + k, out);
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      error_blocks(node[i], path + "." + std::to_string(i), out);
  }
}

// The wording of core/api.cpp (guarded) and core/study/section.h (isolated) for
// an exception that is not a localsurv::Error, and for a std::bad_alloc.
inline bool internal_failure(const std::string& message) {
  static const std::string kReport = " (please report this with the spec that caused it)";
  const bool internal =
      message.rfind("internal error: ", 0) == 0 || message.rfind("internal error in ", 0) == 0;
  const bool reported =
      message.size() >= kReport.size() &&
      message.compare(message.size() - kReport.size(), kReport.size(), kReport) == 0;
  return (internal && reported) || message.rfind("out of memory", 0) == 0;
}

// plain_error's wording (core/study/plain_words.cpp) for a kernel's own check (a
// check helper's "function: argument ...", kept as the detail) that no
// caller put in the user's words: the analysis handed the kernel data it
// should have refused itself, naming the user's column.
inline bool untranslated_check(const std::string& message, const nlohmann::json& detail) {
  if (message.find(" could not be computed: ") == std::string::npos || !detail.is_string())
    return false;
  const std::string d = detail.get<std::string>();
  std::size_t i = 0;
  while (i < d.size() && (std::islower(static_cast<unsigned char>(d[i])) ||
                          std::isdigit(static_cast<unsigned char>(d[i])) || d[i] == '_'))
    ++i;
  return i > 0 && d.compare(i, 2, ": ") == 0;
}

// Every sign of an internal failure in `out` (Session::run's JSON text),
// each as "<where>: <what>"; empty when the envelope is sound.
inline std::vector<std::string> envelope_problems(const std::string& out) {
  nlohmann::json envelope;
  try {
    envelope = nlohmann::json::parse(out);
  } catch (const nlohmann::json::exception&) {
    return {"the envelope is not JSON: " + out};
  }
  if (!envelope.is_object() || !envelope.contains("ok") || !envelope["ok"].is_boolean())
    return {"the envelope has no ok flag: " + out};
  const bool ok = envelope["ok"].get<bool>();
  if (!envelope.contains(ok ? "result" : "error"))
    return {ok ? "ok: true without a result" : "ok: false without an error"};
  std::vector<std::pair<std::string, const nlohmann::json*>> errors;
  error_blocks(envelope, "envelope", errors);
  std::vector<std::string> problems;
  for (const auto& [path, e] : errors) {
    const nlohmann::json* m = e->is_object() && e->contains("message") ? &(*e)["message"] : nullptr;
    if (!m || !m->is_string() || m->get<std::string>().empty())
      problems.push_back(path + ": an error without a message");
    else if (internal_failure(m->get<std::string>()))
      problems.push_back(path + ": not a localsurv::Error: " + m->get<std::string>());
    else if (untranslated_check(m->get<std::string>(), e->value("detail", nlohmann::json())))
      problems.push_back(path + ": a kernel's check in its own words: " + m->get<std::string>() +
                         " (" + (*e)["detail"].get<std::string>() + ")");
  }
  return problems;
}

}  // namespace testsupport
