// Messages between the workbench panel (webview) and the extension host. Every message that crosses the
// boundary is checked with these schemas, in both directions: the webview is untrusted ground, and a
// malformed host message should be a visible error, not a half-rendered panel.
import { z } from 'zod';

const split = z.enum(['dev', 'test']);
const runSplit = z.enum(['all', 'dev', 'test']);
const nullableNumber = z.number().nullable();

/** One order of a pairwise row as the judge saw it: which response was shown first, what it answered and why. */
export const pairOrderViewSchema = z.object({
  position: z.enum(['original', 'swapped']),
  /** The field shown as response A. */
  shownFirst: z.string(),
  /** The judge's answer (A, B or the tie), null when the call failed. */
  answer: z.string().nullable(),
  /** The answer as a human label value (the winner's or the tie), null when unusable. */
  value: z.string().nullable(),
  explanation: z.string().nullable(),
  error: z.string().nullable(),
  latencyMs: nullableNumber,
  cached: z.boolean(),
});
export type PairOrderView = z.infer<typeof pairOrderViewSchema>;

/** A pairwise row: both responses in their natural order, and each order's verdict. */
export const pairViewSchema = z.object({
  /** The two responses as the file names them, with the human label value meaning "this one wins". */
  responses: z.array(z.object({ field: z.string(), winner: z.string(), text: z.string(), length: z.number().int().min(0) })).length(2),
  orders: z.array(pairOrderViewSchema).min(1).max(2),
  /** Judged both ways with both answers usable: whether they picked the same response. Null otherwise. */
  consistent: z.boolean().nullable(),
  /** Every usable order picked the response shown first (with both orders: the verdict followed the position). */
  firstShownWins: z.boolean(),
});
export type PairView = z.infer<typeof pairViewSchema>;

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
  /** Set for a pairwise judge's row: `judge` is then the combined verdict (a winner's value, the tie, inconsistent). */
  pair: pairViewSchema.optional(),
  /** With `repeat:`, the verdict changed between repetitions. */
  unstable: z.boolean().optional(),
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
  /** A pairwise run's share of pairs whose verdict survived swapping the responses. */
  consistency: nullableNumber.optional(),
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

/** A pairwise run's bias figures, as `--json` carries them (metrics.position, metrics.byOrder, metrics.verbosity). */
const orderFiguresSchema = z.object({ n: z.number(), agreement: nullableNumber, kappa: nullableNumber });
export const pairwiseFiguresViewSchema = z.object({
  position: z.object({
    pairs: z.number(),
    consistent: z.number(),
    consistency: nullableNumber,
    decided: z.number(),
    firstShownWins: z.number(),
    firstShownRate: nullableNumber,
    firstShownCi: z.tuple([z.number(), z.number()]).nullable(),
  }),
  byOrder: z.object({ original: orderFiguresSchema, swapped: orderFiguresSchema }),
  verbosity: z.object({ pairs: z.number(), judgeLongerRate: nullableNumber, humanLongerRate: nullableNumber, threshold: z.number() }),
});
export type PairwiseFiguresView = z.infer<typeof pairwiseFiguresViewSchema>;

/** What a pairwise prompt compares: the two fields and the human label values of their wins (and of a tie). */
export const pairwiseSetupSchema = z.object({ responses: z.tuple([z.string(), z.string()]), winners: z.tuple([z.string(), z.string()]), tie: z.string().nullable() });
export type PairwiseSetup = z.infer<typeof pairwiseSetupSchema>;

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
    /** Set for a pairwise prompt; `labels` are then the figures' categories (winners' values, the tie or inconsistent). */
    pairwise: pairwiseSetupSchema.nullable().optional(),
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
    pairwise: pairwiseFiguresViewSchema.nullable().optional(),
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
