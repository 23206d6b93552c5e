// expect: logl(
double y = logl(2.0);
