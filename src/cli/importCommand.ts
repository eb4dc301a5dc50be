import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCommandArgs } from './args';
import { Cache } from '../core/cache/cache';
import { formatCount } from '../core/format';
import type { ColumnMapping } from '../core/sources/files/columnMapping';
import { BadRowError, FileFormatError, ImportCancelledError, UnknownColumnError } from '../core/sources/files/fileImportErrors';
import { importFile, type ImportResult } from '../core/sources/files/importFile';
import { findCachePath } from './cachePath';
import { cancelOnSignals } from './cancellation';
import { ExitCode, UsageError } from './exitCodes';

export interface ImportArgs {
  readonly file: string;
  readonly dataset: string;
  readonly mapping: ColumnMapping;
  readonly skipBadRows: boolean;
  readonly cache?: string;
  readonly json: boolean;
}

export function parseImportArgs(args: string[]): ImportArgs {
  const parsed = parseCommandArgs('import', args, {
    dataset: { type: 'string' },
    id: { type: 'string' },
    input: { type: 'string' },
    output: { type: 'string' },
    label: { type: 'string' },
    'label-name': { type: 'string' },
    explanation: { type: 'string' },
    author: { type: 'string' },
    'skip-bad-rows': { type: 'boolean', default: false },
    cache: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('import takes one file: judge-align import <file> --dataset NAME [--id COL] [--input COL] [--output COL] [--label COL]');
  const file = positionals[0]!;
  const dataset = text(values.dataset, '--dataset');
  if (dataset === undefined) {
    const suggestion = path.basename(file).replace(/\.[^.]+$/, '') || 'my-dataset';
    throw new UsageError(`import needs --dataset NAME: the cache dataset a prompt's \`dataset:\` will name (for example --dataset ${suggestion}).`);
  }
  const mapping: ColumnMapping = {
    ...optional('id', text(values.id, '--id')),
    ...optional('input', text(values.input, '--input')),
    ...optional('output', text(values.output, '--output')),
    ...optional('label', text(values.label, '--label')),
    ...optional('labelName', text(values['label-name'], '--label-name')),
    ...optional('explanation', text(values.explanation, '--explanation')),
    ...optional('author', text(values.author, '--author')),
  };
  if (mapping.labelName !== undefined && mapping.label === undefined) throw new UsageError('--label-name names the annotation a --label column is saved under: add --label COL.');
  if (mapping.explanation !== undefined && mapping.label === undefined) throw new UsageError('--explanation goes with a human label: add --label COL.');
  return {
    file,
    dataset,
    mapping,
    skipBadRows: values['skip-bad-rows'] === true,
    ...(typeof values.cache === 'string' ? { cache: values.cache } : {}),
    json: values.json === true,
  };
}

function text(value: string | boolean | undefined, flag: string): string | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const trimmed = value.trim();
  if (trimmed === '') throw new UsageError(`${flag} needs a value.`);
  return trimmed;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: string });
}

/**
 * `judge-align import`: streams the file into the cache. Exit codes: 0 imported, 2 a problem with the file or the
 * mapping (the message names the file and line), 3 the cache could not be written, 130 cancelled (Ctrl+C); batches
 * saved before a stop stay, and running the same command again adds only what is missing.
 */
export async function importCommand(args: ImportArgs, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const filePath = path.resolve(args.file);
  if (!fs.existsSync(filePath)) throw new UsageError(`No such file: ${filePath}. Check the path (it is relative to the current folder).`);
  if (fs.statSync(filePath).isDirectory()) throw new UsageError(`${filePath} is a folder: give the .jsonl, .csv or .parquet file in it.`);
  const cacheFile = args.cache ? path.resolve(args.cache) : findCachePath(undefined);
  const cache = await Cache.open(cacheFile);
  const cancel = cancelOnSignals({ onCancel: () => err.write('\nCancelling: rows already saved are kept; run the same command again to finish.\n') });
  const tty = !args.json && (err as NodeJS.WriteStream).isTTY === true;
  let lastDraw = 0;
  try {
    const result = await importFile(cache, args.file, args.mapping, {
      datasetName: args.dataset,
      signal: cancel.signal,
      badRows: args.skipBadRows ? 'skip' : 'abort',
      onProgress: (p) => {
        const now = Date.now();
        if (!tty || now - lastDraw < 100) return;
        lastDraw = now;
        err.write(`\r  ${Math.round(p.fraction * 100)}%  ${formatCount(p.rows, 'row')} read, ${p.saved.toLocaleString('en-US')} saved`);
      },
    });
    if (tty) err.write('\r\x1b[K');
    if (args.json) out.write(JSON.stringify({ file: filePath, cache: cacheFile, ...result }, null, 2) + '\n');
    else out.write(summary(args.file, result, cacheFile));
    return ExitCode.Ok;
  } catch (e) {
    if (tty) err.write('\r\x1b[K');
    if (e instanceof ImportCancelledError) {
      err.write(`judge-align: ${e.message}\n`);
      return ExitCode.Cancelled;
    }
    if (e instanceof BadRowError || e instanceof FileFormatError || e instanceof UnknownColumnError) {
      err.write(`judge-align: ${e.message}${e instanceof BadRowError ? ' (--skip-bad-rows)' : ''}\n`);
      return ExitCode.Usage;
    }
    throw e;
  } finally {
    cancel.dispose();
    cache.close();
  }
}

function summary(file: string, r: ImportResult, cacheFile: string): string {
  const lines = [
    `Imported ${file} into dataset "${r.datasetName}": ${formatCount(r.rows, 'row')} (${r.inserted} new, ${r.updated} changed, ${r.unchanged} unchanged), ` +
      `${formatCount(r.annotations, 'human label')} added or changed.`,
    `  ids from ${r.idColumn === undefined ? 'line/row numbers' : `column "${r.idColumn}"`}; cache ${cacheFile}`,
  ];
  if (r.rows === 0 && r.skipped === 0) lines.push('  The file has no rows.');
  if (r.skipped > 0) {
    lines.push(`  ${r.skipped} bad rows skipped:`);
    for (const s of r.skippedRows.slice(0, 20)) lines.push(`    ${file}:${s.unit === 'line' ? s.position : `row ${s.position}`}: ${s.problem}`);
    if (r.skipped > 20) lines.push(`    …and ${r.skipped - 20} more (use --json to list the first ${r.skippedRows.length}).`);
  }
  return lines.join('\n') + '\n';
}
