import type { Cache } from '../cache/cache';
import { columnsOf, encodeExample, Utf8Arena, type EncodedColumns } from '../cache/exampleContent';
import type { AnnotationInput } from '../cache/repositories/annotations';
import type { Repositories } from '../cache/repos';
import type { SourceAnnotation, SourceExample } from './types';

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

/** Examples whose text is already encoded and hashed, with their labels (entry i of `annotations` is row i's). */
export interface EncodedBatch {
  readonly examples: EncodedColumns;
  readonly annotations: readonly (readonly SourceAnnotation[])[];
}

const NOTHING: SaveResult = { inserted: 0, updated: 0, unchanged: 0, annotations: 0 };

/**
 * Saves one batch in one transaction (all of it or, on a throw, none of it). Idempotent: examples are matched by
 * external id and compared by content hash; annotations are one per example, name and author, so the same batch saved
 * twice changes nothing the second time.
 */
export async function saveSourceBatch(cache: Cache, target: SaveTarget, examples: readonly SourceExample[]): Promise<SaveResult> {
  if (examples.length === 0) return NOTHING;
  // Encoding and hashing happen before the write, outside the lock.
  const arena = new Utf8Arena();
  const batch = { examples: columnsOf(examples.map((e) => encodeExample(e, arena))), annotations: examples.map((e) => e.annotations) };
  return cache.write((repos) => storeBatch(repos, target, batch));
}

/** `saveSourceBatch`'s work inside a transaction the caller runs. */
export function storeBatch(repos: Repositories, target: SaveTarget, batch: EncodedBatch): SaveResult {
  if (batch.examples.externalIds.length === 0) return NOTHING;
  const datasetId = repos.datasets.ensure(target.datasetName, target.sourceId);
  const saved = repos.examples.upsertEncoded(datasetId, batch.examples);
  const items: AnnotationInput[] = [];
  batch.annotations.forEach((list, i) => {
    for (const a of list) {
      const item: { -readonly [K in keyof AnnotationInput]: AnnotationInput[K] } = {
        exampleId: saved.ids[i]!,
        name: a.name,
        label: a.label,
        score: a.score,
        explanation: a.explanation,
        annotatorKind: a.annotatorKind,
        author: a.author,
        sourceRef: a.sourceRef ?? null,
      };
      if (a.createdAt !== undefined) item.createdAt = a.createdAt;
      if (a.updatedAt !== undefined) item.updatedAt = a.updatedAt;
      items.push(item);
    }
  });
  const annotations = repos.annotations.upsertMany(items);
  return { inserted: saved.inserted, updated: saved.updated, unchanged: saved.unchanged, annotations };
}
