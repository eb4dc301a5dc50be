import type { Cache } from '../cache/cache';
import { fieldPathsOf } from '../fieldPath';
import { exampleRow } from './exampleRow';
import { countLabels } from './labelCounts';
import type { DatasetRow, LocalDataset } from './localDataset';

/** A prompt names a dataset the cache does not hold; the message lists the ones it does and how to add one. */
export class CachedDatasetNotFoundError extends Error {
  override readonly name = 'CachedDatasetNotFoundError';
  constructor(
    readonly datasetName: string,
    readonly available: readonly string[],
    readonly cachePath: string,
  ) {
    super(
      `There is no dataset "${datasetName}" in the cache ${cachePath}. ` +
        (available.length > 0 ? `Cached datasets: ${available.join(', ')}. ` : 'The cache holds no datasets yet. ') +
        `Pull it from its platform (judge-align pull), import a file under that name ` +
        `("Judge Align: Import File..." or judge-align import <file> --dataset ${datasetName}), or point \`dataset:\` at a .jsonl/.csv file.`,
    );
  }
}

export interface CachedDatasetOptions {
  /** The annotation name whose HUMAN labels are the ground truth (a prompt's `label:`). */
  readonly labelName: string;
}

/**
 * A cached dataset in the shape of a local one, so the judge runner takes either. Each row's `data` is
 * {@link exampleRow} (what `{{input}}`, `{{output}}` and every other path mean); `id` is the source's id; `line` is
 * 0 (the row is not from a file).
 *
 * `humanLabel` comes from HUMAN annotations only (never an LLM's or code's). When several people labelled the same
 * example under `labelName`, the one updated last wins: the newest decision is taken as the current truth, the same
 * rule the cache applies for re-labels made in the editor. `file` is `<cache path>#<dataset name>`.
 */
export function loadCachedDataset(cache: Cache, name: string, options: CachedDatasetOptions): LocalDataset {
  return cache.read((repos) => {
    const dataset = repos.datasets.get(name);
    if (!dataset) throw new CachedDatasetNotFoundError(name, repos.datasets.list().map((d) => d.name), cache.path);
    const labels = repos.annotations.latestHumanLabels(dataset.id, options.labelName);
    const rows: DatasetRow[] = [];
    for (const example of repos.examples.list(dataset.id)) {
      const label = labels.get(example.externalId)?.trim() ?? '';
      rows.push({ id: example.externalId, line: 0, data: exampleRow(example), humanLabel: label === '' ? null : label });
    }
    return { file: `${cache.path}#${name}`, rows, fieldPaths: fieldPathsOf(rows.map((r) => r.data)), ...countLabels(rows.map((r) => r.humanLabel)) };
  });
}
