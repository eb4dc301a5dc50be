import type { ReportInput } from '../judge/runReport';
import { verdictStatus } from '../judge/verdictStatus';

/** The whole run as one JSON document: what was run, the figures, and every verdict. */
export function jsonReport(input: ReportInput): string {
  return JSON.stringify(
    {
      runId: input.runId,
      prompt: input.promptPath,
      model: input.model,
      dataset: input.dataset,
      split: input.split,
      status: input.status,
      startedAt: input.startedAt,
      labels: input.labels,
      metrics: input.totals.metrics,
      repeats: input.totals.flips,
      counts: {
        rows: input.totals.rows,
        unlabelled: input.totals.unlabelled,
        requests: input.totals.requests,
        requestsMade: input.totals.requestsMade,
        cacheHits: input.totals.cacheHits,
      },
      verdicts: input.verdicts.map((v) => ({
        id: v.exampleId,
        split: v.split,
        repetition: v.repetition,
        human: v.humanLabel,
        judge: v.label,
        status: verdictStatus(v),
        explanation: v.explanation,
        error: v.error,
        latencyMs: v.latencyMs,
      })),
    },
    null,
    2,
  );
}
