import { z } from 'zod';

/** What we rely on from `ObservationsV2Response` and `GetScoresV3Response` (Langfuse openapi.yml). */
export const langfuseObservationSchema = z.looseObject({
  id: z.string(),
  traceId: z.string().nullish(),
  startTime: z.string(),
  endTime: z.string().nullish(),
  projectId: z.string(),
  parentObservationId: z.string().nullish(),
  type: z.string(),
  isRootObservation: z.boolean().nullish(),
  name: z.string().nullish(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  metadata: z.unknown().optional(),
});

export const langfuseObservationsPageSchema = z.looseObject({
  data: z.array(langfuseObservationSchema),
  meta: z.looseObject({ cursor: z.string().nullish() }),
});

export const langfuseScoreSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  source: z.enum(['ANNOTATION', 'API', 'EVAL']),
  timestamp: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  dataType: z.string(),
  value: z.union([z.number(), z.string(), z.boolean()]).nullish(),
  comment: z.string().nullish(),
  authorUserId: z.string().nullish(),
  subject: z.looseObject({ kind: z.string(), id: z.string(), traceId: z.string().nullish() }).nullish(),
});

export const langfuseScoresPageSchema = z.looseObject({ data: z.array(langfuseScoreSchema), meta: z.looseObject({ cursor: z.string().nullish() }) });

export type LangfuseObservation = z.infer<typeof langfuseObservationSchema>;
export type LangfuseScore = z.infer<typeof langfuseScoreSchema>;
