import type { z } from 'zod';
import { PullCancelledError, SourceAuthError, SourceHttpError, SourcePayloadError, type SourceKind } from './http';

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

/**
 * Runs a call of an official client. Our fetch underneath throws the errors a person can act on; they pass through
 * as they are, also when a client wraps them (LangSmith's generated API makes them a connection error's cause). A body
 * that is not JSON reaches us as a SyntaxError from the client: that is a malformed payload.
 */
export async function throughClient<T>(kind: SourceKind, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    for (const err of [e, e instanceof Error ? e.cause : undefined]) {
      if (err instanceof SourceAuthError || err instanceof SourceHttpError || err instanceof SourcePayloadError || err instanceof PullCancelledError) throw err;
      if (err instanceof SyntaxError) throw new SourcePayloadError(kind, 'response', `the body is not JSON (${err.message})`);
    }
    throw e;
  }
}
