// Names that merely contain the letters.
double logl_ratio = 1, expl_text = 2, v1L = 3;
int sqrtl_count = 0;
double logl = 4;  // a variable, not a call
double total = logl + v1L;
struct S { double fabsl_value; } s;
double t = s.fabsl_value + sqrt(2.0) + std::exp(1.0);
