// double and float literals.
double a = 1.0, b = 1e5, c = .5, d = 2.;
float e = .5f, f = 2.5F, g = 1e-3f;
