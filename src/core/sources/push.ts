import { createHash } from 'node:crypto';
import { logSpanAnnotations } from '@arizeai/phoenix-client/spans';
import type { AnnotationRow } from '../cache/repositories/annotations';
import { SourceHttpError, withRetry } from './http';
import { langfuseApi, langfuseFailure, type LangfuseConnection } from './langfuse/langfuseSource';
import { langsmithClient, type LangSmithConnection } from './langsmith/langsmithSource';
import { throughClient } from './payload';
import { phoenixClient, type PhoenixConnection } from './phoenix/phoenixSource';
import type { SourceKind } from './http';

/**
 * Write-back of human labels made in the editor. `planPush` builds exactly what will be sent (the preview the
 * command shows); `sendPush` sends that plan and nothing else, so what the user approved is what goes out.
 */
export interface PushItem {
  /** The example's external id: Phoenix span id, LangSmith run id, Langfuse observation id. */
  readonly externalId: string;
  readonly traceId: string | null;
  readonly name: string;
  readonly label: string | null;
  readonly score: number | null;
  readonly explanation: string | null;
  readonly author: string;
}

export interface PushPlan {
  readonly kind: SourceKind;
  readonly endpoint: string;
  readonly items: readonly PushItem[];
}

/** Only HUMAN labels made here (no sourceRef: they did not come from the platform) are sent back. */
export function planPush(
  kind: SourceKind,
  endpoint: string,
  rows: readonly { annotation: AnnotationRow; externalId: string; traceId: string | null }[],
): PushPlan {
  const items = rows
    .filter((r) => r.annotation.annotatorKind === 'HUMAN' && r.annotation.sourceRef === null && (r.annotation.label !== null || r.annotation.score !== null))
    .map((r) => ({
      externalId: r.externalId,
      traceId: r.traceId,
      name: r.annotation.name,
      label: r.annotation.label,
      score: r.annotation.score,
      explanation: r.annotation.explanation,
      author: r.annotation.author,
    }));
  return { kind, endpoint, items };
}

/** One line per item, the preview shown before anything is sent. */
export function describePlan(plan: PushPlan): string[] {
  return plan.items.map((i) => `${i.externalId}: ${i.name} = ${i.label ?? i.score}${i.explanation ? ` ("${i.explanation}")` : ''} by ${i.author}`);
}

export interface PushResult {
  readonly sent: number;
  readonly ids: readonly string[];
}

export async function pushToPhoenix(plan: PushPlan, connection: PhoenixConnection, signal?: AbortSignal): Promise<PushResult> {
  const client = phoenixClient(connection, signal);
  const result = await logSpanAnnotations({
    client,
    sync: true,
    spanAnnotations: plan.items.map((i) => ({
      spanId: i.externalId,
      name: i.name,
      annotatorKind: 'HUMAN',
      ...(i.label !== null ? { label: i.label } : {}),
      ...(i.score !== null ? { score: i.score } : {}),
      ...(i.explanation !== null ? { explanation: i.explanation } : {}),
      // The identifier makes a second push update the same annotation instead of adding another.
      identifier: `judge-align:${i.author}`,
      metadata: { author: i.author, via: 'judge-align' },
    })),
  });
  return { sent: plan.items.length, ids: result.map((r) => r.id) };
}

/** One `POST /api/public/scores` per item; a stable id makes a re-push update the score rather than duplicate it. */
export async function pushToLangfuse(plan: PushPlan, connection: LangfuseConnection, signal?: AbortSignal): Promise<PushResult> {
  const api = langfuseApi(connection);
  const ids: string[] = [];
  for (const i of plan.items) {
    const body = {
      id: `judge-align-${i.externalId}-${i.name}-${i.author}`.replace(/[^A-Za-z0-9_-]/g, '_'),
      ...(i.traceId ? { traceId: i.traceId } : {}),
      observationId: i.externalId,
      name: i.name,
      ...(i.label !== null ? { value: i.label, dataType: 'CATEGORICAL' as const } : { value: i.score ?? 0, dataType: 'NUMERIC' as const }),
      ...(i.explanation !== null ? { comment: i.explanation } : {}),
      metadata: { author: i.author, via: 'judge-align' },
    };
    const res = await withRetry(
      { kind: 'langfuse', endpoint: connection.endpoint, what: `${connection.endpoint}/api/public/scores`, retry: connection.retry, signal },
      () => api.scores.create(body, { maxRetries: 0, ...(signal ? { abortSignal: signal } : {}) }),
      langfuseFailure,
    );
    ids.push(res.id);
  }
  return { sent: plan.items.length, ids };
}

/**
 * One `POST /feedback` per item, with feedback source `api` with `annotator_kind: "HUMAN"` in its source
 * metadata, so a later pull reads it back as a person's label. The feedback id is derived from run, key and author:
 * a re-push finds it taken (409) and updates that feedback instead of adding a second one.
 */
export async function pushToLangSmith(plan: PushPlan, connection: LangSmithConnection & { readonly projectId: string }, signal?: AbortSignal): Promise<PushResult> {
  const client = langsmithClient(connection, signal);
  const ids: string[] = [];
  for (const i of plan.items) {
    const feedbackId = stableUuid(`${i.externalId}\n${i.name}\n${i.author}`);
    const fields = { score: i.score ?? undefined, value: i.label ?? undefined, comment: i.explanation ?? undefined };
    try {
      await throughClient('langsmith', () =>
        client.createFeedback({
          runId: i.externalId,
          key: i.name,
          ...fields,
          feedbackId,
          sessionId: connection.projectId,
          ...(i.traceId ? { traceId: i.traceId } : {}),
          feedbackSourceType: 'api',
          sourceInfo: { annotator_kind: 'HUMAN', author: i.author, via: 'judge-align' },
        }),
      );
    } catch (e) {
      if (!(e instanceof SourceHttpError && e.status === 409)) throw e;
      await throughClient('langsmith', () => client.updateFeedback(feedbackId, fields));
    }
    ids.push(feedbackId);
  }
  return { sent: plan.items.length, ids };
}

/** A name-based UUID (version 5 layout over SHA-256): the same label always maps to the same feedback id. */
function stableUuid(name: string): string {
  const b = createHash('sha256').update(`judge-align:${name}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
