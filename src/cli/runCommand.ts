import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cache } from '../core/cache/cache';
import { CacheRunStore, RunNotSavedError } from '../core/judge/cacheRunStore';
import { runJudgeSession, type RenderProblem, type SessionResult } from '../core/judge/session';
import type { Split } from '../core/judge/runTypes';
import { formatKappa, formatModel, formatPercent } from '../core/format';
import { formatUsd } from '../core/judge/pricing';
import { judgedPairs, type PairwiseFigures } from '../core/pairwise/pairRuns';
import { ProgressLine } from './progressLine';
import { callIndex } from '../core/pairwise/pairVerdicts';
import { pairOutcome } from '../core/pairwise/positionBias';
import { credentialsRefusal, EndpointNotAllowedError, hostOf, OPENAI_ORIGIN, redactUrl, type EndpointChoice } from '../core/judge/endpointTrust';
import { findCachePath } from './cachePath';
import { cancelOnSignals } from './cancellation';
import { ExitCode, UsageError } from './exitCodes';

export interface RunArgs {
  readonly file: string;
  readonly split?: Split;
  readonly concurrency?: number;
  readonly baseUrl?: string;
  readonly model?: string;
  readonly repeat?: number;
  readonly failUnderAgreement?: number;
  readonly failUnderKappa?: number;
  readonly json: boolean;
  readonly cache?: string;
  readonly timeoutSeconds?: number;
  readonly maxRetries?: number;
  /** Send even when a render check fails (see renderChecks). */
  readonly force?: boolean;
  /** Ask again for rows whose kept answer was unusable. */
  readonly retryFailed?: boolean;
  /** Refuse to run while the prompt has warnings (the ones the editor shows). */
  readonly strict?: boolean;
  /** Let a `base_url` named only by the prompt file receive the rows and OPENAI_API_KEY. */
  readonly allowPromptEndpoint?: boolean;
}

/** What a run got to before it failed, for the --json answer of its failure (see {@link jsonFailure}). */
export interface RunProgress {
  /** Set once the run is recorded in the cache. */
  runId?: number;
}

export async function runCommand(args: RunArgs, out: NodeJS.WritableStream, err: NodeJS.WritableStream, progress: RunProgress = {}): Promise<number> {
  const promptPath = path.resolve(args.file);
  const promptText = readPromptFile(promptPath);
  for (const [where, url] of [['--base-url', args.baseUrl], ['OPENAI_BASE_URL', process.env.OPENAI_BASE_URL]] as const) {
    const refusal = url ? credentialsRefusal(where, url) : undefined;
    if (refusal) throw new UsageError(refusal);
  }
  const line = new ProgressLine(err);
  const cache = await Cache.open(args.cache ? path.resolve(args.cache) : findCachePath(promptPath), {
    onLockWait: (notice) => line.message(`judge-align: ${notice.message}\n`),
  });
  const store = new CacheRunStore(cache);
  const cancel = cancelOnSignals({ onCancel: () => err.write('\nCancelling: rows already judged are kept; run the same command again to resume.\n') });
  const tty = !args.json && (err as NodeJS.WriteStream).isTTY === true;
  let result: SessionResult;
  try {
    result = await runJudgeSession({
      promptPath,
      promptText,
      store,
      credentials: async (endpoint) => {
        if (endpoint.needsConsent && !args.allowPromptEndpoint) throw promptEndpointRefused(promptPath, endpoint);
        const key = process.env.OPENAI_API_KEY;
        if (!key && endpoint.origin === OPENAI_ORIGIN) throw new MissingKeyError();
        return key;
      },
      defaults: {
        baseUrl: process.env.OPENAI_BASE_URL,
        timeoutMs: (args.timeoutSeconds ?? 60) * 1000,
        maxRetries: args.maxRetries ?? 4,
      },
      overrides: { baseUrl: args.baseUrl, model: args.model, split: args.split, repeat: args.repeat, concurrency: args.concurrency, retryFailed: args.retryFailed },
      signal: cancel.signal,
      force: args.force,
      strict: args.strict,
      onRenderProblems: (problems) => err.write(renderWarnings(problems)),
      onPlan: (plan, runId, resumed) => {
        progress.runId = runId;
        if (!args.json) {
          err.write(
            `Run #${runId}${resumed ? ' (resumed)' : ''}: ${plan.rows} labelled rows` +
              (plan.requests.length !== plan.rows ? `, ${plan.requests.length} judge calls` : '') +
              (plan.unlabelled ? `, ${plan.unlabelled} unlabelled rows skipped` : '') +
              '\n',
          );
        }
      },
      onVerdict: (_v, done, total) => {
        if (tty && (done === total || done % 10 === 0)) line.progress(`  ${done}/${total} judged`);
      },
    });
  } finally {
    cancel.dispose();
    cache.close();
  }
  if (tty) line.end();
  const m = result.totals.metrics[result.split === 'all' ? 'all' : result.split];
  if (args.json) out.write(JSON.stringify(jsonReport(result), null, 2) + '\n');
  else out.write(textReport(result));
  if (result.status === 'cancelled') return ExitCode.Cancelled;
  // A dead endpoint is not a quality drop: it must not look like one in CI, whatever thresholds are set.
  if (m.n === 0 && m.errors > 0) {
    err.write(`judge-align: every row failed (${m.errors}); see the reasons above and check the endpoint and model.\n`);
    return ExitCode.RunFailed;
  }
  const failures: string[] = [];
  if (args.failUnderAgreement !== undefined && (m.agreement === null || m.agreement < args.failUnderAgreement)) {
    failures.push(`agreement ${formatPercent(m.agreement)} is under ${formatPercent(args.failUnderAgreement)}`);
  }
  if (args.failUnderKappa !== undefined && (m.kappa === null || m.kappa < args.failUnderKappa)) {
    failures.push(`kappa ${formatKappa(m.kappa)} is under ${formatKappa(args.failUnderKappa)}`);
  }
  if (failures.length > 0) {
    err.write(`judge-align: ${failures.join('; ')}.\n`);
    return ExitCode.BelowThreshold;
  }
  return ExitCode.Ok;
}

