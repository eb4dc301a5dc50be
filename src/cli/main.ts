import { parseCommandArgs, wantsHelp } from './args';
import { jsonFailure, runCommand, type RunProgress } from './runCommand';
import { CACHE_USAGE, cacheCommand } from './cacheCommand';
import { compareCommand } from './compareCommand';
import { parsePullArgs, pullCommand } from './pullCommand';
import { IMPORT_USAGE, importCommand, parseImportArgs } from './importCommand';
import { ExitCode, UsageError } from './exitCodes';
import { DEFAULT_KEEP_PER_PROMPT } from '../core/cache/retention';
import type { Split } from '../core/judge/runTypes';
import { PromptRenderError, PromptWarningsError } from '../core/judge/session';

const RUN_USAGE = `  judge-align run <file.judge.md> [options]     run the judge over the labelled rows

Options for run:
  --split all|dev|test        which rows (default: the prompt's split, else all)
  --concurrency N             requests in flight (default 8)
  --base-url URL              OpenAI-compatible endpoint (default: prompt, OPENAI_BASE_URL, OpenAI)
  --allow-prompt-endpoint     let a base_url named only in the prompt file receive the rows and OPENAI_API_KEY
                              (without it such a run stops before any request, exit 2; --base-url or
                              OPENAI_BASE_URL naming the same origin allows it too)
  --model NAME                model (default: prompt, else gpt-4o-mini)
  --repeat N                  judge each row N times and report flips
  --fail-under-agreement X    exit 1 when agreement < X (a fraction, 0..1)
  --fail-under-kappa X        exit 1 when Cohen's kappa < X
  --retry-failed              ask again for rows whose earlier answer was unusable (unparseable, a label
                              outside the set); without it such answers are kept and read again, not bought
  --timeout SECONDS           per request (default 60)
  --max-retries N             for 429, 5xx, timeouts (default 4)
  --cache PATH                the SQLite cache (default: .judge-align/cache.sqlite above the prompt, or here)
  --force                     send even when a variable renders an object or list, or every row would get
                              the same prompt (without it such a run stops before any request, exit 2)
  --strict                    treat the prompt's warnings (the ones the editor shows: unknown front matter keys,
                              a {{ that starts no variable, no variables, variables empty in most rows, human labels
                              outside labels) as errors: the run stops before any request, exit 2
  --json                      print one JSON object (metrics.n, metrics.agreement, metrics.kappa,
                              metrics.confusion, metrics.errors, mismatches, failed, ...); a run that fails,
                              before it starts or after, prints {"error": {"name", "message"}, "exitCode"}
`;

const COMPARE_USAGE = `  judge-align compare <file.judge.md> [--base RUN] [--head RUN] [--force] [--json]
                                                what changed between two runs (default: the last run and the latest
                                                earlier one of the same split, dataset and endpoint; runs that differ
                                                in those are refused unless --force)
`;

const PULL_USAGE = `  judge-align pull [SOURCE...] [--workspace DIR] [--full] [--json]
                                                pull annotated traces from the sources in judge-align.sources.json
                                                (Phoenix, LangSmith, Langfuse, Arize AX or an AX export file) into the cache;
                                                --full re-reads everything
`;

const FOOTER = `Environment: OPENAI_API_KEY, OPENAI_BASE_URL; for pull: PHOENIX_API_KEY, LANGSMITH_API_KEY, LANGFUSE_PUBLIC_KEY,
             LANGFUSE_SECRET_KEY, ARIZE_API_KEY.
Exit codes: 0 ok, 1 under a --fail-under threshold, 2 bad usage or prompt/dataset error (or warnings under --strict),
            3 the run failed (every row failed, the endpoint cannot answer, or the cache could not be written), 130 cancelled.
`;

/** Each command's usage, for `judge-align <command> --help`; the whole help lists them all, grouped by command. */
const USAGE: Record<string, string> = { run: RUN_USAGE, compare: COMPARE_USAGE, pull: PULL_USAGE, import: IMPORT_USAGE, cache: `${CACHE_USAGE}\n` };

