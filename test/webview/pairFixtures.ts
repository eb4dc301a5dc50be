// Pairwise rows as the host sends them (see src/extension/workbench/pairRowViews.ts), built from the MT-Bench sample.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostMessage, PairOrderView, PairwiseFiguresView, RowView } from '../../src/protocol/workbench';
import { REPO_ROOT } from '../support/codeServer';
import { initMessage, metrics, runMessage } from './fixtures';

interface Pair {
  id: string;
  input: string;
  output_1: string;
  output_2: string;
  preferred: string;
}

const pairs = fs
  .readFileSync(path.join(REPO_ROOT, 'samples', 'mtbench-pairs', 'mtbench-pairs-100.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Pair);

const LABELS = ['1', '2', 'inconsistent'];

/**
 * Every fifth pair answered "A" both ways (inconsistent, first shown wins), every fifth + 1 "B" both ways
 * (inconsistent), pair 7 of every 11 failed in the swapped order; the rest consistent and as the humans chose.
 */
export function pairRows(n = 40): RowView[] {
  return pairs.slice(0, n).map((p, i) => {
    const human = p.preferred;
    const right = (position: 'original' | 'swapped') => ((human === '1') === (position === 'original') ? 'A' : 'B');
    const kind = i % 11 === 7 ? 'failed' : i % 5 === 0 ? 'first' : i % 5 === 1 ? 'second' : 'right';
    const order = (position: 'original' | 'swapped'): PairOrderView => {
      const failed = kind === 'failed' && position === 'swapped';
      const answer = failed ? null : kind === 'first' ? 'A' : kind === 'second' ? 'B' : right(position);
      const value = answer === null ? null : (answer === 'A') === (position === 'original') ? '1' : '2';
      return {
        position,
        shownFirst: position === 'original' ? 'output_1' : 'output_2',
        answer,
        value,
        explanation: answer === null ? null : `Response ${answer} answers the question about "${p.input.slice(0, 40)}" more directly.`,
        error: failed ? 'http: HTTP 500: the endpoint failed (after 5 attempts)' : null,
        latencyMs: 300 + i,
        cached: false,
      };
    };
    const orders = [order('original'), order('swapped')];
    const consistent = kind === 'failed' ? null : orders[0]!.value === orders[1]!.value;
    const judge = kind === 'failed' ? null : consistent ? orders[0]!.value : 'inconsistent';
    return {
      id: p.id,
      split: i % 10 < 7 ? 'dev' : 'test',
      human,
      judge,
      status: kind === 'failed' ? 'failed' : judge === human ? 'match' : 'mismatch',
      explanation: orders[0]!.explanation,
      error: orders.find((o) => o.error)?.error ?? null,
      fields: [
        ['input', p.input],
        ['output_1', p.output_1.slice(0, 1500)],
        ['output_2', p.output_2.slice(0, 1500)],
      ],
      latencyMs: 300 + i,
      cached: false,
      pair: {
        responses: [
          { field: 'output_1', winner: '1', text: p.output_1, length: p.output_1.length },
          { field: 'output_2', winner: '2', text: p.output_2, length: p.output_2.length },
        ],
        orders,
        consistent,
        firstShownWins: kind === 'first',
      },
      ...(i === 3 ? { unstable: true } : {}),
    };
  });
}

export const PAIR_FIGURES: PairwiseFiguresView = {
  position: { pairs: 36, consistent: 20, consistency: 20 / 36, decided: 76, firstShownWins: 48, firstShownRate: 48 / 76, firstShownCi: [0.52, 0.73] },
  byOrder: { original: { n: 40, agreement: 0.7, kappa: 0.41 }, swapped: { n: 36, agreement: 0.58, kappa: 0.2 } },
  verbosity: { pairs: 31, judgeLongerRate: 0.71, humanLongerRate: 0.55, threshold: 0.1 },
};

export function pairInitMessage(): HostMessage {
  const init = initMessage(3);
  if (init.type !== 'init') throw new Error('unreachable');
  return {
    ...init,
    promptName: 'preference.judge.md',
    promptPath: '/ws/preference.judge.md',
    labels: LABELS,
    pairwise: { responses: ['output_1', 'output_2'], winners: ['1', '2'], tie: null },
    history: init.history.map((r, i) => ({ ...r, consistency: 0.4 + i * 0.1 })),
  };
}

export function pairRunMessage(list = pairRows()): HostMessage {
  const run = runMessage([]);
  if (run.type !== 'run') throw new Error('unreachable');
  return { ...run, run: { ...run.run, n: list.length, consistency: PAIR_FIGURES.position.consistency }, rows: list, metrics: metrics(list, LABELS), pairwise: PAIR_FIGURES };
}
