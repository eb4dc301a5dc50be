// Messages between the workbench panel (webview) and the extension host. Every message that crosses the
// boundary is checked with these schemas, in both directions: the webview is untrusted ground, and a
// malformed host message should be a visible error, not a half-rendered panel.
// zod/mini: the same checks as zod in a fraction of the weight (the webview bundles load it on every open).
import * as z from 'zod/mini';

const split = z.enum(['dev', 'test']);
const runSplit = z.enum(['all', 'dev', 'test']);
const nullableNumber = z.nullable(z.number());

/** One order of a pairwise row as the judge saw it: which response was shown first, what it answered and why. */
export const pairOrderViewSchema = z.object({
  position: z.enum(['original', 'swapped']),
  /** The field shown as response A. */
  shownFirst: z.string(),
  /** The judge's answer (A, B or the tie), null when the call failed. */
  answer: z.nullable(z.string()),
  /** The answer as a human label value (the winner's or the tie), null when unusable. */
  value: z.nullable(z.string()),
  explanation: z.nullable(z.string()),
  error: z.nullable(z.string()),
  latencyMs: nullableNumber,
  cached: z.boolean(),
});
export type PairOrderView = z.infer<typeof pairOrderViewSchema>;

/** A pairwise row: both responses in their natural order, and each order's verdict. */
export const pairViewSchema = z.object({
  /** The two responses as the file names them, with the human label value meaning "this one wins". */
  responses: z.array(z.object({ field: z.string(), winner: z.string(), text: z.string(), length: z.int().check(z.minimum(0)) })).check(z.length(2)),
  orders: z.array(pairOrderViewSchema).check(z.minLength(1), z.maxLength(2)),
  /** Judged both ways with both answers usable: whether they picked the same response. Null otherwise. */
  consistent: z.nullable(z.boolean()),
  /** Every usable order picked the response shown first (with both orders: the verdict followed the position). */
  firstShownWins: z.boolean(),
});
export type PairView = z.infer<typeof pairViewSchema>;

export const rowViewSchema = z.object({
  id: z.string(),
  split,
  human: z.nullable(z.string()),
  judge: z.nullable(z.string()),
  status: z.enum(['match', 'mismatch', 'failed']),
  explanation: z.nullable(z.string()),
  error: z.nullable(z.string()),
  /** The prompt's variables for this row (name, value clipped for display). */
  fields: z.array(z.tuple([z.string(), z.string()])),
  latencyMs: nullableNumber,
  cached: z.boolean(),
  /** Set for a pairwise judge's row: `judge` is then the combined verdict (a winner's value, the tie, inconsistent). */
  pair: z.optional(pairViewSchema),
  /** With `repeat:`, the verdict changed between repetitions. */
  unstable: z.optional(z.boolean()),
});
export type RowView = z.infer<typeof rowViewSchema>;

export const metricsViewSchema = z.object({
  n: z.number(),
  matches: z.number(),
  agreement: nullableNumber,
  agreementCi: z.nullable(z.tuple([z.number(), z.number()])),
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
  consistency: z.optional(nullableNumber),
});
export type RunSummaryView = z.infer<typeof runSummaryViewSchema>;

/** What a run bought and how fast it answered, from its recorded totals (null for a run recorded without them). */
export const runUsageViewSchema = z.object({
  /** Judge calls the run made, sent or not. */
  requests: z.int().check(z.minimum(0)),
  /** Of them, answered from the cache (the CLI's "cached"): they cost nothing. */
  cached: z.int().check(z.minimum(0)),
  promptTokens: z.number().check(z.minimum(0)),
  completionTokens: z.number().check(z.minimum(0)),
  /** Null when no price is known for the model (or nothing was bought). */
  usd: z.nullable(z.number().check(z.minimum(0))),
  pricedAs: z.nullable(z.string()),
  latencyMs: z.nullable(z.object({ p50: z.number(), p95: z.number() })),
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
    firstShownCi: z.nullable(z.tuple([z.number(), z.number()])),
  }),
  byOrder: z.object({ original: orderFiguresSchema, swapped: orderFiguresSchema }),
  verbosity: z.object({ pairs: z.number(), judgeLongerRate: nullableNumber, humanLongerRate: nullableNumber, threshold: z.number() }),
});
export type PairwiseFiguresView = z.infer<typeof pairwiseFiguresViewSchema>;

/** What a pairwise prompt compares: the two fields and the human label values of their wins (and of a tie). */
export const pairwiseSetupSchema = z.object({ responses: z.tuple([z.string(), z.string()]), winners: z.tuple([z.string(), z.string()]), tie: z.nullable(z.string()) });
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
    pairwise: z.optional(z.nullable(pairwiseSetupSchema)),
  }),
  z.object({ type: z.literal('runStarted'), runId: z.number(), total: z.number(), split: runSplit }),
  z.object({ type: z.literal('rows'), rows: z.array(rowViewSchema), done: z.number(), total: z.number() }),
  z.object({
    type: z.literal('run'),
    run: runSummaryViewSchema,
    metrics: z.object({ all: metricsViewSchema, dev: metricsViewSchema, test: metricsViewSchema }),
    rows: z.array(rowViewSchema),
    running: z.boolean(),
    usage: z.nullable(runUsageViewSchema),
    pairwise: z.optional(z.nullable(pairwiseFiguresViewSchema)),
  }),
  z.object({ type: z.literal('history'), history: z.array(runSummaryViewSchema) }),
  z.object({ type: z.literal('comparison'), comparison: z.nullable(comparisonViewSchema) }),
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
    model: z.optional(z.string().check(z.trim(), z.maxLength(200))),
    concurrency: z.optional(z.int().check(z.minimum(1), z.maximum(128))),
    /** Ask again for rows whose kept answer was unusable, instead of reading it again (the CLI's --retry-failed). */
    retryFailed: z.optional(z.boolean()),
  }),
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('openRun'), runId: z.int() }),
  z.object({ type: z.literal('compare'), baseRunId: z.nullable(z.int()) }),
  z.object({ type: z.literal('diffPrompts'), baseRunId: z.int(), headRunId: z.int() }),
  z.object({ type: z.literal('export'), runId: z.int(), format: z.enum(['markdown', 'csv', 'json']) }),
  z.object({ type: z.literal('relabel'), exampleId: z.string().check(z.minLength(1), z.maxLength(500)), label: z.string().check(z.minLength(1), z.maxLength(200)) }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

import { parseWith, type ParseResult } from './parse';

export type { ParseResult };
export const parseHostMessage = (data: unknown): ParseResult<HostMessage> => parseWith(hostMessageSchema, data);
export const parseWebviewMessage = (data: unknown): ParseResult<WebviewMessage> => parseWith(webviewMessageSchema, data);
