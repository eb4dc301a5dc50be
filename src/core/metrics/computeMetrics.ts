import { wilsonInterval } from './agreement';
import { binaryMetrics } from './binary';
import { confusionMatrix, tallyRows } from './confusion';
import { kappaWithReason } from './kappa';
import { perLabelScores } from './perLabel';
import { computeFlips, firstRepetition, hasRepetitions } from './repetitions';
import type { AlignmentMetrics, BinaryMetrics, MetricOptions, RepeatStats, VerdictForMetrics, WeightedKappa } from './types';

// Kept so the modules that took these from here before the split keep compiling.
export type { AlignmentMetrics, MetricOptions, VerdictForMetrics } from './types';
export { computeFlips } from './repetitions';

/**
 * Agreement figures on the rows that have both a human and a judge label. Failed rows and unlabelled rows are
 * counted apart, never dropped. With repetitions, each example is scored on its first repetition (0) and the
 * spread across repetitions is in `repeats`. Pure and total: bad data gives nulls and reasons, never a throw,
 * because this runs at the end of a paid run.
 */
export function computeMetrics(all: readonly VerdictForMetrics[], options: MetricOptions): AlignmentMetrics {
  const labels = [...new Set(options.labels)];
  const rows = firstRepetition(all);
  const tally = tallyRows(rows, labels);
  const n = tally.scored.length;
  let matches = 0;
  for (const s of tally.scored) if (s.human === s.judge) matches++;
  // One category order for both raters: the allowed labels, then any human label outside them.
  const categories = [...new Set([...labels, ...Object.keys(tally.confusion)])];
  const kappa = kappaWithReason(confusionMatrix(tally.confusion, categories));
  const errors = tally.failed + tally.judgeLabelOutsideSet;
  const metrics: AlignmentMetrics = {
    rows: rows.length,
    n,
    matches,
    agreement: n > 0 ? matches / n : null,
    agreementCi: wilsonInterval(matches, n),
    kappa: kappa.kappa,
    ...(kappa.reason !== undefined ? { kappaReason: kappa.reason } : {}),
    confusion: tally.confusion,
    perLabel: perLabelScores(tally.scored, labels),
    errors,
    errorBreakdown: { failed: tally.failed, judgeLabelOutsideSet: tally.judgeLabelOutsideSet },
    unlabelled: tally.unlabelled,
  };
  const extra: { weightedKappa?: WeightedKappa; binary?: BinaryMetrics; repeats?: RepeatStats } = {};
  if (options.ordinal) {
    // Only the ordered labels have a position: a human label outside them cannot be weighted, so those rows stay out (weightedKappa.n says how many remain).
    const ordered = confusionMatrix(tally.confusion, labels);
    const onScale = ordered.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0);
    extra.weightedKappa = { linear: kappaWithReason(ordered, 'linear').kappa, quadratic: kappaWithReason(ordered, 'quadratic').kappa, n: onScale };
  }
  if (labels.length === 2) {
    extra.binary = binaryMetrics(
      { positive: options.positive ?? labels[0]!, labels, scored: tally.scored, unlabelledAnswers: tally.unlabelledAnswers },
      options.bootstrap,
    );
  }
  if (hasRepetitions(all)) extra.repeats = computeFlips(all);
  return { ...metrics, ...extra };
}

/** The figures for all rows and for each split; rows without a split count only in `all`. */
export function bySplit(rows: readonly VerdictForMetrics[], options: MetricOptions): { all: AlignmentMetrics; dev: AlignmentMetrics; test: AlignmentMetrics } {
  return {
    all: computeMetrics(rows, options),
    dev: computeMetrics(rows.filter((r) => r.split === 'dev'), options),
    test: computeMetrics(rows.filter((r) => r.split === 'test'), options),
  };
}
