/** How many rows have a human label, how many do not, and how many carry each label (first-seen order). */
export interface LabelCounts {
  readonly labelled: number;
  readonly unlabelled: number;
  readonly labels: Map<string, number>;
}

/** The one count of human labels, for file datasets, cached ones, labels set in the editor and the annotation queue. */
export function countLabels(humanLabels: Iterable<string | null>): LabelCounts {
  const labels = new Map<string, number>();
  let labelled = 0;
  let unlabelled = 0;
  for (const label of humanLabels) {
    if (label === null) {
      unlabelled++;
      continue;
    }
    labelled++;
    labels.set(label, (labels.get(label) ?? 0) + 1);
  }
  return { labelled, unlabelled, labels };
}
