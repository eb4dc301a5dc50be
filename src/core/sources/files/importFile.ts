import type { Cache } from '../../cache/cache';
import { saveSourceBatch } from '../store';
import type { SourceExample } from '../types';
import { collectPaths, defaultIdColumn, getPath, isRowProblem, MAPPED_ROLES, roleName, RowMapper, type ColumnMapping } from './columnMapping';
import { formatOf, openRecordReader } from './fileFormat';
import { BadRowError, ImportCancelledError, UnknownColumnError } from './fileImportErrors';
import type { RawRecord, RecordReader } from './recordReader';

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
  /** Rows in the first save (default 2,000); later saves grow, see `nextThreshold`. */
  readonly batchSize?: number;
  /**
   * What a bad row (broken JSON, not an object, no id, a repeated id) does. `abort` (the default) saves the rows before
   * it and stops with an error naming the file and line; `skip` imports every other row and lists the bad ones.
   */
  readonly badRows?: 'abort' | 'skip';
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
 * Imports a JSONL, CSV/TSV or Parquet file into a cache dataset, streaming: memory holds one batch of rows, never the
 * whole file. Each batch is one transaction, so a failure or a cancel keeps every batch saved before it, and importing
 * the same file again inserts nothing twice (rows are matched by id and content hash, labels by example, name and
 * author). The mapping is checked against the header, schema or first batch before anything is written.
 */
export async function importFile(cache: Cache, file: string, mapping: ColumnMapping, options: ImportFileOptions): Promise<ImportResult> {
  const { datasetName, signal, onProgress } = options;
  const firstBatch = Math.max(1, options.batchSize ?? DEFAULT_IMPORT_BATCH);
  const skipBad = options.badRows === 'skip';
  const reader = openRecordReader(file, formatOf(file));
  const unit = reader.unit;

  const totals = { inserted: 0, updated: 0, unchanged: 0, annotations: 0 };
  let saved = 0;
  let mapped = 0;
  let skipped = 0;
  const skippedRows: SkippedRow[] = [];
  let pending: SourceExample[] = [];
  let threshold = firstBatch;
  let mapper: RowMapper | undefined;
  let idColumn: string | undefined;
  let sample: RawRecord[] = [];

  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const result = await saveSourceBatch(cache, { datasetName, sourceId: null }, batch);
    totals.inserted += result.inserted;
    totals.updated += result.updated;
    totals.unchanged += result.unchanged;
    totals.annotations += result.annotations;
    saved += batch.length;
    threshold = nextThreshold(firstBatch, saved);
  };

  const bad = async (position: number, problem: string) => {
    if (skipBad) {
      skipped++;
      if (skippedRows.length < MAX_LISTED_SKIPS) skippedRows.push({ unit, position, problem });
      return;
    }
    await flush();
    throw new BadRowError(file, { unit, n: position }, problem, saved, datasetName);
  };

  const take = async (records: readonly RawRecord[], m: RowMapper) => {
    for (const record of records) {
      if (record.problem !== undefined) {
        await bad(record.position, record.problem);
        continue;
      }
      const example = m.map(record.data, record.position);
      if (isRowProblem(example)) await bad(record.position, example.problem);
      else {
        pending.push(example);
        mapped++;
      }
    }
  };

  const start = (): RowMapper => {
    const columns = checkMapping(file, mapping, reader, sample);
    idColumn = mapping.id ?? defaultIdColumn(columns);
    return new RowMapper(mapping, idColumn, unit);
  };

  const report = () => onProgress?.({ rows: mapped, saved, skipped, fraction: reader.progress() });

  for await (const chunk of reader.chunks(signal)) {
    if (signal?.aborted) break;
    if (mapper === undefined) {
      for (const r of chunk) sample.push(r);
      if (sample.length < firstBatch) continue;
      mapper = start();
      const first = sample;
      sample = [];
      await take(first, mapper);
    } else {
      await take(chunk, mapper);
    }
    if (pending.length >= threshold) await flush();
    report();
  }
  if (signal?.aborted) throw new ImportCancelledError(saved);
  if (mapper === undefined) {
    mapper = start();
    await take(sample, mapper);
    sample = [];
  }
  await flush();
  report();
  return { datasetName, rows: saved, ...totals, skipped, skippedRows, idColumn };
}

/**
 * Rows in the next save. Every save rewrites the whole cache file, so a fixed batch size makes an import quadratic in
 * the file's size; letting each batch grow with what is already saved keeps the total written linear.
 */
export function nextThreshold(firstBatch: number, saved: number): number {
  return Math.max(firstBatch, saved);
}

/** Each mapped column must exist in the header/schema or in some row of the first batch; returns the columns seen. */
function checkMapping(file: string, mapping: ColumnMapping, reader: RecordReader, sample: readonly RawRecord[]): string[] {
  const known = reader.columns();
  const rows: Record<string, unknown>[] = [];
  for (const r of sample) if (r.data !== undefined) rows.push(r.data);
  const columns = known ? [...known] : collectPaths(rows.slice(0, 200));
  const topLevel = known ? [...known] : collectPaths(rows, 1);
  // Nothing to check against: an empty file imports nothing and writes nothing.
  if (!known && rows.length === 0) return topLevel;
  for (const role of MAPPED_ROLES) {
    const column = mapping[role];
    if (column === undefined) continue;
    const found = (known?.includes(column) ?? false) || rows.some((row) => getPath(row, column) !== undefined);
    if (!found) throw new UnknownColumnError(file, roleName(role), column, columns);
  }
  return topLevel;
}
