import { createHash } from 'node:crypto';
import { FIRST, INCONSISTENT, SECOND, type PairwiseConfig } from './pairwiseConfig';

/** Which order a pair was shown in: the fields as written (original), or the other way round (swapped). */
export type Position = 'original' | 'swapped';

/** The orders a row is judged in: both, one fixed, or one chosen by the row id (stable across runs). */
export function positionsFor(rowId: string, config: PairwiseConfig): Position[] {
  if (config.order === 'both') return ['original', 'swapped'];
  if (config.order === 'fixed') return ['original'];
  return [createHash('sha256').update(rowId, 'utf8').digest()[0]! % 2 === 0 ? 'original' : 'swapped'];
}

/** The fields shown as response A and response B in that order. */
export function shownFields(config: PairwiseConfig, position: Position): [a: string, b: string] {
  const [first, second] = config.responses;
  return position === 'original' ? [first, second] : [second, first];
}

/** The row's data with `response_a` and `response_b` set for the template, in the order shown. */
export function presentedRow(data: Record<string, unknown>, config: PairwiseConfig, position: Position): Record<string, unknown> {
  const [a, b] = shownFields(config, position);
  return { ...data, response_a: data[a], response_b: data[b] };
}

/**
 * A judge answer (A, B or the tie) as a human label value: the field shown in that position, then the value
 * that field's win is labelled with. Undefined for anything else.
 */
export function answerAsHumanValue(answer: string, config: PairwiseConfig, position: Position): string | undefined {
  if (config.tie !== undefined && answer === config.tie) return config.tie;
  const [a, b] = shownFields(config, position);
  if (answer === FIRST) return config.winners[a];
  if (answer === SECOND) return config.winners[b];
  return undefined;
}

/** One order's outcome: the human label value it means, or unusable (failed, unparseable). */
export type OrderOutcome = { readonly value: string } | { readonly failed: string };

/**
 * The pair's verdict from its orders: the value every order agrees on, else inconsistent (a tie when ties exist).
 * A pair where any order failed is failed: it is not scored.
 */
export function combineOrders(outcomes: readonly OrderOutcome[], config: PairwiseConfig): OrderOutcome {
  const failed = outcomes.find((o): o is { failed: string } => 'failed' in o);
  if (failed) return failed;
  const values = new Set(outcomes.map((o) => (o as { value: string }).value));
  if (values.size === 1) return { value: [...values][0]! };
  return { value: config.tie ?? INCONSISTENT };
}

/**
 * A pair's judge calls are stored as the row's calls (`repetition` in the cache): calls 0..repeat-1 show the pair
 * as written, repeat..2·repeat-1 swapped. One place encodes it, so the verdict table needs no column of its own.
 */
export function callIndex(position: Position, repetition: number, repeat: number): number {
  return position === 'original' ? repetition : repeat + repetition;
}

export function decodeCall(index: number, repeat: number): { position: Position; repetition: number } {
  return index < repeat ? { position: 'original', repetition: index } : { position: 'swapped', repetition: index - repeat };
}

/** The fields a pairwise template may use besides the dataset's: the two responses in the order shown. */
export const PRESENTED_FIELDS = ['response_a', 'response_b'] as const;

/** The fields a prompt's template may name: the dataset's, and for a pairwise judge the two presented ones. */
export function templateFields(config: { readonly pairwise?: PairwiseConfig }, fieldPaths: readonly string[]): Set<string> {
  return new Set(config.pairwise ? [...fieldPaths, ...PRESENTED_FIELDS] : fieldPaths);
}

/**
 * What makes a pairwise prompt unable to judge: a template that does not show both responses, or response
 * fields the dataset does not have. Messages only; the caller places them.
 */
export function pairwiseProblems(config: PairwiseConfig, variables: readonly { readonly path: string }[], fieldPaths: readonly string[]): string[] {
  const used = new Set(variables.map((v) => v.path));
  const problems: string[] = [];
  const unshown = PRESENTED_FIELDS.filter((f) => !used.has(f));
  if (unshown.length > 0) {
    problems.push(`A pairwise prompt shows the two responses as {{response_a}} and {{response_b}}; this one lacks ${unshown.map((f) => `{{${f}}}`).join(' and ')}.`);
  }
  const fields = new Set(fieldPaths);
  const absent = config.responses.filter((f) => !fields.has(f));
  if (absent.length > 0 && fieldPaths.length > 0) {
    problems.push(`pairwise.responses names ${absent.map((f) => `"${f}"`).join(' and ')}, not a field of the dataset. Fields: ${fieldPaths.filter((f) => !f.includes('.')).slice(0, 20).join(', ')}.`);
  }
  return problems;
}

/**
 * The order a person is shown a pair in when labelling it: random per example, seeded by the annotator and the row
 * id, so it is the same on every visit and differs between people (and from the judge's `random` order).
 */
export function humanShownOrder(rowId: string, author: string): Position {
  return createHash('sha256').update(`annotate\0${author}\0${rowId}`, 'utf8').digest()[0]! % 2 === 0 ? 'original' : 'swapped';
}

/** The annotation beside a pairwise label that records which field the person saw first (its label: the field). */
export function shownFirstAnnotation(name: string): string {
  return `${name}:shown-first`;
}
