import type { DatasetRow } from '../../core/datasets/localDataset';
import type { VerdictRecord } from '../../core/judge/runTypes';
import { lookupPath } from '../../core/fieldPath';
import { verdictStatus } from '../../core/judge/verdictStatus';
import type { RowView } from '../../protocol/workbench';
import { clipText } from '../../core/format';

const CLIP = 1500;

/** A field's value as the workbench shows it: text as it is, anything else as JSON, a missing value empty. */
export function valueText(value: unknown): string {
  return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

function display(value: unknown): string {
  return clipText(valueText(value), CLIP);
}

/**
 * What the workbench shows for a verdict: labels, status, explanation, and the example's fields: the prompt's
 * variables first (what the judge saw), then every other top-level field.
 */
export function toRowView(v: VerdictRecord, row: DatasetRow | undefined, variables: readonly string[]): RowView {
  const rest = row ? Object.keys(row.data).filter((k) => !variables.includes(k)) : [];
  return {
    id: v.exampleId,
    split: v.split,
    human: v.humanLabel,
    judge: v.label,
    status: verdictStatus(v),
    explanation: v.explanation,
    error: v.error,
    fields: [...variables, ...rest].map((name) => [name, display(row ? lookupPath(row.data, name) : undefined)] as [string, string]),
    latencyMs: v.latencyMs,
    cached: v.cached,
  };
}