/** The prompt's text, or a UsageError saying what the path is instead (missing, a folder, unreadable). */
function readPromptFile(promptPath: string): string {
  const stat = fs.statSync(promptPath, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`No such prompt file: ${promptPath}`);
  if (stat.isDirectory()) {
    // A folder is a likely slip (the workspace instead of the file in it): name the prompts it holds.
    const prompts = fs.readdirSync(promptPath).filter((f) => f.endsWith('.judge.md')).sort().map((f) => path.join(promptPath, f));
    if (prompts.length === 0) throw new UsageError(`${promptPath} is a folder, not a prompt file, and holds no .judge.md file. Give the path of one.`);
    throw new UsageError(`${promptPath} is a folder, not a prompt file. Give one .judge.md file: ${prompts.map((p) => `judge-align run ${p}`).join(', or ')}.`);
  }
  try {
    return fs.readFileSync(promptPath, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read the prompt file ${promptPath} (${(e as NodeJS.ErrnoException).code ?? String(e)}). Check that it is a file you can read.`);
  }
}

/** Position bias next to agreement: consistency across orders, how often the first-shown response wins, each order's own agreement. */
function pairwiseLines(p: PairwiseFigures): string[] {
  const pos = p.position;
  const ci = pos.firstShownCi ? ` [${formatPercent(pos.firstShownCi[0])}, ${formatPercent(pos.firstShownCi[1])}]` : '';
  return [
    `position: ${pos.consistent} of ${pos.pairs} pairs judged both ways agree across orders (consistency ${formatPercent(pos.consistency)}); ` +
      `the first-shown response won ${pos.firstShownWins} of ${pos.decided} decided verdicts (${formatPercent(pos.firstShownRate)}${ci}; 50% is no position bias)`,
    `by order: as written ${formatPercent(p.byOrder.original.agreement)} agreement, κ ${formatKappa(p.byOrder.original.kappa)} (n ${p.byOrder.original.n}); ` +
      `swapped ${formatPercent(p.byOrder.swapped.agreement)}, κ ${formatKappa(p.byOrder.swapped.kappa)} (n ${p.byOrder.swapped.n})`,
    `verbosity: on ${p.verbosity.pairs} pairs whose lengths differ by more than ${Math.round(p.verbosity.threshold * 100)}%, the judge picked the longer ` +
      `response in ${formatPercent(p.verbosity.judgeLongerRate)}, the humans in ${formatPercent(p.verbosity.humanLongerRate)}`,
  ];
}

/** The OpenAI API always wants a key: without one the run would fail every row, so it does not start. */
class MissingKeyError extends Error {
  override readonly name = 'MissingKeyError';
  constructor() {
    super('No OPENAI_API_KEY is set, and the judge endpoint is the OpenAI API. Export OPENAI_API_KEY, or point --base-url or OPENAI_BASE_URL at another endpoint (a local server needs no key). Nothing was sent.');
  }
}

/** The CLI's answer to a prompt that names an endpoint nobody chose: refuse, say how to allow it. Nothing was sent. */
function promptEndpointRefused(promptPath: string, endpoint: EndpointChoice): EndpointNotAllowedError {
  const url = redactUrl(endpoint.baseUrl);
  const what = process.env.OPENAI_API_KEY ? 'its rows and OPENAI_API_KEY' : 'its rows';
  return new EndpointNotAllowedError(
    promptPath,
    endpoint,
    `${path.relative(process.cwd(), promptPath) || promptPath} names base_url ${url} in its front matter, an endpoint you did not choose: ` +
      `the run would send ${what} to ${hostOf(endpoint.baseUrl)}. Nothing was sent. ` +
      `To use it, pass --base-url ${url}, set OPENAI_BASE_URL to it, or run again with --allow-prompt-endpoint.`,
  );
}

/** Problems a run goes on despite: the editor's warnings and the render checks', and with --force the errors it was told to ignore. */
function renderWarnings(problems: readonly RenderProblem[]): string {
  return problems
    .map((p) => `judge-align: warning: ${p.severity === 'error' ? 'sending anyway (--force) although ' : ''}line ${p.line}: ${p.message}\n`)
    .join('');
}

/**
 * The --json answer of a run that failed, whether it never started (a bad option or prompt, a missing dataset, a
 * refused endpoint) or failed once recorded: `error` and `exitCode` always, and for a recorded run its id, its status
 * and, when answers could not be saved, where they went.
 */
export function jsonFailure(e: unknown, exitCode: number, runId?: number): unknown {
  const error = { name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) };
  if (runId === undefined) return { error, exitCode };
  if (!(e instanceof RunNotSavedError)) return { runId, status: 'failed', error, exitCode };
  return { runId, status: e.status ?? 'failed', error, exitCode, journal: e.status ? e.journal : null, unsaved: e.unsaved };
}

export function jsonReport(result: SessionResult): unknown {
  const key = result.split === 'all' ? 'all' : result.split;
  const first = result.verdicts.filter((v) => v.repetition === 0);
  return {
    runId: result.runId,
    status: result.status,
    resumed: result.resumed,
    prompt: result.config.base_url ? { ...result.config, base_url: redactUrl(result.config.base_url) } : result.config,
    model: result.endpoint.model,
    reportedModels: result.totals.reportedModels,
    baseUrl: result.endpoint.baseUrl,
    split: result.split,
    dataset: result.datasetPath,
    metrics: result.totals.pairwise ? { ...result.totals.metrics[key], ...result.totals.pairwise } : result.totals.metrics[key],
    splits: { dev: result.totals.metrics.dev, test: result.totals.metrics.test },
    repeats: result.totals.flips ? { ...result.totals.flips, unstable: result.totals.unstableRows ?? [] } : null,
    counts: {
      rows: result.totals.rows,
      unlabelled: result.totals.unlabelled,
      otherSplit: result.totals.otherSplit,
      outsideSet: result.totals.outsideSet,
      requests: result.totals.requests,
      requestsMade: result.totals.requestsMade,
      httpRequests: result.totals.httpRequests,
      cacheHits: result.totals.cacheHits,
      resumedRows: result.totals.resumedRows,
    },
    tokens: { prompt: result.totals.promptTokens, completion: result.totals.completionTokens },
    cost: result.totals.cost,
    latencyMs: result.totals.latencyMs,
    durationMs: result.totals.durationMs,
    failed: result.verdicts.filter((v) => v.error !== null && (result.config.pairwise || v.repetition === 0)).map((v) => ({ id: v.exampleId, error: v.error })),
    mismatches: result.config.pairwise
      ? pairMismatches(result)
      : first
          .filter((v) => v.error === null && v.label !== v.humanLabel)
          .map((v) => ({ id: v.exampleId, split: v.split, human: v.humanLabel, judge: v.label, explanation: v.explanation })),
  };
}

/** Pairs whose combined verdict is not the human's choice, with what each order answered and why. */
function pairMismatches(result: SessionResult): unknown[] {
  const config = result.config.pairwise!;
  const explained = new Map(result.verdicts.map((v) => [`${v.exampleId}#${v.repetition}`, v.explanation]));
  return judgedPairs(result.verdicts, result.repeat, config)
    .map((pair) => ({ pair, outcome: pairOutcome(pair, config) }))
    .filter(({ pair, outcome }) => 'value' in outcome && outcome.value !== pair.human)
    .map(({ pair, outcome }) => ({
      id: pair.id,
      split: pair.split,
      human: pair.human,
      judge: (outcome as { value: string }).value,
      orders: pair.orders.map((o) => ({
        position: o.position,
        answer: o.answer,
        explanation: explained.get(`${pair.id}#${callIndex(o.position, 0, result.repeat)}`) ?? null,
      })),
    }));
}

function textReport(result: SessionResult): string {
  const lines: string[] = [];
  const t = result.totals;
  const names = result.split === 'all' ? (['all', 'dev', 'test'] as const) : ([result.split] as const);
  for (const name of names) {
    const m = t.metrics[name];
    if (name !== 'all' && m.n === 0 && m.errors === 0) continue;
    const ci = m.agreementCi ? ` [${formatPercent(m.agreementCi[0])}, ${formatPercent(m.agreementCi[1])}]` : '';
    lines.push(`${name.padEnd(4)}  agreement ${formatPercent(m.agreement)}${ci}  kappa ${formatKappa(m.kappa)}  scored ${m.n}  failed ${m.errors}`);
  }
  if (t.pairwise) lines.push(...pairwiseLines(t.pairwise));
  const first = result.verdicts.filter((v) => v.repetition === 0);
  // A pairwise verdict is the judge's A or B, not a human value: its mismatches are the pairs', in the figures.
  const mismatches = t.pairwise ? [] : first.filter((v) => v.error === null && v.label !== v.humanLabel);
  const failed = first.filter((v) => v.error !== null);
  lines.push(`${mismatches.length} mismatches, ${failed.length} failed rows, ${t.requestsMade} rows sent in ${t.httpRequests} HTTP requests, ${t.cacheHits} from cache.`);
  const apart = [t.unlabelled ? `${t.unlabelled} unlabelled` : '', t.outsideSet ? `${t.outsideSet} with a human label outside labels` : ''].filter(Boolean);
  if (apart.length > 0) lines.push(`Not judged: ${apart.join(', ')} (counted apart, not in the figures).`);
  for (const v of failed.slice(0, 20)) lines.push(`  failed ${v.exampleId}: ${v.error}`);
  if (failed.length > 20) lines.push(`  …and ${failed.length - 20} more failed rows (use --json for all).`);
  const cost = t.cost ? ` ≈ ${formatUsd(t.cost.usd)} (${t.cost.pricedAs})` : t.promptTokens + t.completionTokens > 0 ? ' (no price known for this model)' : '';
  const latency = t.latencyMs ? `; latency p50 ${t.latencyMs.p50} ms, p95 ${t.latencyMs.p95} ms` : '';
  lines.push(`Tokens: ${t.promptTokens} in, ${t.completionTokens} out${cost}${latency}.`);
  if (t.flips) {
    const unstable = t.unstableRows ?? [];
    lines.push(`${t.flips.flipped} of ${t.flips.examples} ${t.pairwise ? 'pairs' : 'examples'} flipped between repetitions${unstable.length ? `: ${unstable.slice(0, 20).join(', ')}${unstable.length > 20 ? ` and ${unstable.length - 20} more (use --json for all)` : ''}` : ''}.`);
  }
  lines.push(`Run #${result.runId} (${result.status}) at ${hostOf(result.endpoint.baseUrl)}: ${formatModel(result.endpoint.model, t.reportedModels)}.`);
  return lines.join('\n') + '\n';
}
