// A child process that writes batches to a cache forever, printing each committed row count, until killed.
// Used by the SIGKILL test: whatever moment the kill lands, the file must hold one of the printed counts.
import { Cache } from '../../src/core/cache/cache';

async function main(): Promise<void> {
  const [file, startArg] = process.argv.slice(2);
  const cache = await Cache.open(file!);
  let n = Number(startArg ?? 0);
  const filler = 'x'.repeat(2_000);
  for (;;) {
    const batch = 300;
    await cache.write((repos) => {
      const ds = repos.datasets.ensure('kill-test');
      repos.examples.upsertMany(
        ds,
        Array.from({ length: batch }, (_, i) => ({ externalId: `row-${n + i}`, input: filler, output: String(n + i), fields: { i: n + i } })),
      );
    });
    n += batch;
    process.stdout.write(`${n}\n`);
  }
}

void main();
