import type { Db } from '../driver';
import { all, lastId, num, now, one, type Row } from '../sql';

export interface DatasetRow {
  readonly id: number;
  readonly name: string;
  readonly sourceId: number | null;
  readonly createdAt: string;
  readonly examples: number;
}

const toDataset = (r: Row): DatasetRow => ({
  id: Number(r.id),
  name: String(r.name),
  sourceId: num(r.source_id),
  createdAt: String(r.created_at),
  examples: Number(r.examples ?? 0),
});

const SELECT = 'SELECT d.*, (SELECT COUNT(*) FROM examples e WHERE e.dataset_id = d.id) AS examples FROM datasets d';

export function datasetsRepository(db: Db) {
  return {
    ensure(name: string, sourceId: number | null = null): number {
      const existing = one(db, 'SELECT id FROM datasets WHERE name = ?', [name]);
      if (existing) return Number(existing.id);
      db.run('INSERT INTO datasets(name, source_id, created_at) VALUES (?, ?, ?)', [name, sourceId, now()]);
      return lastId(db);
    },
    get(name: string): DatasetRow | undefined {
      const r = one(db, `${SELECT} WHERE d.name = ?`, [name]);
      return r ? toDataset(r) : undefined;
    },
    list(): DatasetRow[] {
      return all(db, `${SELECT} ORDER BY d.name`).map(toDataset);
    },
  };
}

export type DatasetsRepository = ReturnType<typeof datasetsRepository>;
