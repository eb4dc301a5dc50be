import { z } from 'zod';

/**
 * What we rely on from LangSmith's answers: runs from `POST /api/v2/runs/query` (the `Run` of the SDK's generated
 * API), feedback from `GET /feedback` and dataset examples from `GET /examples` (the SDK's `Feedback`, `Example`).
 */
export const langsmithRunSchema = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  run_type: z.string().nullish(),
  status: z.string().nullish(),
  start_time: z.string(),
  end_time: z.string().nullish(),
  trace_id: z.string().nullish(),
  project_id: z.string().nullish(),
  parent_run_ids: z.array(z.string()).nullish(),
  is_root: z.boolean().nullish(),
  inputs: z.record(z.string(), z.unknown()).nullish(),
  outputs: z.record(z.string(), z.unknown()).nullish(),
  error: z.string().nullish(),
  extra: z.record(z.string(), z.unknown()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  tags: z.array(z.string()).nullish(),
  app_path: z.string().nullish(),
  total_tokens: z.number().nullish(),
  reference_example_id: z.string().nullish(),
});

export const langsmithRunsPageSchema = z.looseObject({ items: z.array(langsmithRunSchema), next_cursor: z.string().nullish() });

export const langsmithFeedbackSchema = z.looseObject({
  id: z.string(),
  run_id: z.string().nullish(),
  trace_id: z.string().nullish(),
  key: z.string(),
  score: z.union([z.number(), z.boolean()]).nullish(),
  value: z.unknown().optional(),
  comment: z.string().nullish(),
  created_at: z.string(),
  modified_at: z.string().nullish(),
  feedback_source: z
    .looseObject({ type: z.string().nullish(), metadata: z.record(z.string(), z.unknown()).nullish(), user_id: z.string().nullish(), user_name: z.string().nullish(), ls_user_id: z.string().nullish() })
    .nullish(),
});

export const langsmithExampleSchema = z.looseObject({
  id: z.string(),
  dataset_id: z.string().nullish(),
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  created_at: z.string().nullish(),
  modified_at: z.string().nullish(),
});

export type LangSmithRun = z.infer<typeof langsmithRunSchema>;
export type LangSmithFeedback = z.infer<typeof langsmithFeedbackSchema>;
export type LangSmithExample = z.infer<typeof langsmithExampleSchema>;
