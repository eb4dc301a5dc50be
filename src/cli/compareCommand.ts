import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cache } from '../core/cache/cache';
import type { RunRow } from '../core/cache/repositories/runs';
import { compareRuns } from '../core/metrics/compare';
import { scoredRows, type RunTotals } from '../core/judge/session';
import { defaultBase, incomparable } from '../core/judge/comparableRuns';
import { parsePromptFile } from '../core/judge/promptFile';
import { formatPercent } from '../core/format';
import { findCachePath } from './cachePath';
import { ExitCode, UsageError } from './exitCodes';

export interface CompareArgs {
  readonly file: string;
  readonly base?: number;
  readonly head?: number;
  readonly cache?: string;
  readonly json: boolean;
  /** Compare runs even when they differ in split, dataset or endpoint. */
  readonly force?: boolean;
}


/** The run's prompt settings as it was run (its text is kept with the run); a plain judge if it no longer parses. */
function configOf(run: RunRow): { pairwise?: NonNullable<ReturnType<typeof parsePromptFile>['config']>['pairwise'] } {
  const config = parsePromptFile(run.promptText).config;
  return config?.pairwise ? { pairwise: config.pairwise } : {};
}

/** What changed between two runs of a prompt: rows fixed and regressed, and the agreement delta. */
export async function compareCommand(args: CompareArgs, out: NodeJS.WritableStream): Promise<number> {
  const promptPath = path.resolve(args.file);
  const cacheFile = args.cache ? path.resolve(args.cache) : findCachePath(promptPath);
  if (!fs.existsSync(cacheFile)) throw new UsageError(`No cache at ${cacheFile}: run the prompt first (judge-align run ${args.file}).`);
  const cache = await Cache.open(cacheFile, { readonly: true });
  try {
    const { base, head, before, after } = cache.read((repos) => {
      const finished = repos.runs.listForPrompt(promptPath, 1000).filter((r) => r.status === 'completed');
      const pick = (id: number | undefined, fallback: RunRow | undefined, flag: string) => {
        if (id === undefined) return fallback;
        const run = repos.runs.get(id);
        if (!run) throw new UsageError(`${flag} ${id}: no such run in ${cacheFile}.`);
        return run;
      };
      const headRun = pick(args.head, finished[0], '--head');
      // By default the latest earlier run whose figures mean the same thing: same split, dataset and endpoint.
      const earlier = finished.filter((r) => r.id !== headRun?.id && (headRun === undefined || r.id < headRun.id));
      const baseRun = pick(args.base, headRun && defaultBase(headRun, earlier, (status) => status === 'completed'), '--base');
      if (!headRun || !baseRun) {
        const skipped = headRun ? earlier.length : 0;
        throw new UsageError(
          `${args.file} needs two comparable completed runs (found ${finished.length}${skipped ? `; ${skipped} earlier run${skipped === 1 ? '' : 's'} differ in split, dataset or endpoint` : ''}). ` +
            'Run it again after editing the prompt, or name the runs with --base and --head (and --force).',
        );
      }
      const why = incomparable(baseRun, headRun);
      if (why && !args.force) {
        throw new UsageError(`Run #${baseRun.id} and run #${headRun.id} do not compare: ${why}. Compare runs of the same split, dataset and endpoint, or add --force.`);
      }
      return { base: baseRun, head: headRun, before: repos.verdicts.listForRun(baseRun.id), after: repos.verdicts.listForRun(headRun.id) };
    });
    const comparison = compareRuns(scoredRows(configOf(base), base.repeat, before), scoredRows(configOf(head), head.repeat, after));
    const agreement = (r: RunRow) => (r.totals as RunTotals | null)?.metrics?.all?.agreement ?? null;
    const report = {
      base: { runId: base.id, promptHash: base.promptHash, agreement: agreement(base) },
      head: { runId: head.id, promptHash: head.promptHash, agreement: agreement(head) },
      ...comparison,
    };
    if (args.json) out.write(JSON.stringify(report, null, 2) + '\n');
    else {
      out.write(
        `Run #${base.id} → #${head.id}: agreement ${formatPercent(agreement(base))} → ${formatPercent(agreement(head))} ` +
          `(${comparison.agreementDelta === null ? '–' : `${comparison.agreementDelta >= 0 ? '+' : ''}${(comparison.agreementDelta * 100).toFixed(1)} points`} on rows both scored)\n` +
          `${comparison.fixed} fixed, ${comparison.regressed} regressed, ${comparison.unchangedCorrect} still right, ${comparison.unchangedWrong} still wrong, ${comparison.newlyFailed} newly failed.\n`,
      );
      for (const c of comparison.changed.slice(0, 30)) out.write(`  ${c.exampleId}: ${c.before} (${c.beforeLabel ?? '–'}) → ${c.after} (${c.afterLabel ?? '–'})\n`);
      if (comparison.changed.length > 30) out.write(`  …and ${comparison.changed.length - 30} more (use --json).\n`);
    }
    return ExitCode.Ok;
  } finally {
    cache.close();
  }
}
