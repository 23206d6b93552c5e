// expect: 1e5L
// A raw string with quotes and // inside ends at )".
const char* raw = R"({"a": "b // c"})"; double w = 1e5L;
