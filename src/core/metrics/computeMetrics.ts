import { wilsonInterval } from './agreement';
import { binaryMetrics } from './binary';
import { cohensKappa } from './kappa';
import type { AlignmentMetrics, LabelScores, MetricOptions, VerdictForMetrics } from './types';

export type { AlignmentMetrics, MetricOptions, VerdictForMetrics } from './types';

/**
 * Agreement figures on the rows that have both a human and a judge label. Failed rows and unlabelled rows
 * are counted apart. With repetitions, only repetition 0 is scored (see computeFlips for the rest).
 */
export function computeMetrics(all: readonly VerdictForMetrics[], options: MetricOptions): AlignmentMetrics {
  const rows = all.filter((r) => (r.repetition ?? 0) === 0);
  const labels = [...options.labels];
  const confusion: Record<string, Record<string, number>> = {};
  const emptyRow = () => Object.fromEntries(labels.map((l) => [l, 0])) as Record<string, number>;
  for (const l of labels) confusion[l] = emptyRow();
  let errors = 0;
  let unlabelled = 0;
  let n = 0;
  let matches = 0;
  const scored: { human: string; judge: string }[] = [];
  for (const r of rows) {
    if (r.humanLabel === null) {
      unlabelled++;
      continue;
    }
    if (r.failed || r.judgeLabel === null) {
      errors++;
      continue;
    }
    n++;
    if (r.humanLabel === r.judgeLabel) matches++;
    const row = (confusion[r.humanLabel] ??= emptyRow());
    row[r.judgeLabel] = (row[r.judgeLabel] ?? 0) + 1;
    scored.push({ human: r.humanLabel, judge: r.judgeLabel });
  }
  // Kappa needs one category order for both raters: the allowed labels, then any human label outside them.
  const categories = [...new Set([...labels, ...Object.keys(confusion)])];
  const matrix = categories.map((h) => categories.map((j) => confusion[h]?.[j] ?? 0));
  const perLabel: Record<string, LabelScores> = {};
  for (const label of labels) {
    const tp = confusion[label]?.[label] ?? 0;
    const predicted = scored.filter((s) => s.judge === label).length;
    const support = scored.filter((s) => s.human === label).length;
    const precision = predicted > 0 ? tp / predicted : null;
    const recall = support > 0 ? tp / support : null;
    const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : precision === 0 || recall === 0 ? 0 : null;
    perLabel[label] = { precision, recall, f1, support };
  }
  const metrics: AlignmentMetrics = {
    n,
    matches,
    agreement: n > 0 ? matches / n : null,
    agreementCi: wilsonInterval(matches, n),
    kappa: cohensKappa(matrix),
    confusion,
    perLabel,
    errors,
    unlabelled,
  };
  const extra: { weightedKappa?: AlignmentMetrics['weightedKappa']; binary?: AlignmentMetrics['binary'] } = {};
  if (options.ordinal) {
    const ordered = labels.map((h) => labels.map((j) => confusion[h]?.[j] ?? 0));
    extra.weightedKappa = { linear: cohensKappa(ordered, 'linear'), quadratic: cohensKappa(ordered, 'quadratic') };
  }
  if (labels.length === 2) {
    const positive = options.positive ?? labels[0]!;
    const pairs = scored.filter((s) => labels.includes(s.human)).map((s) => ({ human: s.human === positive, judge: s.judge === positive }));
    extra.binary = binaryMetrics(positive, pairs, options.bootstrap);
  }
  return { ...metrics, ...extra };
}

/** The figures for all rows and for each split. */
export function bySplit(rows: readonly VerdictForMetrics[], options: MetricOptions): { all: AlignmentMetrics; dev: AlignmentMetrics; test: AlignmentMetrics } {
  return {
    all: computeMetrics(rows, options),
    dev: computeMetrics(rows.filter((r) => r.split === 'dev'), options),
    test: computeMetrics(rows.filter((r) => r.split === 'test'), options),
  };
}

/** With `repeat: N`: how many examples got different judge labels across their repetitions. */
export function computeFlips(rows: readonly VerdictForMetrics[]): { examples: number; flipped: number; flipRate: number | null } {
  const byExample = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.failed || r.judgeLabel === null) continue;
    let set = byExample.get(r.exampleId);
    if (!set) byExample.set(r.exampleId, (set = new Set()));
    set.add(r.judgeLabel);
  }
  const examples = byExample.size;
  const flipped = [...byExample.values()].filter((s) => s.size > 1).length;
  return { examples, flipped, flipRate: examples > 0 ? flipped / examples : null };
}
