import * as path from 'node:path';
import * as vscode from 'vscode';
import { Cache } from '../core/cache/cache';
import { readSettings } from './settings';

// Opens the workspace cache on first use (that is when its SQLite loads: node:sqlite, or sql.js and its wasm), and keeps it open.
// Activation never touches it, so opening a prompt file stays cheap.
export class CacheHost implements vscode.Disposable {
  private opening: Promise<Cache> | undefined;
  private openedPath: string | undefined;
  private opened: Cache | undefined;
  private readonly saved = new vscode.EventEmitter<void>();
  private watcher: vscode.FileSystemWatcher | undefined;
  private watched: string | undefined;
  private savedTimer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  /**
   * The cache file was saved, by this window or another process (a `judge-align pull` in a terminal): what a
   * prompt naming a cached dataset renders may have changed. Debounced: a run saves often.
   */
  readonly onDidSave = this.saved.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly wasmPath: string,
  ) {
    this.watch();
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('judgeAlign.cachePath')) this.watch();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()),
    );
  }

  /** Watches the file the cache setting names (it may lie outside the workspace). */
  private watch(): void {
    const file = this.cacheFile();
    if (file === this.watched) return;
    this.watcher?.dispose();
    this.watcher = undefined;
    this.watched = file;
    if (!file) return;
    // sql.js saves write a temporary file and rename it over the cache: a create or a change of the cache's name.
    // node:sqlite commits append to <cache>-wal, and reach the file itself only at a checkpoint.
    const name = path.basename(file);
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), `{${name},${name}-wal}`));
    const fire = () => {
      clearTimeout(this.savedTimer);
      this.savedTimer = setTimeout(() => this.saved.fire(), 500);
    };
    // node:sqlite creates <cache>-wal when it opens the file and deletes it when it lets go (idle, or closing):
    // neither changes what the cache holds (a checkpoint writing the file itself does), and reloading on them would
    // open the file again, which creates <cache>-wal again, a reload every second and a half while nothing happens.
    const contentOnly = (uri: vscode.Uri) => {
      if (path.basename(uri.fsPath) !== name) return;
      fire();
    };
    this.watcher.onDidChange(fire);
    this.watcher.onDidCreate(contentOnly);
    this.watcher.onDidDelete(contentOnly);
  }

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
      this.opening = Cache.open(file, { wasmPath: this.wasmPath, onLockWait: (notice) => this.log.warn(notice.message) }).then(
        (cache) => {
          this.log.info(`Opened cache ${file} in ${Date.now() - started} ms (SQLite driver: ${cache.driver === 'node' ? 'node:sqlite' : 'sql.js'})`);
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
    clearTimeout(this.savedTimer);
    this.watcher?.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.saved.dispose();
    this.close();
  }
}
