// expect: long double
// A quote in a character literal opens no string.
char q = '"'; long double after_quote = 0; const char* s = "x";
