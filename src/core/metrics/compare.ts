import type { VerdictForMetrics } from './types';

export type RowOutcome = 'match' | 'mismatch' | 'failed' | 'absent';

export interface RunComparison {
  readonly fixed: number;
  readonly regressed: number;
  readonly unchangedCorrect: number;
  readonly unchangedWrong: number;
  readonly newlyFailed: number;
  /** Agreement after minus before, on the rows both runs scored. */
  readonly agreementDelta: number | null;
  readonly changed: { exampleId: string; before: RowOutcome; after: RowOutcome; beforeLabel: string | null; afterLabel: string | null }[];
}

function outcome(r: VerdictForMetrics | undefined): RowOutcome {
  if (!r) return 'absent';
  if (r.failed || r.judgeLabel === null) return 'failed';
  return r.judgeLabel === r.humanLabel ? 'match' : 'mismatch';
}

/** Row by row, what a prompt change did: fixed (wrong → right), regressed (right → wrong), and the rest. */
export function compareRuns(before: readonly VerdictForMetrics[], after: readonly VerdictForMetrics[]): RunComparison {
  const index = (rows: readonly VerdictForMetrics[]) => new Map(rows.filter((r) => (r.repetition ?? 0) === 0 && r.humanLabel !== null).map((r) => [r.exampleId, r]));
  const a = index(before);
  const b = index(after);
  let fixed = 0;
  let regressed = 0;
  let unchangedCorrect = 0;
  let unchangedWrong = 0;
  let newlyFailed = 0;
  let bothScored = 0;
  let matchesBefore = 0;
  let matchesAfter = 0;
  const changed: RunComparison['changed'] = [];
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    const x = outcome(a.get(id));
    const y = outcome(b.get(id));
    if ((x === 'match' || x === 'mismatch') && (y === 'match' || y === 'mismatch')) {
      bothScored++;
      if (x === 'match') matchesBefore++;
      if (y === 'match') matchesAfter++;
    }
    if (x === 'mismatch' && y === 'match') fixed++;
    else if (x === 'match' && y === 'mismatch') regressed++;
    else if (x === 'match' && y === 'match') unchangedCorrect++;
    else if (x === 'mismatch' && y === 'mismatch') unchangedWrong++;
    if (y === 'failed' && x !== 'failed') newlyFailed++;
    if (x !== y || a.get(id)?.judgeLabel !== b.get(id)?.judgeLabel) {
      changed.push({ exampleId: id, before: x, after: y, beforeLabel: a.get(id)?.judgeLabel ?? null, afterLabel: b.get(id)?.judgeLabel ?? null });
    }
  }
  return {
    fixed,
    regressed,
    unchangedCorrect,
    unchangedWrong,
    newlyFailed,
    agreementDelta: bothScored > 0 ? (matchesAfter - matchesBefore) / bothScored : null,
    changed,
  };
}
