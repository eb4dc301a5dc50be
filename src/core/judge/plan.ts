import { createHash } from 'node:crypto';
import { splitOf } from '../split';
import type { DatasetRow } from '../datasets/localDataset';
import type { JudgeConfig } from './frontMatter';
import { buildJudgeMessages, systemMessage, type ChatMessage } from './messages';
import type { CompiledTemplate } from './template';
import type { PlannedRequest, Split } from './runTypes';
import { humanLabelSet, matchHumanLabel } from './humanLabels';
import { callIndex, positionsFor, presentedRow } from '../pairwise/pairVerdicts';

export interface Endpoint {
  readonly baseUrl: string;
  readonly model: string;
  readonly params: Record<string, unknown>;
  readonly structured: boolean;
}

export interface PlanOptions {
  readonly split: Split;
  readonly devRatio: number;
  readonly repeat: number;
  readonly endpoint: Endpoint;
}

export interface Plan {
  /** The rows chosen: all, or one split. */
  readonly split: Split;
  readonly requests: PlannedRequest[];
  /** Labelled rows in the chosen split. */
  readonly rows: number;
  /** Rows without a human label: never sent, counted so nobody wonders where they went. */
  readonly unlabelled: number;
  /** The same, by the split each would be in. */
  readonly unlabelledBySplit: { readonly dev: number; readonly test: number };
  /** Labelled rows left out because they belong to the other split. */
  readonly otherSplit: number;
  /** Rows of the split whose human label is none of `labels` (by label), not judged: they could never match. */
  readonly outsideSet: ReadonlyMap<string, number>;
  /** The rows the requests are for (each once, whatever `repeat`), for checks of what they render. */
  readonly judged: readonly DatasetRow[];
}

/**
 * The key under which an answer is cached: everything that can change what the judge says. Repetition 0
 * shares its key with a plain run, so `repeat: 3` after a normal run pays only for repetitions 1 and 2.
 */
export function requestCacheKey(endpoint: Endpoint, labels: readonly string[], messages: readonly ChatMessage[], repetition: number): string {
  const material = JSON.stringify({
    v: 1,
    baseUrl: endpoint.baseUrl.replace(/\/+$/, ''),
    model: endpoint.model,
    params: sortKeys(endpoint.params),
    structured: endpoint.structured,
    labels,
    messages,
    ...(repetition > 0 ? { repetition } : {}),
  });
  return createHash('sha256').update(material).digest('hex');
}

export function planRequests(
  config: JudgeConfig,
  template: CompiledTemplate,
  rows: readonly DatasetRow[],
  options: PlanOptions,
): Plan {
  const requests: PlannedRequest[] = [];
  const judged: DatasetRow[] = [];
  let unlabelled = 0;
  const unlabelledBySplit = { dev: 0, test: 0 };
  let otherSplit = 0;
  let inSplit = 0;
  const outsideSet = new Map<string, number>();
  const system = systemMessage(config);
  // What a human label may be: one of `labels`, or for a pairwise judge a winner's value or the tie.
  const humanValues = humanLabelSet(config);
  for (const row of rows) {
    if (row.humanLabel === null) {
      unlabelled++;
      unlabelledBySplit[splitOf(row.id, options.devRatio)]++;
      continue;
    }
    const split = splitOf(row.id, options.devRatio);
    if (options.split !== 'all' && split !== options.split) {
      otherSplit++;
      continue;
    }
    // Scored by the rules a judge's answer is read by: "Yes" is yes, "01" is 1.
    const humanLabel = matchHumanLabel(row.humanLabel, humanValues);
    if (humanLabel === undefined) {
      outsideSet.set(row.humanLabel, (outsideSet.get(row.humanLabel) ?? 0) + 1);
      continue;
    }
    inSplit++;
    if (config.pairwise) {
      const pw = config.pairwise;
      judged.push({ ...row, data: presentedRow(row.data, pw, 'original') });
      for (const position of positionsFor(row.id, pw)) {
        const { messages, missing } = buildJudgeMessages(config, template, presentedRow(row.data, pw, position), system);
        for (let repetition = 0; repetition < options.repeat; repetition++) {
          requests.push({
            exampleId: row.id,
            repetition: callIndex(position, repetition, options.repeat),
            split,
            humanLabel,
            messages,
            missing,
            // The messages tell the orders apart; keyed by the repetition alone, swapping the fields in the file
            // finds the answers already bought.
            cacheKey: requestCacheKey(options.endpoint, config.labels, messages, repetition),
          });
        }
      }
      continue;
    }
    judged.push(row);
    const { messages, missing } = buildJudgeMessages(config, template, row.data, system);
    for (let repetition = 0; repetition < options.repeat; repetition++) {
      requests.push({
        exampleId: row.id,
        repetition,
        split,
        humanLabel,
        messages,
        missing,
        cacheKey: requestCacheKey(options.endpoint, config.labels, messages, repetition),
      });
    }
  }
  return { split: options.split, requests, rows: inSplit, unlabelled, unlabelledBySplit, otherSplit, outsideSet, judged };
}

function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) if (value[key] !== undefined) out[key] = value[key];
  return out;
}
