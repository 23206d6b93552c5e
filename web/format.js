// Number formatting for display only; the result JSON keeps full precision.
export function formatNumber(x, digits = 1) {
  if (x == null || Number.isNaN(x)) return 'NA';
  return Number(x).toFixed(digits);
}

// Journals' convention: p < 0.001 shown as "<0.001", else three decimals.
export function formatP(p) {
  if (p == null || Number.isNaN(p)) return 'NA';
  if (p < 0.001) return '<0.001';
  return p.toFixed(3);
}
