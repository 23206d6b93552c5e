// Integer literals with an L suffix are long, not long double.
long a = 0L;
unsigned long b = 10UL;
long long c = 1LL;
long d = 0x10L, e = 0xE5L, f = 0x1e5L, g = 0XABCL;
