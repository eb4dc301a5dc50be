import { loadLocalDataset, resolveDatasetPath, type LocalDataset } from '../datasets/localDataset';
import { applyLabelOverrides } from '../datasets/labelOverrides';
import { bySplit, computeFlips } from '../metrics/computeMetrics';
import type { AlignmentMetrics, VerdictForMetrics } from '../metrics/computeMetrics';
import { DEFAULT_DEV_RATIO } from '../split';
import type { JudgeConfig } from './frontMatter';
import { createJudgeClient } from './llmClient';
import { planRequests, type Endpoint, type Plan } from './plan';
import { promptHash } from './promptHash';
import { checkVariables, parsePromptFile, type ParsedPromptFile, type PromptDiagnostic } from './promptFile';
import { renderChecks } from './renderChecks';
import { outsideSetMessage, pairwiseDiagnostics, promptDiagnostics, valueRange } from './promptChecks';
import { executeRequests, type JudgeCaller, type RunStore } from './runner';
import type { RunStatus, Split, VerdictRecord } from './runTypes';
import { compileTemplate, type TemplateVariable } from './template';
import { judgedPairs, pairMetricRows, pairRepetitionRows, pairwiseFigures, type PairwiseFigures } from '../pairwise/pairRuns';
import { unstableExamples } from '../metrics/repetitions';
import { metricLabels } from '../pairwise/pairwiseConfig';
import { templateFields } from '../pairwise/pairVerdicts';
import { percentile, runCost, type ModelPrice, type RunCost } from './pricing';
import { chooseEndpoint, redactUrl, type EndpointChoice } from './endpointTrust';

export { DEFAULT_BASE_URL } from './endpointTrust';
export const DEFAULT_MODEL = 'gpt-4o-mini';

/** Settings that apply when neither the prompt file nor the command line says otherwise. */
export interface SessionDefaults {
  readonly baseUrl?: string;
  readonly model?: string;
  readonly devRatio?: number;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  /** Per-million-token prices that replace or add to the built-in list (the setting judgeAlign.prices). */
  readonly prices?: Readonly<Record<string, ModelPrice>>;
}

/** What a person asked for this run: these win over the prompt file. */
export interface SessionOverrides {
  readonly baseUrl?: string;
  readonly model?: string;
  readonly split?: Split;
  readonly repeat?: number;
  readonly concurrency?: number;
  /** Buy again the answers kept from earlier runs that were unusable (unparseable, a label outside the set). */
  readonly retryFailed?: boolean;
}

export interface SessionOptions {
  readonly promptPath: string;
  readonly promptText: string;
  readonly defaults?: SessionDefaults;
  readonly overrides?: SessionOverrides;
  /**
   * The key to send to the endpoint this run chose, asked once that endpoint is known and the render checks have
   * passed, before anything is sent or recorded. It decides whether the endpoint may be used at all: it throws
   * (an EndpointNotAllowedError, or the caller's own) to refuse, and then nothing is sent. Undefined: no key.
   */
  readonly credentials?: (endpoint: EndpointChoice) => Promise<string | undefined>;
  readonly store: RunStore;
  /** Replaces the OpenAI-compatible client (tests). */
  readonly client?: JudgeCaller;
  readonly signal?: AbortSignal;
  /**
   * Send even when what the rows render fails an error-level check (an object where text belongs, the same prompt
   * for every row). Without it such a run is refused with a {@link PromptRenderError} before anything is sent.
   */
  readonly force?: boolean;
  /**
   * Refuse to run while the prompt has any warning (the editor's warnings and the render checks' ones) with a
   * {@link PromptWarningsError}, before anything is sent.
   */
  readonly strict?: boolean;
  /**
   * Problems that do not stop the run, each once and by line: the warnings the editor shows for the prompt
   * ({@link promptDiagnostics}), the render checks' warnings over the rows this run judges, and errors overridden
   * by `force`.
   */
  readonly onRenderProblems?: (problems: readonly RenderProblem[]) => void;
  readonly onPlan?: (plan: Plan, runId: number, resumed: boolean) => void;
  readonly onVerdict?: (verdict: VerdictRecord, done: number, total: number) => void;
  /**
   * Asked with the number of requests the run will send (the runner's count: cached and resumed rows are not in it)
   * and what they go to, before the first is sent. False: nothing is sent, the run ends cancelled and `declined`.
   */
  readonly confirmSend?: (toSend: number, target: { readonly model: string; readonly baseUrl: string }) => Promise<boolean>;
}

