import type { Cache } from '../cache/cache';
import type { LabelConfig, LabelKind } from '../cache/repositories/labelConfigs';

export type { LabelConfig, LabelKind };

/** Dataset keys: `fileDatasetKey(path)` for a local file, the dataset's name for a pulled or imported one. */

/** The labels of a new annotation: given ones, yes/no style pairs, or every whole number of a score range. */
export function labelsFor(kind: LabelKind, spec: string): string[] {
  if (kind === 'score') {
    const m = /^\s*(-?\d+)\s*(?:-|–|\.\.|to)\s*(-?\d+)\s*$/.exec(spec);
    if (!m) throw new Error(`A score range looks like 1-5, not "${spec}".`);
    const [lo, hi] = [Number(m[1]), Number(m[2])];
    if (hi <= lo || hi - lo > 20) throw new Error(`A score range needs 2 to 21 whole numbers, from low to high (got ${lo} to ${hi}).`);
    return Array.from({ length: hi - lo + 1 }, (_, i) => String(lo + i));
  }
  const labels = [...new Set(spec.split(',').map((l) => l.trim()).filter(Boolean))];
  if (kind === 'binary' && labels.length !== 2) throw new Error(`A binary annotation has exactly two labels, such as "pass, fail" (got ${labels.length}).`);
  if (labels.length < 2) throw new Error('Give at least two labels, separated by commas.');
  if (labels.length > 9) throw new Error('Use at most nine labels, so each has a number key.');
  return labels;
}

export async function createLabelConfig(cache: Cache, datasetKey: string, name: string, kind: LabelKind, labels: string[]): Promise<LabelConfig> {
  const config: LabelConfig = { name: name.trim(), datasetKey, kind, labels };
  if (!config.name) throw new Error('The annotation needs a name.');
  await cache.write((repos) => {
    repos.datasets.ensure(config.datasetKey);
    repos.labelConfigs.save(config);
  });
  return config;
}

/**
 * Renames a label of an annotation made in the editor; when the new name is already a label, the two merge.
 * Existing annotations are updated in the same transaction. Returns how many annotations changed.
 */
export async function renameLabel(cache: Cache, key: string, name: string, from: string, to: string): Promise<number> {
  return cache.write((repos) => {
    const config = repos.labelConfigs.get(key, name);
    if (!config) throw new Error(`"${name}" is not an annotation made in the editor; its labels come from the prompt file.`);
    if (!config.labels.includes(from)) throw new Error(`"${from}" is not a label of "${name}".`);
    const labels = config.labels.includes(to) ? config.labels.filter((l) => l !== from) : config.labels.map((l) => (l === from ? to : l));
    repos.labelConfigs.save({ ...config, labels });
    const dataset = repos.datasets.get(key);
    return dataset ? repos.annotations.renameLabel(dataset.id, name, from, to) : 0;
  });
}

export function countLabel(cache: Cache, datasetKey: string, name: string, label: string): number {
  return cache.read((repos) => {
    const dataset = repos.datasets.get(datasetKey);
    return dataset ? repos.annotations.countLabel(dataset.id, name, label) : 0;
  });
}

export function listLabelConfigs(cache: Cache, datasetKey: string): LabelConfig[] {
  return cache.read((repos) => repos.labelConfigs.list(datasetKey));
}
