// What a run cost, where the model's price is known. List prices move: the table says when it was read, every
// figure computed from it says which entry it used, and the setting judgeAlign.prices replaces or adds entries.

/** US dollars per million tokens. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
}

/** When the built-in list prices were read (OpenAI's pricing page); shown beside every cost computed from them. */
export const PRICES_AS_OF = '2025-08';

const LIST_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'o3': { input: 2, output: 8 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
};

export interface RunCost {
  readonly usd: number;
  /** The table entry used, and where it came from: `gpt-4o-mini (list price 2025-08)` or `(your setting)`. */
  readonly pricedAs: string;
}

/**
 * The cost of the tokens at the price of the model: the overrides first, then the list; a dated name
 * (`gpt-4o-mini-2024-07-18`) is priced as its family. Null when the model is not in either (a local model).
 */
export function runCost(model: string, tokens: { prompt: number; completion: number }, overrides: Readonly<Record<string, ModelPrice>> = {}): RunCost | null {
  for (const [table, source] of [[overrides, 'your setting judgeAlign.prices'], [LIST_PRICES, `list price ${PRICES_AS_OF}`]] as const) {
    const name = priceName(model, table);
    if (name === undefined) continue;
    const price = table[name]!;
    return { usd: (tokens.prompt * price.input + tokens.completion * price.output) / 1_000_000, pricedAs: `${name} (${source})` };
  }
  return null;
}

function priceName(model: string, table: Readonly<Record<string, ModelPrice>>): string | undefined {
  if (Object.hasOwn(table, model)) return model;
  const undated = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  return Object.hasOwn(table, undated) ? undated : undefined;
}

/** `$0.0123`, `$1.24`: enough digits that a small run does not read as free. */
export function formatUsd(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : usd >= 0.01 ? `$${usd.toFixed(3)}` : `$${usd.toFixed(4)}`;
}

/** The p-th percentile (0..100) by nearest rank; null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}
