import { PassThrough } from 'node:stream';

/** Two writable streams for a CLI command, and what was written to each. */
export function captureStreams(): { out: PassThrough; err: PassThrough; text(): { stdout: string; stderr: string } } {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  return { out, err, text: () => ({ stdout, stderr }) };
}
