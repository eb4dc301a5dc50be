import * as path from 'node:path';
import { fieldPathsOf } from '../fieldPath';
import { csvReader } from '../sources/files/csvReader';
import { FileFormatError } from '../sources/files/fileImportErrors';
import { jsonlReader } from '../sources/files/jsonlReader';
import type { RecordReader } from '../sources/files/recordReader';
import { countLabels } from './labelCounts';

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
  return toDataset(file, await readDatasetFile(file), options);
}

/** Every record of a prompt's .jsonl/.csv dataset, read as a prompt's load reads it (the New Judge Prompt wizard looks at them). */
export async function readDatasetFile(file: string): Promise<DatasetRecord[]> {
  const ext = path.extname(file).toLowerCase();
  if (!SUPPORTED.includes(ext)) {
    throw new FileFormatError(file, undefined, `unsupported file type "${ext || '(none)'}". Prompt datasets can be ${SUPPORTED.join(' or ')} files; import other formats into the cache first.`);
  }
  return readRecords(file, ext === '.jsonl' ? jsonlReader(file) : csvReader(file));
}

export interface DatasetRecord {
  readonly line: number;
  readonly data: Record<string, unknown>;
}

/**
 * Every record, through the same streaming readers a file import uses (so a line means the same in both); the
 * first line a reader could not read stops the load, since a run over part of a dataset would mislead.
 */
async function readRecords(file: string, reader: RecordReader): Promise<DatasetRecord[]> {
  const out: DatasetRecord[] = [];
  try {
    for await (const chunk of reader.chunks()) {
      for (const r of chunk) {
        if (r.data === undefined) throw new FileFormatError(file, { unit: 'line', n: r.position }, `${r.problem} Fix or remove that line.`);
        out.push({ line: r.position, data: r.data });
      }
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof FileFormatError || typeof code !== 'string') throw err;
    if (code === 'ENOENT') throw new FileFormatError(file, undefined, 'no such file. Check the dataset path in the front matter (it is relative to the prompt file).');
    throw new FileFormatError(file, undefined, `cannot be read (${code}). Check that the file is there and readable, then run again.`);
  }
  return out;
}

function toDataset(file: string, records: DatasetRecord[], options: { idField?: string; labelField: string }): LocalDataset {
  const fieldPaths = fieldPathsOf(records.map((r) => r.data));

  const hasLabelField = records.some((r) => r.data[options.labelField] !== undefined);
  if (records.length > 0 && !hasLabelField) {
    throw new FileFormatError(
      file,
      undefined,
      `no row has the label field "${options.labelField}". Fields: ${fieldPaths.filter((f) => !f.includes('.')).join(', ')}. Set \`label:\` in the front matter to one of them.`,
      options.labelField,
    );
  }
  // Without `id:`, a field named "id" is the row id when rows have one. Some rows with it and some without is a
  // mistake, not a reason to number every row by line (that would move rows between dev and test): say where.
  const hasId = (r: DatasetRecord) => r.data.id !== undefined && r.data.id !== null && String(r.data.id).trim() !== '';
  const withId = records.filter(hasId).length;
  if (!options.idField && withId > 0 && withId < records.length) {
    const missing = records.find((r) => !hasId(r))!;
    throw new FileFormatError(
      file,
      { unit: 'line', n: missing.line },
      `this row has no "id" while ${withId} other row${withId === 1 ? ' has' : 's have'} one. Give it an id (rows are matched and split by id), or set \`id:\` in the front matter to another field.`,
      'id',
    );
  }
  const idField = options.idField ?? (records.length > 0 && withId === records.length ? 'id' : undefined);
  const rows: DatasetRow[] = [];
  const lineOfId = new Map<string, number>();
  for (const r of records) {
    let id: string;
    if (idField) {
      const value = r.data[idField];
      if (value === undefined || value === null || String(value).trim() === '') {
        throw new FileFormatError(
          file,
          { unit: 'line', n: r.line },
          `this row has no id in "${idField}". Give every row an id, or remove \`id:\` from the front matter to use line numbers.`,
          idField,
        );
      }
      id = String(value).trim();
    } else {
      id = String(r.line);
    }
    const previous = lineOfId.get(id);
    if (previous !== undefined) {
      throw new FileFormatError(file, { unit: 'line', n: r.line }, `id "${id}" is already used on line ${previous}. Ids must be unique.`, idField);
    }
    lineOfId.set(id, r.line);
    rows.push({ id, line: r.line, data: r.data, humanLabel: humanLabelText(r.data[options.labelField]) });
  }
  return { file, rows, fieldPaths, ...countLabels(rows.map((r) => r.humanLabel)) };
}

/** A label field's value as a human label: trimmed text (other values as JSON), null when empty or missing. */
export function humanLabelText(raw: unknown): string | null {
  const label = raw === undefined || raw === null ? '' : (typeof raw === 'string' ? raw : JSON.stringify(raw)).trim();
  return label.length > 0 ? label : null;
}
