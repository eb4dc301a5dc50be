import { matchLabel, normalizeLabel } from './answer';
import type { JudgeConfig } from './frontMatter';
import { INCONSISTENT, metricLabels } from '../pairwise/pairwiseConfig';

/** What a human label may be: one of `labels`, or for a pairwise judge a winner's value or the tie. */
export function humanLabelSet(config: Pick<JudgeConfig, 'labels' | 'pairwise'>): string[] {
  return config.pairwise ? metricLabels(config.pairwise).filter((l) => l !== INCONSISTENT) : config.labels;
}

/**
 * The allowed label a human label means, by the same rules as a judge's answer (case, spacing, quotes, brackets,
 * `_`/`-`), and numbers by value (`01` is `1`, `1.0` is `1`). Undefined when it is none of them: such rows are
 * counted apart, never scored as mismatches.
 */
export function matchHumanLabel(raw: string, labels: readonly string[]): string | undefined {
  const found = matchLabel(raw, labels);
  if (found !== undefined) return found;
  const value = numeric(normalizeLabel(raw));
  if (value === undefined) return undefined;
  const same = labels.filter((l) => numeric(normalizeLabel(l)) === value);
  return same.length === 1 ? same[0] : undefined;
}

function numeric(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) return undefined;
  return Number(text);
}

/** Human labels outside the set, with how many rows carry each, most frequent first. */
export function labelsOutsideSet(counts: ReadonlyMap<string, number>, labels: readonly string[]): [string, number][] {
  return [...counts].filter(([label]) => matchHumanLabel(label, labels) === undefined).sort((a, b) => b[1] - a[1]);
}

/** `"maybe" (3 rows), "n/a" (1 row)`. */
export function describeOutside(outside: readonly (readonly [string, number])[]): string {
  return outside.map(([label, n]) => `"${label}" (${n} row${n === 1 ? '' : 's'})`).join(', ');
}
