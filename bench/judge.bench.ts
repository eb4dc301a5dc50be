import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import { Cache } from '../src/core/cache/cache';
import { verdictJsonSchema } from '../src/core/judge/answer';
import { CacheRunStore } from '../src/core/judge/cacheRunStore';
import { runJudgeSession } from '../src/core/judge/session';
import { spawn } from 'node:child_process';
import * as readline from 'node:readline';
import type { BenchResult } from './types';

const ROWS = 2_000;
const CONCURRENCY = 16;
const LATENCY_MS = 100;

/**
 * The runner against a local endpoint that takes 100 ms per request: 2,000 rows at concurrency 16 would take
 * 2,000 × 0.1 s / 16 = 12.5 s on an idle machine. The baseline, measured in the same run, sends the same number of
 * requests of the same size through the same client (openai) 16 at a time, with nothing else: what the endpoint
 * and the machine cost. The ratio is what the runner adds on top (rendering, hashing, scheduling, saving). A second
 * run of the unchanged prompt must send nothing.
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
    const baseline = await sendPlainRequests(server.baseUrl, lines);
    const cache = await Cache.open(path.join(dir, '.judge-align', 'cache.sqlite'));
    const run = async () => {
      const before = await server.count();
      const started = performance.now();
      const result = await runJudgeSession({
        promptPath,
        promptText,
        store: new CacheRunStore(cache),
        credentials: async () => 'bench',
        defaults: { baseUrl: server.baseUrl, concurrency: CONCURRENCY, maxRetries: 0 },
      });
      return { seconds: (performance.now() - started) / 1000, requests: (await server.count()) - before, result };
    };
    const first = await run();
    const second = await run();
    cache.close();
    const ideal = (ROWS * LATENCY_MS) / 1000 / CONCURRENCY;
    const ratio = first.seconds / baseline;
    return {
      name: 'judge runner',
      lines: [
        `${ROWS} rows, concurrency ${CONCURRENCY}, ${LATENCY_MS} ms per request`,
        `  ideal                  ${ideal.toFixed(2)} s`,
        `  plain client (base)    ${baseline.toFixed(2)} s  (the same ${ROWS} requests through openai, ${CONCURRENCY} at a time, nothing else)`,
        `  first run              ${first.seconds.toFixed(2)} s  (${first.requests} requests, ${first.result.totals.metrics.all.errors} failed)`,
        `  ratio to baseline      ${ratio.toFixed(3)}x  (target ≤ 1.2x)${ratio <= 1.2 ? '' : '  OVER TARGET'}; to the ideal ${(first.seconds / ideal).toFixed(3)}x`,
        `  re-run, same prompt    ${second.seconds.toFixed(2)} s  (${second.requests} requests, ${second.result.totals.cacheHits} from cache)`,
      ],
      data: { rows: ROWS, idealSeconds: ideal, baselineSeconds: baseline, firstSeconds: first.seconds, ratio, idealRatio: first.seconds / ideal, rerunSeconds: second.seconds, rerunRequests: second.requests },
    };
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends one structured-output request per row (the row's text as the message), CONCURRENCY at a time; returns seconds. */
async function sendPlainRequests(baseUrl: string, rows: readonly string[]): Promise<number> {
  const client = new OpenAI({ apiKey: 'bench', baseURL: baseUrl, maxRetries: 0 });
  const schema = verdictJsonSchema(['yes', 'no']);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++]!;
      await client.chat.completions.create({
        model: 'gpt-4o-mini',
        temperature: 0,
        messages: [{ role: 'user', content: row }],
        response_format: { type: 'json_schema', json_schema: { name: 'judge_verdict', strict: true, schema } },
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - started) / 1000;
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
