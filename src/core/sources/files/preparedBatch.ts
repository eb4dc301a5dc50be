import { RECORD_HEADER_BYTES, Utf8Arena, writeRecord } from '../../cache/exampleContent';
import type { EncodedBatch } from '../store';
import type { SourceAnnotation, SourceExample } from '../types';

export interface BadRow {
  readonly position: number;
  readonly problem: string;
}

/**
 * A stretch of the file, read, mapped, encoded and hashed: everything an import does that needs no cache. Built column
 * by column so it crosses to another thread cheaply: the encoded texts stay in their buffers, which are transferred
 * (not copied), and the rest is flat arrays, which clone much faster than an object per row.
 */
export interface PreparedBatch {
  /** Where the texts are (see Utf8Arena): post the batch with these as the transfer list. */
  readonly buffers: ArrayBuffer[];
  /** Per example: buffer index, record start, byte lengths of input, output and fields (-1 for null). */
  readonly spans: Int32Array;
  readonly ids: string[];
  readonly hashes: string[];
  readonly links: (string | null)[];
  readonly annotations: PreparedAnnotations;
  /** Bad rows of this stretch (skipped, or with `badRows: 'abort'` the one that ends the import, last). */
  readonly bad: BadRow[];
  /** Share of the file read, 0 to 1. */
  readonly fraction: number;
  readonly idColumn: string | undefined;
  readonly unit: 'line' | 'row';
}

/** What annotations share (name, author, kind: one set for a whole file), sent once per distinct set. */
type Shape = Omit<SourceAnnotation, 'label' | 'score' | 'explanation'>;

interface PreparedAnnotations {
  /** Per example, how many of the annotations below are its, in order. */
  readonly counts: number[];
  readonly shapes: Shape[];
  readonly shapeOf: number[];
  readonly labels: (string | null)[];
  readonly scores: (number | null)[];
  readonly explanations: (string | null)[];
}

const SPAN = 5;

/** Builds a PreparedBatch one mapped row at a time. */
export class BatchBuilder {
  private arena = new Utf8Arena();
  private buffers: ArrayBuffer[] = [];
  private spans: number[] = [];
  private ids: string[] = [];
  private hashes: string[] = [];
  private links: (string | null)[] = [];
  private annotations = emptyAnnotations();
  /** Index in `annotations.shapes` of the last annotation's shape, -1 before the first. */
  private lastShape = -1;

  get size(): number {
    return this.ids.length;
  }

  add(example: SourceExample): void {
    const arena = this.arena;
    const { start, hash } = writeRecord(example, arena);
    if (this.buffers[this.buffers.length - 1] !== arena.buffer.buffer) this.buffers.push(arena.buffer.buffer as ArrayBuffer);
    this.spans.push(this.buffers.length - 1, start, arena.lengths[0]!, arena.lengths[1]!, arena.lengths[2]!);
    this.ids.push(example.externalId);
    this.hashes.push(hash);
    this.links.push(example.link ?? null);
    this.annotations.counts.push(example.annotations.length);
    for (const a of example.annotations) this.addAnnotation(a);
  }

  /** The batch so far, with `rest`; the builder starts over (its buffers now belong to the batch). */
  take(rest: Pick<PreparedBatch, 'bad' | 'fraction' | 'idColumn' | 'unit'>): PreparedBatch {
    const batch = { buffers: this.buffers, spans: Int32Array.from(this.spans), ids: this.ids, hashes: this.hashes, links: this.links, annotations: this.annotations, ...rest };
    this.arena = new Utf8Arena();
    this.buffers = [];
    this.spans = [];
    this.ids = [];
    this.hashes = [];
    this.links = [];
    this.annotations = emptyAnnotations();
    this.lastShape = -1;
    return batch;
  }

