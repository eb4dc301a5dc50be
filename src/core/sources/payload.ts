import type { z } from 'zod';
import { SourcePayloadError, type SourceKind } from './http';

/**
 * Checks one answer against the part of the platform's API we rely on. A mismatch throws before anything from the
 * page is saved, and the message points at the first field that was off.
 */
export function checkPayload<T>(kind: SourceKind, schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new SourcePayloadError(kind, what, `${issue?.message ?? 'unexpected shape'}${where}`);
}
