import { parseCommandArgs, wantsHelp } from './args';
import type { RunProgress } from './runCommand';
import { ExitCode, UsageError } from './exitCodes';
import { DEFAULT_KEEP_PER_PROMPT } from '../core/cache/retention';
import type { Split } from '../core/judge/runTypes';
import { HELP, FOOTER, USAGE } from './usage';

// The commands load when one runs, not before: `--help` and a wrong option answer without evaluating the cache,
// the platform clients or the prompt parser (most of the bundle).
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
        return await (await import('./runCommand')).runCommand(parseRunArgs(rest), out, err, run);
      case 'compare':
        return await (await import('./compareCommand')).compareCommand(parseCompareArgs(rest), out);
      case 'pull':
      {
        const { parsePullArgs, pullCommand } = await import('./pullCommand');
        return await pullCommand(parsePullArgs(rest), out, err);
      }
      case 'import':
      {
        const { parseImportArgs, importCommand } = await import('./importCommand');
        return await importCommand(parseImportArgs(rest), out, err);
      }
      case 'cache':
        return await (await import('./cacheCommand')).cacheCommand(parseCacheArgs(rest), out);
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
    if (command === 'run' && rest.includes('--json')) out.write(JSON.stringify((await import('./runCommand')).jsonFailure(e, code, run.runId), null, 2) + '\n');
    err.write(`judge-align: ${message}\n`);
    const name = e instanceof Error ? e.name : '';
    if (name === 'PromptRenderError') err.write('To send these prompts anyway, run again with --force.\n');
    if (name === 'PromptWarningsError') err.write('To run despite the warnings, run again without --strict.\n');
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
