import type { DatasetRow } from '../../core/datasets/localDataset';
import type { VerdictRecord } from '../../core/judge/runTypes';
import { everyOrderJudged, unstablePairs } from '../../core/pairwise/pairRuns';
import type { PairwiseConfig } from '../../core/pairwise/pairwiseConfig';
import { answerAsHumanValue, decodeCall, PRESENTED_FIELDS, shownFields } from '../../core/pairwise/pairVerdicts';
import { firstShownWon, pairConsistent, pairOutcome, type JudgedPair } from '../../core/pairwise/positionBias';
import type { PairOrderView, PairwiseSetup, RowView } from '../../protocol/workbench';
import { toRowView, valueText } from './rowViews';
import { clipText } from '../../core/format';

/** A response is read whole in the side-by-side view: clipped much later than the other fields. */
const RESPONSE_CLIP = 20_000;

export function pairSetup(config: PairwiseConfig): PairwiseSetup {
  const [first, second] = config.responses;
  return { responses: [first, second], winners: [config.winners[first]!, config.winners[second]!], tie: config.tie ?? null };
}

/**
 * A pairwise row as the workbench shows it: the combined verdict against the human's choice, both responses, and
 * each order's answer with its explanation. `calls` are the row's repetition-0 calls, one per order judged.
 */
export function pairRowView(calls: readonly VerdictRecord[], repeat: number, config: PairwiseConfig, row: DatasetRow | undefined, variables: readonly string[], unstable = false): RowView {
  const ordered = calls.map((v) => ({ v, position: decodeCall(v.repetition, repeat).position })).sort((a, b) => (a.position === b.position ? 0 : a.position === 'original' ? -1 : 1));
  const first = ordered[0]!.v;
  const pair: JudgedPair = {
    id: first.exampleId,
    human: first.humanLabel,
    orders: ordered.map(({ v, position }) => ({ position, answer: v.error === null ? v.label : null, error: v.error })),
  };
  const outcome = pairOutcome(pair, config);
  const orders: PairOrderView[] = ordered.map(({ v, position }) => ({
    position,
    shownFirst: shownFields(config, position)[0],
    answer: v.error === null ? v.label : null,
    value: v.error === null && v.label !== null ? answerAsHumanValue(v.label, config, position) ?? null : null,
    explanation: v.explanation,
    error: v.error,
    latencyMs: v.latencyMs,
    cached: v.cached,
  }));
  // The template's response_a/response_b are the order's; the row shows the fields under their own names.
  const fields = [...variables.filter((v) => !(PRESENTED_FIELDS as readonly string[]).includes(v)), ...config.responses.filter((f) => !variables.includes(f))];
  const base = toRowView(first, row, fields);
  const failed = orders.find((o) => o.value === null);
  return {
    ...base,
    judge: 'value' in outcome ? outcome.value : null,
    status: 'failed' in outcome ? 'failed' : outcome.value === first.humanLabel ? 'match' : 'mismatch',
    explanation: orders[0]!.explanation,
    error: failed ? (failed.error ?? `label_outside_set: "${failed.answer ?? ''}"`) : null,
    latencyMs: Math.max(...orders.map((o) => o.latencyMs ?? 0)) || null,
    cached: orders.every((o) => o.cached),
    pair: {
      responses: config.responses.map((field) => {
        const full = valueText(row?.data[field]);
        return { field, winner: config.winners[field]!, text: clipText(full, RESPONSE_CLIP), length: full.length };
      }),
      orders,
      consistent: pairConsistent(pair, config),
      firstShownWins: firstShownWon(pair, config),
    },
    ...(unstable ? { unstable: true } : {}),
  };
}

/** Every pair of a finished run, a row each. */
export function pairRowViews(verdicts: readonly VerdictRecord[], repeat: number, config: PairwiseConfig, rows: ReadonlyMap<string, DatasetRow>, variables: readonly string[]): RowView[] {
  const unstable = repeat > 1 ? unstablePairs(verdicts, repeat, config) : new Set<string>();
  const byRow = new Map<string, VerdictRecord[]>();
  for (const v of verdicts) {
    if (decodeCall(v.repetition, repeat).repetition !== 0) continue;
    const list = byRow.get(v.exampleId);
    if (list) list.push(v);
    else byRow.set(v.exampleId, [v]);
  }
  // A pair a cancelled run judged in one order only has no verdict yet (as in the figures): it is not a row.
  const judged = [...byRow.values()].filter((calls) => everyOrderJudged(calls[0]!.exampleId, calls.map((v) => decodeCall(v.repetition, repeat).position), config));
  return judged.map((calls) => pairRowView(calls, repeat, config, rows.get(calls[0]!.exampleId), variables, unstable.has(calls[0]!.exampleId)));
}

/**
 * A live run's verdicts arrive one judge call at a time: a pair's row is shown once each order it is judged in has
 * answered (its first repetition).
 */
export class PairRowCollector {
  private readonly pending = new Map<string, VerdictRecord[]>();

  constructor(
    private readonly config: PairwiseConfig,
    private readonly repeat: number,
    private readonly rows: ReadonlyMap<string, DatasetRow>,
    private readonly variables: readonly string[],
  ) {}

  add(verdict: VerdictRecord): RowView | undefined {
    if (decodeCall(verdict.repetition, this.repeat).repetition !== 0) return undefined;
    const calls = (this.pending.get(verdict.exampleId) ?? []).filter((v) => v.repetition !== verdict.repetition);
    calls.push(verdict);
    if (!everyOrderJudged(verdict.exampleId, calls.map((v) => decodeCall(v.repetition, this.repeat).position), this.config)) {
      this.pending.set(verdict.exampleId, calls);
      return undefined;
    }
    this.pending.delete(verdict.exampleId);
    return pairRowView(calls, this.repeat, this.config, this.rows.get(verdict.exampleId), this.variables);
  }
}