export interface RunTotals {
  readonly metrics: { all: AlignmentMetrics; dev: AlignmentMetrics; test: AlignmentMetrics };
  readonly flips: ReturnType<typeof computeFlips> | null;
  /** With `repeat: N`: the rows (pairs, for a pairwise judge) whose verdict changed between repetitions. */
  readonly unstableRows?: readonly string[];
  readonly rows: number;
  readonly unlabelled: number;
  readonly otherSplit: number;
  /** Rows whose human label is none of `labels`: not judged, counted here. */
  readonly outsideSet: number;
  readonly requests: number;
  /** Rows sent to the judge. */
  readonly requestsMade: number;
  /** HTTP requests, retries included (what an endpoint bills and rate-limits). */
  readonly httpRequests: number;
  /** What the endpoint said answered (empty when every answer came from the cache or nothing was sent). */
  readonly reportedModels: readonly string[];
  readonly cacheHits: number;
  readonly resumedRows: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Position bias and per-order agreement, for a pairwise judge. */
  readonly pairwise: PairwiseFigures | null;
  /** What the tokens of this run cost, where the model's price is known (null for a local or unknown model). */
  readonly cost: RunCost | null;
  /** Latency of the answers bought in this run (retries and waits included), nearest-rank percentiles in ms. */
  readonly latencyMs: { readonly p50: number; readonly p95: number } | null;
  readonly durationMs: number;
}

export interface SessionResult {
  readonly runId: number;
  readonly status: RunStatus;
  readonly resumed: boolean;
  readonly config: JudgeConfig;
  readonly endpoint: Endpoint;
  readonly split: Split;
  /** Judge calls per row this run made (the command line's, else the prompt's): how its calls are numbered. */
  readonly repeat: number;
  readonly datasetPath: string;
  readonly totals: RunTotals;
  readonly verdicts: VerdictRecord[];
  /** The person said no when asked to confirm the requests ({@link SessionOptions.confirmSend}): nothing was sent. */
  readonly declined?: boolean;
}

/** The prompt file cannot be run as it is; the message lists each problem with its line. */
export class PromptInvalidError extends Error {
  constructor(
    readonly promptPath: string,
    readonly problems: readonly PromptDiagnostic[],
    text: string,
  ) {
    super(
      `${promptPath} cannot be run:\n` +
        problems.map((p) => `  line ${lineOf(text, p.start)}: ${p.message}`).join('\n') +
        '\nFix these in the prompt file and run again.',
    );
    this.name = 'PromptInvalidError';
  }
}

/** A render check's finding, with the line of the prompt file it is on. */
export interface RenderProblem extends PromptDiagnostic {
  readonly line: number;
}

/**
 * What the rows would render cannot be judged (a variable renders an object, every row gets the same prompt): the
 * run is refused before any request. The message names the variables, rows and values.
 */
export class PromptRenderError extends Error {
  constructor(
    readonly promptPath: string,
    readonly problems: readonly RenderProblem[],
  ) {
    super(
      `${promptPath} was not run: it would send prompts the judge cannot use.\n` +
        problems.map((p) => `  line ${p.line}: ${p.message}`).join('\n') +
        '\nFix these in the prompt file and run again. Nothing was sent.',
    );
    this.name = 'PromptRenderError';
  }
}

/** A strict run found warnings: it is refused before any request. The message lists each with its line. */
export class PromptWarningsError extends Error {
  constructor(
    readonly promptPath: string,
    readonly problems: readonly RenderProblem[],
  ) {
    super(
      `${promptPath} was not run: it has warnings, and a strict run treats them as errors.\n` +
        problems.map((p) => `  line ${p.line}: ${p.message}`).join('\n') +
        '\nFix them in the prompt file or the dataset and run again. Nothing was sent.',
    );
    this.name = 'PromptWarningsError';
  }
}

