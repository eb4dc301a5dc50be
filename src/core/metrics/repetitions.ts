import type { RepeatStats, VerdictForMetrics } from './types';

/**
 * The rows the figures are computed on: for each example, its lowest repetition present, which is repetition 0
 * in a finished run. Taking the lowest rather than only 0 keeps an example of a cancelled run whose repetition 0
 * never came back in the counts instead of dropping it without a word.
 */
export function firstRepetition(rows: readonly VerdictForMetrics[]): VerdictForMetrics[] {
  const lowest = new Map<string, number>();
  for (const r of rows) {
    const rep = r.repetition ?? 0;
    const seen = lowest.get(r.exampleId);
    if (seen === undefined || rep < seen) lowest.set(r.exampleId, rep);
  }
  return rows.filter((r) => (r.repetition ?? 0) === lowest.get(r.exampleId));
}

export function hasRepetitions(rows: readonly VerdictForMetrics[]): boolean {
  return rows.some((r) => (r.repetition ?? 0) > 0);
}

/**
 * With `repeat: N`: how many examples got different judge labels across their repetitions. Failed calls are
 * no label, so they neither make nor hide a flip; an example needs two answers to be able to flip, so only
 * those count in `examples` (the flip rate's denominator).
 */
export function computeFlips(rows: readonly VerdictForMetrics[]): RepeatStats {
  const byExample = new Map<string, { answers: number; labels: Set<string> }>();
  for (const r of rows) {
    if (r.failed || r.judgeLabel === null) continue;
    let entry = byExample.get(r.exampleId);
    if (!entry) byExample.set(r.exampleId, (entry = { answers: 0, labels: new Set() }));
    entry.answers++;
    entry.labels.add(r.judgeLabel);
  }
  let examples = 0;
  let flipped = 0;
  for (const e of byExample.values()) {
    if (e.answers < 2) continue;
    examples++;
    if (e.labels.size > 1) flipped++;
  }
  return { examples, flipped, flipRate: examples > 0 ? flipped / examples : null };
}

/** With `repeat: N`: the examples whose judge labels differ between repetitions (failed calls are no label), by id. */
export function unstableExamples(rows: readonly VerdictForMetrics[]): string[] {
  const labels = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.failed || r.judgeLabel === null) continue;
    let set = labels.get(r.exampleId);
    if (!set) labels.set(r.exampleId, (set = new Set()));
    set.add(r.judgeLabel);
  }
  return [...labels].filter(([, set]) => set.size > 1).map(([id]) => id);
}
