import { createHash } from 'node:crypto';

/** Share of examples in the dev split unless a prompt or setting says otherwise. */
export const DEFAULT_DEV_RATIO = 0.7;

/**
 * The split of an example depends on its id alone (sha256 → [0, 1)), so it is the same on every machine,
 * in every run, whatever the row order, and adding rows never moves an example.
 */
export function splitOf(exampleId: string, devRatio: number = DEFAULT_DEV_RATIO): 'dev' | 'test' {
  const digest = createHash('sha256').update(exampleId, 'utf8').digest();
  const unit = digest.readUInt32BE(0) / 0x1_0000_0000;
  return unit < devRatio ? 'dev' : 'test';
}