/** A dataset named by something other than a file path, which only a pulled cache can answer. */
export class DatasetNotFoundError extends Error {
  constructor(readonly reference: string) {
    super(
      `Dataset "${reference}" is not a path to a .jsonl or .csv file. Give a path relative to the prompt file (for example ./data.jsonl).`,
    );
    this.name = 'DatasetNotFoundError';
  }
}

export interface LoadedPrompt {
  readonly parsed: ParsedPromptFile;
  readonly config: JudgeConfig;
  readonly body: string;
  readonly variables: readonly TemplateVariable[];
  readonly dataset: LocalDataset;
  readonly datasetPath: string;
}

/**
 * Parses the prompt, loads its dataset (a file next to it, or a dataset pulled or imported into the cache) and
 * refuses to go on while anything is an error.
 */
export async function loadPromptForRun(
  promptPath: string,
  promptText: string,
  namedDataset?: (name: string, labelName: string) => Promise<LocalDataset>,
): Promise<LoadedPrompt> {
  const parsed = parsePromptFile(promptText);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.config || errors.length > 0) throw new PromptInvalidError(promptPath, errors, promptText);
  const config = parsed.config;
  const file = resolveDatasetPath(promptPath, config.dataset);
  if (!file && !namedDataset) throw new DatasetNotFoundError(config.dataset);
  const dataset = file ? await loadLocalDataset(file, { idField: config.id, labelField: config.label }) : await namedDataset!(config.dataset, config.label);
  const datasetPath = file ?? dataset.file;
  const variableErrors = checkVariables(parsed, templateFields(config, dataset.fieldPaths)).filter((d) => d.severity === 'error');
  const pairwiseErrors = pairwiseDiagnostics(promptText, config, parsed.variables, dataset.fieldPaths);
  if (pairwiseErrors.length > 0) throw new PromptInvalidError(promptPath, pairwiseErrors, promptText);
  if (variableErrors.length > 0) throw new PromptInvalidError(promptPath, variableErrors, promptText);
  return { parsed, config, body: parsed.body, variables: parsed.variables, dataset, datasetPath };
}

export function resolveEndpoint(config: JudgeConfig, defaults: SessionDefaults = {}, overrides: SessionOverrides = {}): Endpoint & { choice: EndpointChoice } {
  const choice = chooseEndpoint({ overrideBaseUrl: overrides.baseUrl, promptBaseUrl: config.base_url, userBaseUrl: defaults.baseUrl });
  const params: Record<string, unknown> = {};
  if (config.temperature !== undefined) params.temperature = config.temperature;
  if (config.top_p !== undefined) params.top_p = config.top_p;
  if (config.seed !== undefined) params.seed = config.seed;
  if (config.max_tokens !== undefined) params.max_tokens = config.max_tokens;
  return {
    baseUrl: choice.baseUrl,
    choice,
    model: overrides.model || config.model || defaults.model || DEFAULT_MODEL,
    params,
    structured: config.structured_output ?? true,
  };
}

