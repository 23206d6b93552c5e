// What every analysis section of the result shares: how one fails in the
// user's words (Failure) and how it runs apart from the others (isolated), so
// that one analysis, model or comparison that cannot be computed reports its
// error in its own block and every other result stands.
#pragma once
#include <new>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "error.h"
#include "io/result_json.h"
#include "study/plain_words.h"

namespace localsurv {

// An analysis that cannot be computed on these data, said in the user's
// words (field: their column or the spec option); `detail` keeps the
// kernel's or R's own wording.
struct Failure : Error {
  Failure(const std::string& message, std::string field, std::string detail_ = {})
      : Error(message, std::move(field)), detail(std::move(detail_)) {}
  std::string detail;
};

// A check helper's message ("cross_tabulate: levels ..."): in the kernel's
// terms, not the user's.
bool from_kernel(const std::string& m);

// Runs one analysis, or one model or comparison of it. An error becomes its
// own {"error": {message, field, detail}} (next to `block`'s identifying
// keys), so that every other result stands. Out of memory still ends the run.
template <class F>
nlohmann::ordered_json isolated(const std::string& what, const std::string& field, F&& body,
                                nlohmann::ordered_json block = nlohmann::ordered_json::object()) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const Failure& e) {
    block["error"] = error_json(e.what(), e.field, e.detail);
  } catch (const Error& e) {
    if (from_kernel(e.what())) {
      const Said s = plain_error(what, e.what());
      block["error"] = error_json(s.message, field, s.detail);
    } else {
      block["error"] = error_json(e.what(), e.field.empty() ? field : e.field, "");
    }
  } catch (const std::exception& e) {
    block["error"] = error_json("internal error in " + what + ": " + e.what() +
                                    " (please report this with the spec that caused it)",
                                field, "");
  }
  return block;
}

std::string joined(const std::vector<std::string>& v, const std::string& sep);
// 'a', 'b' and 'c'.
std::string quoted(const std::vector<std::string>& names);

}  // namespace localsurv
