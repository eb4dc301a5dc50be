import { collectPaths, defaultIdColumn, getPath, isRowProblem, MAPPED_ROLES, roleName, RowMapper, type ColumnMapping } from './columnMapping';
import { formatOf, openRecordReader } from './fileFormat';
import { UnknownColumnError } from './fileImportErrors';
import { BatchBuilder, type BadRow, type PreparedBatch } from './preparedBatch';
import type { RawRecord, RecordReader } from './recordReader';

export interface PrepareOptions {
  /** Rows per batch; the first batch is also what an unknown column is looked for in. */
  readonly batchSize: number;
  /** `abort` ends the batches at the first bad row (reported in `bad`). */
  readonly badRows: 'abort' | 'skip';
  readonly signal?: AbortSignal;
}

/**
 * Reads `file` and turns its records into prepared examples, `batchSize` at a time: the work of an import that needs
 * no cache, so it can run on another thread. The mapping is checked against the header, schema or first batch before
 * the first batch is handed out. Yields at least one batch (maybe empty), so the id column is always told.
 */
export async function* prepareRows(file: string, mapping: ColumnMapping, options: PrepareOptions): AsyncGenerator<PreparedBatch, void, void> {
  const reader = openRecordReader(file, formatOf(file));
  const unit = reader.unit;
  let mapper: RowMapper | undefined;
  let idColumn: string | undefined;
  let sample: RawRecord[] = [];
  const examples = new BatchBuilder();
  let bad: BadRow[] = [];
  let stopped = false;

  const start = (): RowMapper => {
    const columns = checkMapping(file, mapping, reader, sample);
    idColumn = mapping.id ?? defaultIdColumn(columns);
    return new RowMapper(mapping, idColumn, unit);
  };
  const take = (records: readonly RawRecord[], m: RowMapper) => {
    for (const record of records) {
      const mapped = record.problem === undefined ? m.map(record.data, record.position) : { problem: record.problem };
      if (isRowProblem(mapped)) {
        bad.push({ position: record.position, problem: mapped.problem });
        if (options.badRows === 'abort') {
          stopped = true;
          return;
        }
        continue;
      }
      examples.add(mapped);
    }
  };
  const batch = (fraction = reader.progress()): PreparedBatch => {
    const out = examples.take({ bad, fraction, idColumn, unit });
    bad = [];
    return out;
  };

  let yielded = false;
  for await (const chunk of reader.chunks(options.signal)) {
    if (mapper === undefined) {
      for (const r of chunk) sample.push(r);
      if (sample.length < options.batchSize) continue;
      mapper = start();
      const first = sample;
      sample = [];
      take(first, mapper);
    } else {
      take(chunk, mapper);
    }
    if (stopped || examples.size >= options.batchSize) {
      yielded = true;
      yield batch();
    }
    if (stopped || options.signal?.aborted) return;
  }
  if (mapper === undefined) {
    mapper = start();
    take(sample, mapper);
    sample = [];
  }
  if (!yielded || examples.size > 0 || bad.length > 0) yield batch(1);
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
