/** Figures as people read them in lenses, the CLI and reports. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || Number.isNaN(value) ? '–' : `${(value * 100).toFixed(digits)}%`;
}

export function formatKappa(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  // toFixed keeps the sign of a tiny negative (-0.001 → "-0.00"): a kappa of zero has no sign.
  const text = value.toFixed(2);
  return text === '-0.00' ? '0.00' : text;
}

/** Text cut to `max` characters with an ellipsis after it, for showing; where it came from keeps it whole. */
export function clipText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** "1 label", "2 labels", "1,200 labels": a count with its noun (plural by adding an s). */
export function formatCount(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

/** What the cache holds, in words a person reads: "1 dataset, 2 examples, ...". */
export function formatCacheStats(stats: { readonly datasets: number; readonly examples: number; readonly annotations: number; readonly runs: number; readonly verdicts: number; readonly responses: number }): string {
  // Runs on a .jsonl or .csv read the file where it is: "0 datasets" beside runs would read as data gone missing.
  const inPlace = stats.datasets === 0 && stats.runs > 0 ? ' (.jsonl and .csv files are read where they are, not copied in)' : '';
  return [
    `${formatCount(stats.datasets, 'dataset')}${inPlace}`,
    formatCount(stats.examples, 'example'),
    formatCount(stats.annotations, 'human label'),
    formatCount(stats.runs, 'run'),
    formatCount(stats.verdicts, 'verdict'),
    formatCount(stats.responses, 'cached judge answer'),
  ].join(', ');
}

/**
 * The model asked for, and what the endpoint said answered when that differs (a dated version, another model
 * behind a proxy, a scripted demo): runs show what answered, not only what was asked for.
 */
export function formatModel(asked: string, reported: readonly string[]): string {
  if (reported.length === 0) return `model ${asked} (no new answers in this run)`;
  const others = reported.filter((m) => m !== asked);
  return others.length === 0 ? `model ${asked}` : `asked for ${asked}, answered by ${others.join(', ')}`;
}
