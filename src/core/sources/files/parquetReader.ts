import * as zlib from 'node:zlib';
import { FileFormatError } from './fileImportErrors';
import type { RawRecord, RecordReader } from './recordReader';

/** Rows decoded at a time inside a row group: bounds memory when a file has one huge group. */
const SLICE_ROWS = 5_000;

// hyparquet reads SNAPPY and uncompressed pages itself; node's zlib covers the other common codecs.
const compressors = {
  GZIP: (input: Uint8Array) => new Uint8Array(zlib.gunzipSync(input)),
  BROTLI: (input: Uint8Array) => new Uint8Array(zlib.brotliDecompressSync(input)),
};

/**
 * Parquet through hyparquet (pure JS, loaded only when a Parquet file is imported), a row group (or a slice of one)
 * at a time. Values become plain JSON: INT64 numbers, dates as ISO strings, bytes as base64.
 */
export function parquetReader(file: string): RecordReader {
  let columns: string[] | undefined;
  let total = 0;
  let done = 0;
  return {
    unit: 'row',
    columns: () => columns,
    progress: () => (total === 0 ? 0 : done / total),
    async *chunks(signal?: AbortSignal) {
      const hyparquet = await import('hyparquet');
      let buffer: Awaited<ReturnType<typeof hyparquet.asyncBufferFromFile>>;
      let metadata: Awaited<ReturnType<typeof hyparquet.parquetMetadataAsync>>;
      try {
        buffer = await hyparquet.asyncBufferFromFile(file);
        metadata = await hyparquet.parquetMetadataAsync(buffer);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code) throw new FileFormatError(file, undefined, `cannot be read (${code}).`);
        throw new FileFormatError(file, undefined, `not a valid Parquet file (${messageOf(err)}).`);
      }
      columns = hyparquet.parquetSchema(metadata).children.map((c) => c.element.name);
      total = Number(metadata.num_rows);
      let groupStart = 0;
      for (const group of metadata.row_groups) {
        const groupEnd = groupStart + Number(group.num_rows);
        for (let start = groupStart; start < groupEnd; start += SLICE_ROWS) {
          if (signal?.aborted) return;
          const end = Math.min(groupEnd, start + SLICE_ROWS);
          let rows: Record<string, unknown>[];
          try {
            rows = await hyparquet.parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: end, compressors });
          } catch (err) {
            throw new FileFormatError(file, { unit: 'row', n: start + 1 }, `cannot be decoded (${messageOf(err)}). Rows from here on were not imported; re-export the file (SNAPPY, GZIP or no compression reads everywhere).`);
          }
          const out: RawRecord[] = rows.map((row, i) => ({ position: start + i + 1, data: plainObject(row) }));
          done = end;
          yield out;
        }
        groupStart = groupEnd;
      }
    },
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A row as JSON can hold it, so it hashes, stores and renders like a JSONL row. */
function plainObject(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row)) out[key] = plain(row[key]);
  return out;
}

function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    case 'object':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
      if (Array.isArray(value)) return value.map(plain);
      if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, (v) => plain(v));
      return plainObject(value as Record<string, unknown>);
    default:
      return String(value);
  }
}
