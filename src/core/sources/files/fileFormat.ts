import * as path from 'node:path';
import { csvReader } from './csvReader';
import { FileFormatError } from './fileImportErrors';
import { jsonlReader } from './jsonlReader';
import { parquetReader } from './parquetReader';
import type { RecordReader } from './recordReader';

export type FileFormat = 'jsonl' | 'csv' | 'tsv' | 'parquet';

const EXTENSIONS: Record<string, FileFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.parquet': 'parquet',
};

export const IMPORTABLE_EXTENSIONS = Object.keys(EXTENSIONS).map((e) => e.slice(1));

export function formatOf(file: string): FileFormat {
  const ext = path.extname(file).toLowerCase();
  const format = EXTENSIONS[ext];
  if (!format) {
    throw new FileFormatError(file, undefined, `cannot import "${ext || '(no extension)'}" files. Import JSON Lines (.jsonl, .ndjson), CSV (.csv, .tsv) or Parquet (.parquet).`);
  }
  return format;
}

export function openRecordReader(file: string, format: FileFormat = formatOf(file)): RecordReader {
  switch (format) {
    case 'jsonl':
      return jsonlReader(file);
    case 'csv':
      return csvReader(file);
    case 'tsv':
      return csvReader(file, { delimiter: '\t' });
    case 'parquet':
      return parquetReader(file);
  }
}
