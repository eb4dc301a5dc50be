export type KappaWeights = 'none' | 'linear' | 'quadratic';

export interface KappaResult {
  readonly kappa: number | null;
  /** Why kappa is null. */
  readonly reason?: string;
}

/**
 * Cohen's kappa from a square confusion matrix (rows: rater A, columns: rater B, same category order), written
 * as 1 - observed disagreement / chance disagreement so the weighted forms share the code. 'none' is the plain
 * kappa; 'linear' and 'quadratic' weigh a disagreement by |i-j|/(k-1) and ((i-j)/(k-1))², for ordinal scales.
 *
 * Null when there are no rows. Null too when chance disagreement is 0, i.e. chance agreement is 1: both raters
 * put every row in one and the same category. Kappa is then 0/0. Returning 1 would claim skill the data
 * cannot show (any constant judge gets it), returning 0 would claim there is none; scikit-learn gives NaN for
 * the same reason. Callers show the plain agreement (100% there) beside it.
 */
export function kappaWithReason(matrix: readonly (readonly number[])[], weights: KappaWeights = 'none'): KappaResult {
  const k = matrix.length;
  let n = 0;
  const rowSums = new Array<number>(k).fill(0);
  const colSums = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = matrix[i]?.[j] ?? 0;
      n += v;
      rowSums[i]! += v;
      colSums[j]! += v;
    }
  }
  if (n === 0) return { kappa: null, reason: 'no rows with both labels' };
  const w = (i: number, j: number): number => {
    if (weights === 'none' || k < 2) return i === j ? 0 : 1;
    const d = Math.abs(i - j) / (k - 1);
    return weights === 'linear' ? d : d * d;
  };
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const weight = w(i, j);
      if (weight === 0) continue;
      observed += weight * ((matrix[i]?.[j] ?? 0) / n);
      expected += weight * ((rowSums[i]! / n) * (colSums[j]! / n));
    }
  }
  if (expected === 0) {
    return { kappa: null, reason: 'undefined (0/0): every row got one and the same label from both sides, so chance alone explains the agreement' };
  }
  return { kappa: 1 - observed / expected };
}

/** kappaWithReason without the reason. */
export function cohensKappa(matrix: readonly (readonly number[])[], weights: KappaWeights = 'none'): number | null {
  return kappaWithReason(matrix, weights).kappa;
}
