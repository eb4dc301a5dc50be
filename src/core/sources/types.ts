import type { AnnotatorKind } from '../cache/repositories/annotations';

/** Who made an annotation: ground truth comes only from HUMAN ones. */
export type { AnnotatorKind };

/** One label (or score) on one example, as a source reported it. */
export interface SourceAnnotation {
  readonly name: string;
  readonly label: string | null;
  readonly score: number | null;
  readonly explanation: string | null;
  readonly annotatorKind: AnnotatorKind;
  /** A person's name or id, or the evaluator's name for LLM/CODE annotations. */
  readonly author: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
  /** The source's own id for the annotation (for write-back and idempotent re-pulls). */
  readonly sourceRef?: string;
}

/** One example (a span, run, observation or file row) normalised for the cache. */
export interface SourceExample {
  /** Stable id within the source (span id, run id, observation id, or the file's id column / line). */
  readonly externalId: string;
  readonly input: string | null;
  readonly output: string | null;
  /** Every other attribute, kept so prompts can use it as `{{fields.path}}` or `{{path}}`. */
  readonly fields: Record<string, unknown>;
  /** Where to see it in the source's UI. */
  readonly link?: string;
  readonly annotations: readonly SourceAnnotation[];
}
