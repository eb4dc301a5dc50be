import type { VerdictForMetrics } from './types';

export type Confusion = Record<string, Record<string, number>>;

/** Where each row went: scored (into the confusion matrix), an error, or unlabelled. Nothing else. */
export interface RowTally {
  readonly confusion: Confusion;
  /** Scored rows, as (human, judge) pairs; the judge label is always one of the labels. */
  readonly scored: readonly { readonly human: string; readonly judge: string }[];
  readonly failed: number;
  readonly judgeLabelOutsideSet: number;
  readonly unlabelled: number;
  /** Judge answers (from the set, not failed) on rows without a human label: what p_obs can be measured on. */
  readonly unlabelledAnswers: readonly string[];
}

/**
 * Sorts rows into the confusion matrix (human x judge) or the counts beside it. A row without a human label is
 * unlabelled whatever the judge did, so that rows = scored + errors + unlabelled holds. A judge label outside
 * the set is an error even when the caller did not flag it, so the matrix columns are exactly the labels.
 */
export function tallyRows(rows: readonly VerdictForMetrics[], labels: readonly string[]): RowTally {
  const allowed = new Set(labels);
  const confusion: Confusion = {};
  const emptyRow = (): Record<string, number> => Object.fromEntries(labels.map((l) => [l, 0]));
  for (const l of labels) confusion[l] = emptyRow();
  const scored: { human: string; judge: string }[] = [];
  const unlabelledAnswers: string[] = [];
  let failed = 0;
  let judgeLabelOutsideSet = 0;
  let unlabelled = 0;
  for (const r of rows) {
    if (r.humanLabel === null) {
      unlabelled++;
      if (!r.failed && r.judgeLabel !== null && allowed.has(r.judgeLabel)) unlabelledAnswers.push(r.judgeLabel);
      continue;
    }
    if (r.failed || r.judgeLabel === null) {
      if (r.failure === 'label_outside_set') judgeLabelOutsideSet++;
      else failed++;
      continue;
    }
    if (!allowed.has(r.judgeLabel)) {
      judgeLabelOutsideSet++;
      continue;
    }
    // A human label outside the set keeps a row of its own: those rows can never match, and hiding them would flatter the judge.
    let row = Object.hasOwn(confusion, r.humanLabel) ? confusion[r.humanLabel] : undefined;
    if (!row) {
      row = emptyRow();
      // defineProperty, not assignment: a label such as "__proto__" must become a key, not a prototype.
      Object.defineProperty(confusion, r.humanLabel, { value: row, enumerable: true, writable: true, configurable: true });
    }
    row[r.judgeLabel] = (row[r.judgeLabel] ?? 0) + 1;
    scored.push({ human: r.humanLabel, judge: r.judgeLabel });
  }
  return { confusion, scored, failed, judgeLabelOutsideSet, unlabelled, unlabelledAnswers };
}

/** The confusion as a square matrix over `order` (rows human, columns judge), for kappa. */
export function confusionMatrix(confusion: Confusion, order: readonly string[]): number[][] {
  return order.map((h) => order.map((j) => (Object.hasOwn(confusion, h) && Object.hasOwn(confusion[h]!, j) ? confusion[h]![j]! : 0)));
}
