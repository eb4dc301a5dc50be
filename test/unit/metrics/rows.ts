import assert from 'node:assert/strict';
import type { VerdictForMetrics } from '../../../src/core/metrics/types';

export const close = (actual: number | null | undefined, expected: number, tol = 1e-9): void =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol, `${actual} ≉ ${expected}`);

/** `count` rows with this human and judge label, ids `<prefix>#<i>` (default prefix `human>judge`). */
export function rowsOf(
  count: number,
  human: string | null,
  judge: string | null,
  extra: { prefix?: string; split?: 'dev' | 'test'; repetition?: number; failed?: boolean } = {},
): VerdictForMetrics[] {
  const { prefix = `${human}>${judge}`, ...rest } = extra;
  return Array.from({ length: count }, (_, i) => ({ exampleId: `${prefix}#${i}`, humanLabel: human, judgeLabel: judge, failed: false, ...rest }));
}

/** Rows from a 2x2 table, rows human, columns judge: [yes/yes, yes/no, no/yes, no/no]. */
export function table([yy, yn, ny, nn]: [number, number, number, number]): VerdictForMetrics[] {
  return [...rowsOf(yy, 'yes', 'yes'), ...rowsOf(yn, 'yes', 'no'), ...rowsOf(ny, 'no', 'yes'), ...rowsOf(nn, 'no', 'no')];
}

/** Rows from a square matrix over `labels` (rows human, columns judge). */
export function fromMatrix(matrix: readonly (readonly number[])[], labels: readonly string[]): VerdictForMetrics[] {
  return matrix.flatMap((row, i) => row.flatMap((count, j) => rowsOf(count, labels[i]!, labels[j]!)));
}
