import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../test/support/codeServer';
import { median } from './stats';
import type { BenchResult } from './types';

const ROUNDS = 15;
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

/**
 * How long `judge-align --help` takes from a cold process, against `node -e 0` (the floor any Node CLI pays),
 * measured in the same run with the three commands taking turns. The production bundle, as npm would install it.
 */
export async function benchCliStartup(): Promise<BenchResult> {
  execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: REPO_ROOT, stdio: 'ignore' });
  try {
    const commands: Record<string, string[]> = {
      'node -e 0': ['-e', '0'],
      'judge-align --help': [CLI, '--help'],
      'judge-align run --help': [CLI, 'run', '--help'],
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
    for (let round = 0; round <= ROUNDS; round++) {
      for (const [name, args] of Object.entries(commands)) {
        const started = performance.now();
        const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        const ms = performance.now() - started;
        if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr.toString()}`);
        if (round > 0) times[name]!.push(ms); // round 0 warms the page cache
      }
    }
    const base = median(times['node -e 0']!);
    const help = median(times['judge-align --help']!);
    const runHelp = median(times['judge-align run --help']!);
    return {
      name: 'CLI startup (production bundle, cold process)',
      lines: [
        `  node -e 0 (baseline)           ${base.toFixed(0)} ms`,
        `  judge-align --help             ${help.toFixed(0)} ms  (${(help / base).toFixed(2)}x baseline, ${(help - base).toFixed(0)} ms over it)`,
        `  judge-align run --help         ${runHelp.toFixed(0)} ms  (${(runHelp / base).toFixed(2)}x baseline)`,
        `  medians of ${ROUNDS} rounds, taking turns, after a warm-up round`,
      ],
      data: { baselineMs: base, helpMs: help, runHelpMs: runHelp, ratio: help / base },
    };
  } finally {
    execFileSync(process.execPath, ['scripts/build.mjs', '--tests'], { cwd: REPO_ROOT, stdio: 'ignore' });
  }
}

if (require.main === module) void benchCliStartup().then((r) => console.log([`# ${r.name}`, ...r.lines].join('\n')));
