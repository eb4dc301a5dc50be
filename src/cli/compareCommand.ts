import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cache } from '../core/cache/cache';
import type { RunRow } from '../core/cache/repositories/runs';
import { compareRuns } from '../core/metrics/compare';
import { toMetricRows, type RunTotals } from '../core/judge/session';
import { formatPercent } from '../core/format';
import { findCachePath } from './cachePath';
import { ExitCode, UsageError } from './exitCodes';

export interface CompareArgs {
  readonly file: string;
  readonly base?: number;
  readonly head?: number;
  readonly cache?: string;
  readonly json: boolean;
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
      const baseRun = pick(args.base, finished.find((r) => r.id !== headRun?.id && (headRun === undefined || r.id < headRun.id)), '--base');
      if (!headRun || !baseRun) throw new UsageError(`${args.file} needs two completed runs to compare (found ${finished.length}). Run it again after editing the prompt.`);
      return { base: baseRun, head: headRun, before: repos.verdicts.listForRun(baseRun.id), after: repos.verdicts.listForRun(headRun.id) };
    });
    const comparison = compareRuns(toMetricRows(before), toMetricRows(after));
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
