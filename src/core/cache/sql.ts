import type { Db, Row, SqlValue } from './driver';

export type { Row, SqlValue } from './driver';

export function all(db: Db, sql: string, params?: readonly SqlValue[]): Row[] {
  return db.all(sql, params);
}

export function one(db: Db, sql: string, params?: readonly SqlValue[]): Row | undefined {
  return db.all(sql, params)[0];
}

export function scalar(db: Db, sql: string, params?: readonly SqlValue[]): SqlValue | undefined {
  const row = one(db, sql, params);
  return row ? Object.values(row)[0] : undefined;
}

export function lastId(db: Db): number {
  return db.lastInsertRowid();
}

export const str = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
export const num = (v: SqlValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));

export function json<T>(v: SqlValue | undefined, fallback: T): T {
  if (typeof v !== 'string') return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}

export const now = (): string => new Date().toISOString();

const encoder = new TextEncoder();
/** Shorter strings cost more to encode separately than sql.js's own copy does. */
const ENCODE_FROM = 64;

/**
 * A value for a `CAST(? AS TEXT)` placeholder. sql.js copies a string parameter into SQLite with a JS loop over its
 * characters (once to measure, once to encode), which was most of a bulk import's time; UTF-8 bytes from TextEncoder go
 * in with one memcpy, and the CAST stores them as the very TEXT the string would have been.
 */
export function textParam(value: string | null): string | Uint8Array | null {
  return value !== null && value.length >= ENCODE_FROM ? encoder.encode(value) : value;
}
