import { mapOpenInference } from '../openinference';
import type { SourceAnnotation, SourceExample } from '../types';
import type { PhoenixAnnotation, PhoenixSpan } from './phoenixPayload';

/** Phoenix span + its span annotations to one example; the link opens the trace with the span selected. */
export function phoenixSpanToExample(span: PhoenixSpan, annotations: readonly PhoenixAnnotation[], ui: { endpoint: string; projectId: string | null }): SourceExample {
  const { input, output, attributes } = mapOpenInference(span.attributes ?? {});
  const spanId = span.context.span_id;
  const link = ui.projectId
    ? `${ui.endpoint}/projects/${encodeURIComponent(ui.projectId)}/traces/${encodeURIComponent(span.context.trace_id)}${span.id ? `?selectedSpanNodeId=${encodeURIComponent(span.id)}` : ''}`
    : undefined;
  return {
    externalId: spanId,
    input,
    output,
    fields: {
      ...attributes,
      span: {
        name: span.name,
        kind: span.span_kind,
        trace_id: span.context.trace_id,
        span_id: spanId,
        parent_id: span.parent_id ?? null,
        start_time: span.start_time,
        end_time: span.end_time,
        status_code: span.status_code,
        status_message: span.status_message ?? '',
      },
    },
    ...(link ? { link } : {}),
    annotations: annotations.map(phoenixAnnotation),
  };
}

export function phoenixAnnotation(a: PhoenixAnnotation): SourceAnnotation {
  return {
    name: a.name,
    label: a.result?.label ?? null,
    score: a.result?.score ?? null,
    explanation: a.result?.explanation ?? null,
    annotatorKind: a.annotator_kind,
    // LLM/CODE annotations usually have no user: the identifier (or the kind) tells evaluators apart.
    author: a.user_id ?? (a.identifier ? a.identifier : a.annotator_kind === 'HUMAN' ? `phoenix-${a.source ?? 'user'}` : a.annotator_kind.toLowerCase()),
    createdAt: a.created_at,
    updatedAt: a.updated_at,
    sourceRef: a.id,
  };
}
