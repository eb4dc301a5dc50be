// Messages between the annotation view (webview) and the extension host, checked on both ends.
import { z } from 'zod';
import { parseWith } from './parse';

const order = z.enum(['unlabelled', 'disagreements', 'balanced']);

export const annotateTargetSchema = z.object({ promptPath: z.string(), name: z.string(), annotation: z.string(), editable: z.boolean() });

export const annotateStateSchema = z.object({
  targets: z.array(annotateTargetSchema),
  target: annotateTargetSchema.nullable(),
  labels: z.array(z.string()),
  order,
  author: z.string(),
  example: z
    .object({
      position: z.number(),
      total: z.number(),
      id: z.string(),
      /** Field name and display text (clipped); the first two are rendered as Markdown, safely. */
      fields: z.array(z.tuple([z.string(), z.string()])),
      fileLabel: z.string().nullable(),
      mine: z.object({ label: z.string().nullable(), note: z.string().nullable(), needsReview: z.boolean() }).nullable(),
      others: z.array(z.object({ author: z.string(), label: z.string().nullable() })),
      current: z.string().nullable(),
      judge: z.object({ label: z.string().nullable(), explanation: z.string().nullable() }).nullable(),
      /**
       * A pairwise prompt's example: the two responses in the order this person is shown them (random per example,
       * the same on every visit), and the label value each key records.
       */
      pair: z
        .object({
          /** Response A then response B: the field (sent back with the label, so the order is recorded) and its text. */
          shown: z.tuple([z.object({ field: z.string(), text: z.string() }), z.object({ field: z.string(), text: z.string() })]),
          /** The label values of "A wins" and "B wins", and of a tie when the humans may tie. */
          a: z.string(),
          b: z.string(),
          tie: z.string().nullable(),
        })
        .nullable()
        .optional(),
      /** The other spans of this example's trace (pulled data), in tree order. */
      spans: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string(), depth: z.number() })),
    })
    .nullable(),
  progress: z.object({ labelled: z.number(), total: z.number(), perLabel: z.record(z.string(), z.number()), unbalanced: z.string().nullable() }),
  annotators: z.object({ authors: z.tuple([z.string(), z.string()]), n: z.number(), agreement: z.number(), kappa: z.number().nullable() }).nullable(),
  judgeKappa: z.number().nullable(),
  /** For pairs: how often this person picked the response they were shown first (ties aside). */
  shownFirst: z.object({ decided: z.number(), firstShown: z.number() }).nullable().optional(),
  canUndo: z.boolean(),
  message: z.string().nullable(),
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
  z.object({ type: z.literal('label'), label: z.string().min(1).max(200), shownFirst: z.string().min(1).max(500).optional() }),
  z.object({ type: z.literal('move'), delta: z.number().int().min(-1000).max(1000) }),
  z.object({ type: z.literal('undo') }),
  z.object({ type: z.literal('toggleReview') }),
  z.object({ type: z.literal('note'), text: z.string().max(10_000) }),
]);
export type AnnotateViewMessage = z.infer<typeof annotateViewMessageSchema>;


export const parseAnnotateHostMessage = (d: unknown) => parseWith(annotateHostMessageSchema, d);
export const parseAnnotateViewMessage = (d: unknown) => parseWith(annotateViewMessageSchema, d);
