// expect: strtold(
double y = std::strtold("1.5", nullptr);
