import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonlReader } from '../../../../src/core/sources/files/jsonlReader';
import type { RawRecord } from '../../../../src/core/sources/files/recordReader';
import { jsonl, withTempCache } from './helpers';

async function readAll(file: string): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const chunk of jsonlReader(file).chunks()) out.push(...chunk);
  return out;
}

describe('jsonlReader', () => {
  it('keeps multi-byte characters that a read chunk cuts in two', async () => {
    await withTempCache(async ({ write }) => {
      // 3 bytes per character, so one of them straddles the 1 MiB chunk edge whatever the line starts with.
      const long = '€'.repeat(700_000);
      const file = write('data.jsonl', jsonl([{ id: 1, text: 'é' }, { id: 2, text: long }, { id: 3, text: 'ü' }]));
      const records = await readAll(file);
      assert.deepEqual(
        records.map((r) => [r.position, r.data?.id]),
        [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
      );
      assert.equal(records[1]!.data!.text, long);
      assert.equal(records[2]!.data!.text, 'ü');
    });
  });
});
