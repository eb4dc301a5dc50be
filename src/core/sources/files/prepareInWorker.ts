import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ColumnMapping } from './columnMapping';
import type { PreparedBatch } from './preparedBatch';
import { prepareRows, type PrepareOptions } from './prepareRows';
import { CREDIT, receiveError, type WorkerMessage, type WorkerStart } from './workerProtocol';

/** Below this, starting a thread costs more than it saves. */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;

export interface BatchOptions extends PrepareOptions {
  /** Prepare rows on a worker thread (default: for files of 8 MB or more) so that reading overlaps writing. */
  readonly worker?: boolean;
}

/**
 * `prepareRows`, on a worker thread when there is one to start: reading, parsing, mapping and hashing then overlap
 * the cache writes of the batches before, so a large import takes about as long as the slower of the two, not their
 * sum. Falls back to this thread when the worker cannot start (a bundle built without it). Breaking out of the loop
 * stops the worker.
 */
export async function* preparedBatches(file: string, mapping: ColumnMapping, options: BatchOptions): AsyncGenerator<PreparedBatch, void, void> {
  const wanted = options.worker ?? fileSize(file) >= WORKER_MIN_BYTES;
  const worker = wanted ? startWorker({ file, mapping, options: { batchSize: options.batchSize, badRows: options.badRows } }) : undefined;
  if (worker === undefined) {
    yield* prepareRows(file, mapping, options);
    return;
  }
  let received = false;
  try {
    for (;;) {
      const event = await worker.next();
      if (event.type === 'crash') {
        if (received) throw event.error;
        // Nothing came through yet: the thread could not run at all, so do the work here instead.
        yield* prepareRows(file, mapping, options);
        return;
      }
      if (event.type === 'done') return;
      if (event.type === 'error') throw receiveError(event.error);
      received = true;
      yield event.batch;
      worker.credit();
    }
  } finally {
    await worker.stop();
  }
}

type WorkerEvent = WorkerMessage | { readonly type: 'crash'; readonly error: Error };

interface RunningWorker {
  next(): Promise<WorkerEvent>;
  credit(): void;
  stop(): Promise<void>;
}

function startWorker(start: WorkerStart): RunningWorker | undefined {
  const entry = workerEntry();
  if (entry === undefined) return undefined;
  const worker = new Worker(entry.script, { eval: entry.eval, workerData: start });
  const queue: WorkerEvent[] = [];
  let waiting: ((event: WorkerEvent) => void) | undefined;
  const push = (event: WorkerEvent) => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(event);
    } else queue.push(event);
  };
  worker.on('message', (message: WorkerMessage) => push(message));
  worker.on('error', (error: Error) => push({ type: 'crash', error }));
  worker.on('exit', (code) => push({ type: 'crash', error: new Error(`The import worker stopped (exit code ${code}) before it finished.`) }));
  return {
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => (waiting = resolve))),
    credit: () => worker.postMessage(CREDIT),
    stop: async () => {
      worker.removeAllListeners();
      worker.on('error', () => undefined); // a failure racing the stop no longer matters
      await worker.terminate();
    },
  };
}

/** The worker script: built beside this bundle, or from the TypeScript sources (tests, benchmarks) through tsx. */
function workerEntry(): { script: string; eval: boolean } | undefined {
  if (__filename.endsWith('.ts')) {
    let tsx: string;
    try {
      tsx = require.resolve('tsx/cjs');
    } catch {
      return undefined;
    }
    const entry = path.join(__dirname, 'importWorker.ts');
    return { script: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, eval: true };
  }
  const entry = path.join(__dirname, 'importWorker.js');
  return fs.existsSync(entry) ? { script: entry, eval: false } : undefined;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0; // the reader reports a missing file with the right error
  }
}
