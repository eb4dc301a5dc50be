import { firstRepetition } from './repetitions';
import type { VerdictForMetrics } from './types';

/** A row's fate in one run: right, wrong, failed, or not in the run (or not human-labelled there). */
export type RowOutcome = 'match' | 'mismatch' | 'failed' | 'absent';

export interface RunComparison {
  /** Wrong before, right after. */
  readonly fixed: number;
  /** Right before, wrong after. */
  readonly regressed: number;
  readonly unchangedCorrect: number;
  readonly unchangedWrong: number;
  /** Failed after, and not failed (or not there) before. */
  readonly newlyFailed: number;
  /** Agreement after minus agreement before, both on the rows both runs scored, so added or failed rows do not move it. */
  readonly agreementDelta: number | null;
  /** Rows whose outcome or judge label differs, in first-seen order (before's rows, then rows only after has). */
  readonly changed: { exampleId: string; before: RowOutcome; after: RowOutcome; beforeLabel: string | null; afterLabel: string | null }[];
}

function outcome(r: VerdictForMetrics | undefined): RowOutcome {
  if (!r) return 'absent';
  if (r.failed || r.judgeLabel === null) return 'failed';
  return r.judgeLabel === r.humanLabel ? 'match' : 'mismatch';
}

const scored = (o: RowOutcome) => o === 'match' || o === 'mismatch';

/**
 * Row by row, what a prompt change did, matched by exampleId on each example's first repetition (0), against
 * each run's own human label (so a row re-labelled in between is judged by the label it had then).
 */
export function compareRuns(before: readonly VerdictForMetrics[], after: readonly VerdictForMetrics[]): RunComparison {
  const index = (rows: readonly VerdictForMetrics[]) => new Map(firstRepetition(rows.filter((r) => r.humanLabel !== null)).map((r) => [r.exampleId, r]));
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
    if (scored(x) && scored(y)) {
      bothScored++;
      if (x === 'match') matchesBefore++;
      if (y === 'match') matchesAfter++;
      if (x === 'mismatch' && y === 'match') fixed++;
      else if (x === 'match' && y === 'mismatch') regressed++;
      else if (x === 'match') unchangedCorrect++;
      else unchangedWrong++;
    }
    if (y === 'failed' && x !== 'failed') newlyFailed++;
    const beforeLabel = a.get(id)?.judgeLabel ?? null;
    const afterLabel = b.get(id)?.judgeLabel ?? null;
    if (x !== y || beforeLabel !== afterLabel) changed.push({ exampleId: id, before: x, after: y, beforeLabel, afterLabel });
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
