// expect: 1.0L
double x = 1.0L;
