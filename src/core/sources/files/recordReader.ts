/** One record as a reader found it: its data, or why that line could not be read (the importer decides what to do). */
export type RawRecord =
  | { readonly position: number; readonly data: Record<string, unknown>; readonly problem?: undefined }
  | { readonly position: number; readonly data?: undefined; readonly problem: string };

/** Reads a file a chunk of records at a time, so memory holds one chunk, never the whole file. */
export interface RecordReader {
  /** JSONL and CSV count lines (a CSV record is at the line it starts on); Parquet counts rows. */
  readonly unit: 'line' | 'row';
  /** Columns known from the file's structure (CSV header, Parquet schema); undefined until read, and for JSONL. */
  columns(): readonly string[] | undefined;
  chunks(signal?: AbortSignal): AsyncGenerator<RawRecord[], void, void>;
  /** Share of the file read so far, 0 to 1. */
  progress(): number;
}
