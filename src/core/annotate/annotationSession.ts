import type { Cache } from '../cache/cache';
import type { AnnotationRow } from '../cache/repositories/annotations';
import type { LocalDataset } from '../datasets/localDataset';
import { shownFirstAnnotation } from '../pairwise/pairVerdicts';
import { annotatorAgreement, labelProgress, orderQueue, type LabelProgress, type QueueItem, type QueueOrder } from './queue';

export interface AnnotationTarget {
  /** The cache dataset the labels go to: `fileDatasetKey(path)` for a file, the name for a pulled or imported one. */
  readonly datasetKey: string;
  /** A file's rows are copied into the cache when first labelled; a cached dataset's rows are already there. */
  readonly fromFile: boolean;
  readonly dataset: LocalDataset;
  /** The annotation name: the prompt's `label` field. */
  readonly name: string;
  readonly labels: readonly string[];
  /** The judge's latest verdicts for these rows, by row id. */
  readonly judge: ReadonlyMap<string, { label: string | null; explanation: string | null }>;
}

interface Mine {
  readonly label: string | null;
  readonly note: string | null;
  readonly needsReview: boolean;
}

interface UndoStep {
  readonly id: string;
  readonly before: Mine | null;
  readonly position: number;
}

export interface AnnotationView {
  readonly position: number;
  readonly total: number;
  readonly id: string;
  readonly data: Record<string, unknown>;
  readonly fileLabel: string | null;
  readonly mine: Mine | null;
  readonly others: { author: string; label: string | null }[];
  readonly current: string | null;
  readonly judge: { label: string | null; explanation: string | null } | null;
}

/**
 * One person labelling one dataset under one annotation name: the queue, where they are in it, and an undo
 * stack. Every change is written to the cache at once (a HUMAN annotation with author and time).
 */
export class AnnotationSession {
  private order: string[] = [];
  private position = 0;
  private readonly undoStack: UndoStep[] = [];
  private byAuthor = new Map<string, Map<string, AnnotationRow>>();
  /** For pairs: the field each person was shown first, per row (`shownFirstAnnotation`), read with the labels. */
  private shownFirstByAuthor = new Map<string, Map<string, AnnotationRow>>();
  private readonly rows: Map<string, LocalDataset['rows'][number]>;

  constructor(
    private readonly cache: Cache,
    readonly target: AnnotationTarget,
    readonly author: string,
    private queueOrder: QueueOrder = 'unlabelled',
  ) {
    this.rows = new Map(target.dataset.rows.map((r) => [r.id, r]));
    this.reload();
    this.order = orderQueue(this.items(), queueOrder, (i) => this.labelOf(i));
  }

  get orderName(): QueueOrder {
    return this.queueOrder;
  }

  setOrder(order: QueueOrder): void {
    this.queueOrder = order;
    this.order = orderQueue(this.items(), order, (i) => this.labelOf(i));
    this.position = 0;
  }

  /** Jumps to the first row of the queue without a label (where to resume). */
  resume(): void {
    const first = this.order.findIndex((id) => this.currentLabel(id) === null);
    this.position = first === -1 ? 0 : first;
  }

  view(): AnnotationView | null {
    const id = this.order[this.position];
    const row = id === undefined ? undefined : this.rows.get(id);
    if (!id || !row) return null;
    const authors = this.byAuthor.get(id) ?? new Map<string, AnnotationRow>();
    const mine = authors.get(this.author);
    return {
      position: this.position,
      total: this.order.length,
      id,
      data: row.data,
      fileLabel: row.humanLabel,
      mine: mine ? { label: mine.label, note: mine.note, needsReview: mine.needsReview } : null,
      others: [...authors.values()].filter((a) => a.author !== this.author).map((a) => ({ author: a.author, label: a.label })),
      current: this.currentLabel(id),
      judge: this.target.judge.get(id) ?? null,
    };
  }

  /**
   * How many rows a person labelled (anyone, here or in the workbench) after `time` (an ISO time, as the cache
   * stores them): after a judge's run, the rows its kappa was not measured against.
   */
  labelledSince(time: string): number {
    let n = 0;
    for (const byAuthor of this.byAuthor.values()) if ([...byAuthor.values()].some((a) => a.label !== null && a.updatedAt > time)) n++;
    return n;
  }

  progress(): LabelProgress {
    return labelProgress(this.target.labels, this.order.map((id) => this.currentLabel(id)));
  }

  agreement() {
    return annotatorAgreement(this.target.labels, this.items());
  }

  canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  move(delta: number): void {
    this.position = Math.max(0, Math.min(this.order.length - 1, this.position + delta));
  }

