// The engine's one random-number generator: splitmix64 (Steele, Lea & Flood
// 2014). Defined on 64-bit unsigned integers only, so a seed gives the same
// stream natively and in WebAssembly (condMC p of maxstat, matching's
// random order, the synthetic cohort's xoshiro256** seeding).
#pragma once
#include <cstdint>
#include <limits>

namespace localsurv {

struct SplitMix64 {
  std::uint64_t state;

  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform on 0..k-1 without modulo bias. Two rejection rules, both
  // unbiased, draw different numbers from the same stream; each is pinned
  // by the results that were computed with it, so both stay:
  // below() redraws the bottom 2^64 mod k values (maxstat's condMC) ...
  std::uint64_t below(std::uint64_t k) {
    const std::uint64_t reject_below = (0 - k) % k;
    for (;;) {
      const std::uint64_t r = next();
      if (r >= reject_below) return r % k;
    }
  }
  // ... below_top() the top 2^64 mod k + 1 values (matching's random order).
  std::uint64_t below_top(std::uint64_t k) {
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t limit = kMax - kMax % k;
    std::uint64_t x;
    do x = next();
    while (x >= limit);
    return x % k;
  }
};

}  // namespace localsurv
