import * as vscode from 'vscode';
import { compileTemplate } from '../core/judge/template';
import { buildJudgeMessages } from '../core/judge/messages';
import { renderChecks } from '../core/judge/renderChecks';
import { escapeMarkdownInline as md, markdownCodeBlock } from '../core/report/markdownText';
import type { PromptDocuments } from './promptDocuments';

export const PREVIEW_SCHEME = 'judge-align-preview';

// The prompt exactly as the judge will receive it, for one labelled example (of a file or a pulled dataset): the
// quickest way to see a wrong variable or a missing field before paying for a run. The messages come from
// buildJudgeMessages, the function the run's plan calls; ids, labels and values are data and are escaped.
export class PromptPreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly documents: PromptDocuments) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId !== 'judge-prompt') return;
        for (const doc of vscode.workspace.textDocuments) {
          if (doc.uri.scheme === PREVIEW_SCHEME && doc.uri.path === `${e.document.uri.path}.preview.md`) this.changed.fire(doc.uri);
        }
      }),
      // A pull, an import or a new label changes what the rows render.
      documents.onDidChangeDatasets(() => {
        for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === PREVIEW_SCHEME) this.changed.fire(doc.uri);
      }),
    ];
  }

  static uriFor(prompt: vscode.Uri, rowIndex = 0): vscode.Uri {
    return prompt.with({ scheme: PREVIEW_SCHEME, path: `${prompt.path}.preview.md`, query: `row=${rowIndex}` });
  }

  /** The prompt file a preview document renders; undefined for any other document. */
  static promptFor(uri: vscode.Uri): vscode.Uri | undefined {
    if (uri.scheme !== PREVIEW_SCHEME || !uri.path.endsWith('.preview.md')) return undefined;
    return uri.with({ scheme: 'file', path: uri.path.slice(0, -'.preview.md'.length), query: '' });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const promptUri = PromptPreviewProvider.promptFor(uri);
    if (!promptUri) return '# Preview unavailable\n\nThis is not the address of a prompt preview: open the preview from a *.judge.md file.\n';
    const document = await vscode.workspace.openTextDocument(promptUri);
    const state = await this.documents.state(document);
    const config = state.parsed.config;
    if (!config) return '# Preview unavailable\n\nThe front matter has errors: see the Problems panel.\n';
    if (!state.dataset) return `# Preview unavailable\n\n${md(state.datasetError ?? 'The dataset is not loaded.')}\n`;
    const rows = state.dataset.rows.filter((r) => r.humanLabel !== null);
    const index = Math.min(Number(new URLSearchParams(uri.query).get('row') ?? 0) || 0, Math.max(rows.length - 1, 0));
    const row = rows[index];
    if (!row) return '# Preview unavailable\n\nThe dataset has no labelled rows.\n';
    const { messages, missing } = buildJudgeMessages(config, compileTemplate(state.parsed.body), row.data);
    const lines = [
      `# Judge prompt for row ${md(row.id)} (human label: ${md(row.humanLabel ?? '')})`,
      '',
      `Example ${index + 1} of ${rows.length} labelled rows in ${md(config.dataset)}. Model ${config.model ? md(config.model) : 'from the setting judgeAlign.model'}.`,
      '',
    ];
    // Variables are [\w.-] paths: safe in code spans.
    if (missing.length > 0) lines.push(`> **Missing in this row:** ${missing.map((m) => `\`${m}\``).join(', ')} (rendered empty)`, '');
    // The messages quote rows' values: a code block keeps them literal and readable in the source as well.
    const problems = renderChecks({ config, body: state.parsed.body, variables: state.parsed.variables }, rows);
    if (problems.length > 0) lines.push('## Problems (a run would stop on errors)', '', markdownCodeBlock(problems.map((p) => `${p.severity}: ${p.message}`).join('\n')), '');
    for (const m of messages) lines.push(`## ${m.role}`, '', markdownCodeBlock(m.content), '');
    return lines.join('\n');
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
