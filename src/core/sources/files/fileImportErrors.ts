import { formatCount } from '../../format';
/** Where in a file a problem is: a 1-based line (JSONL, CSV) or a 1-based row (Parquet, which has no lines). */
export interface FilePosition {
  readonly unit: 'line' | 'row';
  readonly n: number;
}

function at(file: string, position: FilePosition | undefined): string {
  if (position === undefined) return `${file}: `;
  return position.unit === 'line' ? `${file}:${position.n}: ` : `${file}: row ${position.n}: `;
}

/**
 * A file that cannot be read as it is (or at all): the one error for it, from the streaming readers here and from a
 * prompt's local dataset alike. It names the file, the line or row when there is one, the field when one is to
 * blame, and `problem` ends with what to do. A reader stops there: nothing after `position` was read.
 */
export class FileFormatError extends Error {
  override readonly name = 'FileFormatError';
  constructor(
    readonly file: string,
    readonly position: FilePosition | undefined,
    readonly problem: string,
    /** The column or field path the problem is about (a missing id, a label field no row has). */
    readonly field?: string,
  ) {
    super(`${at(file, position)}${problem}`);
  }
}

/** A column named in the mapping is in no row of the file; raised before anything is written. */
export class UnknownColumnError extends Error {
  override readonly name = 'UnknownColumnError';
  constructor(
    readonly file: string,
    readonly role: string,
    readonly column: string,
    readonly available: readonly string[],
  ) {
    const shown = available.length > 60 ? [...available.slice(0, 60), `… (${available.length - 60} more)`] : available;
    super(
      `${file}: there is no column "${column}" (mapped as the ${role}). Columns in the file: ${shown.join(', ') || '(none)'}. ` +
        'Map the ' + role + ' to one of them (nested JSON fields as dotted paths, e.g. metadata.topic). Nothing was imported.',
    );
  }
}

/**
 * The import stopped at a bad row. Rows before it were saved (and are not duplicated when the same file is imported
 * again), so the message says how many, where it stopped and what to do.
 */
export class BadRowError extends Error {
  override readonly name = 'BadRowError';
  constructor(
    readonly file: string,
    readonly position: FilePosition,
    readonly problem: string,
    readonly savedRows: number,
    readonly datasetName: string,
  ) {
    super(
      `${at(file, position)}${problem} The import stopped there: ` +
        (savedRows === 0 ? 'nothing was saved. ' : `the ${formatCount(savedRows, 'row')} before it ${savedRows === 1 ? 'is' : 'are'} saved in dataset "${datasetName}". `) +
        'Fix that ' + position.unit + ' and import again (rows already saved are not duplicated), or skip bad rows to import the rest and list them.',
    );
  }
}

/** Cancelled by the user: batches saved before the cancel stay in the cache. */
export class ImportCancelledError extends Error {
  override readonly name = 'ImportCancelledError';
  constructor(readonly savedRows: number) {
    super(`Import cancelled; ${savedRows} row${savedRows === 1 ? ' was' : 's were'} saved before it stopped. Import the file again to finish (saved rows are not duplicated).`);
  }
}
