import { seededRandom } from './rng';
import type { BinaryMetrics } from './types';

export interface BinaryPair {
  readonly human: boolean;
  readonly judge: boolean;
}

interface Rates {
  tpr: number | null;
  tnr: number | null;
  observed: number | null;
}

function rates(pairs: readonly BinaryPair[]): Rates {
  let tp = 0;
  let fn = 0;
  let tn = 0;
  let fp = 0;
  for (const p of pairs) {
    if (p.human) p.judge ? tp++ : fn++;
    else p.judge ? fp++ : tn++;
  }
  const n = pairs.length;
  return {
    tpr: tp + fn > 0 ? tp / (tp + fn) : null,
    tnr: tn + fp > 0 ? tn / (tn + fp) : null,
    observed: n > 0 ? (tp + fp) / n : null,
  };
}

/** theta = (p_obs + TNR - 1) / (TPR + TNR - 1), clipped to [0, 1]; defined only when TPR + TNR > 1. */
export function correctedRate(r: Rates): number | null {
  if (r.tpr === null || r.tnr === null || r.observed === null) return null;
  const denominator = r.tpr + r.tnr - 1;
  if (denominator <= 0) return null;
  return Math.min(1, Math.max(0, (r.observed + r.tnr - 1) / denominator));
}

/**
 * How often the positive label really occurs, correcting the judge's observed rate for its known TPR and TNR
 * on human-labelled rows, with a percentile bootstrap interval over those rows.
 */
export function binaryMetrics(positive: string, pairs: readonly BinaryPair[], options: { resamples?: number; seed?: number } = {}): BinaryMetrics {
  const r = rates(pairs);
  const point = correctedRate(r);
  const base = { positive, tpr: r.tpr, tnr: r.tnr, observedPassRate: r.observed };
  if (point === null) {
    const reason =
      r.tpr === null || r.tnr === null
        ? 'the human labels hold only one class, so TPR or TNR is unknown'
        : `TPR + TNR = ${(r.tpr + r.tnr).toFixed(3)} ≤ 1: the judge is no better than chance`;
    return { ...base, correctedPassRate: null, correctedPassRateCi: null, estimable: false, reason };
  }
  const resamples = options.resamples ?? 2000;
  const random = seededRandom(options.seed ?? 20_240_601);
  const estimates: number[] = [];
  const sample: BinaryPair[] = new Array(pairs.length);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < pairs.length; i++) sample[i] = pairs[Math.floor(random() * pairs.length)]!;
    const theta = correctedRate(rates(sample));
    if (theta !== null) estimates.push(theta);
  }
  estimates.sort((a, b) => a - b);
  const ci: [number, number] | null =
    estimates.length >= resamples / 2 ? [quantile(estimates, 0.025), quantile(estimates, 0.975)] : null;
  return { ...base, correctedPassRate: point, correctedPassRateCi: ci, estimable: true };
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