const HELP = `judge-align: align LLM-as-a-judge prompts with human labels

Commands (judge-align <command> --help for one):
${Object.values(USAGE).join('\n')}
${FOOTER}`;

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  const run: RunProgress = {};
  try {
    if (command !== undefined && Object.hasOwn(USAGE, command) && wantsHelp(rest)) {
      out.write(`Usage:\n${USAGE[command]}\n${FOOTER}`);
      return ExitCode.Ok;
    }
    switch (command) {
      case 'run':
        return await runCommand(parseRunArgs(rest), out, err, run);
      case 'compare':
        return await compareCommand(parseCompareArgs(rest), out);
      case 'pull':
        return await pullCommand(parsePullArgs(rest), out, err);
      case 'import':
        return await importCommand(parseImportArgs(rest), out, err);
      case 'cache':
        return await cacheCommand(parseCacheArgs(rest), out);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out.write(HELP);
        return command === undefined ? ExitCode.Usage : ExitCode.Ok;
      case '--version':
      case '-v':
        out.write(`${VERSION}\n`);
        return ExitCode.Ok;
      default:
        throw new UsageError(`Unknown command "${command}". Run judge-align --help for the commands.`);
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const code = isUsage(e) ? ExitCode.Usage : ExitCode.RunFailed;
    // Every failure of `run --json` answers with one object on stdout (scripts read it there), before it started
    // (even a bad option) or after; the message goes to stderr as for any failure.
    if (command === 'run' && rest.includes('--json')) out.write(JSON.stringify(jsonFailure(e, code, run.runId), null, 2) + '\n');
    err.write(`judge-align: ${message}\n`);
    if (e instanceof PromptRenderError) err.write('To send these prompts anyway, run again with --force.\n');
    if (e instanceof PromptWarningsError) err.write('To run despite the warnings, run again without --strict.\n');
    return code;
  }
}

declare const JUDGE_ALIGN_VERSION: string | undefined;
const VERSION = typeof JUDGE_ALIGN_VERSION === 'string' ? JUDGE_ALIGN_VERSION : 'dev';

function isUsage(e: unknown): boolean {
  if (e instanceof UsageError) return true;
  const name = e instanceof Error ? e.name : '';
  return ['PromptInvalidError', 'PromptRenderError', 'PromptWarningsError', 'EndpointNotAllowedError', 'DatasetNotFoundError', 'SourceAuthError', 'SourcesFileError', 'CachedDatasetNotFoundError', 'FileFormatError', 'UnknownColumnError', 'BadRowError'].includes(name);
}

function parseRunArgs(args: string[]) {
  const { values, positionals } = parseCommandArgs('run', args, {
    split: { type: 'string' },
    concurrency: { type: 'string' },
    'base-url': { type: 'string' },
    model: { type: 'string' },
    repeat: { type: 'string' },
    'fail-under-agreement': { type: 'string' },
    'fail-under-kappa': { type: 'string' },
    timeout: { type: 'string' },
    'max-retries': { type: 'string' },
    cache: { type: 'string' },
    json: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    'allow-prompt-endpoint': { type: 'boolean', default: false },
    'retry-failed': { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw new UsageError('run takes one prompt file: judge-align run <file.judge.md>');
  const split = values.split as string | undefined;
  if (split !== undefined && !['all', 'dev', 'test'].includes(split)) throw new UsageError(`--split must be all, dev or test, not "${split}".`);
  return {
    file: positionals[0]!,
    split: split as Split | undefined,
    concurrency: int(values.concurrency, '--concurrency', 1, 256),
    baseUrl: values['base-url'] as string | undefined,
    model: values.model as string | undefined,
    repeat: int(values.repeat, '--repeat', 1, 20),
    failUnderAgreement: fraction(values['fail-under-agreement'], '--fail-under-agreement', 0),
    failUnderKappa: fraction(values['fail-under-kappa'], '--fail-under-kappa', -1),
    timeoutSeconds: int(values.timeout, '--timeout', 1, 3600),
    maxRetries: int(values['max-retries'], '--max-retries', 0, 10),
    cache: values.cache as string | undefined,
    json: values.json === true,
    force: values.force === true,
    strict: values.strict === true,
    allowPromptEndpoint: values['allow-prompt-endpoint'] === true,
    retryFailed: values['retry-failed'] === true,
  };
}

function parseCompareArgs(args: string[]) {
  const { values, positionals } = parseCommandArgs('compare', args, {
    base: { type: 'string' },
    head: { type: 'string' },
    cache: { type: 'string' },
    json: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw new UsageError('compare takes one prompt file: judge-align compare <file.judge.md> [--base RUN] [--head RUN]');
  return {
    file: positionals[0]!,
    base: int(values.base, '--base', 1, Number.MAX_SAFE_INTEGER),
    head: int(values.head, '--head', 1, Number.MAX_SAFE_INTEGER),
    cache: values.cache as string | undefined,
    json: values.json === true,
    force: values.force === true,
  };
}

function parseCacheArgs(args: string[]) {
  const { values, positionals } = parseCommandArgs('cache', args, {
    keep: { type: 'string' },
    cache: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1 || positionals[0] !== 'prune') throw new UsageError('cache takes one action: judge-align cache prune [--keep N] [--cache PATH] [--json]');
  return {
    action: 'prune' as const,
    keep: int(values.keep, '--keep', 1, 1_000_000) ?? DEFAULT_KEEP_PER_PROMPT,
    cache: values.cache as string | undefined,
    json: values.json === true,
  };
}

function int(value: unknown, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not "${String(value)}".`);
  return n;
}

function fraction(value: unknown, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > 1) throw new UsageError(`${flag} takes a number from ${min} to 1 (e.g. 0.8), not "${String(value)}".`);
  return n;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
