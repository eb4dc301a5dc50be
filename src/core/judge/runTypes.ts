import type { ChatMessage } from './messages';

export type Split = 'all' | 'dev' | 'test';
export type RunStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted';

/** One row's answer from the judge, as stored with the run. */
export interface VerdictRecord {
  readonly exampleId: string;
  readonly repetition: number;
  readonly split: 'dev' | 'test';
  readonly humanLabel: string | null;
  readonly label: string | null;
  readonly explanation: string | null;
  readonly raw: string | null;
  readonly error: string | null;
  readonly latencyMs: number | null;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  readonly cacheKey: string;
  /** True when the answer came from the response cache and no request was made. */
  readonly cached: boolean;
}

/** A successful answer kept under its request key, so the same request is never paid for twice. */
export interface CachedResponse {
  readonly cacheKey: string;
  readonly label: string;
  readonly explanation: string;
  readonly raw: string;
  readonly latencyMs: number;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
}

/** Everything needed to compare two runs later: what was asked, of whom, over what. */
export interface RunRecordInput {
  readonly promptPath: string;
  readonly promptText: string;
  readonly promptHash: string;
  readonly model: string;
  readonly baseUrl: string;
  readonly params: Record<string, unknown>;
  readonly dataset: string;
  readonly split: Split;
  readonly repeat: number;
}

export interface PlannedRequest {
  readonly exampleId: string;
  readonly repetition: number;
  readonly split: 'dev' | 'test';
  readonly humanLabel: string | null;
  readonly messages: ChatMessage[];
  readonly missing: string[];
  readonly cacheKey: string;
}
