import type { ComparisonView, RowView } from '../../src/protocol/workbench';
import { matchesPairFilter } from './pairFilters';

export interface Filters {
  status: 'all' | 'mismatch' | 'match' | 'failed' | 'fixed' | 'regressed' | 'inconsistent' | 'first-shown';
  label: string;
  split: 'all' | 'dev' | 'test';
  search: string;
  cell: { human: string; judge: string } | null;
  sort: 'id' | 'status' | 'latency';
}

export const DEFAULT_FILTERS: Filters = { status: 'all', label: '', split: 'all', search: '', cell: null, sort: 'status' };

const statusRank: Record<RowView['status'], number> = { mismatch: 0, failed: 1, match: 2 };

function compareIds(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a.localeCompare(b, 'en', { numeric: true });
}

/** The rows the list shows, in order: filters narrow, sort orders (mismatches first by default). */
export function visibleRows(rows: readonly RowView[], f: Filters, comparison: ComparisonView | null): RowView[] {
  const needle = f.search.trim().toLowerCase();
  const out = rows.filter((r) => {
    if (f.status === 'fixed' || f.status === 'regressed') {
      if (comparison?.changes[r.id] !== f.status) return false;
    } else if (f.status === 'inconsistent' || f.status === 'first-shown') {
      if (!matchesPairFilter(r, f.status)) return false;
    } else if (f.status !== 'all' && r.status !== f.status) return false;
    if (f.split !== 'all' && r.split !== f.split) return false;
    if (f.label && r.human !== f.label && r.judge !== f.label) return false;
    if (f.cell && (r.human !== f.cell.human || r.judge !== f.cell.judge || r.status === 'failed')) return false;
    if (needle) {
      const hay = [r.id, r.explanation ?? '', r.error ?? '', ...r.fields.map(([, v]) => v)].join('\n').toLowerCase();
      if (!hay.includes(needle)) return false;
    }
    return true;
  });
  out.sort((a, b) => {
    if (f.sort === 'status') return statusRank[a.status] - statusRank[b.status] || compareIds(a.id, b.id);
    if (f.sort === 'latency') return (b.latencyMs ?? -1) - (a.latencyMs ?? -1);
    return compareIds(a.id, b.id);
  });
  return out;
}

/** Rows arrive during a run in batches; a re-sent row replaces the earlier one. */
export function mergeRows(current: readonly RowView[], incoming: readonly RowView[]): RowView[] {
  const index = new Map(current.map((r, i) => [r.id, i]));
  const out = [...current];
  for (const r of incoming) {
    const at = index.get(r.id);
    if (at === undefined) {
      index.set(r.id, out.length);
      out.push(r);
    } else out[at] = r;
  }
  return out;
}
