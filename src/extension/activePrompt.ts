import * as path from 'node:path';
import * as vscode from 'vscode';
import { PromptPreviewProvider } from './preview';
import { PromptSnapshotProvider } from './workbench/promptSnapshots';
import { WORKBENCH_VIEW_TYPE, WorkbenchPanel } from './workbench/workbenchPanel';

const PROMPT_SUFFIX = '.judge.md';

/**
 * The prompt file a document stands for: a *.judge.md file itself, the prompt a preview renders, the prompt a run's
 * snapshot was taken of. Other documents (git's versions, untitled ones, a snapshot from before snapshots named
 * their prompt) stand for none: a workbench or a preview of them would read the wrong text and find no runs.
 */
export function promptFileFor(uri: vscode.Uri): vscode.Uri | undefined {
  const file = uri.scheme === 'file' ? uri : (PromptPreviewProvider.promptFor(uri) ?? PromptSnapshotProvider.promptFor(uri));
  return file?.scheme === 'file' && file.path.endsWith(PROMPT_SUFFIX) ? file : undefined;
}

/**
 * The prompt a command is about, the one resolver of every command that takes "this prompt": the uri it was given
 * (by a CodeLens, a menu or the Prompts view), else the active text editor's, else the active tab's (a text tab, the
 * modified side of a diff, a Markdown preview of a prompt's document, a workbench). Undefined when none is a prompt.
 */
export function activePrompt(arg?: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return promptFileFor(arg);
  const editor = vscode.window.activeTextEditor;
  const fromEditor = editor && promptFileFor(editor.document.uri);
  if (fromEditor) return fromEditor;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText) return promptFileFor(input.uri);
  if (input instanceof vscode.TabInputTextDiff) return promptFileFor(input.modified) ?? promptFileFor(input.original);
  if (input instanceof vscode.TabInputWebview && input.viewType.endsWith(WORKBENCH_VIEW_TYPE)) return WorkbenchPanel.activePrompt();
  if (input instanceof vscode.TabInputWebview && input.viewType.endsWith('markdown.preview')) {
    return markdownPreviewSource(vscode.window.tabGroups.activeTabGroup.activeTab!.label);
  }
  return undefined;
}

/**
 * The built-in Markdown preview does not say which document it shows, only its title: "Preview <file name>"
 * ("[Preview] …" when locked). The prompt is the one open document of that name that stands for a prompt; with
 * none, or several (two prompts of one name in different folders), it is not known.
 */
function markdownPreviewSource(label: string): vscode.Uri | undefined {
  const name = label.replace(/^(\[Preview\]|Preview)\s+/, '');
  const open = [
    ...vscode.workspace.textDocuments.map((d) => d.uri),
    ...vscode.window.tabGroups.all.flatMap((g) => g.tabs).flatMap((t) => (t.input instanceof vscode.TabInputText ? [t.input.uri] : [])),
  ];
  const prompts = new Map<string, vscode.Uri>();
  for (const uri of open) {
    const prompt = path.posix.basename(uri.path) === name ? promptFileFor(uri) : undefined;
    if (prompt) prompts.set(prompt.toString(), prompt);
  }
  return prompts.size === 1 ? [...prompts.values()][0] : undefined;
}
