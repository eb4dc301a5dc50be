import type { HostMessage, RowView, RunUsageView } from '../../src/protocol/workbench';

export function rows(n: number, labels = ['yes', 'no']): RowView[] {
  return Array.from({ length: n }, (_, i) => {
    const human = labels[i % 3 === 0 ? 0 : 1]!;
    const failed = i % 17 === 5;
    const judge = failed ? null : i % 7 === 3 ? labels.find((l) => l !== human)! : human;
    return {
      id: String(i + 1),
      split: i % 10 < 7 ? 'dev' : 'test',
      human,
      judge,
      status: failed ? 'failed' : judge === human ? 'match' : 'mismatch',
      explanation: failed ? null : `Row ${i + 1}: the judge reasons about the claims in the response and decides "${judge}".`,
      error: failed ? 'http: HTTP 500: the endpoint failed (after 5 attempts)' : null,
      fields: [
        ['user_query', `Question number ${i + 1}: what is the capital of country ${i % 50}?`],
        ['chatgpt_response', `An answer to question ${i + 1} that goes on for a while to look like a real response.`],
      ],
      latencyMs: 100 + (i % 40),
      cached: i % 2 === 0,
    };
  });
}

export function metrics(list: RowView[], labels = ['yes', 'no']) {
  const make = (rs: RowView[]) => {
    const scored = rs.filter((r) => r.status !== 'failed');
    const confusion: Record<string, Record<string, number>> = {};
    for (const l of labels) confusion[l] = Object.fromEntries(labels.map((j) => [j, 0]));
    for (const r of scored) confusion[r.human!]![r.judge!]!++;
    const matches = scored.filter((r) => r.status === 'match').length;
    return { n: scored.length, matches, agreement: scored.length ? matches / scored.length : null, agreementCi: scored.length ? ([0.7, 0.9] as [number, number]) : null, kappa: 0.61, errors: rs.length - scored.length, unlabelled: 0, confusion };
  };
  return { all: make(list), dev: make(list.filter((r) => r.split === 'dev')), test: make(list.filter((r) => r.split === 'test')) };
}

export function initMessage(history = 0): HostMessage {
  return {
    type: 'init',
    promptName: 'hallucination.judge.md',
    promptPath: '/ws/hallucination.judge.md',
    labels: ['yes', 'no'],
    model: 'gpt-4o-mini',
    concurrency: 8,
    labelledRows: 200,
    history: Array.from({ length: history }, (_, i) => ({ runId: i + 1, startedAt: new Date(2026, 10, 1 + i).toISOString(), status: 'completed', split: 'dev' as const, model: 'gpt-4o-mini', endpoint: 'api.openai.com', modelText: 'asked for gpt-4o-mini, answered by gpt-4o-mini-2024-07-18', promptHash: `h${i}`, agreement: 0.7 + i * 0.04, kappa: 0.4 + i * 0.07, n: 140 })),
  };
}

/** What a finished run bought, as the host reads it from the run's totals. */
export const USAGE: RunUsageView = { requests: 1234, cached: 56, promptTokens: 410_000, completionTokens: 32_000, usd: 0.41, pricedAs: 'gpt-4o-mini (list price 2025-08)', latencyMs: { p50: 820, p95: 2100 } };

export function runMessage(list: RowView[], runId = 3, usage: RunUsageView | null = USAGE): HostMessage {
  return {
    type: 'run',
    run: { runId, startedAt: new Date(2026, 10, 3).toISOString(), status: 'completed', split: 'all', model: 'gpt-4o-mini', endpoint: 'api.openai.com', modelText: 'asked for gpt-4o-mini, answered by gpt-4o-mini-2024-07-18', promptHash: 'h2', agreement: 0.82, kappa: 0.61, n: list.length },
    metrics: metrics(list),
    rows: list,
    running: false,
    usage,
  };
}
