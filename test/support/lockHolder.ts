import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { after } from 'node:test';

export interface LockHolder {
  readonly pid: number;
  /** Resolves once the child has the lock. */
  readonly held: Promise<void>;
  /** Lets the lock go (the child releases it and exits); resolves when the child is gone. */
  release(): Promise<void>;
}

/** Another process holding the cache's write lock (test/support/lockHolderChild.ts), stopped when the test file ends. */
export function holdLock(cacheFile: string): LockHolder {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'lockHolderChild.ts'), cacheFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const held = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('held\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before taking the lock`)));
  });
  held.catch(() => undefined);
  after(() => {
    if (child.exitCode === null) child.kill();
  });
  return {
    pid: child.pid!,
    held,
    release: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}
