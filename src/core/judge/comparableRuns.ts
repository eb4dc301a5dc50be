import { hostOf, originOf } from './endpointTrust';

/** What must match for two runs' figures to mean the same thing. */
export interface ComparableRun {
  readonly split: string;
  readonly dataset: string;
  readonly baseUrl: string;
}

/** Why two runs' figures do not compare (another split, dataset or endpoint), or undefined when they do. */
export function incomparable(a: ComparableRun, b: ComparableRun): string | undefined {
  if (a.split !== b.split) return `split ${a.split} and split ${b.split}`;
  if (a.dataset !== b.dataset) return `dataset ${a.dataset} and dataset ${b.dataset}`;
  if (originOf(a.baseUrl) !== originOf(b.baseUrl)) return `endpoint ${hostOf(a.baseUrl)} and endpoint ${hostOf(b.baseUrl)}`;
  return undefined;
}

/**
 * The run a run is compared with by default: the latest earlier one (newest first in `earlier`) that is finished
 * in a state `usable` accepts and compares. Compare and cache pruning use it, so a prune never drops a base.
 */
export function defaultBase<R extends ComparableRun & { readonly status: string }>(head: ComparableRun, earlier: readonly R[], usable: (status: string) => boolean): R | undefined {
  return earlier.find((r) => usable(r.status) && incomparable(r, head) === undefined);
}
