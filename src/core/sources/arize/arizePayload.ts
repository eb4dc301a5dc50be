import { z } from 'zod';

/**
 * What we rely on from Arize AX's `POST /v2/spans` (`Span`, `Annotation`, `Evaluation` of the AX REST API, as the
 * `@arizeai/ax-client` types and its docs give them). An export file holds the same spans, one per line or as a list.
 */
export const arizeAnnotationSchema = z.looseObject({
  name: z.string(),
  score: z.number().nullish(),
  label: z.string().nullish(),
  text: z.string().nullish(),
  updated_at: z.string().nullish(),
  annotator: z.looseObject({ id: z.string(), email: z.string().nullish() }).nullish(),
});

export const arizeEvaluationSchema = z.looseObject({ name: z.string(), score: z.number().nullish(), label: z.string().nullish(), explanation: z.string().nullish() });

export const arizeSpanSchema = z.looseObject({
  name: z.string(),
  context: z.looseObject({ trace_id: z.string(), span_id: z.string() }),
  kind: z.string(),
  parent_id: z.string().nullish(),
  start_time: z.string(),
  end_time: z.string(),
  status_code: z.string().nullish(),
  status_message: z.string().nullish(),
  attributes: z.record(z.string(), z.unknown()).nullish(),
  annotations: z.array(arizeAnnotationSchema).nullish(),
  trace_annotations: z.array(arizeAnnotationSchema).nullish(),
  evaluations: z.array(arizeEvaluationSchema).nullish(),
});

export type ArizeSpan = z.infer<typeof arizeSpanSchema>;
export type ArizeAnnotation = z.infer<typeof arizeAnnotationSchema>;
export type ArizeEvaluation = z.infer<typeof arizeEvaluationSchema>;