export async function runJudgeSession(options: SessionOptions): Promise<SessionResult> {
  const started = Date.now();
  const defaults = options.defaults ?? {};
  const overrides = options.overrides ?? {};
  const prompt = await loadPromptForRun(options.promptPath, options.promptText, options.store.namedDataset?.bind(options.store));
  // Editor labels for a file dataset live beside it in the cache; a cached dataset already carries its own.
  const isFile = resolveDatasetPath(options.promptPath, prompt.config.dataset) !== null;
  const editorLabels = (isFile && (await options.store.humanLabels?.(prompt.datasetPath, prompt.config.label))) || new Map<string, string>();
  const loaded = { ...prompt, dataset: applyLabelOverrides(prompt.dataset, editorLabels) };
  const { config } = loaded;
  const { choice, ...endpoint } = resolveEndpoint(config, defaults, overrides);
  const split = overrides.split ?? config.split ?? 'all';
  const repeat = overrides.repeat ?? config.repeat ?? 1;
  const devRatio = config.dev_ratio ?? defaults.devRatio ?? DEFAULT_DEV_RATIO;
  const plan = planRequests(config, compileTemplate(loaded.body), loaded.dataset.rows, { split, devRatio, repeat, endpoint });
  checkRendered(options, loaded, plan);
  const apiKey = await options.credentials?.(choice);
  // What is recorded and shown: the URL without credentials (the client alone gets the real one).
  const shownEndpoint = { ...endpoint, baseUrl: redactUrl(endpoint.baseUrl) };

  const { runId, resumed, done, concurrent } = await options.store.startRun({
    promptPath: options.promptPath,
    promptText: options.promptText,
    promptHash: promptHash(options.promptText),
    model: endpoint.model,
    baseUrl: shownEndpoint.baseUrl,
    params: { ...endpoint.params, structured: endpoint.structured, devRatio },
    dataset: config.dataset,
    split,
    repeat,
  });
  options.onPlan?.(plan, runId, resumed);

  const client =
    options.client ??
    createJudgeClient({
      baseUrl: endpoint.baseUrl,
      apiKey,
      timeoutMs: defaults.timeoutMs ?? 60_000,
      maxRetries: defaults.maxRetries ?? 4,
    });
  let status: RunStatus = 'failed';
  try {
    const result = await executeRequests({
      runId,
      requests: plan.requests,
      done,
      labels: config.labels,
      model: endpoint.model,
      params: endpoint.params,
      structured: endpoint.structured,
      concurrency: overrides.concurrency ?? defaults.concurrency ?? 8,
      client,
      store: options.store,
      signal: options.signal,
      retryUnusable: overrides.retryFailed === true,
      concurrent: concurrent === true,
      onVerdict: options.onVerdict,
      confirmSend: options.confirmSend && ((toSend) => options.confirmSend!(toSend, { model: endpoint.model, baseUrl: shownEndpoint.baseUrl })),
    });
    status = result.cancelled ? 'cancelled' : 'completed';
    const totals = summarize(config, result.verdicts, plan, endpoint.model, defaults.prices, {
      requestsMade: result.requestsMade,
      httpRequests: result.httpRequests,
      reportedModels: result.reportedModels,
      cacheHits: result.cacheHits,
      resumedRows: result.resumedRows,
      durationMs: Date.now() - started,
      repeat,
    });
    await options.store.finishRun(runId, status, totals);
    return {
      runId,
      status,
      resumed,
      config,
      endpoint: shownEndpoint,
      split,
      repeat,
      datasetPath: loaded.datasetPath,
      totals,
      verdicts: result.verdicts,
      ...(result.declined ? { declined: true } : {}),
    };
  } catch (err) {
    await options.store.finishRun(runId, 'failed', { error: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
    throw err;
  }
}

/**
 * The gate before a run: refuses on error-level render problems (unless forced), on any warning when strict, and
 * reports the rest.
 */
function checkRendered(options: SessionOptions, prompt: LoadedPrompt, plan: Plan): void {
  const found = renderChecks(prompt, plan.judged);
  const outside = [...plan.outsideSet];
  if (outside.length > 0) {
    found.push({ severity: 'warning', code: 'human-label-outside-set', message: outsideSetMessage(outside), ...valueRange(options.promptText, 'labels') });
  }
  const withLine = (p: PromptDiagnostic): RenderProblem => ({ ...p, line: lineOf(options.promptText, p.start) });
  const problems = found.map(withLine);
  // The editor's warnings too, from the function the editor calls. Where both report the same check on the same
  // line, the run's own finding wins: it counts the rows of this run's split.
  const reported = new Set(problems.map((p) => `${p.code}:${p.line}`));
  for (const d of promptDiagnostics(options.promptText, prompt.parsed, prompt.dataset, undefined)) {
    const p = withLine(d);
    if (p.severity !== 'warning' || reported.has(`${p.code}:${p.line}`)) continue;
    reported.add(`${p.code}:${p.line}`);
    problems.push(p);
  }
  problems.sort((a, b) => a.line - b.line);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 && !options.force) throw new PromptRenderError(options.promptPath, errors);
  const warnings = problems.filter((p) => p.severity === 'warning');
  if (warnings.length > 0 && options.strict) throw new PromptWarningsError(options.promptPath, warnings);
  if (problems.length > 0) options.onRenderProblems?.(problems);
}

/**
 * The rows a run's figures are computed on: each verdict, or for a pairwise judge each pair, its orders combined,
 * in the humans' label values. Compare and the reports use it too, so they score runs as the run did.
 */
export function scoredRows(config: Pick<JudgeConfig, 'pairwise'>, repeat: number, verdicts: readonly VerdictRecord[]): VerdictForMetrics[] {
  return config.pairwise ? pairMetricRows(judgedPairs(verdicts, repeat, config.pairwise), config.pairwise) : toMetricRows(verdicts);
}

export function toMetricRows(verdicts: readonly VerdictRecord[]): VerdictForMetrics[] {
  return verdicts.map((v) => ({
    exampleId: v.exampleId,
    split: v.split,
    repetition: v.repetition,
    humanLabel: v.humanLabel,
    judgeLabel: v.label,
    failed: v.error !== null,
    // The runner writes errors as "<kind>: <message>" (see runner.fromOutcome).
    ...(v.error?.startsWith('label_outside_set:') ? { failure: 'label_outside_set' as const } : {}),
  }));
}

function summarize(
  config: JudgeConfig,
  verdicts: readonly VerdictRecord[],
  plan: Plan,
  model: string,
  prices: SessionDefaults['prices'],
  counts: { requestsMade: number; httpRequests: number; reportedModels: readonly string[]; cacheHits: number; resumedRows: number; durationMs: number; repeat: number },
): RunTotals {
  // Calls are numbered by the repeat this run made (the command line's may differ from the prompt's).
  const pairs = config.pairwise ? judgedPairs(verdicts, counts.repeat, config.pairwise) : undefined;
  const rows = config.pairwise && pairs ? pairMetricRows(pairs, config.pairwise) : toMetricRows(verdicts);
  // Stability: a pair's verdict per repetition is its two orders of that repetition combined.
  const repeated = counts.repeat <= 1 ? null : config.pairwise ? pairRepetitionRows(verdicts, counts.repeat, config.pairwise) : rows;
  const opts = config.pairwise ? { labels: metricLabels(config.pairwise) } : { labels: config.labels, positive: config.positive, ordinal: config.ordinal };
  let promptTokens = 0;
  let completionTokens = 0;
  const latencies: number[] = [];
  for (const v of verdicts) {
    if (v.cached) continue;
    promptTokens += v.promptTokens ?? 0;
    completionTokens += v.completionTokens ?? 0;
    if (v.latencyMs !== null && v.latencyMs !== undefined) latencies.push(v.latencyMs);
  }
  // Priced as what answered when the endpoint said (a dated version), else as what was asked for.
  const pricedModel = counts.reportedModels.length === 1 ? counts.reportedModels[0]! : model;
  const cost = promptTokens + completionTokens > 0 ? runCost(pricedModel, { prompt: promptTokens, completion: completionTokens }, prices) : null;
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  // Unlabelled rows are never sent, so the verdicts cannot count them: the plan does.
  const scored = bySplit(rows, opts);
  const withUnlabelled = (m: AlignmentMetrics, unlabelled: number): AlignmentMetrics => ({ ...m, rows: m.rows + unlabelled, unlabelled: m.unlabelled + unlabelled });
  return {
    metrics: {
      all: withUnlabelled(scored.all, plan.unlabelled),
      dev: withUnlabelled(scored.dev, plan.unlabelledBySplit.dev),
      test: withUnlabelled(scored.test, plan.unlabelledBySplit.test),
    },
    flips: repeated ? computeFlips(repeated) : null,
    ...(repeated ? { unstableRows: unstableExamples(repeated) } : {}),
    pairwise: config.pairwise && pairs ? pairwiseFigures(pairs, config.pairwise, plan.judged) : null,
    rows: plan.rows,
    unlabelled: plan.unlabelled,
    otherSplit: plan.otherSplit,
    outsideSet: [...plan.outsideSet.values()].reduce((a, b) => a + b, 0),
    requests: plan.requests.length,
    requestsMade: counts.requestsMade,
    httpRequests: counts.httpRequests,
    reportedModels: counts.reportedModels,
    cacheHits: counts.cacheHits,
    resumedRows: counts.resumedRows,
    promptTokens,
    completionTokens,
    cost,
    latencyMs: p50 === null || p95 === null ? null : { p50: Math.round(p50), p95: Math.round(p95) },
    durationMs: counts.durationMs,
  };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
