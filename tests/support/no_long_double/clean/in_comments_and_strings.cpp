// long double, sqrtl(x) and 1.0L in a comment are fine.
/* long double
   powl(2, 3), 1e5L */
const char* s = "long double, sqrtl(2), 1.0L";
const char* t = "a \" quote, then long double";
const char* raw = R"(long double "and" sqrtl( )";
char c = 'L';
const char* url = "https://example.org";  // long double in a trailing comment
double after = 1.0;