  /**
   * `shownFirst`: for a pair, the field the person saw first; it is recorded beside the label (its own annotation,
   * `shownFirstAnnotation(name)`), so the person's own position bias can be measured.
   */
  async label(label: string, shownFirst?: string): Promise<void> {
    if (!this.target.labels.includes(label)) throw new Error(`"${label}" is not one of ${this.target.labels.join(', ')}.`);
    const view = this.view();
    if (!view) return;
    await this.save(view.id, { label, note: view.mine?.note ?? null, needsReview: view.mine?.needsReview ?? false }, shownFirst);
    this.move(1);
  }

  /**
   * The person's own position bias over the pairs they labelled: of their choices of a response (ties aside), how
   * many picked the one they were shown first. `winners`: field → the label value of its win.
   */
  shownFirstRate(winners: Readonly<Record<string, string>>): { decided: number; firstShown: number } {
    const shown = this.shownFirstByAuthor;
    const values = new Set(Object.values(winners));
    let decided = 0;
    let firstShown = 0;
    for (const [id, authors] of this.byAuthor) {
      const label = authors.get(this.author)?.label;
      const first = shown.get(id)?.get(this.author)?.label;
      if (!label || !first || !values.has(label) || winners[first] === undefined) continue;
      decided++;
      if (winners[first] === label) firstShown++;
    }
    return { decided, firstShown };
  }

  async toggleReview(): Promise<void> {
    const view = this.view();
    if (!view) return;
    await this.save(view.id, { label: view.mine?.label ?? null, note: view.mine?.note ?? null, needsReview: !(view.mine?.needsReview ?? false) });
  }

  async setNote(note: string): Promise<void> {
    const view = this.view();
    if (!view) return;
    const text = note.trim() || null;
    if (text === (view.mine?.note ?? null)) return;
    await this.save(view.id, { label: view.mine?.label ?? null, note: text, needsReview: view.mine?.needsReview ?? false });
  }

  /** Takes back the last change (label, review flag or note), and goes back to that row. */
  async undo(): Promise<void> {
    const step = this.undoStack.pop();
    if (!step) return;
    await this.write(step.id, step.before);
    this.position = step.position;
  }

  private async save(id: string, next: Mine, shownFirst?: string): Promise<void> {
    const previous = this.byAuthor.get(id)?.get(this.author);
    this.undoStack.push({ id, before: previous ? { label: previous.label, note: previous.note, needsReview: previous.needsReview } : null, position: this.position });
    await this.write(id, next, shownFirst);
  }

  private async write(id: string, state: Mine | null, shownFirst?: string): Promise<void> {
    const row = this.rows.get(id)!;
    await this.cache.write((repos) => {
      const datasetId = repos.datasets.ensure(this.target.datasetKey);
      const exampleId = this.target.fromFile
        ? repos.examples.upsertMany(datasetId, [{ externalId: id, input: null, output: null, fields: row.data }]).ids[0]
        : repos.examples.get(datasetId, id)?.id;
      if (exampleId === undefined) throw new Error(`Row ${id} is no longer in the dataset "${this.target.datasetKey}": pull or import it again, then label it.`);
      if (state === null) repos.annotations.remove(exampleId, this.target.name, this.author);
      else repos.annotations.upsert({ exampleId, name: this.target.name, label: state.label, note: state.note, needsReview: state.needsReview, annotatorKind: 'HUMAN', author: this.author });
      if (shownFirst !== undefined) repos.annotations.upsert({ exampleId, name: shownFirstAnnotation(this.target.name), label: shownFirst, annotatorKind: 'HUMAN', author: this.author });
    });
    this.reload();
  }

  private reload(): void {
    const none = () => new Map<string, Map<string, AnnotationRow>>();
    const read = this.cache.read((repos) => {
      const ds = repos.datasets.get(this.target.datasetKey);
      return ds
        ? { labels: repos.annotations.humanByAuthor(ds.id, this.target.name), shownFirst: repos.annotations.humanByAuthor(ds.id, shownFirstAnnotation(this.target.name)) }
        : { labels: none(), shownFirst: none() };
    });
    this.byAuthor = read.labels;
    this.shownFirstByAuthor = read.shownFirst;
  }

  private newest(id: string): string | null {
    let best: AnnotationRow | undefined;
    for (const a of this.byAuthor.get(id)?.values() ?? []) if (a.label !== null && (!best || a.updatedAt >= best.updatedAt)) best = a;
    return best?.label ?? null;
  }

  private currentLabel(id: string): string | null {
    return this.newest(id) ?? this.rows.get(id)?.humanLabel ?? null;
  }

  private labelOf(item: QueueItem): string | null {
    return this.currentLabel(item.id);
  }

  private items(): QueueItem[] {
    return this.target.dataset.rows.map((r) => {
      const byAuthor = new Map<string, string>();
      for (const [author, a] of this.byAuthor.get(r.id) ?? []) if (a.label !== null) byAuthor.set(author, a.label);
      return { id: r.id, fileLabel: r.humanLabel, byAuthor, judgeLabel: this.target.judge.get(r.id)?.label ?? null };
    });
  }
}
