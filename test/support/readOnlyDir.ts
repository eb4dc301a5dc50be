import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';

export interface ReadOnlyDir {
  readonly dir: string;
  /** Read-only from now on (EROFS as root on a tmpfs of its own, EACCES for others), or writable again. */
  setReadOnly(readOnly: boolean): void;
}

/**
 * A folder that a test can make read-only while a run uses it. Root ignores file modes, so for root it is a tmpfs
 * mounted there and remounted read-only (a real EROFS); for others a chmod (EACCES). Undefined where neither works
 * (Windows, or root without the right to mount): skip the test then.
 */
export function readOnlyDir(): ReadOnlyDir | undefined {
  if (process.platform === 'win32') return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-ro-'));
  if (process.getuid?.() !== 0) {
    after(() => {
      fs.chmodSync(dir, 0o755);
      fs.rmSync(dir, { recursive: true, force: true });
    });
    return { dir, setReadOnly: (ro) => fs.chmodSync(dir, ro ? 0o555 : 0o755) };
  }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  after(() => {
    execFileSync('umount', [dir], { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir, setReadOnly: (ro) => execFileSync('mount', ['-o', `remount,${ro ? 'ro' : 'rw'}`, dir], { stdio: 'ignore' }) };
}
