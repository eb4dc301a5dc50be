// A child process that keeps a cache busy until its stdin closes (or it is killed), so that tests can see what a run
// does when another process does. With sql.js it takes the cache's write lock; with node:sqlite (the driver the
// cache picks in this process, see JUDGE_ALIGN_SQLITE_DRIVER) it holds a write transaction open, registered as a WAL
// user as a node:sqlite cache is. Prints "held" once it holds it.
// Usage: node --import tsx lockHolderChild.ts <cache file>
import { Cache } from '../../src/core/cache/cache';
import { chooseDriver } from '../../src/core/cache/driverChoice';
import { acquireLock } from '../../src/core/cache/lock';
import { registerWalUser } from '../../src/core/cache/walUsers';

const PURPOSE = 'holding the lock for a test';

async function main(): Promise<void> {
  const [file] = process.argv.slice(2);
  if (!file) throw new Error('usage: lockHolderChild.ts <cache file>');
  const driver = chooseDriver();
  let release: () => void;
  if (driver.name === 'node') {
    (await Cache.open(file)).close(); // the file exists and has the schema
    const unregister = registerWalUser(file, PURPOSE);
    const db = new driver.module.DatabaseSync(file);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('BEGIN IMMEDIATE');
    release = () => {
      db.exec('ROLLBACK');
      db.close();
      unregister();
    };
  } else {
    release = await acquireLock(file, { timeoutMs: 30_000, purpose: PURPOSE });
  }
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
