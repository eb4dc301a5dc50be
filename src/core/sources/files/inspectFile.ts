import { collectPaths, type ColumnMapping } from './columnMapping';
import { formatOf, openRecordReader, type FileFormat } from './fileFormat';

export interface FileColumns {
  readonly format: FileFormat;
  /** Top-level columns (CSV header, Parquet schema, or keys seen in the first JSONL rows). */
  readonly columns: string[];
  /** Columns and nested paths (dotted) seen in the first rows: what a mapping can name. */
  readonly paths: string[];
  /** Rows looked at (at most `sampleRows`); broken ones are left for the import to report. */
  readonly sampled: number;
  /** The first row that could be read, to show example values next to the columns. */
  readonly firstRow: Record<string, unknown> | undefined;
}

/** Reads only the first rows, to offer columns for a mapping. */
export async function inspectFile(file: string, sampleRows = 200): Promise<FileColumns> {
  const format = formatOf(file);
  const reader = openRecordReader(file, format);
  const rows: Record<string, unknown>[] = [];
  let sampled = 0;
  for await (const chunk of reader.chunks()) {
    for (const r of chunk) {
      if (sampled >= sampleRows) break;
      sampled++;
      if (r.data !== undefined) rows.push(r.data);
    }
    if (sampled >= sampleRows) break;
  }
  const known = reader.columns();
  const columns = known ? [...known] : collectPaths(rows, 1);
  const paths = collectPaths(rows);
  for (const c of columns) if (!paths.includes(c)) paths.push(c);
  return { format, columns, paths, sampled, firstRow: rows[0] };
}

const GUESSES: Record<'id' | 'input' | 'output' | 'label', readonly string[]> = {
  id: ['id', 'ID', 'example_id', 'span_id', 'run_id', 'trace_id', 'uuid'],
  input: ['input', 'inputs', 'question', 'query', 'user_query', 'prompt', 'request', 'input.value'],
  output: ['output', 'outputs', 'answer', 'response', 'chatgpt_response', 'completion', 'output.value'],
  label: ['label', 'human_label', 'gold', 'gold_label', 'expected', 'verdict', 'annotation', 'hallucination'],
};

/** A first guess for each role from common column names (exact first, then case-insensitive); the user confirms it. */
export function guessMapping(paths: readonly string[]): Pick<ColumnMapping, 'id' | 'input' | 'output' | 'label'> {
  const pick = (names: readonly string[]) =>
    names.find((n) => paths.includes(n)) ?? paths.find((p) => names.some((n) => n.toLowerCase() === p.toLowerCase()));
  const out: { id?: string; input?: string; output?: string; label?: string } = {};
  for (const role of ['id', 'input', 'output', 'label'] as const) {
    const found = pick(GUESSES[role]);
    if (found !== undefined) out[role] = found;
  }
  return out;
}
