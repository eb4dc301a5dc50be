import type { LabelScores } from './types';

/**
 * Precision, recall and F1 of each allowed label, with the judge as the classifier and humans as the truth.
 * Rows with a human label outside the set count against the precision of whatever the judge said there.
 * Undefined ratios are null, not 0, so "never predicted" reads differently from "always wrong"; F1 is 0 when
 * one side is 0 (the label occurs but the judge never gets it right), null only when both are undefined.
 */
export function perLabelScores(scored: readonly { readonly human: string; readonly judge: string }[], labels: readonly string[]): Record<string, LabelScores> {
  const out: Record<string, LabelScores> = {};
  for (const label of labels) {
    let tp = 0;
    let predicted = 0;
    let support = 0;
    for (const s of scored) {
      if (s.judge === label) predicted++;
      if (s.human === label) support++;
      if (s.judge === label && s.human === label) tp++;
    }
    const precision = predicted > 0 ? tp / predicted : null;
    const recall = support > 0 ? tp / support : null;
    Object.defineProperty(out, label, { value: { precision, recall, f1: f1Of(precision, recall), support }, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function f1Of(precision: number | null, recall: number | null): number | null {
  if (precision !== null && recall !== null) return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  if (precision === 0 || recall === 0) return 0;
  return null;
}
