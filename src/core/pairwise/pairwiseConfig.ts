import { z } from 'zod';

// A pairwise judge compares two responses of one row. Judges are known to prefer the answer shown first (and
// the longer one), so the same pair is shown in both orders by default and the two verdicts are combined.

export const ORDERS = ['fixed', 'random', 'both'] as const;
export type PairOrder = (typeof ORDERS)[number];

/** The judge's answers: the response shown first, the one shown second, and (when the humans may) a tie. */
export const FIRST = 'A';
export const SECOND = 'B';

/** The `pairwise:` block as written in the front matter. */
export const pairwiseSchema = z.object({
  responses: z
    .array(z.string().trim().min(1))
    .length(2, { message: 'pairwise.responses names exactly two fields, e.g. [output_1, output_2]' })
    .refine((r) => r[0] !== r[1], { message: 'pairwise.responses names two different fields' }),
  winners: z.record(z.string(), z.union([z.string(), z.number()]).transform((v) => String(v).trim())).optional(),
  tie: z.union([z.string(), z.number()]).transform((v) => String(v).trim()).optional(),
  order: z.enum(ORDERS).default('both'),
});

/** The pairwise settings after checks: which human label value means which response won. */
export interface PairwiseConfig {
  /** The two fields compared, in their natural order. */
  readonly responses: readonly [string, string];
  /** The human label value meaning "this field's response wins", per field. */
  readonly winners: Readonly<Record<string, string>>;
  /** The human label value of a tie, when ties are allowed (the judge may then answer it too). */
  readonly tie?: string;
  readonly order: PairOrder;
}

export type PairwiseInput = z.output<typeof pairwiseSchema>;

/**
 * Resolves the block: winners default to the field names; problems are returned as messages (the caller places
 * them on the front matter), never thrown.
 */
export function resolvePairwise(input: PairwiseInput): { config: PairwiseConfig; problems: string[] } {
  const [first, second] = input.responses as [string, string];
  const problems: string[] = [];
  const winners: Record<string, string> = { [first]: first, [second]: second };
  for (const [field, value] of Object.entries(input.winners ?? {})) {
    if (field !== first && field !== second) problems.push(`pairwise.winners names "${field}", which is not one of pairwise.responses (${first}, ${second}).`);
    else winners[field] = value;
  }
  if (winners[first] === winners[second]) problems.push(`pairwise.winners gives both responses the same label value "${winners[first]}".`);
  if (input.tie !== undefined && (input.tie === winners[first] || input.tie === winners[second])) {
    problems.push(`pairwise.tie "${input.tie}" is also a winner's label value.`);
  }
  return { config: { responses: [first, second], winners, ...(input.tie !== undefined ? { tie: input.tie } : {}), order: input.order }, problems };
}

/** What the judge may answer. */
export function judgeLabels(config: PairwiseConfig): string[] {
  return config.tie !== undefined ? [FIRST, SECOND, config.tie] : [FIRST, SECOND];
}

/** The judge column of a pair whose two orders disagree, when no tie exists to count it as. */
export const INCONSISTENT = 'inconsistent';

/**
 * The categories figures are computed over, in human label values: each winner, then the tie or (without one) the
 * `inconsistent` column, which no human label can match.
 */
export function metricLabels(config: PairwiseConfig): string[] {
  const [first, second] = config.responses;
  return [config.winners[first]!, config.winners[second]!, config.tie ?? INCONSISTENT];
}
