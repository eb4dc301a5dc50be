// `npm run bench`: every benchmark, one after the other, each reporting against a baseline measured in the
// same run (these machines are noisy; absolute times mean little, ratios do).
import type { BenchResult } from './types';

type Bench = { name: string; load: () => Promise<() => Promise<BenchResult>> };

const benches: Bench[] = [
  { name: 'activation', load: async () => (await import('./activation.bench')).benchActivation },
  { name: 'answer', load: async () => (await import('./answer.bench')).benchAnswer },
  { name: 'judge', load: async () => (await import('./judge.bench')).benchJudge },
  { name: 'import', load: async () => (await import('./import.bench')).benchImport },
  { name: 'workbench', load: async () => (await import('./workbench.bench')).benchWorkbench },
  { name: 'cache-open', load: async () => (await import('./cacheOpen.bench')).benchCacheOpen },
  { name: 'cache-drivers', load: async () => (await import('./cacheDrivers.bench')).benchCacheDrivers },
  { name: 'cli-startup', load: async () => (await import('./cliStartup.bench')).benchCliStartup },
  { name: 'bundles', load: async () => (await import('./bundleSizes.bench')).benchBundleSizes },
];

async function main(): Promise<void> {
  const only = new Set(process.argv.slice(2));
  const results: BenchResult[] = [];
  let failed = 0;
  for (const bench of benches) {
    if (only.size > 0 && !only.has(bench.name)) continue;
    const started = Date.now();
    try {
      const fn = await bench.load();
      const result = await fn();
      results.push(result);
      console.log([`\n## ${result.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`, ...result.lines].join('\n'));
    } catch (err) {
      failed++;
      console.error(`\n## ${bench.name}: FAILED\n${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }
  const out = process.env.BENCH_JSON;
  if (out) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(out, JSON.stringify(results, null, 2));
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

void main();
