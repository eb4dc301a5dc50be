import * as vscode from 'vscode';
import type { RunRow } from '../core/cache/repositories/runs';
import { runSource } from '../core/judge/runReport';

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
  /** Where the figures came from: the model as the answers reported it, and the endpoint's host. */
  readonly source?: string;
}


const KEY = 'judgeAlign.runSummaries';

interface StoredMetrics {
  readonly n: number;
  readonly matches: number;
  readonly agreement: number | null;
  readonly kappa: number | null;
  readonly errors: number;
}

/** What the lens shows of a run record; undefined when its totals are not a finished run's (a failed start). */
export function summaryOfRun(run: RunRow): RunSummary | undefined {
  if (run.status === 'running') return undefined;
  const totals = run.totals as { metrics?: Record<string, StoredMetrics | undefined> } | null;
  const m = totals?.metrics?.[run.split];
  if (!m || typeof m.n !== 'number' || typeof m.matches !== 'number') return undefined;
  return {
    runId: run.id,
    promptHash: run.promptHash,
    status: run.status,
    split: run.split,
    n: m.n,
    agreement: m.agreement,
    kappa: m.kappa,
    mismatches: m.n - m.matches,
    failed: m.errors,
    finishedAt: run.finishedAt ?? run.startedAt,
    source: runSource(run.model, (run.totals as { reportedModels?: string[] } | null)?.reportedModels, run.baseUrl),
  };
}

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

  /**
   * Takes the newest finished run of each prompt from the cache, so a run finished elsewhere (the CLI, another
   * window) shows in the lens and the Judge Prompts view. A summary is replaced only by a newer run.
   */
  async syncFrom(runs: readonly RunRow[]): Promise<number> {
    const all = this.all();
    const changed: string[] = [];
    for (const run of runs) {
      const summary = summaryOfRun(run);
      const known = all[run.promptPath];
      if (!summary || (known && known.runId >= summary.runId)) continue;
      all[run.promptPath] = summary;
      changed.push(run.promptPath);
    }
    if (changed.length === 0) return 0;
    await this.state.update(KEY, all);
    for (const path of changed) this.changed.fire(path);
    return changed.length;
  }

  private all(): Record<string, RunSummary> {
    return this.state.get<Record<string, RunSummary>>(KEY) ?? {};
  }

  dispose(): void {
    this.changed.dispose();
  }
}
