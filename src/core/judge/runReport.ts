import type { Repositories } from '../cache/repos';
import { parsePromptFile } from './promptFile';
import type { VerdictRecord } from './runTypes';
import type { RunTotals } from './session';

/** One finished run as the reports (src/core/report) read it: what was run, its totals, and every verdict. */
export interface ReportInput {
  readonly runId: number;
  readonly promptPath: string;
  readonly model: string;
  readonly dataset: string;
  readonly split: string;
  readonly status: string;
  readonly startedAt?: string;
  readonly labels: readonly string[];
  readonly totals: RunTotals;
  readonly verdicts: readonly VerdictRecord[];
}

/** Everything the reports need about one stored run, or undefined when the run is unknown or unfinished. */
export function loadRunReport(repos: Repositories, runId: number): ReportInput | undefined {
  const run = repos.runs.get(runId);
  if (!run) return undefined;
  const totals = run.totals as RunTotals | null;
  if (!totals || !('metrics' in totals)) return undefined;
  const labels = parsePromptFile(run.promptText).config?.labels ?? Object.keys(totals.metrics.all.confusion);
  return {
    runId,
    promptPath: run.promptPath,
    model: run.model,
    dataset: run.dataset,
    split: run.split,
    status: run.status,
    startedAt: run.startedAt,
    labels,
    totals,
    verdicts: repos.verdicts.listForRun(runId),
  };
}
