// expect: 1e5L
double x = 1e5L;
