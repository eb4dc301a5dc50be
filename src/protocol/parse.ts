import type * as z from 'zod/mini';

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

/** safeParse with the issues joined into one sentence a log or an error bar can show. */
export function parseWith<T>(schema: z.ZodMiniType<T>, data: unknown): ParseResult<T> {
  const r = schema.safeParse(data);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ') };
}
