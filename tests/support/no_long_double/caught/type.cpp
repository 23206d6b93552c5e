// expect: long double
long  double x = 0;
