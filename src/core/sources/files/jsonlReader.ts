import * as fs from 'node:fs';
import type { RawRecord, RecordReader } from './recordReader';
import { clipText } from '../../format';

/** Records handed on per chunk: small enough to bound memory, large enough that the async hops cost nothing. */
const CHUNK_RECORDS = 1_000;

/**
 * JSON Lines, one object per line, read as a stream (1 MiB at a time). Lines are cut at newline bytes and decoded one
 * by one: decoding a whole chunk makes it one string, two bytes a character as soon as any character is not Latin-1,
 * and every line sliced from it stays that wide, which doubled the time to split and parse. A line longer than a
 * chunk (a 10 MB field) is gathered from its pieces and decoded once. Blank lines are allowed; a UTF-8 BOM is dropped.
 */
export function jsonlReader(file: string): RecordReader {
  let size = 0;
  let bytesRead = 0;
  return {
    unit: 'line',
    columns: () => undefined,
    progress: () => (size === 0 ? 0 : Math.min(1, bytesRead / size)),
    async *chunks(signal?: AbortSignal) {
      size = (await fs.promises.stat(file)).size;
      const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
      let line = 0;
      let pieces: Buffer[] = [];
      let out: RawRecord[] = [];
      const take = (text: string) => {
        line++;
        const record = parseLine(text, line);
        if (record) out.push(record);
      };
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          if (signal?.aborted) return;
          bytesRead = stream.bytesRead;
          let start = 0;
          let newline = chunk.indexOf(NEWLINE);
          while (newline !== -1) {
            if (pieces.length > 0) {
              pieces.push(chunk.subarray(start, newline));
              take(Buffer.concat(pieces).toString('utf8'));
              pieces = [];
            } else {
              take(chunk.toString('utf8', start, newline));
            }
            start = newline + 1;
            newline = chunk.indexOf(NEWLINE, start);
            if (out.length >= CHUNK_RECORDS) {
              const ready = out;
              out = [];
              yield ready;
              if (signal?.aborted) return;
            }
          }
          if (start < chunk.length) pieces.push(chunk.subarray(start));
        }
        if (pieces.length > 0) take(Buffer.concat(pieces).toString('utf8'));
        bytesRead = size;
        if (out.length > 0) yield out;
      } finally {
        stream.destroy();
      }
    },
  };
}

const NEWLINE = 10;

function parseLine(raw: string, line: number): RawRecord | undefined {
  let text = raw;
  if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
  // Cheap test first: nearly every line starts with `{`, and trimming a 10 MB line would copy it.
  if (text.length === 0 || (text.charCodeAt(0) !== 123 && text.trim().length === 0)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const leading = text.length - text.trimStart().length;
    return { position: line, problem: `not valid JSON (${jsonProblem(err, leading)}).` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { position: line, problem: `each line must be one JSON object ({"column": value, ...}), not ${describe(value)}.` };
  }
  return { position: line, data: value as Record<string, unknown> };
}

/** V8 counts from the start of the text; people count columns from 1 in the editor. */
function jsonProblem(err: unknown, leading: number): string {
  const message = err instanceof Error ? err.message : String(err);
  const short = clipText(message, 200);
  return short.replace(/ in JSON at position (\d+)(?: \(line \d+ column \d+\))?/, (_m, pos: string) => ` at column ${Number(pos) + leading + 1}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
