import type { Db } from '../driver';
import { all, json, lastId, one, str, type Row } from '../sql';

export interface SourceRow {
  readonly id: number;
  readonly kind: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly cursor: string | null;
  readonly syncedAt: string | null;
}

const toSource = (r: Row): SourceRow => ({
  id: Number(r.id),
  kind: String(r.kind),
  name: String(r.name),
  config: json(r.config_json, {}),
  cursor: str(r.cursor),
  syncedAt: str(r.synced_at),
});

export function sourcesRepository(db: Db) {
  return {
    upsert(input: { kind: string; name: string; config: Record<string, unknown> }): number {
      const existing = one(db, 'SELECT id FROM sources WHERE name = ?', [input.name]);
      if (existing) {
        db.run('UPDATE sources SET kind = ?, config_json = ? WHERE id = ?', [input.kind, JSON.stringify(input.config), Number(existing.id)]);
        return Number(existing.id);
      }
      db.run('INSERT INTO sources(kind, name, config_json) VALUES (?, ?, ?)', [input.kind, input.name, JSON.stringify(input.config)]);
      return lastId(db);
    },
    get(name: string): SourceRow | undefined {
      const r = one(db, 'SELECT * FROM sources WHERE name = ?', [name]);
      return r ? toSource(r) : undefined;
    },
    getById(id: number): SourceRow | undefined {
      const r = one(db, 'SELECT * FROM sources WHERE id = ?', [id]);
      return r ? toSource(r) : undefined;
    },
    list(): SourceRow[] {
      return all(db, 'SELECT * FROM sources ORDER BY name').map(toSource);
    },
    setCursor(id: number, cursor: string | null, syncedAt: string): void {
      db.run('UPDATE sources SET cursor = ?, synced_at = ? WHERE id = ?', [cursor, syncedAt, id]);
    },
  };
}

export type SourcesRepository = ReturnType<typeof sourcesRepository>;
