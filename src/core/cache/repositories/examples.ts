import type { Db } from '../driver';
import { columnsOf, encodeExample, sameContent, Utf8Arena, type EncodedColumns, type ExampleText } from '../exampleContent';
import { MultiRowInsert } from '../multiRowInsert';
import { all, json, now, one, scalar, str, textParam, type Row } from '../sql';

export type ExampleInput = ExampleText;

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

const INSERT_HEAD = 'INSERT INTO examples(dataset_id, external_id, input, output, fields_json, link, content_hash, created_at, updated_at)';
// CAST: texts arrive as UTF-8 bytes and must be stored as TEXT.
const INSERT_COLUMNS = ['?', '?', 'CAST(? AS TEXT)', 'CAST(? AS TEXT)', 'CAST(? AS TEXT)', '?', '?', '?', '?'];

export interface UpsertResult {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** The example ids, in the order of the rows given. */
  readonly ids: number[];
}

export function examplesRepository(db: Db) {
  return {
    /** Inserts new rows, updates changed ones (by content hash) and leaves the rest alone. */
    upsertMany(datasetId: number, rows: readonly ExampleInput[]): UpsertResult {
      const arena = new Utf8Arena();
      return this.upsertEncoded(datasetId, columnsOf(rows.map((row) => encodeExample(row, arena))));
    },
    /**
     * `upsertMany` for rows already encoded. All rows are offered to a multi-row INSERT that skips ids the dataset has;
     * when none was skipped (a new import) that is all, else the skipped ones (and repeats within the rows) are
     * compared by hash and updated one by one, in order.
     */
    upsertEncoded(datasetId: number, rows: EncodedColumns): UpsertResult {
      const count = rows.externalIds.length;
      if (count === 0) return { inserted: 0, updated: 0, unchanged: 0, ids: [] };
      const stamp = now();
      const before = Number(scalar(db, 'SELECT coalesce(max(id), 0) FROM examples'));
      const insert = MultiRowInsert.for(db, INSERT_HEAD, INSERT_COLUMNS, 'ON CONFLICT(dataset_id, external_id) DO NOTHING');
      const stamps = new Array<string>(count).fill(stamp);
      const added = insert.run(count, [new Array<number>(count).fill(datasetId), rows.externalIds, rows.inputs, rows.outputs, rows.fieldsJsons, rows.links, rows.hashes, stamps, stamps]);
      // New rows get the next rowids in order, so when every row went in, its id follows from its position.
      if (added === count && Number(scalar(db, 'SELECT last_insert_rowid()')) === before + added) {
        return { inserted: added, updated: 0, unchanged: 0, ids: Array.from({ length: count }, (_, i) => before + 1 + i) };
      }
      const { ids, hashes } = storedOf(db, datasetId, rows.externalIds);
      // An id repeated within the rows is compared with what its earlier occurrence stored.
      const storedHash = new Map<number, string>();
      const update = db.prepare(
        'UPDATE examples SET input = CAST(? AS TEXT), output = CAST(? AS TEXT), fields_json = CAST(? AS TEXT), link = ?, content_hash = ?, updated_at = ? WHERE id = ?',
      );
      const rehash = db.prepare('UPDATE examples SET content_hash = ? WHERE id = ?');
      const seen = new Set<number>();
      let updated = 0;
      let unchanged = 0;
      try {
        for (let i = 0; i < count; i++) {
          const id = ids[i]!;
          const first = !seen.has(id);
          seen.add(id);
          if (first && id > before) continue; // inserted above: nothing to compare
          const stored = storedHash.get(id) ?? hashes[i]!;
          const row = { input: rows.inputs[i]!, output: rows.outputs[i]!, fieldsJson: rows.fieldsJsons[i]!, link: rows.links[i]!, hash: rows.hashes[i]! };
          if (!sameContent(stored, row.hash, row)) {
            update.run([row.input, row.output, row.fieldsJson, row.link, row.hash, stamp, id]);
            storedHash.set(id, row.hash);
            updated++;
            continue;
          }
          // Same content under the legacy hash: store the current one so the next comparison is cheap.
          if (stored !== row.hash) rehash.run([row.hash, id]);
          storedHash.set(id, row.hash);
          unchanged++;
        }
      } finally {
        update.free();
        rehash.free();
      }
      return { inserted: count - updated - unchanged, updated, unchanged, ids };
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

/**
 * The ids and stored content hashes of `rows` (all in the dataset now), in one query: json_each walks the list, the
 * index does the rest.
 */
function storedOf(db: Db, datasetId: number, externalIds: readonly string[]): { ids: number[]; hashes: string[] } {
  const ids: number[] = new Array<number>(externalIds.length);
  const hashes: string[] = new Array<string>(externalIds.length);
  const stmt = db.prepare('SELECT j.key, e.id, e.content_hash FROM json_each(CAST(? AS TEXT)) j CROSS JOIN examples e ON e.dataset_id = ? AND e.external_id = j.value');
  try {
    for (const [index, id, hash] of stmt.iterate([textParam(JSON.stringify(externalIds)), datasetId])) {
      ids[Number(index)] = Number(id);
      hashes[Number(index)] = String(hash);
    }
  } finally {
    stmt.free();
  }
  return { ids, hashes };
}
