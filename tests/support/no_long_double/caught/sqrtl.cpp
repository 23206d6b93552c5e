// expect: sqrtl(
double y = sqrtl(2.0);
