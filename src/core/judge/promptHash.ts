import { createHash } from 'node:crypto';

/** Identifies a prompt version: the exact file text, front matter included. */
export function promptHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}
