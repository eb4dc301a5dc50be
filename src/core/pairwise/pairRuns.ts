import type { VerdictForMetrics } from '../metrics/types';
import type { VerdictRecord } from '../judge/runTypes';
import type { PairwiseConfig } from './pairwiseConfig';
import { decodeCall, positionsFor, type Position } from './pairVerdicts';
import { unstableExamples } from '../metrics/repetitions';
import { byOrder, pairOutcome, positionFigures, verbosityFigures, type JudgedPair, type OrderFigures, type PositionFigures, type VerbosityFigures } from './positionBias';

/** The figures a pairwise run reports beside agreement with the humans. */
export interface PairwiseFigures {
  readonly position: PositionFigures;
  readonly byOrder: { readonly original: OrderFigures; readonly swapped: OrderFigures };
  readonly verbosity: VerbosityFigures;
}

/**
 * A run's verdicts as pairs: each row's first repetition (or the one asked for) in each order it was shown in.
 * Only pairs judged in every order the config asks for: a run cancelled between a pair's two calls leaves it half
 * judged, with no combined verdict yet, so it is left out (of figures, rows and reports) until a resumed run makes
 * the other call. A failed call is an order judged: its pair is a failed row.
 */
export function judgedPairs(verdicts: readonly VerdictRecord[], repeat: number, config: PairwiseConfig, repetition = 0): JudgedPair[] {
  const pairs = new Map<string, { id: string; split: 'dev' | 'test'; human: string | null; orders: JudgedPair['orders'][number][] }>();
  for (const v of verdicts) {
    const call = decodeCall(v.repetition, repeat);
    if (call.repetition !== repetition) continue;
    let pair = pairs.get(v.exampleId);
    if (!pair) {
      pair = { id: v.exampleId, split: v.split, human: v.humanLabel, orders: [] };
      pairs.set(v.exampleId, pair);
    }
    pair.orders.push({ position: call.position, answer: v.error === null ? v.label : null, error: v.error });
  }
  return [...pairs.values()].filter((pair) => everyOrderJudged(pair.id, pair.orders.map((o) => o.position), config));
}

/** Whether a pair's calls (their positions) cover every order the config judges it in. */
export function everyOrderJudged(id: string, positions: readonly Position[], config: PairwiseConfig): boolean {
  return positionsFor(id, config).every((position) => positions.includes(position));
}

/** One row per pair for the agreement figures: the combined verdict against the human's choice. */
export function pairMetricRows(pairs: readonly JudgedPair[], config: PairwiseConfig): VerdictForMetrics[] {
  return pairs.map((pair) => {
    const outcome = pairOutcome(pair, config);
    return {
      exampleId: pair.id,
      ...(pair.split ? { split: pair.split } : {}),
      humanLabel: pair.human,
      judgeLabel: 'value' in outcome ? outcome.value : null,
      failed: 'failed' in outcome,
    };
  });
}

/**
 * With `repeat: N`: each pair's combined verdict per repetition (both orders of repetition r combined), as rows
 * numbered by repetition, so the single judges' flip count and list apply to pairs unchanged.
 */
export function pairRepetitionRows(verdicts: readonly VerdictRecord[], repeat: number, config: PairwiseConfig): VerdictForMetrics[] {
  const out: VerdictForMetrics[] = [];
  for (let r = 0; r < repeat; r++) out.push(...pairMetricRows(judgedPairs(verdicts, repeat, config, r), config).map((row) => ({ ...row, repetition: r })));
  return out;
}

/** The pairs whose combined verdict changed between repetitions. */
export function unstablePairs(verdicts: readonly VerdictRecord[], repeat: number, config: PairwiseConfig): Set<string> {
  return new Set(unstableExamples(pairRepetitionRows(verdicts, repeat, config)));
}

/** `rows`: the judged rows' data, for the responses' lengths. */
export function pairwiseFigures(pairs: readonly JudgedPair[], config: PairwiseConfig, rows: readonly { readonly id: string; readonly data: Record<string, unknown> }[]): PairwiseFigures {
  const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
  const lengths = new Map(rows.map((r) => [r.id, [text(r.data[config.responses[0]]).length, text(r.data[config.responses[1]]).length] as const]));
  return { position: positionFigures(pairs, config), byOrder: byOrder(pairs, config), verbosity: verbosityFigures(pairs, lengths, config) };
}
