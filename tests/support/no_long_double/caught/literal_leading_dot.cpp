// expect: .5L
double x = .5L;
