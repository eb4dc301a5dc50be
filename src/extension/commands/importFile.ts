import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Cache } from '../../core/cache/cache';
import { formatCount } from '../../core/format';
import { getPath, type ColumnMapping } from '../../core/sources/files/columnMapping';
import { IMPORTABLE_EXTENSIONS } from '../../core/sources/files/fileFormat';
import { ImportCancelledError } from '../../core/sources/files/fileImportErrors';
import { importFile } from '../../core/sources/files/importFile';
import { guessMapping, inspectFile, type FileColumns } from '../../core/sources/files/inspectFile';
import { showError } from '../errors';

export interface ImportFileDependencies {
  readonly log: vscode.LogOutputChannel;
  getCache(): Promise<Cache>;
}

interface ColumnItem extends vscode.QuickPickItem {
  readonly column: string | undefined;
}

/**
 * "Judge Align: Import File...": pick a JSONL/CSV/Parquet file (or take the one the command was run on), map its
 * columns with quick picks (suggested ones first, example values shown), name the dataset, then import with progress
 * and cancel. Escape at any step stops without writing anything. A bad row stops the import with its file and line
 * (the rows before it stay saved; importing again after the fix adds only the rest).
 */
export async function importFileCommand(deps: ImportFileDependencies, uri?: vscode.Uri): Promise<void> {
  const file = uri?.fsPath ?? (await pickFile());
  if (!file) return;
  const name = path.basename(file);
  let columns: FileColumns;
  try {
    columns = await inspectFile(file);
  } catch (err) {
    return showError(deps.log, `Could not read ${name}`, err);
  }
  if (columns.paths.length === 0) {
    void vscode.window.showWarningMessage(`Judge Align: ${name} has no rows to import. Check that it is the file you meant.`);
    return;
  }
  const mapping = await pickMapping(name, columns);
  if (!mapping) return;
  const datasetName = await vscode.window.showInputBox({
    title: `Import ${name}: dataset name`,
    prompt: 'The cache dataset the rows go to: a judge prompt names it in its front matter (dataset: NAME). Importing again into the same name updates it.',
    value: name.replace(/\.[^.]+$/, ''),
    validateInput: (v) => (v.trim() === '' ? 'Give the dataset a name.' : undefined),
  });
  if (datasetName === undefined) return;

  const controller = new AbortController();
  try {
    const cache = await deps.getCache();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Judge Align: importing ${name}`, cancellable: true },
      async (progress, token) => {
        const subscription = token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        try {
          return await importFile(cache, file, mapping, {
            datasetName: datasetName.trim(),
            signal: controller.signal,
            onProgress: (p) => {
              const percent = Math.floor(p.fraction * 100);
              progress.report({ increment: Math.max(0, percent - reported), message: formatCount(p.rows, 'row') });
              reported = Math.max(reported, percent);
            },
          });
        } finally {
          subscription.dispose();
        }
      },
    );
    const message =
      `Imported ${formatCount(result.rows, 'row')} from ${name} into dataset "${result.datasetName}" ` +
      `(${result.inserted} new, ${result.updated} changed, ${result.unchanged} unchanged; ${formatCount(result.annotations, 'human label')} added or changed).`;
    deps.log.info(message);
    void vscode.window.showInformationMessage(`Judge Align: ${message}`);
  } catch (err) {
    if (err instanceof ImportCancelledError) {
      deps.log.info(err.message);
      void vscode.window.showInformationMessage(`Judge Align: ${err.message}`);
      return;
    }
    showError(deps.log, `Could not import ${name}`, err);
  }
}

async function pickFile(): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const picked = await vscode.window.showOpenDialog({
    title: 'Judge Align: Import File',
    openLabel: 'Import',
    canSelectMany: false,
    filters: { 'Data files (JSON Lines, CSV, Parquet)': IMPORTABLE_EXTENSIONS },
    ...(folder ? { defaultUri: folder.uri } : {}),
  });
  return picked?.[0]?.fsPath;
}

async function pickMapping(name: string, columns: FileColumns): Promise<ColumnMapping | undefined> {
  const guess = guessMapping(columns.paths);
  const ask = async (step: number, role: string, placeHolder: string, none: string, suggested: string | undefined): Promise<{ column: string | undefined } | undefined> => {
    const items: ColumnItem[] = [];
    if (suggested !== undefined) items.push(columnItem(columns, suggested, 'suggested'));
    items.push({ label: none, column: undefined });
    for (const p of columns.paths) if (p !== suggested) items.push(columnItem(columns, p));
    const picked = await vscode.window.showQuickPick(items, { title: `Import ${name} (${step}/4): ${role}`, placeHolder, matchOnDescription: true });
    return picked ? { column: picked.column } : undefined;
  };
  const id = await ask(1, 'id column', 'The column that identifies each row (kept stable, so importing again updates rows instead of adding them)', '$(list-ordered) No id column: use line/row numbers', guess.id);
  if (!id) return undefined;
  const input = await ask(2, 'input column', 'What the model was given ({{input}} in a prompt)', '$(circle-slash) No input column', guess.input);
  if (!input) return undefined;
  const output = await ask(3, 'output column', 'What the model answered ({{output}} in a prompt)', '$(circle-slash) No output column', guess.output);
  if (!output) return undefined;
  const label = await ask(4, 'human label column', 'The human label the judge should agree with (saved as a HUMAN annotation, never shown to the judge)', '$(circle-slash) No labels in this file', guess.label);
  if (!label) return undefined;
  return {
    ...(id.column !== undefined ? { id: id.column } : {}),
    ...(input.column !== undefined ? { input: input.column } : {}),
    ...(output.column !== undefined ? { output: output.column } : {}),
    ...(label.column !== undefined ? { label: label.column } : {}),
  };
}

function columnItem(columns: FileColumns, column: string, tag?: string): ColumnItem {
  const value = columns.firstRow === undefined ? undefined : getPath(columns.firstRow, column);
  const preview = value === undefined ? '' : (typeof value === 'string' ? value : JSON.stringify(value)).replace(/\s+/g, ' ').slice(0, 80);
  return { label: column, description: [tag, preview].filter(Boolean).join(' · '), column };
}
