import type { Cache } from '../cache/cache';
import type { Repositories } from '../cache/repos';
import { countLabels } from './labelCounts';
import type { DatasetRow, LocalDataset } from './localDataset';

/**
 * Labels set by hand in the editor for rows of a local file live in the cache, not in the file: the file stays
 * as the team shared it, and the judge's figures use the newest human label. The cache knows the file as a
 * dataset named after its path.
 */
export function fileDatasetKey(datasetPath: string): string {
  return `file:${datasetPath}`;
}

export interface HumanLabelInput {
  readonly datasetPath: string;
  readonly row: DatasetRow;
  readonly labelName: string;
  readonly label: string;
  readonly author: string;
}

export async function saveHumanLabel(cache: Cache, input: HumanLabelInput): Promise<void> {
  await cache.write((repos) => {
    const datasetId = repos.datasets.ensure(fileDatasetKey(input.datasetPath));
    const [exampleId] = repos.examples.upsertMany(datasetId, [{ externalId: input.row.id, input: null, output: null, fields: input.row.data }]).ids;
    repos.annotations.upsert({ exampleId: exampleId!, name: input.labelName, label: input.label, annotatorKind: 'HUMAN', author: input.author });
  });
}

export function humanLabelOverrides(repos: Repositories, datasetPath: string, labelName: string): Map<string, string> {
  const dataset = repos.datasets.get(fileDatasetKey(datasetPath));
  return dataset ? repos.annotations.latestHumanLabels(dataset.id, labelName) : new Map();
}

/** The dataset with the labels set in the editor taking the place of the file's. */
export function applyLabelOverrides(dataset: LocalDataset, overrides: ReadonlyMap<string, string>): LocalDataset {
  if (overrides.size === 0) return dataset;
  const rows = dataset.rows.map((r) => {
    const humanLabel = overrides.get(r.id) ?? r.humanLabel;
    return humanLabel === r.humanLabel ? r : { ...r, humanLabel };
  });
  return { ...dataset, rows, ...countLabels(rows.map((r) => r.humanLabel)) };
}
