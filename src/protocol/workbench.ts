// Messages between the workbench panel (webview) and the extension host. Every message that crosses the
// boundary is checked with these schemas, in both directions: the webview is untrusted ground, and a
// malformed host message should be a visible error, not a half-rendered panel.
import { z } from 'zod';

const split = z.enum(['dev', 'test']);
const runSplit = z.enum(['all', 'dev', 'test']);
const nullableNumber = z.number().nullable();

export const rowViewSchema = z.object({
  id: z.string(),
  split,
  human: z.string().nullable(),
  judge: z.string().nullable(),
  status: z.enum(['match', 'mismatch', 'failed']),
  explanation: z.string().nullable(),
  error: z.string().nullable(),
  /** The prompt's variables for this row (name, value clipped for display). */
  fields: z.array(z.tuple([z.string(), z.string()])),
  latencyMs: nullableNumber,
  cached: z.boolean(),
});
export type RowView = z.infer<typeof rowViewSchema>;

export const metricsViewSchema = z.object({
  n: z.number(),
  matches: z.number(),
  agreement: nullableNumber,
  agreementCi: z.tuple([z.number(), z.number()]).nullable(),
  kappa: nullableNumber,
  errors: z.number(),
  unlabelled: z.number(),
  confusion: z.record(z.string(), z.record(z.string(), z.number())),
});
export type MetricsView = z.infer<typeof metricsViewSchema>;

export const runSummaryViewSchema = z.object({
  runId: z.number(),
  startedAt: z.string(),
  status: z.string(),
  split: runSplit,
  /** The model asked for. */
  model: z.string(),
  /** Where the answers came from (host), and the model as asked for and as the endpoint said answered. */
  endpoint: z.string(),
  modelText: z.string(),
  promptHash: z.string(),
  agreement: nullableNumber,
  kappa: nullableNumber,
  n: z.number(),
});
export type RunSummaryView = z.infer<typeof runSummaryViewSchema>;

/** What a run bought and how fast it answered, from its recorded totals (null for a run recorded without them). */
export const runUsageViewSchema = z.object({
  /** Judge calls the run made, sent or not. */
  requests: z.number().int().min(0),
  /** Of them, answered from the cache (the CLI's "cached"): they cost nothing. */
  cached: z.number().int().min(0),
  promptTokens: z.number().min(0),
  completionTokens: z.number().min(0),
  /** Null when no price is known for the model (or nothing was bought). */
  usd: z.number().min(0).nullable(),
  pricedAs: z.string().nullable(),
  latencyMs: z.object({ p50: z.number(), p95: z.number() }).nullable(),
});
export type RunUsageView = z.infer<typeof runUsageViewSchema>;

export const comparisonViewSchema = z.object({
  baseRunId: z.number(),
  headRunId: z.number(),
  fixed: z.number(),
  regressed: z.number(),
  unchangedCorrect: z.number(),
  unchangedWrong: z.number(),
  newlyFailed: z.number(),
  agreementDelta: nullableNumber,
  /** Row id → what happened to it between the two runs. */
  changes: z.record(z.string(), z.enum(['fixed', 'regressed', 'changed'])),
});
export type ComparisonView = z.infer<typeof comparisonViewSchema>;

/** Host → webview. */
export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    promptName: z.string(),
    promptPath: z.string(),
    labels: z.array(z.string()),
    model: z.string(),
    concurrency: z.number(),
    labelledRows: z.number(),
    history: z.array(runSummaryViewSchema),
  }),
  z.object({ type: z.literal('runStarted'), runId: z.number(), total: z.number(), split: runSplit }),
  z.object({ type: z.literal('rows'), rows: z.array(rowViewSchema), done: z.number(), total: z.number() }),
  z.object({
    type: z.literal('run'),
    run: runSummaryViewSchema,
    metrics: z.object({ all: metricsViewSchema, dev: metricsViewSchema, test: metricsViewSchema }),
    rows: z.array(rowViewSchema),
    running: z.boolean(),
    usage: runUsageViewSchema.nullable(),
  }),
  z.object({ type: z.literal('history'), history: z.array(runSummaryViewSchema) }),
  z.object({ type: z.literal('comparison'), comparison: comparisonViewSchema.nullable() }),
  z.object({ type: z.literal('relabeled'), exampleId: z.string(), label: z.string() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** Webview → host. */
export const webviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('runJudge'),
    split: runSplit,
    model: z.string().trim().max(200).optional(),
    concurrency: z.number().int().min(1).max(128).optional(),
    /** Ask again for rows whose kept answer was unusable, instead of reading it again (the CLI's --retry-failed). */
    retryFailed: z.boolean().optional(),
  }),
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('openRun'), runId: z.number().int() }),
  z.object({ type: z.literal('compare'), baseRunId: z.number().int().nullable() }),
  z.object({ type: z.literal('diffPrompts'), baseRunId: z.number().int(), headRunId: z.number().int() }),
  z.object({ type: z.literal('export'), runId: z.number().int(), format: z.enum(['markdown', 'csv', 'json']) }),
  z.object({ type: z.literal('relabel'), exampleId: z.string().min(1).max(500), label: z.string().min(1).max(200) }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

import { parseWith, type ParseResult } from './parse';

export type { ParseResult };
export const parseHostMessage = (data: unknown): ParseResult<HostMessage> => parseWith(hostMessageSchema, data);
export const parseWebviewMessage = (data: unknown): ParseResult<WebviewMessage> => parseWith(webviewMessageSchema, data);
