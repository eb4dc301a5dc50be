import type { ColumnMapping } from './columnMapping';
import { FileFormatError, UnknownColumnError, type FilePosition } from './fileImportErrors';
import type { PreparedBatch } from './preparedBatch';
import type { PrepareOptions } from './prepareRows';

/** What the import worker is started with (its workerData). */
export interface WorkerStart {
  readonly file: string;
  readonly mapping: ColumnMapping;
  readonly options: Omit<PrepareOptions, 'signal'>;
}

/** Batches the worker may send before the importer has taken one: bounds the memory it runs ahead with. */
export const BATCHES_IN_FLIGHT = 4;

/** The importer's reply to each batch it takes: the worker may send one more. */
export const CREDIT = 'credit';

export type WorkerMessage = { readonly type: 'batch'; readonly batch: PreparedBatch } | { readonly type: 'done' } | { readonly type: 'error'; readonly error: SentError };

/** An error as it crosses threads; the file errors keep their class, so callers still tell them apart. */
export type SentError =
  | { readonly kind: 'unknownColumn'; readonly file: string; readonly role: string; readonly column: string; readonly available: readonly string[] }
  | { readonly kind: 'fileFormat'; readonly file: string; readonly position: FilePosition | undefined; readonly problem: string; readonly field: string | undefined }
  | { readonly kind: 'other'; readonly name: string; readonly message: string; readonly stack: string | undefined };

export function sendError(err: unknown): SentError {
  if (err instanceof UnknownColumnError) return { kind: 'unknownColumn', file: err.file, role: err.role, column: err.column, available: err.available };
  if (err instanceof FileFormatError) return { kind: 'fileFormat', file: err.file, position: err.position, problem: err.problem, field: err.field };
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind: 'other', name: e.name, message: e.message, stack: e.stack };
}

export function receiveError(sent: SentError): Error {
  switch (sent.kind) {
    case 'unknownColumn':
      return new UnknownColumnError(sent.file, sent.role, sent.column, sent.available);
    case 'fileFormat':
      return new FileFormatError(sent.file, sent.position, sent.problem, sent.field);
    case 'other': {
      const err = new Error(sent.message);
      err.name = sent.name;
      if (sent.stack !== undefined) err.stack = sent.stack;
      return err;
    }
  }
}
