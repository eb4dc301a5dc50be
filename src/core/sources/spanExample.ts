import { mapOpenInference } from './openinference';
import type { SourceAnnotation, SourceExample } from './types';

/** A span as Phoenix and Arize AX both describe it (their field names differ, not their meaning). */
export interface SpanSummary {
  readonly name: string;
  readonly kind: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentId: string | null;
  readonly startTime: string;
  readonly endTime: string;
  readonly statusCode: string;
  readonly statusMessage: string;
}

/**
 * An OpenInference span to one example: input and output read from its attributes, every attribute kept under
 * `attributes` by its full dotted name (`attributes.input.mime_type`), and `span.*` for what prompts and
 * write-back need (the trace id among them). How prompts reach them: `exampleRow.ts`.
 */
export function spanExample(span: SpanSummary, attributes: unknown, annotations: readonly SourceAnnotation[], link?: string): SourceExample {
  const mapped = mapOpenInference(attributes ?? {});
  return {
    externalId: span.spanId,
    input: mapped.input,
    output: mapped.output,
    fields: {
      attributes: mapped.attributes,
      span: {
        name: span.name,
        kind: span.kind,
        trace_id: span.traceId,
        span_id: span.spanId,
        parent_id: span.parentId,
        start_time: span.startTime,
        end_time: span.endTime,
        status_code: span.statusCode,
        status_message: span.statusMessage,
      },
    },
    ...(link ? { link } : {}),
    annotations,
  };
}
