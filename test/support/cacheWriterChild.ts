// A child process that writes batches to a cache forever, printing each committed row count, until killed.
// Used by the SIGKILL test: whatever moment the kill lands, the file must hold one of the printed counts.
// Usage: node --import tsx cacheWriterChild.ts <cache file> <rows already there>
import { Cache } from '../../src/core/cache/cache';

const BATCH = 300;

async function main(): Promise<void> {
  const [file, startArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: cacheWriterChild.ts <cache file> <rows already there>');
  const cache = await Cache.open(file, { lockTimeoutMs: 30_000 });
  let n = Number(startArg ?? 0);
  // Ballast makes every save (export, temp write, fsync, rename) most of a write, so that kills land inside it.
  await cache.write((repos) => {
    if (repos.datasets.get('ballast')) return;
    const ds = repos.datasets.ensure('ballast');
    repos.examples.upsertMany(ds, Array.from({ length: 15 }, (_, i) => ({ externalId: `b${i}`, input: `${i}`.repeat(200_000), output: null, fields: {} })));
  });
  const filler = 'x'.repeat(2_000);
  for (;;) {
    await cache.write((repos) => {
      const ds = repos.datasets.ensure('kill-test');
      repos.examples.upsertMany(
        ds,
        Array.from({ length: BATCH }, (_, i) => ({ externalId: `row-${n + i}`, input: filler, output: String(n + i), fields: { i: n + i } })),
      );
    });
    n += BATCH;
    process.stdout.write(`${n}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
