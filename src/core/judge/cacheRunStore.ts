import type { Cache } from '../cache/cache';
import { humanLabelOverrides } from '../datasets/labelOverrides';
import { loadCachedDataset } from '../datasets/cachedDataset';
import type { LocalDataset } from '../datasets/localDataset';
import { BatchWriter } from '../cache/batchWriter';
import type { RunStore } from './runner';
import { verdictKey } from './runner';
import type { CachedResponse, RunRecordInput, RunStatus, VerdictRecord } from './runTypes';

interface Pending {
  readonly runId: number;
  readonly verdict: VerdictRecord;
  readonly response: CachedResponse | undefined;
}

/** Runs, verdicts and cached answers in the SQLite cache; verdicts are saved in batches as rows finish. */
export class CacheRunStore implements RunStore {
  private readonly writer: BatchWriter<Pending>;

  constructor(private readonly cache: Cache, options: { maxItems?: number; maxDelayMs?: number } = {}) {
    this.writer = new BatchWriter<Pending>(
      cache,
      (repos, items) => {
        const byRun = new Map<number, VerdictRecord[]>();
        for (const item of items) {
          const list = byRun.get(item.runId) ?? [];
          list.push(item.verdict);
          byRun.set(item.runId, list);
        }
        for (const [runId, verdicts] of byRun) repos.verdicts.upsertMany(runId, verdicts);
        const responses = items.flatMap((i) => (i.response ? [i.response] : []));
        if (responses.length > 0) repos.responses.putMany(responses);
      },
      { maxItems: options.maxItems ?? 500, maxDelayMs: options.maxDelayMs ?? 1000 },
    );
  }

  async startRun(input: RunRecordInput): Promise<{ runId: number; resumed: boolean; done: ReadonlyMap<string, VerdictRecord> }> {
    return this.cache.write((repos) => {
      const previous = repos.runs.latestForPrompt(input.promptPath);
      const resumable =
        previous &&
        (previous.status === 'interrupted' || previous.status === 'cancelled') &&
        previous.promptHash === input.promptHash &&
        previous.model === input.model &&
        previous.baseUrl === input.baseUrl &&
        previous.dataset === input.dataset &&
        previous.split === input.split &&
        previous.repeat === input.repeat &&
        JSON.stringify(previous.params) === JSON.stringify(input.params);
      if (previous && resumable) {
        repos.runs.reopen(previous.id);
        const done = new Map<string, VerdictRecord>();
        for (const v of repos.verdicts.listForRun(previous.id)) if (v.error === null) done.set(verdictKey(v.exampleId, v.repetition), v);
        return { runId: previous.id, resumed: true, done };
      }
      return { runId: repos.runs.create(input), resumed: false, done: new Map() };
    });
  }

  async cachedResponses(keys: readonly string[]): Promise<ReadonlyMap<string, CachedResponse>> {
    return this.cache.read((repos) => repos.responses.getMany(keys));
  }

  record(runId: number, verdict: VerdictRecord, response: CachedResponse | undefined): void {
    this.writer.push({ runId, verdict, response });
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  async namedDataset(name: string, labelName: string): Promise<LocalDataset> {
    return loadCachedDataset(this.cache, name, { labelName });
  }

  async humanLabels(datasetPath: string, labelName: string): Promise<ReadonlyMap<string, string>> {
    return this.cache.read((repos) => humanLabelOverrides(repos, datasetPath, labelName));
  }

  async finishRun(runId: number, status: RunStatus, totals: unknown): Promise<void> {
    await this.writer.flush();
    await this.cache.write((repos) => repos.runs.finish(runId, status === 'running' ? 'interrupted' : status, totals));
  }
}
