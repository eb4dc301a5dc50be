import type { ResponseRow } from '../cache/repositories/responses';
import type { RunInput, RunSplit, RunStatus as StoredRunStatus } from '../cache/repositories/runs';
import type { VerdictInput } from '../cache/repositories/verdicts';
import type { ChatMessage } from './messages';

// The runner's records are the rows the cache stores: one definition, so the two cannot drift apart.
export type Split = RunSplit;
export type RunStatus = StoredRunStatus;
/** One row's answer from the judge, as stored with the run (`cached`: no request was made). */
export type VerdictRecord = VerdictInput;
/** A successful answer kept under its request key, so the same request is never paid for twice. */
export type CachedResponse = ResponseRow;
/** Everything needed to compare two runs later: what was asked, of whom, over what. */
export type RunRecordInput = RunInput;

export interface PlannedRequest {
  readonly exampleId: string;
  readonly repetition: number;
  readonly split: 'dev' | 'test';
  readonly humanLabel: string | null;
  readonly messages: ChatMessage[];
  readonly missing: string[];
  readonly cacheKey: string;
}
