// expect: 2.L
double x = 2.L * 3;
