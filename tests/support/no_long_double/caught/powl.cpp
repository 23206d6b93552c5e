// expect: powl(
double y = std::powl(2.0, 0.5);
