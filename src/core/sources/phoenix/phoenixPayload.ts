import { z } from 'zod';

/**
 * The parts of Phoenix's responses we rely on (spec: `SpansResponseBody`, `SpanAnnotationsResponseBody`).
 * Checked before anything is saved, so a proxy's HTML page or a half-written body fails the pull cleanly.
 */
export const phoenixSpanSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  context: z.looseObject({ trace_id: z.string(), span_id: z.string() }),
  span_kind: z.string(),
  parent_id: z.string().nullish(),
  start_time: z.string(),
  end_time: z.string(),
  status_code: z.string(),
  status_message: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  events: z.array(z.unknown()).optional(),
});

export const phoenixSpansPageSchema = z.looseObject({ data: z.array(phoenixSpanSchema), next_cursor: z.string().nullable() });

export const phoenixAnnotationSchema = z.looseObject({
  id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  user_id: z.string().nullable(),
  name: z.string(),
  annotator_kind: z.enum(['LLM', 'CODE', 'HUMAN']),
  result: z.looseObject({ label: z.string().nullish(), score: z.number().nullish(), explanation: z.string().nullish() }).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  identifier: z.string().optional(),
  source: z.string().optional(),
  span_id: z.string(),
});

export const phoenixAnnotationsPageSchema = z.looseObject({ data: z.array(phoenixAnnotationSchema), next_cursor: z.string().nullable() });

export type PhoenixSpan = z.infer<typeof phoenixSpanSchema>;
export type PhoenixAnnotation = z.infer<typeof phoenixAnnotationSchema>;
