import { jsonValue, STRUCTURED } from '../fieldPath';

/** What the cache holds of an example: its readable text and the fields its source kept. */
export interface StoredExample {
  readonly input: string | null;
  readonly output: string | null;
  readonly fields: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A cached example as a prompt sees it. One rule for every platform and for imported files:
 * - `{{input}}` and `{{output}}` are always the example's text, what a person reads (never an attribute object);
 * - `{{input.question}}` reaches into the structured value that text was made from: a span's JSON `input.value`,
 *   a LangSmith run's `inputs`, a Langfuse observation's input, a Phoenix dataset example's input;
 * - every field the source kept is there under its own name (`span.*`, `run.*`, `observation.*`, `metadata.*`);
 * - a span's OpenInference attributes are all under `attributes.` by their full dotted names
 *   (`{{attributes.input.mime_type}}`, `{{attributes.llm.model_name}}`), and, but for `input` and `output`, also
 *   at the top (`{{llm.model_name}}`, `{{metadata.customer}}`).
 * Fields that hold JSON text (OpenInference's `metadata`) are read through, so `{{metadata.customer}}` works
 * whether the source sent flat keys or a JSON string.
 */
export function exampleRow(example: StoredExample): Record<string, unknown> {
  const { input: structuredInput, output: structuredOutput, ...fields } = example.fields;
  const attributes = isObject(fields.attributes) ? fields.attributes : undefined;
  const { input: attributeInput, output: attributeOutput, ...attributeShortcuts } = attributes ?? {};
  // Neither spread holds `input` or `output` (taken out above), so the text is what those names mean.
  const row: Record<string, unknown> = { input: example.input, output: example.output, ...attributeShortcuts, ...fields };
  const structured = { input: structuredInput ?? structuredValue(attributeInput), output: structuredOutput ?? structuredValue(attributeOutput) };
  // Not enumerable: the row compares, copies and serialises as its fields alone.
  if (structured.input !== undefined || structured.output !== undefined) Object.defineProperty(row, STRUCTURED, { value: structured, enumerable: false });
  return row;
}

/** An OpenInference `input`/`output` attribute (`{value, mime_type}`): its JSON value, when it is JSON. */
function structuredValue(attribute: unknown): unknown {
  if (!isObject(attribute) || typeof attribute.value !== 'string') return undefined;
  return jsonValue(attribute.value);
}
