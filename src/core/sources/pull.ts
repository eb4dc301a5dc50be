import type { Cache } from '../cache/cache';
import { PullCancelledError, type SourceKind } from './http';
import { datasetOf, type SourceConfig } from './sourcesFile';
import type { SourceExample } from './types';

/** Where a pull starts: only rows at or after `since`; `pageCursor` resumes a pull that was cut short. */
export interface PullState {
  readonly since: string | null;
  readonly pageCursor: string | null;
}

/** One page as a source yields it: already validated and normalised, so saving it cannot half-fail on data. */
export interface SourcePage {
  readonly examples: SourceExample[];
  /** Opaque cursor of the page after this one; null on the last page. */
  readonly nextPageCursor: string | null;
  /** Latest time (ISO) among the page's rows: the next pull starts there. */
  readonly maxTime: string | null;
}

export interface PlatformSource {
  readonly kind: SourceKind;
  pages(state: PullState, signal?: AbortSignal): AsyncGenerator<SourcePage, void, void>;
}

/** Matches `saveSourceBatch` in `./store` (one transaction per call; idempotent by external id + content hash). */
export type SaveBatch = (
  cache: Cache,
  target: { datasetName: string; sourceId: number | null },
  examples: SourceExample[],
) => Promise<{ inserted: number; updated: number; unchanged: number; annotations: number }>;

export interface PullProgress {
  readonly pages: number;
  readonly examples: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly annotations: number;
}

export interface PullResult extends PullProgress {
  readonly source: string;
  readonly dataset: string;
  /** The cursor stored for the next pull. */
  readonly cursor: string;
}

export interface PullOptions {
  readonly cache: Cache;
  readonly config: SourceConfig;
  readonly source: PlatformSource;
  readonly save: SaveBatch;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: PullProgress) => void;
  /** Ignore the stored cursor and page through everything (idempotent: unchanged rows stay unchanged). */
  readonly full?: boolean;
  readonly now?: () => string;
}

/**
 * Stored in `sources.cursor`. `watermark` is the latest row time of the last complete pull; `resume` is set while a
 * pull is under way (or was cancelled), so the next one continues from the page it stopped at.
 */
interface StoredCursor {
  readonly v: 1;
  readonly watermark: string | null;
  readonly resume?: { readonly since: string | null; readonly pageCursor: string; readonly maxTime: string | null };
}

export function parseCursor(text: string | null | undefined): StoredCursor {
  if (!text) return { v: 1, watermark: null };
  try {
    const c = JSON.parse(text) as Partial<StoredCursor>;
    if (c && c.v === 1) return { v: 1, watermark: typeof c.watermark === 'string' ? c.watermark : null, ...(c.resume ? { resume: c.resume } : {}) };
  } catch {
    // A cursor from an older version or edited by hand: start over; the upsert keeps that idempotent.
  }
  return { v: 1, watermark: null };
}

/**
 * Pages through the source and saves each page before asking for the next, so memory holds one page and a failure
 * (or cancel) loses nothing already saved. A page that fails validation is never saved: the source throws
 * before yielding it.
 */
export async function pullSource(options: PullOptions): Promise<PullResult> {
  const { cache, config, source, save, signal } = options;
  const now = options.now ?? (() => new Date().toISOString());
  const dataset = datasetOf(config);
  const stored = options.full ? { v: 1 as const, watermark: null } : parseCursor(cache.read((r) => r.sources.get(config.name))?.cursor);
  const state: PullState = stored.resume ? { since: stored.resume.since, pageCursor: stored.resume.pageCursor } : { since: stored.watermark, pageCursor: null };
  let maxTime = maxIso(stored.resume?.maxTime ?? null, null);
  const totals = { pages: 0, examples: 0, inserted: 0, updated: 0, unchanged: 0, annotations: 0 };
  if (signal?.aborted) throw new PullCancelledError();

  // The source row is written with the first page, so a pull that fails at once leaves the cache file untouched.
  let sourceId: number | null = cache.read((r) => r.sources.get(config.name)?.id ?? null);
  const ensureSource = async (): Promise<number> => {
    if (sourceId !== null) return sourceId;
    const id = await cache.write((r) => r.sources.upsert({ kind: config.kind, name: config.name, config: publicConfig(config) }));
    sourceId = id;
    return id;
  };

  for await (const page of source.pages(state, signal)) {
    if (signal?.aborted) throw new PullCancelledError();
    const id = await ensureSource();
    const saved = await save(cache, { datasetName: dataset, sourceId: id }, page.examples);
    maxTime = maxIso(maxTime, page.maxTime);
    totals.pages++;
    totals.examples += page.examples.length;
    totals.inserted += saved.inserted;
    totals.updated += saved.updated;
    totals.unchanged += saved.unchanged;
    totals.annotations += saved.annotations;
    if (page.nextPageCursor !== null) {
      const cursor: StoredCursor = { v: 1, watermark: stored.watermark, resume: { since: state.since, pageCursor: page.nextPageCursor, maxTime } };
      await cache.write((r) => r.sources.setCursor(id, JSON.stringify(cursor), now()));
    }
    options.onProgress?.({ ...totals });
    if (signal?.aborted) throw new PullCancelledError();
  }

  const finalCursor = JSON.stringify({ v: 1, watermark: maxIso(stored.watermark, maxTime) } satisfies StoredCursor);
  const id = await ensureSource();
  await cache.write((r) => {
    r.sources.upsert({ kind: config.kind, name: config.name, config: publicConfig(config) });
    r.sources.setCursor(id, finalCursor, now());
  });
  return { source: config.name, dataset, cursor: finalCursor, ...totals };
}

/** The config as stored in the cache: the same secret-free shape as the sources file. */
function publicConfig(config: SourceConfig): Record<string, unknown> {
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}

function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}
