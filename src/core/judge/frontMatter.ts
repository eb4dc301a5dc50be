import { z } from 'zod';
import { credentialsRefusal } from './endpointTrust';
import { pairwiseSchema, type PairwiseConfig } from '../pairwise/pairwiseConfig';

const labelName = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v).trim());

/** The front matter as written: `labels` is a map (label → definition) or a list. */
export const frontMatterSchema = z.object({
  dataset: z.string().trim().min(1, 'dataset must name a .jsonl/.csv file or a cached dataset'),
  label: z.string().trim().min(1, 'label must name the field holding the human label'),
  // Optional only for pairwise judges, whose answers are A, B (and the tie); promptFile requires it otherwise.
  labels: z
    .union([z.array(labelName), z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]).transform((v) => (v === null ? null : String(v))))], {
      error: 'labels must be a list such as [pass, fail] or a map of label: definition',
    })
    .optional(),
  pairwise: pairwiseSchema.optional(),
  id: z.string().trim().min(1).optional(),
  model: z.string().trim().min(1).optional(),
  base_url: z
    .url({ message: 'base_url must be a URL such as http://localhost:11434/v1' })
    .superRefine((url, ctx) => {
      const refusal = credentialsRefusal('base_url', url);
      if (refusal) ctx.addIssue({ code: 'custom', message: refusal });
    })
    .optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  seed: z.number().int().optional(),
  max_tokens: z.number().int().positive().optional(),
  repeat: z.number().int().min(1).max(20).default(1),
  split: z.enum(['all', 'dev', 'test']).default('all'),
  dev_ratio: z.number().min(0.05).max(0.95).optional(),
  positive: labelName.optional(),
  ordinal: z.boolean().optional(),
  structured_output: z.boolean().default(true),
  system: z.string().optional(),
});

export const KNOWN_KEYS = Object.keys(frontMatterSchema.shape);

/** The front matter after checks: labels as an ordered list plus their definitions. */
export interface JudgeConfig {
  readonly dataset: string;
  readonly label: string;
  readonly labels: string[];
  readonly definitions: Record<string, string>;
  readonly id?: string;
  readonly model?: string;
  readonly base_url?: string;
  readonly temperature?: number;
  readonly top_p?: number;
  readonly seed?: number;
  readonly max_tokens?: number;
  /** Judge calls per row (default 1). */
  readonly repeat: number;
  /** Which rows a run scores (default all). */
  readonly split: 'all' | 'dev' | 'test';
  readonly dev_ratio?: number;
  /** The positive class for binary metrics: `positive`, else the first label. */
  readonly positive: string;
  readonly ordinal?: boolean;
  /** Ask the endpoint for a JSON schema response (default true); off for servers that reject it. */
  readonly structured_output: boolean;
  readonly system?: string;
  /** A pairwise judge: two responses compared; `labels` are then the judge's answers (A, B, the tie). */
  readonly pairwise?: PairwiseConfig;
}
