import type { Db, SqlValue } from '../driver';
import { MultiRowInsert } from '../multiRowInsert';
import { all, num, now, one, str, textParam, type Row } from '../sql';

export type AnnotatorKind = 'HUMAN' | 'LLM' | 'CODE';

export interface AnnotationInput {
  readonly exampleId: number;
  readonly name: string;
  readonly label: string | null;
  readonly score?: number | null;
  readonly explanation?: string | null;
  readonly annotatorKind: AnnotatorKind;
  readonly author: string;
  readonly note?: string | null;
  readonly needsReview?: boolean;
  readonly sourceRef?: string | null;
  readonly createdAt?: string;
  readonly updatedAt?: string;
}

export interface AnnotationRow {
  readonly id: number;
  readonly exampleId: number;
  readonly name: string;
  readonly label: string | null;
  readonly score: number | null;
  readonly explanation: string | null;
  readonly annotatorKind: AnnotatorKind;
  readonly author: string;
  readonly note: string | null;
  readonly needsReview: boolean;
  readonly sourceRef: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const toAnnotation = (r: Row): AnnotationRow => ({
  id: Number(r.id),
  exampleId: Number(r.example_id),
  name: String(r.name),
  label: str(r.label),
  score: num(r.score),
  explanation: str(r.explanation),
  annotatorKind: String(r.annotator_kind) as AnnotatorKind,
  author: String(r.author),
  note: str(r.note),
  needsReview: Number(r.needs_review) === 1,
  sourceRef: str(r.source_ref),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});

const INSERT_HEAD =
  'INSERT INTO annotations(example_id, name, author, label, score, explanation, annotator_kind, note, needs_review, source_ref, created_at, updated_at)';
const INSERT_COLUMNS = ['?', '?', '?', '?', '?', 'CAST(? AS TEXT)', '?', 'CAST(? AS TEXT)', '?', '?', '?', '?'];

const UPDATE_CHANGED = 'UPDATE annotations SET label = ?, score = ?, explanation = ?, annotator_kind = ?, note = ?, needs_review = ?, source_ref = ?, updated_at = ? WHERE id = ?';

const keyOf = (exampleId: number, name: string, author: string): string => `${exampleId}\u0000${name}\u0000${author}`;

/** A stored annotation's id and what an upsert may change, in the order `storedFor` reads and UPDATE_CHANGED writes them. */
type StoredValues = [id: number, label: SqlValue, score: SqlValue, explanation: SqlValue, kind: SqlValue, note: SqlValue, needsReview: SqlValue, sourceRef: SqlValue];

/**
 * The stored annotations of the items' examples by example, name and author, read in one query as plain arrays: a
 * re-pull compares thousands of unchanged labels, and reading each back as an object (a query per item) took most
 * of its time.
 */
function storedFor(db: Db, items: readonly AnnotationInput[]): Map<string, StoredValues> {
  const exampleIds = [...new Set(items.map((a) => a.exampleId))];
  const stmt = db.prepare(
    'SELECT id, example_id, name, author, label, score, explanation, annotator_kind, note, needs_review, source_ref FROM annotations WHERE example_id IN (SELECT value FROM json_each(?))',
  );
  const out = new Map<string, StoredValues>();
  try {
    for (const [id, exampleId, name, author, ...values] of stmt.iterate([JSON.stringify(exampleIds)])) {
      out.set(keyOf(Number(exampleId), String(name), String(author)), [Number(id), ...values] as StoredValues);
    }
  } finally {
    stmt.free();
  }
  return out;
}

/** `a` as it would be stored in the row `id`. */
const asStored = (id: number, a: AnnotationInput): StoredValues => [
  id,
  a.label,
  a.score ?? null,
  a.explanation ?? null,
  a.annotatorKind,
  a.note ?? null,
  a.needsReview ? 1 : 0,
  a.sourceRef ?? null,
];

const sameValues = (x: StoredValues, y: StoredValues): boolean => x.every((value, i) => value === y[i]);

export function annotationsRepository(db: Db) {
  return {
    /** One annotation per example, name and author: a new label from the same author replaces the old one. */
    upsert(a: AnnotationInput): { changed: boolean } {
      return { changed: this.upsertMany([a]) === 1 };
    },
    /**
     * Many at once (imports and pulls save thousands); returns how many changed. All go to a multi-row INSERT that
     * skips the (example, name, author) keys already annotated; when none was skipped that is all, else every item is
     * compared, in order, with what is stored and updated if it differs (the ones just inserted compare equal).
     */
    upsertMany(items: readonly AnnotationInput[]): number {
      if (items.length === 0) return 0;
      const stamp = now();
      const insert = MultiRowInsert.for(db, INSERT_HEAD, INSERT_COLUMNS, 'ON CONFLICT(example_id, name, author) DO NOTHING');
      let changed = insert.run(items.length, [
        items.map((a) => a.exampleId),
        items.map((a) => a.name),
        items.map((a) => a.author),
        items.map((a) => a.label),
        items.map((a) => a.score ?? null),
        items.map((a) => textParam(a.explanation ?? null)),
        items.map((a) => a.annotatorKind),
        items.map((a) => textParam(a.note ?? null)),
        items.map((a) => (a.needsReview ? 1 : 0)),
        items.map((a) => a.sourceRef ?? null),
        items.map((a) => a.createdAt ?? stamp),
        items.map((a) => a.updatedAt ?? a.createdAt ?? stamp),
      ]);
      if (changed === items.length) return changed;
      // Compared in order with what is stored: an item repeated in the batch meets what its earlier occurrence left.
      const stored = storedFor(db, items);
      const update = db.prepare(UPDATE_CHANGED);
      try {
        for (const a of items) {
          const key = keyOf(a.exampleId, a.name, a.author);
          const before = stored.get(key)!;
          const after = asStored(before[0], a);
          if (sameValues(before, after)) continue;
          const [id, ...values] = after;
          update.run([...values, a.updatedAt ?? stamp, id]);
          stored.set(key, after);
          changed++;
        }
      } finally {
        update.free();
      }
      return changed;
    },
    remove(exampleId: number, name: string, author: string): void {
      db.run('DELETE FROM annotations WHERE example_id = ? AND name = ? AND author = ?', [exampleId, name, author]);
    },
    listForExample(exampleId: number): AnnotationRow[] {
      return all(db, 'SELECT * FROM annotations WHERE example_id = ? ORDER BY name, updated_at', [exampleId]).map(toAnnotation);
    },
    listForDataset(datasetId: number, name: string): AnnotationRow[] {
      return all(
        db,
        'SELECT a.* FROM annotations a JOIN examples e ON e.id = a.example_id WHERE e.dataset_id = ? AND a.name = ? ORDER BY a.example_id, a.updated_at',
        [datasetId, name],
      ).map(toAnnotation);
    },
    /** The newest HUMAN label per example under `name`, keyed by the example's external id. */
    latestHumanLabels(datasetId: number, name: string): Map<string, string> {
      const rows = all(
        db,
        `SELECT e.external_id AS external_id, a.label AS label FROM annotations a JOIN examples e ON e.id = a.example_id
         WHERE e.dataset_id = ? AND a.name = ? AND a.annotator_kind = 'HUMAN' AND a.label IS NOT NULL ORDER BY a.updated_at, a.id`,
        [datasetId, name],
      );
      const out = new Map<string, string>();
      for (const r of rows) out.set(String(r.external_id), String(r.label));
      return out;
    },
    /** Every HUMAN annotation under `name`, by example external id, then by author. */
    humanByAuthor(datasetId: number, name: string): Map<string, Map<string, AnnotationRow>> {
      const rows = all(
        db,
        `SELECT a.*, e.external_id AS external_id FROM annotations a JOIN examples e ON e.id = a.example_id
         WHERE e.dataset_id = ? AND a.name = ? AND a.annotator_kind = 'HUMAN' ORDER BY a.updated_at, a.id`,
        [datasetId, name],
      );
      const out = new Map<string, Map<string, AnnotationRow>>();
      for (const r of rows) {
        const key = String(r.external_id);
        const byAuthor = out.get(key) ?? new Map<string, AnnotationRow>();
        byAuthor.set(String(r.author), toAnnotation(r));
        out.set(key, byAuthor);
      }
      return out;
    },
    /** Renames (or, when `to` is already used, merges) a label of one annotation across a dataset. */
    renameLabel(datasetId: number, name: string, from: string, to: string): number {
      return db.run(
        `UPDATE annotations SET label = ?, updated_at = ? WHERE name = ? AND label = ? AND example_id IN (SELECT id FROM examples WHERE dataset_id = ?)`,
        [to, now(), name, from, datasetId],
      );
    },
    countLabel(datasetId: number, name: string, label: string): number {
      return Number(one(db, 'SELECT COUNT(*) AS n FROM annotations a JOIN examples e ON e.id = a.example_id WHERE e.dataset_id = ? AND a.name = ? AND a.label = ?', [datasetId, name, label])?.n ?? 0);
    },
    names(datasetId: number): string[] {
      return all(db, 'SELECT DISTINCT a.name FROM annotations a JOIN examples e ON e.id = a.example_id WHERE e.dataset_id = ? ORDER BY a.name', [datasetId]).map((r) =>
        String(r.name),
      );
    },
  };
}

export type AnnotationsRepository = ReturnType<typeof annotationsRepository>;
