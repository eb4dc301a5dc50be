import { seededRandom } from './rng';
import type { BinaryMetrics, BootstrapOptions } from './types';

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 20_240_601;

/** The 2x2 table of the judge against humans on labelled rows. */
interface Table {
  tp: number;
  fn: number;
  fp: number;
  tn: number;
}

export interface BinaryInput {
  readonly positive: string;
  /** The two allowed labels. */
  readonly labels: readonly string[];
  /** Scored rows; pairs whose human label is outside the two labels are left out here (they show in the confusion). */
  readonly scored: readonly { readonly human: string; readonly judge: string }[];
  /** Judge answers on rows without a human label. */
  readonly unlabelledAnswers: readonly string[];
}

/** TPR + TNR > 1, in integers: tp/P + tn/N > 1 ⟺ tp·N + tn·P > P·N, so 0.7 + 0.3 never rounds its way past 1. */
function estimable(t: Table): boolean {
  const p = t.tp + t.fn;
  const n = t.tn + t.fp;
  return p > 0 && n > 0 && t.tp * n + t.tn * p > p * n;
}

/** Rogan–Gladen: theta = (p_obs + TNR - 1) / (TPR + TNR - 1), clipped to [0, 1]. Call only when estimable. */
function theta(t: Table, observed: number): number {
  const tpr = t.tp / (t.tp + t.fn);
  const tnr = t.tn / (t.tn + t.fp);
  return Math.min(1, Math.max(0, (observed + tnr - 1) / (tpr + tnr - 1)));
}

/**
 * The judge as a classifier of the human label (TPR, TNR) and the pass rate corrected for its errors, with a
 * percentile bootstrap 95% interval.
 *
 * p_obs is measured on the judge's answers to rows without a human label when there are any (the rows whose
 * pass rate nobody knows), else on the labelled rows themselves. In the second case theta equals the human
 * pass rate exactly (p_obs = TPR·π + (1 - TNR)(1 - π) on those rows), which is still a correct figure, just not
 * a new one. The bootstrap resamples the labelled rows (TPR and TNR move) and, when p_obs comes from
 * unlabelled rows, those too, independently: both are samples, and fixing either would make the interval
 * too narrow. Resamples where TPR + TNR ≤ 1 have no theta and are left out; the count is reported, and with
 * fewer than half usable the interval is withheld.
 */
export function binaryMetrics(input: BinaryInput, options: BootstrapOptions = {}): BinaryMetrics {
  const { positive, labels } = input;
  const negative = labels.find((l) => l !== positive);
  const usesUnlabelled = input.unlabelledAnswers.length > 0;
  const empty = {
    positive,
    tpr: null,
    tnr: null,
    humanPassRate: null,
    observedPassRate: null,
    observedOn: usesUnlabelled ? ('unlabelled' as const) : ('labelled' as const),
    observedRows: 0,
    correctedPassRate: null,
    correctedPassRateCi: null,
    estimable: false,
    bootstrap: null,
  };
  if (labels.length !== 2 || negative === undefined || !labels.includes(positive)) {
    return { ...empty, reason: `positive "${positive}" is not one of the two labels (${labels.map((l) => `"${l}"`).join(', ')}): set \`positive\` to one of them` };
  }
  const table: Table = { tp: 0, fn: 0, fp: 0, tn: 0 };
  for (const s of input.scored) {
    if (s.human !== positive && s.human !== negative) continue;
    if (s.human === positive) s.judge === positive ? table.tp++ : table.fn++;
    else s.judge === positive ? table.fp++ : table.tn++;
  }
  const n = table.tp + table.fn + table.fp + table.tn;
  const p = table.tp + table.fn;
  const neg = table.tn + table.fp;
  const answers = input.unlabelledAnswers.length;
  const answerPositives = input.unlabelledAnswers.filter((a) => a === positive).length;
  const observed = usesUnlabelled ? answerPositives / answers : n > 0 ? (table.tp + table.fp) / n : null;
  const base = {
    ...empty,
    tpr: p > 0 ? table.tp / p : null,
    tnr: neg > 0 ? table.tn / neg : null,
    humanPassRate: n > 0 ? p / n : null,
    observedPassRate: observed,
    observedRows: usesUnlabelled ? answers : n,
  };
  if (n === 0) return { ...base, reason: 'no rows with both a human and a judge label, so TPR and TNR are unknown' };
  if (p === 0) return { ...base, reason: `no scored row has the human label "${positive}", so TPR is unknown: label some "${positive}" examples` };
  if (neg === 0) return { ...base, reason: `no scored row has the human label "${negative}", so TNR is unknown: label some "${negative}" examples` };
  if (!estimable(table)) {
    const sum = (base.tpr ?? 0) + (base.tnr ?? 0);
    return { ...base, reason: `TPR + TNR = ${sum.toFixed(3)} ≤ 1: the judge does no better than chance at telling "${positive}" from "${negative}", so its answers cannot be corrected` };
  }
  const point = theta(table, observed!);
  const resamples = Math.max(0, Math.floor(options.resamples ?? DEFAULT_RESAMPLES));
  const seed = options.seed ?? DEFAULT_SEED;
  const random = seededRandom(seed);
  const estimates: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const t = resampleTable(table, random);
    if (!estimable(t)) continue;
    const obs = usesUnlabelled ? resamplePositives(answerPositives, answers, random) / answers : (t.tp + t.fp) / n;
    estimates.push(theta(t, obs));
  }
  estimates.sort((a, b) => a - b);
  const enough = resamples > 0 && estimates.length * 2 >= resamples;
  const result: BinaryMetrics = {
    ...base,
    correctedPassRate: point,
    correctedPassRateCi: enough ? [quantile(estimates, 0.025), quantile(estimates, 0.975)] : null,
    estimable: true,
    bootstrap: { resamples, estimable: estimates.length, seed },
  };
  if (resamples === 0) return { ...result, reason: 'no interval: bootstrap resamples set to 0' };
  if (!enough) {
    return {
      ...result,
      reason: `no interval: only ${estimates.length} of ${resamples} resamples had TPR + TNR > 1; label more "${p < neg ? positive : negative}" examples`,
    };
  }
  return result;
}

/**
 * One bootstrap resample: as many rows as there are, drawn with replacement. Only the four cell counts matter,
 * so a drawn row is located by the cumulative counts instead of looked up: same distribution, no row array.
 */
function resampleTable(t: Table, random: () => number): Table {
  const n = t.tn + t.fp + t.fn + t.tp;
  const c1 = t.tn;
  const c2 = c1 + t.fp;
  const c3 = c2 + t.fn;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < n; i++) {
    const u = random() * n;
    if (u < c1) tn++;
    else if (u < c2) fp++;
    else if (u < c3) fn++;
  }
  return { tn, fp, fn, tp: n - tn - fp - fn };
}

/** Positive answers among `size` draws with replacement from answers holding `positives` positives. */
function resamplePositives(positives: number, size: number, random: () => number): number {
  let count = 0;
  for (let i = 0; i < size; i++) if (random() * size < positives) count++;
  return count;
}

/** Linear interpolation between order statistics (type 7, as numpy and R default). */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
