import { createHash } from 'node:crypto';
import type { Database } from 'sql.js';
import { all, json, now, one, str, type Row } from '../sql';

export interface ExampleInput {
  readonly externalId: string;
  readonly input: string | null;
  readonly output: string | null;
  readonly fields: Record<string, unknown>;
  readonly link?: string | null;
}

export interface ExampleRow extends ExampleInput {
  readonly id: number;
  readonly datasetId: number;
  readonly contentHash: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const toExample = (r: Row): ExampleRow => ({
  id: Number(r.id),
  datasetId: Number(r.dataset_id),
  externalId: String(r.external_id),
  input: str(r.input),
  output: str(r.output),
  fields: json(r.fields_json, {}),
  link: str(r.link),
  contentHash: String(r.content_hash),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});

export function contentHash(input: string | null, output: string | null, fieldsJson: string, link: string | null): string {
  return createHash('sha1').update(JSON.stringify([input, output, fieldsJson, link])).digest('hex');
}

export function examplesRepository(db: Database) {
  return {
    /** Inserts new rows, updates changed ones (by content hash) and leaves the rest alone. */
    upsertMany(datasetId: number, rows: readonly ExampleInput[]): { inserted: number; updated: number; unchanged: number; ids: number[] } {
      const find = db.prepare('SELECT id, content_hash FROM examples WHERE dataset_id = ? AND external_id = ?');
      const insert = db.prepare(
        'INSERT INTO examples(dataset_id, external_id, input, output, fields_json, link, content_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
      );
      const update = db.prepare('UPDATE examples SET input = ?, output = ?, fields_json = ?, link = ?, content_hash = ?, updated_at = ? WHERE id = ?');
      let inserted = 0;
      let updated = 0;
      let unchanged = 0;
      const ids: number[] = [];
      const stamp = now();
      try {
        for (const row of rows) {
          const fieldsJson = JSON.stringify(row.fields ?? {});
          const link = row.link ?? null;
          const hash = contentHash(row.input, row.output, fieldsJson, link);
          find.bind([datasetId, row.externalId]);
          const existing = find.step() ? find.getAsObject() : undefined;
          find.reset();
          if (!existing) {
            insert.bind([datasetId, row.externalId, row.input, row.output, fieldsJson, link, hash, stamp, stamp]);
            insert.step();
            ids.push(Number(insert.get()[0]));
            insert.reset();
            inserted++;
          } else if (existing.content_hash !== hash) {
            update.run([row.input, row.output, fieldsJson, link, hash, stamp, Number(existing.id)]);
            ids.push(Number(existing.id));
            updated++;
          } else {
            ids.push(Number(existing.id));
            unchanged++;
          }
        }
      } finally {
        find.free();
        insert.free();
        update.free();
      }
      return { inserted, updated, unchanged, ids };
    },
    list(datasetId: number, page: { offset?: number; limit?: number } = {}): ExampleRow[] {
      return all(db, 'SELECT * FROM examples WHERE dataset_id = ? ORDER BY id LIMIT ? OFFSET ?', [datasetId, page.limit ?? -1, page.offset ?? 0]).map(toExample);
    },
    count(datasetId: number): number {
      return Number(one(db, 'SELECT COUNT(*) AS n FROM examples WHERE dataset_id = ?', [datasetId])?.n ?? 0);
    },
    get(datasetId: number, externalId: string): ExampleRow | undefined {
      const r = one(db, 'SELECT * FROM examples WHERE dataset_id = ? AND external_id = ?', [datasetId, externalId]);
      return r ? toExample(r) : undefined;
    },
    getById(id: number): ExampleRow | undefined {
      const r = one(db, 'SELECT * FROM examples WHERE id = ?', [id]);
      return r ? toExample(r) : undefined;
    },
  };
}

export type ExamplesRepository = ReturnType<typeof examplesRepository>;
