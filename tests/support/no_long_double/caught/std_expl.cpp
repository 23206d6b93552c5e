// expect: expl (
#include <cmath>
double y = std::expl (1.0);
