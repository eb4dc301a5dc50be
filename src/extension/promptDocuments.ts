import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { parsePromptFile, type ParsedPromptFile } from '../core/judge/promptFile';
import { loadLocalDataset, resolveDatasetPath, type LocalDataset } from '../core/datasets/localDataset';
import { applyLabelOverrides } from '../core/datasets/labelOverrides';

export interface PromptState {
  readonly parsed: ParsedPromptFile;
  readonly datasetPath: string | undefined;
  readonly dataset: LocalDataset | undefined;
  /** Why the dataset could not be loaded, in words a person can act on. */
  readonly datasetError: string | undefined;
}

interface LoadedDataset {
  readonly key: string;
  readonly promise: Promise<LocalDataset>;
}

// Parsing a prompt is cheap; loading its dataset is not. Datasets are kept per file and label field and
// reloaded only when the file on disk changes, so lenses, diagnostics and completions share one load.
export class PromptDocuments implements vscode.Disposable {
  private readonly datasets = new Map<string, LoadedDataset>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly watcher: vscode.FileSystemWatcher;
  readonly onDidChangeDatasets = this.changed.event;

  /**
   * Labels set in the editor (kept in the cache) for a dataset file. Consulted only when the cache is already
   * open, so opening a prompt never loads sql.js.
   */
  private labelSource: ((datasetPath: string, labelName: string) => ReadonlyMap<string, string>) | undefined;

  setLabelSource(source: (datasetPath: string, labelName: string) => ReadonlyMap<string, string>): void {
    this.labelSource = source;
  }

  /** Datasets pulled or imported into the cache, for prompts whose `dataset:` is a name, not a file. */
  private namedSource: ((name: string, labelName: string) => Promise<LocalDataset>) | undefined;

  setNamedDatasetSource(source: (name: string, labelName: string) => Promise<LocalDataset>): void {
    this.namedSource = source;
  }

  /** Editor labels changed: lenses, diagnostics and views recount. */
  labelsChanged(): void {
    this.changed.fire();
  }

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.watcher = vscode.workspace.createFileSystemWatcher('**/*.{jsonl,csv}');
    const invalidate = (uri: vscode.Uri) => {
      let hit = false;
      for (const key of [...this.datasets.keys()]) {
        if (key.startsWith(uri.fsPath + '\u0000')) {
          this.datasets.delete(key);
          hit = true;
        }
      }
      if (hit) this.changed.fire();
    };
    this.watcher.onDidChange(invalidate);
    this.watcher.onDidCreate(invalidate);
    this.watcher.onDidDelete(invalidate);
  }

  parse(document: vscode.TextDocument): ParsedPromptFile {
    return parsePromptFile(document.getText());
  }

  async state(document: vscode.TextDocument): Promise<PromptState> {
    const parsed = this.parse(document);
    const config = parsed.config;
    if (!config) return { parsed, datasetPath: undefined, dataset: undefined, datasetError: undefined };
    const datasetPath = resolveDatasetPath(document.uri.fsPath, config.dataset);
    if (!datasetPath) {
      if (this.namedSource) {
        try {
          return { parsed, datasetPath: undefined, dataset: await this.namedSource(config.dataset, config.label), datasetError: undefined };
        } catch (err) {
          return { parsed, datasetPath: undefined, dataset: undefined, datasetError: err instanceof Error ? err.message : String(err) };
        }
      }
      return {
        parsed,
        datasetPath: undefined,
        dataset: undefined,
        datasetError: `Dataset "${config.dataset}" is not a file path. Give a path to a .jsonl or .csv file relative to this prompt (for example ./data.jsonl).`,
      };
    }
    try {
      const fromFile = await this.load(datasetPath, config.id, config.label);
      const edited = this.labelSource?.(datasetPath, config.label);
      const dataset = edited && edited.size > 0 ? applyLabelOverrides(fromFile, edited) : fromFile;
      return { parsed, datasetPath, dataset, datasetError: undefined };
    } catch (err) {
      return { parsed, datasetPath, dataset: undefined, datasetError: err instanceof Error ? err.message : String(err) };
    }
  }

  private load(file: string, idField: string | undefined, labelField: string): Promise<LocalDataset> {
    let stamp = 'missing';
    try {
      const st = fs.statSync(file);
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch {
      // Missing file: loadLocalDataset reports it with the resolved path.
    }
    const key = `${file}\u0000${idField ?? ''}\u0000${labelField}\u0000${stamp}`;
    const cached = this.datasets.get(key);
    if (cached) return cached.promise;
    for (const k of this.datasets.keys()) if (k.startsWith(`${file}\u0000${idField ?? ''}\u0000${labelField}\u0000`)) this.datasets.delete(k);
    const started = Date.now();
    const promise = loadLocalDataset(file, { idField, labelField });
    promise.then(
      (d) => this.log.debug(`Loaded ${d.rows.length} rows from ${file} in ${Date.now() - started} ms`),
      (e: unknown) => this.log.warn(`Could not load ${file}: ${e instanceof Error ? e.message : String(e)}`),
    );
    this.datasets.set(key, { key, promise });
    return promise;
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
