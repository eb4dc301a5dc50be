import * as crypto from 'node:crypto';

/** An example's stored text as UTF-8, the form SQLite and the hash both take. */
export interface EncodedContent {
  readonly input: Uint8Array | null;
  readonly output: Uint8Array | null;
  readonly fieldsJson: Uint8Array;
  readonly link: string | null;
}

/** An example ready to store: text encoded, hash computed (for imports, off the main thread). */
export interface EncodedExample extends EncodedContent {
  readonly externalId: string;
  readonly hash: string;
}

/** Encoded examples column by column: entry i of each array is row i (no object per row for the collector). */
export interface EncodedColumns {
  readonly externalIds: readonly string[];
  readonly inputs: readonly (Uint8Array | null)[];
  readonly outputs: readonly (Uint8Array | null)[];
  readonly fieldsJsons: readonly Uint8Array[];
  readonly links: readonly (string | null)[];
  readonly hashes: readonly string[];
}

export function columnsOf(rows: readonly EncodedExample[]): EncodedColumns {
  return {
    externalIds: rows.map((r) => r.externalId),
    inputs: rows.map((r) => r.input),
    outputs: rows.map((r) => r.output),
    fieldsJsons: rows.map((r) => r.fieldsJson),
    links: rows.map((r) => r.link),
    hashes: rows.map((r) => r.hash),
  };
}

export interface ExampleText {
  readonly externalId: string;
  readonly input: string | null;
  readonly output: string | null;
  readonly fields: Record<string, unknown>;
  readonly link?: string | null;
}

/** Marks the current scheme; a hash without it was written by the legacy one, see `legacyContentHash`. */
export const CONTENT_HASH_PREFIX = 'v2:';

const decoder = new TextDecoder();

// One-shot hashing (Node 20.12+) skips a Hash object per row; the digest is the same.
const sha1 = (bytes: Uint8Array): string =>
  typeof crypto.hash === 'function' ? crypto.hash('sha1', bytes, 'hex') : crypto.createHash('sha1').update(bytes).digest('hex');

/** Room for the texts of about a thousand typical rows. */
const ARENA_BYTES = 1 << 20;
const PARTS = 4;
/** A record starts with its texts' byte lengths (-1 for null) as little-endian int32s. */
export const RECORD_HEADER_BYTES = 4 * PARTS;

/**
 * Encodes rows into shared buffers, one allocation per megabyte: a buffer (or even a view) per text made the garbage
 * collector the largest single cost of an import. A row's record stays in one piece, so its hash is one call.
 */
export class Utf8Arena {
  /** The buffer the last record went to (a new one whenever a record did not fit the one before). */
  buffer: Buffer = Buffer.alloc(0);
  /** The byte lengths of the last record's texts, -1 for null. */
  readonly lengths = new Int32Array(PARTS);
  private used = 0;

  /** Where the last record ends. */
  get end(): number {
    return this.used;
  }

  /** Writes a record of an example's stored texts; returns where it starts in `buffer`. */
  write(input: string | null, output: string | null, fieldsJson: string, link: string | null): number {
    const most = RECORD_HEADER_BYTES + 3 * ((input?.length ?? 0) + (output?.length ?? 0) + fieldsJson.length + (link?.length ?? 0));
    if (this.buffer.length - this.used < most) {
      // Unpooled: the buffer is the whole ArrayBuffer, so it can be handed to another thread.
      this.buffer = Buffer.allocUnsafeSlow(Math.max(ARENA_BYTES, most));
      this.used = 0;
    }
    const start = this.used;
    this.used += RECORD_HEADER_BYTES;
    this.put(0, start, input);
    this.put(1, start, output);
    this.put(2, start, fieldsJson);
    this.put(3, start, link);
    return start;
  }

  private put(i: number, start: number, text: string | null): void {
    const length = text === null ? -1 : this.buffer.write(text, this.used, 'utf8');
    this.lengths[i] = length;
    this.buffer.writeInt32LE(length, start + 4 * i);
    if (length > 0) this.used += length;
  }
}

/**
 * The content hash of a record (see Utf8Arena.write): SHA-1 over the stored bytes after their lengths, so no two
 * contents share an input. Hashing the bytes already encoded replaces JSON-escaping every text a second time, which
 * had cost an import three times as much as the hashing itself.
 */
export function hashRecord(record: Uint8Array): string {
  return CONTENT_HASH_PREFIX + sha1(record);
}

/** Writes an example's record into `arena` (see Utf8Arena.write); returns where it starts and its content hash. */
export function writeRecord(example: ExampleText, arena: Utf8Arena): { start: number; hash: string } {
  const start = arena.write(example.input, example.output, JSON.stringify(example.fields ?? {}), example.link ?? null);
  return { start, hash: hashRecord(arena.buffer.subarray(start, arena.end)) };
}

export function encodeExample(example: ExampleText, arena: Utf8Arena): EncodedExample {
  const { start, hash } = writeRecord(example, arena);
  const { buffer, lengths } = arena;
  let at = start + RECORD_HEADER_BYTES;
  const part = (i: number) => {
    const length = lengths[i]!;
    if (length < 0) return null;
    at += length;
    return buffer.subarray(at - length, at);
  };
  const input = part(0);
  const output = part(1);
  const fieldsJson = part(2)!;
  return { externalId: example.externalId, input, output, fieldsJson, link: example.link ?? null, hash };
}

/** The hash caches written before `encodeExample`'s hold; kept so those rows still compare as unchanged. */
export function legacyContentHash(content: EncodedContent): string {
  const text = (value: Uint8Array | null) => (value === null ? null : decoder.decode(value));
  const json = JSON.stringify([text(content.input), text(content.output), decoder.decode(content.fieldsJson), content.link]);
  return crypto.createHash('sha1').update(json).digest('hex');
}

/** Whether `stored` (either scheme) is the hash of `content`, whose current-scheme hash is `hash`. */
export function sameContent(stored: string, hash: string, content: EncodedContent): boolean {
  if (stored.startsWith(CONTENT_HASH_PREFIX)) return stored === hash;
  return stored === legacyContentHash(content);
}
