import type { RowView } from '../../src/protocol/workbench';

/** The status filter's pairwise choices, after the common ones. */
export const PAIR_STATUS_OPTIONS: [string, string][] = [
  ['inconsistent', 'Inconsistent across orders'],
  ['first-shown', 'First-shown wins'],
];

/** Whether a row passes a pairwise status filter (a single judge's row never does). */
export function matchesPairFilter(row: RowView, status: 'inconsistent' | 'first-shown'): boolean {
  if (!row.pair) return false;
  return status === 'inconsistent' ? row.pair.consistent === false : row.pair.firstShownWins;
}
