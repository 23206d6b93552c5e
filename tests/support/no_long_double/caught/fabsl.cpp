// expect: fabsl(
double y = fabsl(-2.0);
