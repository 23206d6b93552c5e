// expect: long double
static long
    double y;
