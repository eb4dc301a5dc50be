import * as vscode from 'vscode';

/** What the result lens shows, kept in workspace state so it survives a reload without opening the cache. */
export interface RunSummary {
  readonly runId: number;
  readonly promptHash: string;
  readonly status: 'completed' | 'cancelled' | 'failed' | 'interrupted';
  readonly split: 'all' | 'dev' | 'test';
  readonly n: number;
  readonly agreement: number | null;
  readonly kappa: number | null;
  readonly mismatches: number;
  readonly failed: number;
  readonly finishedAt: string;
}

const KEY = 'judgeAlign.runSummaries';

export class RunSummaries {
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  get(promptPath: string): RunSummary | undefined {
    return this.all()[promptPath];
  }

  async set(promptPath: string, summary: RunSummary): Promise<void> {
    await this.state.update(KEY, { ...this.all(), [promptPath]: summary });
    this.changed.fire(promptPath);
  }

  private all(): Record<string, RunSummary> {
    return this.state.get<Record<string, RunSummary>>(KEY) ?? {};
  }

  dispose(): void {
    this.changed.dispose();
  }
}
