import * as os from 'node:os';

/** Who labels: the OS user name, which a teammate recognises in the cache or in a label pushed to a platform. */
export function annotator(): string {
  try {
    return os.userInfo().username || 'vscode';
  } catch {
    return 'vscode';
  }
}
