import { fieldPathsOf, lookupPath, pathKeys } from '../../fieldPath';
import type { SourceAnnotation, SourceExample } from '../types';

/**
 * Which columns of a file hold what. Column names may be dotted paths into nested JSON (`request.messages.0.content`);
 * a column whose name itself contains dots (`"metadata.topic"` as a CSV header) wins over the nested path.
 */
export interface ColumnMapping {
  /** Stable row id. Default: the `id` column when the file has one, else the line (JSONL, CSV) or row (Parquet) number. */
  readonly id?: string;
  readonly input?: string;
  readonly output?: string;
  /** The human label column; rows with an empty label are imported unlabelled. */
  readonly label?: string;
  /** The annotation name the label is saved under (what a prompt's `label:` refers to); default: the label column. */
  readonly labelName?: string;
  /** A column with the labeller's explanation of the label. */
  readonly explanation?: string;
  /**
   * Who labelled the file: a name, not a column. One annotation is kept per example, name and author, so importing a
   * corrected file again replaces the labels instead of adding a second opinion.
   */
  readonly author?: string;
}

export const DEFAULT_IMPORT_AUTHOR = 'file-import';

/** The mapped roles, in the order they are checked and reported. */
export const MAPPED_ROLES = ['id', 'input', 'output', 'label', 'explanation'] as const;
export type MappedRole = (typeof MAPPED_ROLES)[number];

const ROLE_NAMES: Record<MappedRole, string> = { id: 'id', input: 'input', output: 'output', label: 'human label', explanation: 'label explanation' };
export const roleName = (role: MappedRole): string => ROLE_NAMES[role];

/** The value at a mapped column's path: the one field-path walk, without reading into JSON strings (see PathOptions). */
export function getPath(data: unknown, path: string): unknown {
  return lookupPath(data, path, { throughJson: false });
}

/**
 * A copy of `data` without the values at `paths` (only the objects on the way are copied). The mapped columns leave
 * `fields` so the human label can never reach the judge's prompt as a variable. What is removed is exactly what
 * {@link getPath} reads (the same walk picks the keys), so a label found under a dotted key is removed too.
 */
export function omitPaths(data: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  for (const p of paths) {
    const keys = pathKeys(data, p, { throughJson: false });
    if (keys) removeNested(out, keys);
  }
  return out;
}

function removeNested(root: Record<string, unknown>, keys: string[]): void {
  let parent: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    const child: unknown = (parent as Record<string, unknown>)[key];
    if (child === null || typeof child !== 'object') return;
    const copy: Record<string, unknown> | unknown[] = Array.isArray(child) ? [...(child as unknown[])] : { ...(child as Record<string, unknown>) };
    (parent as Record<string, unknown>)[key] = copy;
    parent = copy;
  }
  const last = keys[keys.length - 1]!;
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (Number.isInteger(index) && index >= 0 && index < parent.length) parent[index] = null;
  } else delete parent[last];
}

/** Text as the cache stores input and output: strings as they are, anything else as JSON. */
export function toText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Every column path seen in `records`, nested ones dotted, up to `maxDepth` parts (the field-path listing over all of them). */
export function collectPaths(records: Iterable<Record<string, unknown>>, maxDepth = 3): string[] {
  return fieldPathsOf(records, { parts: maxDepth });
}

/** The id column when none is mapped: `id` if the file has one (as a judge prompt's local dataset does). */
export function defaultIdColumn(columns: readonly string[]): string | undefined {
  return columns.includes('id') ? 'id' : undefined;
}

export interface RowProblem {
  readonly problem: string;
}

/**
 * Turns one record into a `SourceExample`. Holds the ids seen so far, so a repeated id is reported with the line that
 * first used it instead of silently overwriting that row.
 */
export class RowMapper {
  private readonly firstSeen = new Map<string, number>();
  private readonly mappedPaths: string[];
  private readonly labelName: string | undefined;
  private readonly author: string;

  constructor(
    private readonly mapping: ColumnMapping,
    private readonly idColumn: string | undefined,
    private readonly unit: 'line' | 'row',
  ) {
    this.mappedPaths = [idColumn, mapping.input, mapping.output, mapping.label, mapping.explanation].filter((p): p is string => p !== undefined);
    this.labelName = mapping.label === undefined ? undefined : mapping.labelName?.trim() || mapping.label;
    this.author = mapping.author?.trim() || DEFAULT_IMPORT_AUTHOR;
  }

  map(data: Record<string, unknown>, position: number): SourceExample | RowProblem {
    let externalId: string;
    if (this.idColumn !== undefined) {
      const raw = getPath(data, this.idColumn);
      const id = raw === undefined || raw === null ? '' : (typeof raw === 'string' ? raw : JSON.stringify(raw)).trim();
      if (id === '') return { problem: `this row has no id in column "${this.idColumn}".` };
      externalId = id;
    } else {
      externalId = String(position);
    }
    const first = this.firstSeen.get(externalId);
    if (first !== undefined) return { problem: `id "${externalId}" is already used on ${this.unit} ${first}; ids must be unique within a file.` };
    this.firstSeen.set(externalId, position);

    const annotations: SourceAnnotation[] = [];
    if (this.mapping.label !== undefined && this.labelName !== undefined) {
      const raw = getPath(data, this.mapping.label);
      const label = toText(raw)?.trim() ?? '';
      if (label !== '') {
        const explanation = this.mapping.explanation === undefined ? null : toText(getPath(data, this.mapping.explanation))?.trim() || null;
        annotations.push({
          name: this.labelName,
          label,
          score: typeof raw === 'number' && Number.isFinite(raw) ? raw : null,
          explanation,
          annotatorKind: 'HUMAN',
          author: this.author,
        });
      }
    }
    return {
      externalId,
      input: this.mapping.input === undefined ? null : toText(getPath(data, this.mapping.input)),
      output: this.mapping.output === undefined ? null : toText(getPath(data, this.mapping.output)),
      fields: omitPaths(data, this.mappedPaths),
      annotations,
    };
  }
}

export function isRowProblem(value: SourceExample | RowProblem): value is RowProblem {
  return (value as RowProblem).problem !== undefined;
}
