import type { DatasetRow } from '../datasets/localDataset';
import { lookupPath } from '../fieldPath';

export interface TraceSpan {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly parentId: string | null;
  /** Nesting depth under the trace's root, for indentation. */
  readonly depth: number;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Trace and span identity of a pulled row: Phoenix keeps `span.*`, Langfuse `observation.*`. */
function identity(row: DatasetRow) {
  const d = row.data;
  return {
    trace: text(lookupPath(d, 'span.trace_id')) ?? text(lookupPath(d, 'observation.traceId')),
    parent: text(lookupPath(d, 'span.parent_id')) ?? text(lookupPath(d, 'observation.parentObservationId')),
    name: text(lookupPath(d, 'span.name')) ?? text(lookupPath(d, 'observation.name')) ?? row.id,
    kind: text(lookupPath(d, 'span.kind')) ?? text(lookupPath(d, 'observation.type')) ?? '',
    start: text(lookupPath(d, 'span.start_time')) ?? text(lookupPath(d, 'observation.startTime')) ?? '',
  };
}

/**
 * The spans of the same trace as `rowId`, among the pulled rows, in tree order (parents before children, siblings
 * by start time). Empty for rows that do not come from a trace (local files).
 */
export function traceSpans(rows: readonly DatasetRow[], rowId: string): TraceSpan[] {
  const self = rows.find((r) => r.id === rowId);
  const trace = self ? identity(self).trace : null;
  if (!trace) return [];
  const members = rows.map((r) => ({ row: r, ...identity(r) })).filter((m) => m.trace === trace);
  if (members.length < 2) return [];
  const ids = new Set(members.map((m) => m.row.id));
  const children = new Map<string | null, typeof members>();
  for (const m of members) {
    const parent = m.parent && ids.has(m.parent) ? m.parent : null;
    const list = children.get(parent) ?? [];
    list.push(m);
    children.set(parent, list);
  }
  const out: TraceSpan[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const m of (children.get(parent) ?? []).sort((a, b) => a.start.localeCompare(b.start))) {
      out.push({ id: m.row.id, name: m.name, kind: m.kind, parentId: m.parent, depth });
      if (depth < 50) walk(m.row.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}
