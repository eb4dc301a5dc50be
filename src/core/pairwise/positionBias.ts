import { wilsonInterval } from '../metrics/agreement';
import { computeMetrics } from '../metrics/computeMetrics';
import { FIRST, SECOND, metricLabels, type PairwiseConfig } from './pairwiseConfig';
import { answerAsHumanValue, combineOrders, type OrderOutcome, type Position } from './pairVerdicts';

/** One order of one pair as judged: the judge's raw answer (A, B, the tie), or why it failed. */
export interface OrderVerdict {
  readonly position: Position;
  readonly answer: string | null;
  readonly error: string | null;
}

export interface JudgedPair {
  readonly id: string;
  readonly split?: 'dev' | 'test';
  /** The human label value (a winner's, the tie), or null when unlabelled. */
  readonly human: string | null;
  readonly orders: readonly OrderVerdict[];
}

export interface PositionFigures {
  /** Pairs judged in both orders with both answers usable. */
  readonly pairs: number;
  /** Of those, pairs whose two orders picked the same response (or both a tie). */
  readonly consistent: number;
  readonly consistency: number | null;
  /** Usable verdicts that picked a response (not a tie), and how many of them picked the one shown first. */
  readonly decided: number;
  readonly firstShownWins: number;
  readonly firstShownRate: number | null;
  /** 95% Wilson interval of firstShownRate: an unbiased judge's 0.5 should lie inside. */
  readonly firstShownCi: [number, number] | null;
}

export interface OrderFigures {
  readonly n: number;
  readonly agreement: number | null;
  readonly kappa: number | null;
}

/** How an order's outcome reads in human label values. */
function orderOutcome(order: OrderVerdict, config: PairwiseConfig): OrderOutcome {
  if (order.error !== null || order.answer === null) return { failed: order.error ?? 'no answer' };
  const value = answerAsHumanValue(order.answer, config, order.position);
  return value === undefined ? { failed: `label_outside_set: "${order.answer}"` } : { value };
}

/** The pair's combined verdict, in human label values (or failed). */
export function pairOutcome(pair: JudgedPair, config: PairwiseConfig): OrderOutcome {
  return combineOrders(pair.orders.map((o) => orderOutcome(o, config)), config);
}

/** The pair's orders whose answers are usable, each with the human label value it means. */
function usableOrders(pair: JudgedPair, config: PairwiseConfig): { order: OrderVerdict; value: string }[] {
  return pair.orders.flatMap((order) => {
    const outcome = orderOutcome(order, config);
    return 'value' in outcome ? [{ order, value: outcome.value }] : [];
  });
}

/** Judged both ways with both answers usable: whether they picked the same response (or both a tie). Null otherwise. */
export function pairConsistent(pair: JudgedPair, config: PairwiseConfig): boolean | null {
  const usable = usableOrders(pair, config);
  if (new Set(usable.map((u) => u.order.position)).size !== 2) return null;
  return new Set(usable.map((u) => u.value)).size === 1;
}

/** Every usable order picked the response shown first (with both orders: the verdict followed the position). */
export function firstShownWon(pair: JudgedPair, config: PairwiseConfig): boolean {
  const usable = usableOrders(pair, config);
  return usable.length > 0 && usable.every((u) => u.order.answer === FIRST);
}

/** Position bias: consistency across the two orders, and how often the response shown first wins. */
export function positionFigures(pairs: readonly JudgedPair[], config: PairwiseConfig): PositionFigures {
  let both = 0;
  let consistent = 0;
  let decided = 0;
  let firstWins = 0;
  for (const pair of pairs) {
    for (const { order } of usableOrders(pair, config)) {
      if (order.answer === FIRST || order.answer === SECOND) {
        decided++;
        if (order.answer === FIRST) firstWins++;
      }
    }
    const same = pairConsistent(pair, config);
    if (same !== null) {
      both++;
      if (same) consistent++;
    }
  }
  return {
    pairs: both,
    consistent,
    consistency: both > 0 ? consistent / both : null,
    decided,
    firstShownWins: firstWins,
    firstShownRate: decided > 0 ? firstWins / decided : null,
    firstShownCi: wilsonInterval(firstWins, decided),
  };
}

/** Each order's own agreement with the humans, as if it had been the only one asked. */
export function byOrder(pairs: readonly JudgedPair[], config: PairwiseConfig): Record<Position, OrderFigures> {
  const labels = metricLabels(config);
  const figures = (position: Position): OrderFigures => {
    const rows = pairs.flatMap((pair) =>
      pair.orders
        .filter((o) => o.position === position)
        .map((o) => {
          const outcome = orderOutcome(o, config);
          return { exampleId: pair.id, humanLabel: pair.human, judgeLabel: 'value' in outcome ? outcome.value : null, failed: 'failed' in outcome };
        }),
    );
    const m = computeMetrics(rows, { labels });
    return { n: m.n, agreement: m.agreement, kappa: m.kappa };
  };
  return { original: figures('original'), swapped: figures('swapped') };
}

export interface VerbosityFigures {
  /** Pairs whose responses differ in length by more than the threshold, with a usable combined verdict. */
  readonly pairs: number;
  /** Share of those where the judge picked the longer response, and where the humans did. */
  readonly judgeLongerRate: number | null;
  readonly humanLongerRate: number | null;
  /** The length difference that counts, as a share of the longer response. */
  readonly threshold: number;
}

/**
 * Verbosity bias: on pairs of clearly different length, how often the judge prefers the longer response, against
 * how often the humans did. A judge well above the humans rewards length.
 */
export function verbosityFigures(pairs: readonly JudgedPair[], lengths: ReadonlyMap<string, readonly [number, number]>, config: PairwiseConfig, threshold = 0.1): VerbosityFigures {
  const [first, second] = config.responses;
  const winnerOf = (value: string | null): 0 | 1 | undefined => (value === config.winners[first] ? 0 : value === config.winners[second] ? 1 : undefined);
  let counted = 0;
  let judgeLonger = 0;
  let humanLonger = 0;
  for (const pair of pairs) {
    const len = lengths.get(pair.id);
    if (!len || Math.abs(len[0] - len[1]) <= threshold * Math.max(len[0], len[1])) continue;
    const outcome = pairOutcome(pair, config);
    const judge = 'value' in outcome ? winnerOf(outcome.value) : undefined;
    const human = winnerOf(pair.human);
    if (judge === undefined || human === undefined) continue;
    const longer = len[0] > len[1] ? 0 : 1;
    counted++;
    if (judge === longer) judgeLonger++;
    if (human === longer) humanLonger++;
  }
  return { pairs: counted, judgeLongerRate: counted ? judgeLonger / counted : null, humanLongerRate: counted ? humanLonger / counted : null, threshold };
}
