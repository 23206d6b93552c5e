// expect: 0x1.8p3L
double x = 0x1.8p3L;
