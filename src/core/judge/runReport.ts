import type { Repositories } from '../cache/repos';
import { parsePromptFile } from './promptFile';
import { hostOf } from './endpointTrust';
import { formatModel } from '../format';
import type { VerdictRecord } from './runTypes';
import type { RunTotals } from './session';
import { metricLabels, type PairwiseConfig } from '../pairwise/pairwiseConfig';

/** One finished run as the reports (src/core/report) read it: what was run, its totals, and every verdict. */
export interface ReportInput {
  readonly runId: number;
  readonly promptPath: string;
  readonly model: string;
  /** Where the answers came from: the endpoint's host, and the model as asked for and as the answers reported it. */
  readonly source: string;
  readonly dataset: string;
  readonly split: string;
  readonly status: string;
  readonly startedAt?: string;
  /** The categories of the figures: the labels, or for a pairwise judge the humans' winner values (and the tie). */
  readonly labels: readonly string[];
  /** Set for a pairwise judge: its verdicts are judge calls (A or B in an order), read in pairs. */
  readonly pairwise?: PairwiseConfig;
  readonly repeat: number;
  readonly totals: RunTotals;
  readonly verdicts: readonly VerdictRecord[];
}

/**
 * Where a run's figures came from, as every view says it: "model gpt-4o-mini at api.openai.com", "asked for
 * gpt-4o-mini, answered by judge-align-demo (...) at 127.0.0.1:8123". Runs recorded before answers reported their
 * model have no list: shown as asked for.
 */
export function runSource(model: string, reportedModels: readonly string[] | undefined, baseUrl: string): string {
  return `${formatModel(model, Array.isArray(reportedModels) ? reportedModels : [model])} at ${hostOf(baseUrl)}`;
}

/** Everything the reports need about one stored run, or undefined when the run is unknown or unfinished. */
export function loadRunReport(repos: Repositories, runId: number): ReportInput | undefined {
  const run = repos.runs.get(runId);
  if (!run) return undefined;
  const totals = run.totals as RunTotals | null;
  if (!totals || !('metrics' in totals)) return undefined;
  const config = parsePromptFile(run.promptText).config;
  const labels = config?.pairwise ? metricLabels(config.pairwise) : (config?.labels ?? Object.keys(totals.metrics.all.confusion));
  return {
    runId,
    promptPath: run.promptPath,
    model: run.model,
    source: runSource(run.model, totals.reportedModels, run.baseUrl),
    dataset: run.dataset,
    split: run.split,
    status: run.status,
    startedAt: run.startedAt,
    labels,
    ...(config?.pairwise ? { pairwise: config.pairwise } : {}),
    repeat: run.repeat,
    totals,
    verdicts: repos.verdicts.listForRun(runId),
  };
}
