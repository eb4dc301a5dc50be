// A child process that takes a cache's write lock and holds it until its stdin closes (or it is killed), so that
// tests can see what a run does when another process keeps the cache busy. Prints "held" once it has the lock.
// Usage: node --import tsx lockHolderChild.ts <cache file>
import { acquireLock } from '../../src/core/cache/lock';

async function main(): Promise<void> {
  const [file] = process.argv.slice(2);
  if (!file) throw new Error('usage: lockHolderChild.ts <cache file>');
  const release = await acquireLock(file, { timeoutMs: 30_000, purpose: 'holding the lock for a test' });
  process.stdout.write('held\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    release();
    process.exit(0);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
