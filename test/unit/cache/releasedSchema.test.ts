import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import type { DriverName } from '../../../src/core/cache/driver';
import { SCHEMA_VERSION } from '../../../src/core/cache/migrations';
import { driverUnderTest } from '../../support/driver';
import { tempDir } from '../../support/tempDir';

/**
 * A cache judge-align 0.1.0 wrote (sql.js, schema 3): a file source, 30 examples with HUMAN labels, a label config,
 * a completed run whose verdicts refer to their cached responses, one verdict with an error. See NOTICE.
 */
const RELEASED = path.join(__dirname, '..', '..', 'fixtures', 'caches', 'schema-3-0.1.0.sqlite');

function copy(): string {
  const file = path.join(tempDir(), 'cache.sqlite');
  fs.copyFileSync(RELEASED, file);
  return file;
}

function contents(cache: Cache) {
  return cache.read((r) => {
    const ds = r.datasets.get('halueval')!;
    const run = r.runs.latestForPrompt('/w/h.judge.md')!;
    const verdicts = r.verdicts.listForRun(run.id);
    return {
      examples: r.examples.count(ds.id),
      fields: r.examples.get(ds.id, 'row-3')!.fields,
      input: r.examples.get(ds.id, 'row-3')!.input,
      labels: r.annotations.latestHumanLabels(ds.id, 'hallucination').size,
      note: r.annotations.listForDataset(ds.id, 'hallucination').find((a) => a.note)?.note,
      config: r.labelConfigs.get('halueval', 'hallucination')?.labels,
      run: [run.status, run.model, run.totals],
      verdicts: verdicts.length,
      joined: verdicts.find((v) => v.exampleId === 'row-4')!.raw,
      error: verdicts.find((v) => v.exampleId === 'row-7')!.error,
      responses: r.responses.getMany(['k1', 'k29']).size,
    };
  });
}

const EXPECTED = {
  examples: 30,
  fields: { topic: 'science', n: 3 },
  input: 'question 3 é✓',
  labels: 30,
  note: 'unsure',
  config: ['yes', 'no'],
  run: ['completed', 'gpt-4o-mini', { agreement: 0.5 }],
  verdicts: 30,
  joined: '{"label":"yes"}',
  error: 'http: 500',
  responses: 2,
};

describe(`a cache written by the released version (${driverUnderTest})`, () => {
  test('opens with every row, takes new writes, and the other driver reads them', async () => {
    const file = copy();
    const cache = await Cache.open(file);
    assert.equal(cache.driver, driverUnderTest);
    assert.deepEqual(contents(cache), EXPECTED);
    assert.equal(cache.read((r) => r.stats().runs), 1);
    await cache.write((r) => {
      const ds = r.datasets.get('halueval')!;
      const id = r.examples.get(ds.id, 'row-0')!.id;
      r.annotations.upsert({ exampleId: id, name: 'hallucination', label: 'yes', annotatorKind: 'HUMAN', author: 'ana' });
    });
    cache.close();
    const others: DriverName[] = ['sqljs', ...(process.versions.sqlite ? ['node' as const] : [])];
    for (const driver of others) {
      const again = await Cache.open(file, { driver, readonly: true });
      assert.equal(
        again.read((r) => r.annotations.latestHumanLabels(r.datasets.get('halueval')!.id, 'hallucination').get('row-0')),
        'yes',
        `read with ${driver}`,
      );
      assert.deepEqual({ ...contents(again), labels: 30 }, EXPECTED);
      again.close();
    }
  });

  test('a read-only open leaves the file byte for byte', async () => {
    const file = copy();
    const cache = await Cache.open(file, { readonly: true });
    assert.deepEqual(contents(cache), EXPECTED);
    cache.close();
    assert.deepEqual(fs.readFileSync(file), fs.readFileSync(RELEASED));
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['cache.sqlite']);
  });

  test(`its schema is the current one (${SCHEMA_VERSION}): a newer schema needs a fixture of its own here`, () => {
    const header = fs.readFileSync(RELEASED).subarray(60, 64);
    assert.equal(header.readUInt32BE(0), SCHEMA_VERSION);
  });
});
