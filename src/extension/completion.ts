import * as vscode from 'vscode';
import type { PromptDocuments } from './promptDocuments';
import { lookupPath } from '../core/fieldPath';
import { escapeMarkdownInline, markdownCodeBlock } from '../core/report/markdownText';
import { clipText } from '../core/format';

const OPEN = /\{\{\s*([\w.\-]*)$/;

/** Field names of the dataset after `{{`, with the value from the first row as documentation. */
export class VariableCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly documents: PromptDocuments) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
    const before = document.lineAt(position.line).text.slice(0, position.character);
    const open = OPEN.exec(before);
    if (!open) return [];
    const state = await this.documents.state(document);
    if (!state.dataset) return [];
    const typed = open[1] ?? '';
    const replace = new vscode.Range(position.translate(0, -typed.length), position);
    const after = document.lineAt(position.line).text.slice(position.character);
    const closing = after.trimStart().startsWith('}}') ? '' : '}}';
    const sample = state.dataset.rows[0]?.data ?? {};
    return state.dataset.fieldPaths.map((field, i) => {
      const item = new vscode.CompletionItem(field, vscode.CompletionItemKind.Field);
      item.range = replace;
      item.insertText = field + closing;
      item.sortText = String(i).padStart(5, '0');
      item.detail = 'dataset field';
      item.documentation = new vscode.MarkdownString().appendText('First row: ').appendMarkdown(`\n\n${markdownCodeBlock(preview(lookupPath(sample, field)))}\n`);
      return item;
    });
  }
}

/** The value a variable takes in the first labelled row. */
export class VariableHoverProvider implements vscode.HoverProvider {
  constructor(private readonly documents: PromptDocuments) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const range = document.getWordRangeAtPosition(position, /\{\{\s*[\w.\-]+\s*\}\}/);
    if (!range) return undefined;
    const name = document.getText(range).replace(/^\{\{\s*|\s*\}\}$/g, '');
    const state = await this.documents.state(document);
    const row = state.dataset?.rows.find((r) => r.humanLabel !== null) ?? state.dataset?.rows[0];
    if (!row) return undefined;
    const md = new vscode.MarkdownString();
    // The name matched [\w.-]+; the id and the value are data, and must not become markup in a trusted hover.
    md.appendMarkdown(`**\`${name}\`** in row ${escapeMarkdownInline(row.id)}:\n\n`);
    md.appendMarkdown(`${markdownCodeBlock(preview(lookupPath(row.data, name)))}\n\n`);
    md.appendMarkdown('[Preview the whole prompt](command:judgeAlign.previewPrompt)');
    md.isTrusted = { enabledCommands: ['judgeAlign.previewPrompt'] };
    return new vscode.Hover(md, range);
  }
}

function preview(value: unknown): string {
  const text = value === undefined || value === null ? '(missing)' : typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return clipText(text, 600);
}
