// The only file that knows about Emscripten: a thin Embind surface over
// localsurv::Session. Strings in, envelope JSON strings out; core/api.cpp
// guarantees no exception crosses this boundary, and the catch-all below is
// the last line of defence so the worker always gets an answer.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>

#include "api.h"
#include "study/analysis.h"

namespace {

std::string internal_error(const char* what) {
  return std::string(R"({"ok":false,"error":{"message":"internal error: )") + what +
         R"(","field":null,"line":null,"column":null}})";
}

class Engine {
 public:
  // bytes: a Uint8Array with the file's contents.
  void setData(const emscripten::val& bytes) { session_.set_data(bytes_to_string(bytes)); }
  std::string describe(const std::string& options_json) {
    try {
      return session_.describe(options_json);
    } catch (...) {
      return internal_error("describe failed");
    }
  }
  std::string run(const std::string& spec_json) {
    try {
      return session_.run(spec_json);
    } catch (...) {
      return internal_error("run failed");
    }
  }
  std::string readSpec(const std::string& spec_json) {
    try {
      return session_.read_spec(spec_json);
    } catch (...) {
      return internal_error("readSpec failed");
    }
  }
  // callback(stage, done, total) before each analysis and at the end; the
  // worker forwards it to the page as a progress message.
  std::string runWithProgress(const std::string& spec_json, const emscripten::val& callback) {
    try {
      return session_.run(spec_json, [&](const std::string& stage, int done, int total) {
        callback(stage, done, total);
      });
    } catch (...) {
      return internal_error("run failed");
    }
  }

 private:
  static std::string bytes_to_string(const emscripten::val& bytes) {
    const std::size_t n = bytes["length"].as<std::size_t>();
    std::string s(n, '\0');
    // Copy through a typed-array view of our heap: one memcpy, no per-byte calls.
    emscripten::val view(
        emscripten::typed_memory_view(n, reinterpret_cast<unsigned char*>(s.data())));
    view.call<void>("set", bytes);
    return s;
  }
  localsurv::Session session_;
};

std::string version() { return localsurv::kVersion; }

}  // namespace

EMSCRIPTEN_BINDINGS(localsurv) {
  emscripten::function("version", &version);
  emscripten::class_<Engine>("Engine")
      .constructor<>()
      .function("setData", &Engine::setData)
      .function("describe", &Engine::describe)
      .function("run", &Engine::run)
      .function("readSpec", &Engine::readSpec)
      .function("runWithProgress", &Engine::runWithProgress);
}
