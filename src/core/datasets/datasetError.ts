/** A dataset file that cannot be read as it is; the message names the file and line and what to do. */
export class DatasetFileError extends Error {
  override readonly name = 'DatasetFileError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    problem: string,
  ) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
  }
}
