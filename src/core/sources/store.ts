import type { Cache } from '../cache/cache';
import type { SourceExample } from './types';

export interface SaveTarget {
  readonly datasetName: string;
  /** The `sources` row the dataset came from; null for file imports. */
  readonly sourceId: number | null;
}

export interface SaveResult {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Annotations added or changed (an unchanged one is not counted). */
  readonly annotations: number;
}

/**
 * Saves one batch in one transaction (all of it or, on a throw, none of it). Idempotent: examples are matched by
 * external id and compared by content hash; annotations are one per example, name and author, so the same batch saved
 * twice changes nothing the second time.
 */
export async function saveSourceBatch(cache: Cache, target: SaveTarget, examples: readonly SourceExample[]): Promise<SaveResult> {
  if (examples.length === 0) return { inserted: 0, updated: 0, unchanged: 0, annotations: 0 };
  return cache.write((repos) => {
    const datasetId = repos.datasets.ensure(target.datasetName, target.sourceId);
    const saved = repos.examples.upsertMany(datasetId, examples);
    const annotations = repos.annotations.upsertMany(
      examples.flatMap((example, i) =>
        example.annotations.map((a) => ({
          exampleId: saved.ids[i]!,
          name: a.name,
          label: a.label,
          score: a.score,
          explanation: a.explanation,
          annotatorKind: a.annotatorKind,
          author: a.author,
          sourceRef: a.sourceRef ?? null,
          ...(a.createdAt !== undefined ? { createdAt: a.createdAt } : {}),
          ...(a.updatedAt !== undefined ? { updatedAt: a.updatedAt } : {}),
        })),
      ),
    );
    return { inserted: saved.inserted, updated: saved.updated, unchanged: saved.unchanged, annotations };
  });
}