  private addAnnotation(a: SourceAnnotation): void {
    const out = this.annotations;
    // A file's labels all share one shape: compare with the last before looking further.
    if (this.lastShape < 0 || !sameShape(a, out.shapes[this.lastShape]!)) {
      this.lastShape = out.shapes.findIndex((s) => sameShape(a, s));
      if (this.lastShape < 0) this.lastShape = out.shapes.push(shapeOf(a)) - 1;
    }
    out.shapeOf.push(this.lastShape);
    out.labels.push(a.label);
    out.scores.push(a.score);
    out.explanations.push(a.explanation);
  }
}

/** The batch as the cache stores it: texts as views into its buffers, no copies. */
export function encodedBatchOf(batch: PreparedBatch): EncodedBatch {
  const { buffers, spans } = batch;
  const count = batch.ids.length;
  const inputs = new Array<Uint8Array | null>(count);
  const outputs = new Array<Uint8Array | null>(count);
  const fieldsJsons = new Array<Uint8Array>(count);
  for (let i = 0; i < count; i++) {
    const s = i * SPAN;
    const buffer = buffers[spans[s]!]!;
    const inputAt = spans[s + 1]! + RECORD_HEADER_BYTES;
    const outputAt = inputAt + Math.max(0, spans[s + 2]!);
    const fieldsAt = outputAt + Math.max(0, spans[s + 3]!);
    inputs[i] = spans[s + 2]! < 0 ? null : new Uint8Array(buffer, inputAt, spans[s + 2]!);
    outputs[i] = spans[s + 3]! < 0 ? null : new Uint8Array(buffer, outputAt, spans[s + 3]!);
    fieldsJsons[i] = new Uint8Array(buffer, fieldsAt, spans[s + 4]!);
  }
  return {
    examples: { externalIds: batch.ids, inputs, outputs, fieldsJsons, links: batch.links, hashes: batch.hashes },
    annotations: annotationsOf(batch.annotations),
  };
}

function emptyAnnotations(): PreparedAnnotations {
  return { counts: [], shapes: [], shapeOf: [], labels: [], scores: [], explanations: [] };
}

function shapeOf(a: SourceAnnotation): Shape {
  const shape: { -readonly [K in keyof Shape]: Shape[K] } = { name: a.name, annotatorKind: a.annotatorKind, author: a.author };
  if (a.createdAt !== undefined) shape.createdAt = a.createdAt;
  if (a.updatedAt !== undefined) shape.updatedAt = a.updatedAt;
  if (a.sourceRef !== undefined) shape.sourceRef = a.sourceRef;
  return shape;
}

function sameShape(a: Shape, b: Shape): boolean {
  return (
    a.name === b.name &&
    a.annotatorKind === b.annotatorKind &&
    a.author === b.author &&
    a.createdAt === b.createdAt &&
    a.updatedAt === b.updatedAt &&
    a.sourceRef === b.sourceRef
  );
}

function annotationsOf(prepared: PreparedAnnotations): SourceAnnotation[][] {
  const out: SourceAnnotation[][] = new Array<SourceAnnotation[]>(prepared.counts.length);
  let next = 0;
  for (let i = 0; i < prepared.counts.length; i++) {
    const list: SourceAnnotation[] = [];
    for (let k = 0; k < prepared.counts[i]!; k++, next++) {
      const shape = prepared.shapes[prepared.shapeOf[next]!]!;
      const annotation: { -readonly [K in keyof SourceAnnotation]: SourceAnnotation[K] } = {
        name: shape.name,
        label: prepared.labels[next]!,
        score: prepared.scores[next]!,
        explanation: prepared.explanations[next]!,
        annotatorKind: shape.annotatorKind,
        author: shape.author,
      };
      if (shape.createdAt !== undefined) annotation.createdAt = shape.createdAt;
      if (shape.updatedAt !== undefined) annotation.updatedAt = shape.updatedAt;
      if (shape.sourceRef !== undefined) annotation.sourceRef = shape.sourceRef;
      list.push(annotation);
    }
    out[i] = list;
  }
  return out;
}
