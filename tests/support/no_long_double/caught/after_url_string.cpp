// expect: long double
// A `//` inside a string is text: the code after it on the line is code.
const char* url = "https://example.org"; long double after_url = 0;
