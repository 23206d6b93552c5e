// expect: 2.5e-3l
double x = 2.5e-3l;
