import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Cache } from '../src/core/cache/cache';
import { CacheRunStore } from '../src/core/judge/cacheRunStore';
import { runJudgeSession } from '../src/core/judge/session';
import { spawn } from 'node:child_process';
import * as readline from 'node:readline';
import type { BenchResult } from './types';

const ROWS = 2_000;
const CONCURRENCY = 16;
const LATENCY_MS = 100;

/**
 * The runner against a local endpoint that takes 100 ms per request: 2,000 rows at concurrency 16 should take
 * about 2,000 × 0.1 s / 16 = 12.5 s. The baseline is that ideal; the ratio is what the runner adds on top
 * (rendering, hashing, scheduling, saving). A second run of the unchanged prompt must send nothing.
 */
export async function benchJudge(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-bench-'));
  const server = await startServerProcess();
  try {
    const source = fs.readFileSync(path.join(__dirname, '..', 'test', 'fixtures', 'halueval-1000.jsonl'), 'utf8').trim().split('\n');
    const lines: string[] = [];
    for (let i = 0; i < ROWS; i++) {
      const row = JSON.parse(source[i % source.length]!) as Record<string, unknown>;
      lines.push(JSON.stringify({ ...row, ID: String(i + 1) }));
    }
    fs.writeFileSync(path.join(dir, 'rows.jsonl'), lines.join('\n') + '\n');
    const promptPath = path.join(dir, 'bench.judge.md');
    const promptText = fs
      .readFileSync(path.join(__dirname, '..', 'samples', 'halueval', 'hallucination.judge.md'), 'utf8')
      .replace('./halueval-200.jsonl', './rows.jsonl');
    fs.writeFileSync(promptPath, promptText);
    const cache = await Cache.open(path.join(dir, '.judge-align', 'cache.sqlite'));
    const run = async () => {
      const before = await server.count();
      const started = performance.now();
      const result = await runJudgeSession({
        promptPath,
        promptText,
        store: new CacheRunStore(cache),
        apiKey: 'bench',
        defaults: { baseUrl: server.baseUrl, concurrency: CONCURRENCY, maxRetries: 0 },
      });
      return { seconds: (performance.now() - started) / 1000, requests: (await server.count()) - before, result };
    };
    const first = await run();
    const second = await run();
    cache.close();
    const ideal = (ROWS * LATENCY_MS) / 1000 / CONCURRENCY;
    const ratio = first.seconds / ideal;
    return {
      name: 'judge runner',
      lines: [
        `${ROWS} rows, concurrency ${CONCURRENCY}, ${LATENCY_MS} ms per request`,
        `  ideal (baseline)       ${ideal.toFixed(2)} s`,
        `  first run              ${first.seconds.toFixed(2)} s  (${first.requests} requests, ${first.result.totals.metrics.all.errors} failed)`,
        `  ratio to ideal         ${ratio.toFixed(3)}x  (target ≤ 1.2x)`,
        `  re-run, same prompt    ${second.seconds.toFixed(2)} s  (${second.requests} requests, ${second.result.totals.cacheHits} from cache)`,
      ],
      data: { rows: ROWS, idealSeconds: ideal, firstSeconds: first.seconds, ratio, rerunSeconds: second.seconds, rerunRequests: second.requests },
    };
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The endpoint runs in its own process, so its work does not compete with the runner's event loop. */
async function startServerProcess(): Promise<{ baseUrl: string; count(): Promise<number>; close(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'test', 'support', 'openaiServer.ts'), '--latency-ms', String(LATENCY_MS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
  const { baseUrl } = JSON.parse(first) as { baseUrl: string };
  return {
    baseUrl,
    count: async () => ((await (await fetch(`${baseUrl.replace(/\/v1$/, '')}/stats`)).json()) as { requests: number }).requests,
    close: () => child.kill(),
  };
}

if (require.main === module) {
  void benchJudge().then((r) => console.log([`# ${r.name}`, ...r.lines].join('\n')));
}
