import { parseCommandArgs } from './args';
import { Cache } from '../core/cache/cache';
import { formatCount } from '../core/format';
import { PullCancelledError, SourceAuthError } from '../core/sources/http';
import { connectSource } from '../core/sources/connect';
import { pullSource } from '../core/sources/pull';
import { readSourcesFile, SOURCES_FILE } from '../core/sources/sourcesFile';
import { saveSourceBatch } from '../core/sources/store';
import { findCachePath } from './cachePath';
import { cancelOnSignals } from './cancellation';
import { ExitCode, UsageError } from './exitCodes';

export interface PullArgs {
  /** Source names from judge-align.sources.json; all of them when empty. */
  readonly sources: string[];
  readonly workspace: string;
  readonly cache?: string;
  readonly full: boolean;
  readonly json: boolean;
}

export function parsePullArgs(args: string[], cwd = process.cwd()): PullArgs {
  const parsed = parseCommandArgs('pull', args, { workspace: { type: 'string' }, cache: { type: 'string' }, full: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } });
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { sources: parsed.positionals, workspace: text(parsed.values.workspace) ?? cwd, cache: text(parsed.values.cache), full: parsed.values.full === true, json: parsed.values.json === true };
}

export async function pullCommand(args: PullArgs, out: NodeJS.WritableStream, err: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const file = readSourcesFile(args.workspace);
  if (file.sources.length === 0) throw new UsageError(`No sources in ${SOURCES_FILE} under ${args.workspace}: add one (see the README, "Pulling annotated traces").`);
  const unknown = args.sources.filter((n) => !file.sources.some((s) => s.name === n));
  if (unknown.length > 0) throw new UsageError(`No source named ${unknown.map((n) => `"${n}"`).join(', ')} in ${SOURCES_FILE}; it has ${file.sources.map((s) => `"${s.name}"`).join(', ')}.`);
  const chosen = args.sources.length > 0 ? file.sources.filter((s) => args.sources.includes(s.name)) : file.sources;
  const cache = await Cache.open(args.cache ?? findCachePath(undefined, args.workspace));
  const cancel = cancelOnSignals({ signals: ['SIGINT'] });
  const results = [];
  try {
    for (const config of chosen) {
      const result = await pullSource({
        cache,
        config,
        // Keys come from the environment only: the CLI has no secret storage, and the sources file never holds keys.
        source: connectSource(config, env, { workspaceRoot: args.workspace }),
        save: saveSourceBatch,
        signal: cancel.signal,
        full: args.full,
        onProgress: (p) => {
          if (!args.json) err.write(`\r${config.name}: ${formatCount(p.pages, 'page')}, ${formatCount(p.examples, 'row')} (${p.inserted} new, ${p.updated} changed)`);
        },
      });
      if (!args.json) err.write('\n');
      results.push(result);
      if (!args.json) out.write(`${config.name} -> ${result.dataset}: ${result.inserted} new, ${result.updated} changed, ${result.unchanged} unchanged, ${result.annotations} labels updated\n`);
    }
  } catch (e) {
    if (e instanceof PullCancelledError) {
      err.write(`\njudge-align: ${e.message}\n`);
      return ExitCode.Cancelled;
    }
    if (e instanceof SourceAuthError) throw new UsageError(e.message);
    throw e;
  } finally {
    cancel.dispose();
    cache.close();
  }
  if (args.json) out.write(`${JSON.stringify({ sources: results })}\n`);
  return ExitCode.Ok;
}
