import * as fs from 'node:fs';
import { parse, type CsvError, type Info } from 'csv-parse';
import { FileFormatError } from './fileImportErrors';
import type { RawRecord, RecordReader } from './recordReader';

const CHUNK_RECORDS = 1_000;

/**
 * CSV (or TSV) with a header row, streamed through csv-parse. Values stay strings. A record is reported at the line
 * it starts on, even when quoted values hold newlines; a UTF-8 BOM is dropped; there is no limit on a field's size.
 * Structural errors (an unclosed quote, a row with more cells than the header) stop the read: the rows after it
 * cannot be trusted to line up.
 */
export function csvReader(file: string, options: { delimiter?: string } = {}): RecordReader {
  let size = 0;
  let header: string[] | undefined;
  let bytesRead = 0;
  return {
    unit: 'line',
    columns: () => header,
    progress: () => (size === 0 ? 0 : Math.min(1, bytesRead / size)),
    async *chunks(signal?: AbortSignal) {
      size = (await fs.promises.stat(file)).size;
      const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
      const parser = parse({
        bom: true,
        info: true,
        skip_empty_lines: true,
        delimiter: options.delimiter ?? ',',
        columns: (names: string[]) => {
          header = checkHeader(file, names);
          return header;
        },
      });
      stream.on('error', (err) => parser.destroy(err));
      stream.pipe(parser);
      // csv-parse counts a CRLF inside a quoted value as two lines; this undoes that so later records stay right.
      let extraLines = 0;
      let out: RawRecord[] = [];
      try {
        for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: Info }>) {
          let breaks = 0;
          for (const value of Object.values(item.record)) {
            if (value.length === 0) continue;
            for (let i = value.indexOf('\r'); i !== -1; i = value.indexOf('\r', i + 1)) {
              if (value.charCodeAt(i + 1) === 10) extraLines++;
              else breaks++;
            }
            for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) breaks++;
          }
          out.push({ position: item.info.lines - extraLines - breaks, data: item.record });
          if (out.length >= CHUNK_RECORDS) {
            bytesRead = stream.bytesRead;
            if (signal?.aborted) return;
            const ready = out;
            out = [];
            yield ready;
          }
        }
      } catch (err) {
        if (err instanceof FileFormatError) throw err;
        const e = err as Partial<CsvError> & { lines?: number; code?: string };
        if (typeof e.code === 'string' && e.code.startsWith('ENO')) throw new FileFormatError(file, undefined, `cannot be read (${e.code}).`);
        const line = typeof e.lines === 'number' ? Math.max(1, e.lines - extraLines) : undefined;
        throw new FileFormatError(
          file,
          line === undefined ? undefined : { unit: 'line', n: line },
          `not valid CSV (${(e.message ?? String(err)).replace(/ (at|on) line \d+/, '')}). Check the quotes and the number of cells on that line; nothing from there on was read.`,
        );
      } finally {
        stream.destroy();
        parser.destroy();
      }
      bytesRead = size;
      if (out.length > 0) yield out;
    },
  };
}

function checkHeader(file: string, names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw, i) => {
    const name = raw.trim();
    if (name === '') throw new FileFormatError(file, { unit: 'line', n: 1 }, `column ${i + 1} of the header has no name. Give every column a name.`);
    if (seen.has(name)) throw new FileFormatError(file, { unit: 'line', n: 1 }, `the header names column "${name}" twice. Column names must be unique.`);
    seen.add(name);
    return name;
  });
}
