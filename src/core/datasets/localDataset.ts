import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { DatasetFileError } from './datasetError';
import { fieldPathsOf } from '../fieldPath';

export interface DatasetRow {
  readonly id: string;
  /** 1-based line where the row starts in its file (0 for rows that do not come from a file). */
  readonly line: number;
  readonly data: Record<string, unknown>;
  /** The human label, trimmed; null when the row has none (such rows are counted, never scored). */
  readonly humanLabel: string | null;
}

export interface LocalDataset {
  readonly file: string;
  readonly rows: DatasetRow[];
  /** Every field path seen, nested ones dotted (`metadata.topic`), in first-seen order. */
  readonly fieldPaths: string[];
  readonly labelled: number;
  readonly unlabelled: number;
  /** Count of rows per human label. */
  readonly labels: Map<string, number>;
}

const SUPPORTED = ['.jsonl', '.csv'];

/** A dataset reference that looks like a path becomes absolute (relative to the prompt); a name stays null. */
export function resolveDatasetPath(promptFilePath: string, datasetRef: string): string | null {
  const ref = datasetRef.trim();
  const looksLikePath = ref.startsWith('.') || ref.startsWith('/') || /\.(jsonl|csv|parquet)$/i.test(ref) || /^[A-Za-z]:[\\/]/.test(ref);
  return looksLikePath ? path.resolve(path.dirname(promptFilePath), ref) : null;
}

export async function loadLocalDataset(file: string, options: { idField?: string; labelField: string }): Promise<LocalDataset> {
  const ext = path.extname(file).toLowerCase();
  if (!SUPPORTED.includes(ext)) {
    throw new DatasetFileError(file, undefined, `unsupported file type "${ext || '(none)'}". Prompt datasets can be ${SUPPORTED.join(' or ')} files; import other formats into the cache first.`);
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetFileError(file, undefined, code === 'ENOENT' ? 'no such file. Check the dataset path in the front matter (it is relative to the prompt file).' : `cannot be read (${code ?? String(err)}).`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = ext === '.jsonl' ? readJsonl(file, text) : readCsv(file, text);
  return toDataset(file, records, options);
}

interface RawRecord {
  readonly line: number;
  readonly data: Record<string, unknown>;
}

function readJsonl(file: string, text: string): RawRecord[] {
  const out: RawRecord[] = [];
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    const raw = text.slice(start, end);
    const content = raw.trim();
    start = end + 1;
    if (content.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (err) {
      const leading = raw.length - raw.trimStart().length;
      throw new DatasetFileError(file, line, `not valid JSON (${jsonProblem(err, leading)}). Fix or remove that line.`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DatasetFileError(file, line, 'each line must be one JSON object ({"field": value, ...}). Fix or remove that line.');
    }
    out.push({ line, data: value as Record<string, unknown> });
  }
  return out;
}

/** V8 counts from the start of the trimmed line; people count columns from 1 in the editor. */
function jsonProblem(err: unknown, leading: number): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/ in JSON at position (\d+)(?: \(line \d+ column \d+\))?/, (_m, pos: string) => ` at column ${Number(pos) + leading + 1}`);
}

function readCsv(file: string, text: string): RawRecord[] {
  try {
    const records = parseCsv(text, { columns: true, info: true, skip_empty_lines: true, bom: true }) as { record: Record<string, string>; info: { lines: number } }[];
    // csv-parse reports the line a record ENDS on; count back the newlines inside its quoted values.
    return records.map(({ record, info }) => {
      let inner = 0;
      for (const v of Object.values(record)) for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) === 10) inner++;
      return { line: info.lines - inner, data: record };
    });
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    throw new DatasetFileError(file, e.lines, `not valid CSV (${e.message ?? String(err)}). Check the quotes and the number of columns on that line.`);
  }
}

function toDataset(file: string, records: RawRecord[], options: { idField?: string; labelField: string }): LocalDataset {
  const fieldPaths = fieldPathsOf(records.map((r) => r.data));

  const hasLabelField = records.some((r) => r.data[options.labelField] !== undefined);
  if (records.length > 0 && !hasLabelField) {
    throw new DatasetFileError(file, undefined, `no row has the label field "${options.labelField}". Fields: ${fieldPaths.filter((f) => !f.includes('.')).join(', ')}. Set \`label:\` in the front matter to one of them.`);
  }
  const idField = options.idField ?? (records.length > 0 && records.every((r) => r.data.id !== undefined && r.data.id !== null) ? 'id' : undefined);
  const rows: DatasetRow[] = [];
  const labels = new Map<string, number>();
  const lineOfId = new Map<string, number>();
  let labelled = 0;
  for (const r of records) {
    let id: string;
    if (idField) {
      const value = r.data[idField];
      if (value === undefined || value === null || String(value).trim() === '') {
        throw new DatasetFileError(file, r.line, `this row has no id in "${idField}". Give every row an id, or remove \`id:\` from the front matter to use line numbers.`);
      }
      id = String(value).trim();
    } else {
      id = String(r.line);
    }
    const previous = lineOfId.get(id);
    if (previous !== undefined) {
      throw new DatasetFileError(file, r.line, `id "${id}" is already used on line ${previous}. Ids must be unique.`);
    }
    lineOfId.set(id, r.line);
    const raw = r.data[options.labelField];
    const label = raw === undefined || raw === null ? '' : (typeof raw === 'string' ? raw : JSON.stringify(raw)).trim();
    const humanLabel = label.length > 0 ? label : null;
    if (humanLabel !== null) {
      labelled++;
      labels.set(humanLabel, (labels.get(humanLabel) ?? 0) + 1);
    }
    rows.push({ id, line: r.line, data: r.data, humanLabel });
  }
  return { file, rows, fieldPaths, labelled, unlabelled: rows.length - labelled, labels };
}
