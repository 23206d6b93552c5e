// expect: sqrtl(
// "/*" in a string opens no comment.
const char* open = "/*"; double z = sqrtl(2.0); const char* close = "*/";
