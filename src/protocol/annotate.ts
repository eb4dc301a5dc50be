// Messages between the annotation view (webview) and the extension host, checked on both ends.
// zod/mini: the same checks as zod in a fraction of the weight (the webview bundles load it on every open).
import * as z from 'zod/mini';
import { parseWith } from './parse';

const order = z.enum(['unlabelled', 'disagreements', 'balanced']);

export const annotateTargetSchema = z.object({ promptPath: z.string(), name: z.string(), annotation: z.string(), editable: z.boolean() });

export const annotateStateSchema = z.object({
  targets: z.array(annotateTargetSchema),
  target: z.nullable(annotateTargetSchema),
  labels: z.array(z.string()),
  order,
  author: z.string(),
  example: z.nullable(
    z.object({
      position: z.number(),
      total: z.number(),
      id: z.string(),
      /** Field name and display text (clipped); the first two are rendered as Markdown, safely. */
      fields: z.array(z.tuple([z.string(), z.string()])),
      fileLabel: z.nullable(z.string()),
      mine: z.nullable(z.object({ label: z.nullable(z.string()), note: z.nullable(z.string()), needsReview: z.boolean() })),
      others: z.array(z.object({ author: z.string(), label: z.nullable(z.string()) })),
      current: z.nullable(z.string()),
      judge: z.nullable(z.object({ label: z.nullable(z.string()), explanation: z.nullable(z.string()) })),
      /**
       * A pairwise prompt's example: the two responses in the order this person is shown them (random per example,
       * the same on every visit), and the label value each key records.
       */
      pair: z.optional(
        z.nullable(
          z.object({
            /** Response A then response B: the field (sent back with the label, so the order is recorded) and its text. */
            shown: z.tuple([z.object({ field: z.string(), text: z.string() }), z.object({ field: z.string(), text: z.string() })]),
            /** The label values of "A wins" and "B wins", and of a tie when the humans may tie. */
            a: z.string(),
            b: z.string(),
            tie: z.nullable(z.string()),
          }),
        ),
      ),
      /** The other spans of this example's trace (pulled data), in tree order. */
      spans: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string(), depth: z.number() })),
    }),
  ),
  progress: z.object({ labelled: z.number(), total: z.number(), perLabel: z.record(z.string(), z.number()), unbalanced: z.nullable(z.string()) }),
  annotators: z.nullable(z.object({ authors: z.tuple([z.string(), z.string()]), n: z.number(), agreement: z.number(), kappa: z.nullable(z.number()) })),
  judgeKappa: z.nullable(z.number()),
  /** Rows labelled since the judge's run that judgeKappa comes from: above zero, the kappa is stale. */
  judgeRelabelled: z.int().check(z.minimum(0)),
  /** For pairs: how often this person picked the response they were shown first (ties aside). */
  shownFirst: z.optional(z.nullable(z.object({ decided: z.number(), firstShown: z.number() }))),
  canUndo: z.boolean(),
  message: z.nullable(z.string()),
});
export type AnnotateState = z.infer<typeof annotateStateSchema>;

export const annotateHostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state'), state: annotateStateSchema }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type AnnotateHostMessage = z.infer<typeof annotateHostMessageSchema>;

export const annotateViewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('selectTarget'), promptPath: z.string(), annotation: z.string() }),
  z.object({ type: z.literal('newAnnotation') }),
  z.object({ type: z.literal('renameLabel') }),
  z.object({ type: z.literal('pushLabels') }),
  z.object({ type: z.literal('setOrder'), order }),
  z.object({ type: z.literal('label'), label: z.string().check(z.minLength(1), z.maxLength(200)), shownFirst: z.optional(z.string().check(z.minLength(1), z.maxLength(500))) }),
  z.object({ type: z.literal('move'), delta: z.int().check(z.minimum(-1000), z.maximum(1000)) }),
  z.object({ type: z.literal('undo') }),
  z.object({ type: z.literal('toggleReview') }),
  z.object({ type: z.literal('note'), text: z.string().check(z.maxLength(10_000)) }),
]);
export type AnnotateViewMessage = z.infer<typeof annotateViewMessageSchema>;


export const parseAnnotateHostMessage = (d: unknown) => parseWith(annotateHostMessageSchema, d);
export const parseAnnotateViewMessage = (d: unknown) => parseWith(annotateViewMessageSchema, d);
