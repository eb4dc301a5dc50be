import { countLabels } from '../datasets/labelCounts';
import { cohensKappa } from '../metrics/kappa';
import { seededRandom } from '../metrics/rng';

export type QueueOrder = 'unlabelled' | 'disagreements' | 'balanced';

/** One example as the annotator sees its labels. */
export interface QueueItem {
  readonly id: string;
  /** The label the file shipped with. */
  readonly fileLabel: string | null;
  /** Labels set in the editor, newest per author. */
  readonly byAuthor: ReadonlyMap<string, string>;
  /** The judge's label in the latest run, if any. */
  readonly judgeLabel: string | null;
}

/** The label that counts as ground truth: the newest editor label of anyone, else the file's. */
export function currentLabel(item: QueueItem, newest?: string | null): string | null {
  return newest ?? item.fileLabel;
}

/**
 * The order to label in. Unlabelled first (then the rest, in file order); disagreements first (rows where the
 * judge and the current label differ, then unlabelled, then the rest); or a balanced random sample: rows
 * dealt round-robin from each current label (unlabelled as their own pile), shuffled with a fixed seed.
 */
export function orderQueue(items: readonly QueueItem[], order: QueueOrder, labelOf: (item: QueueItem) => string | null, seed = 1): string[] {
  if (order === 'unlabelled') {
    return [...items.filter((i) => labelOf(i) === null), ...items.filter((i) => labelOf(i) !== null)].map((i) => i.id);
  }
  if (order === 'disagreements') {
    const disagree = items.filter((i) => i.judgeLabel !== null && labelOf(i) !== null && i.judgeLabel !== labelOf(i));
    const unlabelled = items.filter((i) => labelOf(i) === null);
    const seen = new Set([...disagree, ...unlabelled].map((i) => i.id));
    return [...disagree, ...unlabelled, ...items.filter((i) => !seen.has(i.id))].map((i) => i.id);
  }
  const random = seededRandom(seed);
  const piles = new Map<string, QueueItem[]>();
  for (const item of items) {
    const key = labelOf(item) ?? '\u0000unlabelled';
    const pile = piles.get(key) ?? [];
    pile.push(item);
    piles.set(key, pile);
  }
  for (const pile of piles.values()) {
    for (let i = pile.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [pile[i], pile[j]] = [pile[j]!, pile[i]!];
    }
  }
  const out: string[] = [];
  const lists = [...piles.values()];
  for (let round = 0; out.length < items.length; round++) for (const pile of lists) if (pile[round]) out.push(pile[round]!.id);
  return out;
}

export interface LabelProgress {
  readonly labelled: number;
  readonly total: number;
  readonly perLabel: Record<string, number>;
  /** Set when the rarest label has under a fifth of the most common one's rows. */
  readonly unbalanced: string | null;
}

export function labelProgress(labels: readonly string[], current: readonly (string | null)[]): LabelProgress {
  const counted = countLabels(current);
  const labelled = counted.labelled;
  // The configured labels first (zero when unused), then any other label found, in first-seen order.
  const perLabel: Record<string, number> = Object.fromEntries([...labels.map((l): [string, number] => [l, 0]), ...counted.labels]);
  const counts = labels.map((l) => perLabel[l] ?? 0);
  const max = Math.max(0, ...counts);
  const minIndex = counts.indexOf(Math.min(...counts));
  const unbalanced =
    labelled >= 10 && max > 0 && counts[minIndex]! < max / 5
      ? `Only ${counts[minIndex]} ${counts[minIndex] === 1 ? 'row is' : 'rows are'} "${labels[minIndex]}" against ${max} of the most common label: label more "${labels[minIndex]}" examples (the balanced order helps) so the judge is measured on both.`
      : null;
  return { labelled, total: current.length, perLabel, unbalanced };
}

/**
 * Agreement between two people who labelled the same rows: the pair of authors with the most rows in common,
 * Cohen's kappa over those rows. The ceiling a judge can be expected to reach.
 */
export function annotatorAgreement(labels: readonly string[], items: readonly QueueItem[]): { authors: [string, string]; n: number; agreement: number; kappa: number | null } | null {
  const overlap = new Map<string, number>();
  for (const item of items) {
    const authors = [...item.byAuthor.keys()].sort();
    for (let i = 0; i < authors.length; i++) for (let j = i + 1; j < authors.length; j++) {
      const key = `${authors[i]}\u0000${authors[j]}`;
      overlap.set(key, (overlap.get(key) ?? 0) + 1);
    }
  }
  const best = [...overlap.entries()].sort((a, b) => b[1] - a[1])[0];
  if (!best || best[1] < 2) return null;
  const [a, b] = best[0].split('\u0000') as [string, string];
  const categories = [...new Set([...labels, ...items.flatMap((i) => [...i.byAuthor.values()])])];
  const matrix = categories.map(() => categories.map(() => 0));
  let n = 0;
  let same = 0;
  for (const item of items) {
    const x = item.byAuthor.get(a);
    const y = item.byAuthor.get(b);
    if (x === undefined || y === undefined) continue;
    matrix[categories.indexOf(x)]![categories.indexOf(y)]!++;
    n++;
    if (x === y) same++;
  }
  return { authors: [a, b], n, agreement: same / n, kappa: cohensKappa(matrix) };
}
