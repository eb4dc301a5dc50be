import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './codeServer';

/** A throwaway copy of a sample workspace (the extension writes its cache into the workspace). */
export function copySample(name = 'halueval', settings?: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `judge-align-ws-${name}-`));
  fs.cpSync(path.join(REPO_ROOT, 'samples', name), dir, { recursive: true });
  if (settings) {
    fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  }
  return dir;
}
