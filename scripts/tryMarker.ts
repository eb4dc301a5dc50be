// try.sh's running.json: which try.sh owns the demo in a work folder, and where it listens. Claimed with the pid
// before anything is built or started (so a second try.sh during the first one's startup finds it), filled in with
// the URL once the port is chosen, and removed on exit. A marker whose pid is gone (a killed try.sh) is stale and
// taken over.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isAlive } from '../src/core/cache/processAlive';

export interface TryMarker {
  readonly pid: number;
  /** Null while the first try.sh is still building or starting code-server. */
  readonly url: string | null;
}

/** Whether pid is a live try.ts: alive, and (where /proc shows it) running try.ts, not a process that reused the pid. */
export function ownerAlive(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => path.basename(arg) === 'try.ts');
  } catch {
    return true; // No /proc (macOS): alive is all we can tell.
  }
}

function readMarker(file: string): TryMarker | null {
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<TryMarker>;
    return typeof m.pid === 'number' ? { pid: m.pid, url: typeof m.url === 'string' ? m.url : null } : null;
  } catch {
    return null;
  }
}

/** Writes the whole file under a temporary name first, so a reader never sees half of it. */
function tempWith(file: string, marker: TryMarker): string {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(marker));
  return tmp;
}

/**
 * Claims the work folder for this process, or returns the live try.sh that holds it. Atomic: the marker appears by
 * a hard link, which fails when one exists, so of two try.sh started together exactly one wins.
 */
export function claimMarker(file: string, alive: (pid: number) => boolean = ownerAlive): { claimed: true } | { claimed: false; owner: TryMarker } {
  for (let attempt = 0; attempt < 5; attempt++) {
    const tmp = tempWith(file, { pid: process.pid, url: null });
    try {
      fs.linkSync(tmp, file);
      return { claimed: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    const owner = readMarker(file);
    if (owner && owner.pid !== process.pid && alive(owner.pid)) return { claimed: false, owner };
    // Stale (its try.sh is gone) or unreadable: drop it, if it is still the one just read, and claim again.
    if (JSON.stringify(readMarker(file)) === JSON.stringify(owner)) fs.rmSync(file, { force: true });
  }
  throw new Error(`Could not claim ${file}: another try.sh keeps replacing it. Stop the other try.sh and run again.`);
}

/** The owner records its URL (rename: atomic, so readers see the old marker or the new one). */
export function updateMarker(file: string, marker: TryMarker): void {
  fs.renameSync(tempWith(file, marker), file);
}

/** Removes the marker if this process owns it. */
export function releaseMarker(file: string): void {
  if (readMarker(file)?.pid === process.pid) fs.rmSync(file, { force: true });
}
