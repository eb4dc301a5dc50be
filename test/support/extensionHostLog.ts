// Reads the extension host's logs of a code-server run (user-data/logs/<session>/.../*exthost*.log) for errors that
// come from our extension: an error VS Code logs at every start (a PendingMigrationError, a failed activation event)
// passes every functional test and still tells each user's log that something is broken.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A log entry starts with its timestamp and level; the lines after it (a stack) belong to it. */
const ENTRY = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[(\w+)\]/;

function logFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...logFiles(full));
    else if (/exthost.*\.log$/i.test(entry.name)) out.push(full);
  }
  return out;
}

export interface ExtensionHostLog {
  /** The extension host log files found (none means the check could not look). */
  readonly files: readonly string[];
  /** Each `[error]` entry, with its stack, that names one of the markers. */
  readonly errors: readonly string[];
}

/** `markers`: strings that identify our extension in a log entry (its id, the folder it is loaded from). */
export function extensionHostErrors(workDir: string, markers: readonly string[]): ExtensionHostLog {
  const files = logFiles(path.join(workDir, 'user-data', 'logs'));
  const errors: string[] = [];
  for (const file of files) {
    let current: string[] | undefined;
    let level = '';
    const flush = () => {
      const text = current?.join('\n') ?? '';
      if (level === 'error' && markers.some((m) => text.includes(m))) errors.push(text);
    };
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = ENTRY.exec(line);
      if (m) {
        flush();
        current = [line];
        level = m[1]!;
      } else current?.push(line);
    }
    flush();
  }
  return { files, errors };
}
