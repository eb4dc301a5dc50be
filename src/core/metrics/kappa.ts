/**
 * Cohen's kappa from a square confusion matrix (rows: rater A, columns: rater B, same category order).
 * `weights` 'none' is the plain kappa; 'linear' and 'quadratic' are the weighted kappas for ordinal scales,
 * with disagreement weights |i-j|/(k-1) and ((i-j)/(k-1))².
 * Returns null when there are no rows. When chance agreement is already perfect (both raters used one and
 * the same category for everything) kappa is 0/0: we return null rather than pretend it is 1 or 0.
 */
export function cohensKappa(matrix: number[][], weights: 'none' | 'linear' | 'quadratic' = 'none'): number | null {
  const k = matrix.length;
  let n = 0;
  const rowSums = new Array<number>(k).fill(0);
  const colSums = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = matrix[i]![j]!;
      n += v;
      rowSums[i]! += v;
      colSums[j]! += v;
    }
  }
  if (n === 0) return null;
  const w = (i: number, j: number): number => {
    if (weights === 'none' || k < 2) return i === j ? 0 : 1;
    const d = Math.abs(i - j) / (k - 1);
    return weights === 'linear' ? d : d * d;
  };
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      observed += w(i, j) * (matrix[i]![j]! / n);
      expected += w(i, j) * ((rowSums[i]! / n) * (colSums[j]! / n));
    }
  }
  if (expected === 0) return null;
  return 1 - observed / expected;
}
