const Z95 = 1.959963984540054;

/** Wilson score interval (95% by default) for a proportion: sane at 0, 1 and small n, unlike the normal approximation. */
export function wilsonInterval(successes: number, n: number, z = Z95): [number, number] | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At 0 and n successes the bounds are exactly 0 and 1 in theory; pin them so rounding does not show 99.99...%.
  return [successes <= 0 ? 0 : Math.max(0, centre - half), successes >= n ? 1 : Math.min(1, centre + half)];
}
