import * as path from 'node:path';
import * as vscode from 'vscode';
import { Cache } from '../core/cache/cache';
import { readSettings } from './settings';

// Opens the workspace cache on first use (that is when sql.js and its wasm load), and keeps it open.
// Activation never touches it, so opening a prompt file stays cheap.
export class CacheHost implements vscode.Disposable {
  private opening: Promise<Cache> | undefined;
  private openedPath: string | undefined;
  private opened: Cache | undefined;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly wasmPath: string,
  ) {}

  cacheFile(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    const configured = readSettings(folder).cachePath;
    return path.isAbsolute(configured) ? configured : path.join(folder.uri.fsPath, configured);
  }

  /** The cache if it is already open, without opening it (and so without loading sql.js). */
  peek(): Cache | undefined {
    return this.opened;
  }

  async get(): Promise<Cache> {
    const file = this.cacheFile();
    if (!file) {
      throw new Error('Judge Align needs a folder: open the folder that holds your *.judge.md files, then try again.');
    }
    if (!vscode.workspace.isTrusted) {
      throw new Error('Judge Align writes its cache only in trusted workspaces. Trust this folder (Manage Workspace Trust), then try again.');
    }
    if (this.opening && this.openedPath !== file) {
      this.close();
    }
    if (!this.opening) {
      this.openedPath = file;
      const started = Date.now();
      this.opening = Cache.open(file, { wasmPath: this.wasmPath }).then(
        (cache) => {
          this.log.info(`Opened cache ${file} in ${Date.now() - started} ms`);
          this.opened = cache;
          return cache;
        },
        (err: unknown) => {
          this.opening = undefined;
          throw err;
        },
      );
    }
    return this.opening;
  }

  private close(): void {
    const pending = this.opening;
    this.opening = undefined;
    this.openedPath = undefined;
    this.opened = undefined;
    void pending?.then((c) => c.close(), () => undefined);
  }

  dispose(): void {
    this.close();
  }
}
