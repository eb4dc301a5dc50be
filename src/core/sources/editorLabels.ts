import type { Cache } from '../cache/cache';
import type { AnnotationRow } from '../cache/repositories/annotations';
import { lookupPath } from '../fieldPath';
import { datasetOf, type SourceConfig, type SourcesFile } from './sourcesFile';

/** The source a dataset was pulled from, by the dataset name a prompt uses. */
export function sourceForDataset(file: SourcesFile, datasetName: string): SourceConfig | undefined {
  return file.sources.find((s) => datasetOf(s) === datasetName);
}

export interface EditorLabelRow {
  readonly annotation: AnnotationRow;
  readonly externalId: string;
  readonly traceId: string | null;
}

/**
 * Every HUMAN label under `annotationName` on a pulled dataset, with what write-back needs: the example's id in the
 * source and its trace id (Phoenix keeps it as `span.trace_id`, Langfuse as `observation.traceId`, LangSmith as `run.trace_id`). Labels that
 * came from the platform are filtered out later by `planPush` (they have a `sourceRef`).
 */
export function collectEditorLabels(cache: Cache, datasetName: string, annotationName: string): EditorLabelRow[] {
  return cache.read((repos) => {
    const dataset = repos.datasets.get(datasetName);
    if (!dataset) return [];
    const rows: EditorLabelRow[] = [];
    for (const [externalId, byAuthor] of repos.annotations.humanByAuthor(dataset.id, annotationName)) {
      const example = repos.examples.get(dataset.id, externalId);
      const trace = example ? (lookupPath(example.fields, 'span.trace_id') ?? lookupPath(example.fields, 'observation.traceId') ?? lookupPath(example.fields, 'run.trace_id')) : undefined;
      for (const annotation of byAuthor.values()) rows.push({ annotation, externalId, traceId: typeof trace === 'string' ? trace : null });
    }
    return rows;
  });
}
