// A child process that writes a cache in batches with the driver JUDGE_ALIGN_SQLITE_DRIVER names, and reads it back
// between writes, printing one JSON line per write: { batch, ok } or { batch, ok: false, name, message }, and
// { read: message } for a read that failed. Used by the mixed-driver test (test/unit/cache/mixedDrivers.test.ts).
// It writes `batches` batches (or until its stdin ends, with until-stdin-ends), then (with --until-kept) goes on until
// one write is kept after a refusal; a minute at most. --pause=MS waits that long between batches (long enough, a
// node:sqlite writer lets go of the file between them). MIXED_LOCK_TIMEOUT_MS sets how long a write waits (20 s).
// Usage: node --import tsx mixedWriterChild.ts <cache file> <tag> <batches|until-stdin-ends> [--until-kept] [--pause=MS]
import { Cache } from '../../src/core/cache/cache';

const ROWS = 40;

async function main(): Promise<void> {
  const [file, tag, batchesArg, ...flags] = process.argv.slice(2);
  if (!file || !tag || !batchesArg) throw new Error('usage: mixedWriterChild.ts <cache file> <tag> <batches|until-stdin-ends> [--until-kept] [--pause=MS]');
  const flag = flags.includes('--until-kept') ? '--until-kept' : undefined;
  const pauseMs = Number(flags.find((f) => f.startsWith('--pause='))?.slice('--pause='.length) ?? 0);
  const cache = await Cache.open(file, { lockTimeoutMs: Number(process.env.MIXED_LOCK_TIMEOUT_MS ?? 20_000) });
  const print = (line: object) => process.stdout.write(`${JSON.stringify({ driver: cache.driver, pid: process.pid, ...line })}\n`);
  print({ opened: true });
  let refused = false;
  const deadline = Date.now() + 60_000;
  let stopped = false;
  if (batchesArg === 'until-stdin-ends') {
    process.stdin.resume();
    process.stdin.on('end', () => (stopped = true));
  }
  const more = (batch: number) =>
    batchesArg === 'until-stdin-ends' ? !stopped && Date.now() < deadline : batch < Number(batchesArg) || (flag === '--until-kept' && refused && Date.now() < deadline);
  for (let batch = 0; more(batch); batch++) {
    try {
      await cache.write((r) => {
        const ds = r.datasets.ensure(tag);
        r.examples.upsertMany(ds, Array.from({ length: ROWS }, (_, i) => ({ externalId: `${tag}-${batch}-${i}`, input: `${tag} ${batch} ${i} `.repeat(50), output: null, fields: { batch } })));
      });
      print({ batch, ok: true });
      if (refused && flag === '--until-kept') break;
    } catch (err) {
      refused = true;
      print({ batch, ok: false, name: (err as Error).name, message: (err as Error).message });
      // The next try after the other process has had a turn.
      await new Promise((r) => setTimeout(r, 20));
    }
    // node:sqlite writes resolve without I/O: let the event loop run (stdin's end) between batches.
    await new Promise((r) => (pauseMs > 0 ? setTimeout(r, pauseMs) : setImmediate(r)));
    try {
      cache.read((r) => r.datasets.list());
    } catch (err) {
      print({ read: (err as Error).message });
    }
  }
  cache.close();
  print({ closed: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
