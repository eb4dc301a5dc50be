import type { Cache } from '../../cache/cache';
import { storeBatch } from '../store';
import type { ColumnMapping } from './columnMapping';
import { BadRowError, ImportCancelledError } from './fileImportErrors';
import { encodedBatchOf } from './preparedBatch';
import { preparedBatches } from './prepareInWorker';

export interface ImportProgress {
  /** Rows read and mapped so far (saved or about to be). */
  readonly rows: number;
  /** Rows saved in the cache so far. */
  readonly saved: number;
  readonly skipped: number;
  /** Share of the file read, 0 to 1. */
  readonly fraction: number;
}

export interface SkippedRow {
  readonly unit: 'line' | 'row';
  readonly position: number;
  readonly problem: string;
}

export interface ImportFileOptions {
  readonly datasetName: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Rows per transaction (default 2,000); the first batch is saved at once. */
  readonly batchSize?: number;
  /**
   * What a bad row (broken JSON, not an object, no id, a repeated id) does. `abort` (the default) saves the rows before
   * it and stops with an error naming the file and line; `skip` imports every other row and lists the bad ones.
   */
  readonly badRows?: 'abort' | 'skip';
  /** Read and prepare rows on a worker thread (default: for files of 8 MB or more). */
  readonly worker?: boolean;
}

export interface ImportResult {
  readonly datasetName: string;
  /** Rows read from the file and saved (inserted + updated + unchanged). */
  readonly rows: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Human labels added or changed. */
  readonly annotations: number;
  /** Bad rows left out (only with `badRows: 'skip'`). */
  readonly skipped: number;
  /** The first 100 skipped rows and why. */
  readonly skippedRows: SkippedRow[];
  /** The id column used (mapped, or `id` found in the file); undefined when rows are identified by line/row number. */
  readonly idColumn: string | undefined;
}

export const DEFAULT_IMPORT_BATCH = 2_000;
const MAX_LISTED_SKIPS = 100;
/**
 * How often an import saves what it has written: a save rewrites the whole cache file. A cancel or an error saves at
 * once, so this bounds only what a killed process loses (nothing a re-import cannot redo) and how long the lock is held.
 */
const SAVE_EVERY_MS = 5_000;

/**
 * Imports a JSONL, CSV/TSV or Parquet file into a cache dataset, streaming: memory holds a few batches of rows, never
 * the whole file. Each batch is one transaction; the first is saved at once and later ones every few seconds
 * (and at the end), so a failure or a cancel keeps every batch before it, and importing the same file again inserts
 * nothing twice (rows are matched by id and content hash, labels by example, name and author). The mapping is checked
 * against the header, schema or first batch before anything is written.
 */
export async function importFile(cache: Cache, file: string, mapping: ColumnMapping, options: ImportFileOptions): Promise<ImportResult> {
  const { datasetName, signal, onProgress } = options;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_IMPORT_BATCH);
  const badRows = options.badRows ?? 'abort';
  const target = { datasetName, sourceId: null };
  const totals = { inserted: 0, updated: 0, unchanged: 0, annotations: 0 };
  let written = 0;
  let saved = 0;
  let skipped = 0;
  const skippedRows: SkippedRow[] = [];
  let idColumn: string | undefined;
  let fraction = 0;
  let lastSave = 0;

  const save = async () => {
    await cache.flush();
    saved = written;
    lastSave = Date.now();
  };
  const report = () => onProgress?.({ rows: written, saved, skipped, fraction });

  const batches = preparedBatches(file, mapping, { batchSize, badRows, signal, ...(options.worker !== undefined ? { worker: options.worker } : {}) });
  try {
    for await (const batch of batches) {
      if (signal?.aborted) break;
      idColumn = batch.idColumn;
      fraction = batch.fraction;
      if (batch.ids.length > 0) {
        const encoded = encodedBatchOf(batch);
        const result = await cache.write((repos) => storeBatch(repos, target, encoded), { defer: true });
        totals.inserted += result.inserted;
        totals.updated += result.updated;
        totals.unchanged += result.unchanged;
        totals.annotations += result.annotations;
        written += batch.ids.length;
      }
      for (const bad of batch.bad) {
        if (badRows === 'abort') {
          await save();
          throw new BadRowError(file, { unit: batch.unit, n: bad.position }, bad.problem, saved, datasetName);
        }
        skipped++;
        if (skippedRows.length < MAX_LISTED_SKIPS) skippedRows.push({ unit: batch.unit, position: bad.position, problem: bad.problem });
      }
      if (saved === 0 || Date.now() - lastSave >= SAVE_EVERY_MS) await save();
      report();
    }
  } catch (err) {
    // Keep what was written before the failure (a failed batch rolled back on its own).
    if (!(err instanceof BadRowError)) await save().catch(() => undefined);
    throw err;
  } finally {
    await batches.return();
  }
  await save();
  if (signal?.aborted) throw new ImportCancelledError(saved);
  fraction = 1;
  report();
  return { datasetName, rows: saved, ...totals, skipped, skippedRows, idColumn };
}
