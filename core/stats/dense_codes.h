// Integer codes (group levels, strata, cluster ids) renumbered 0..k-1 in
// increasing code order, so per-level arrays can be indexed directly and
// levels come out in the order R's factor() gives integer codes.
// Inputs: any integer codes (missing rows already left out).
// Output: the distinct codes ascending, and each entry's position among them.
// Cost: one sort of a copy, then a binary search per entry: O(n log n).
#pragma once
#include <algorithm>
#include <vector>

namespace localsurv {

struct DenseCodes {
  std::vector<int> levels;  // the distinct codes, ascending
  std::vector<int> index;   // per input entry, its position in `levels`
};

inline DenseCodes dense_codes(const std::vector<int>& codes) {
  DenseCodes out;
  out.levels = codes;
  std::sort(out.levels.begin(), out.levels.end());
  out.levels.erase(std::unique(out.levels.begin(), out.levels.end()), out.levels.end());
  out.index.resize(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i)
    out.index[i] = static_cast<int>(
        std::lower_bound(out.levels.begin(), out.levels.end(), codes[i]) - out.levels.begin());
  return out;
}

}  // namespace localsurv
