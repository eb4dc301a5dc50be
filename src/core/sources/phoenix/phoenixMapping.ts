import { spanExample } from '../spanExample';
import type { SourceAnnotation, SourceExample } from '../types';
import type { PhoenixAnnotation, PhoenixSpan } from './phoenixPayload';

/** Phoenix span + its span annotations to one example; the link opens the trace with the span selected. */
export function phoenixSpanToExample(span: PhoenixSpan, annotations: readonly PhoenixAnnotation[], ui: { endpoint: string; projectId: string | null }): SourceExample {
  const link = ui.projectId
    ? `${ui.endpoint}/projects/${encodeURIComponent(ui.projectId)}/traces/${encodeURIComponent(span.context.trace_id)}${span.id ? `?selectedSpanNodeId=${encodeURIComponent(span.id)}` : ''}`
    : undefined;
  const summary = {
    name: span.name,
    kind: span.span_kind,
    traceId: span.context.trace_id,
    spanId: span.context.span_id,
    parentId: span.parent_id ?? null,
    startTime: span.start_time,
    endTime: span.end_time,
    statusCode: span.status_code,
    statusMessage: span.status_message ?? '',
  };
  return spanExample(summary, span.attributes, annotations.map(phoenixAnnotation), link);
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
