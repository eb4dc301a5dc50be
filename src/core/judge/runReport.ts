import type { Repositories } from '../cache/repos';
import { parsePromptFile } from './promptFile';
import type { ReportInput } from '../report/markdownReport';
import type { RunTotals } from './session';

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
