/** How structured inputs and outputs read as the example's text. */

/** `{"question": "..."}` reads better as the bare string; anything richer stays JSON. */
export function objectText(value: Record<string, unknown> | null | undefined): string | null {
  if (!value) return null;
  const values = Object.values(value);
  if (values.length === 0) return null;
  if (values.length === 1 && typeof values[0] === 'string') return values[0];
  return JSON.stringify(value);
}

/** A string stays as it is; anything else (an object, a list of messages) becomes JSON. */
export function valueText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
