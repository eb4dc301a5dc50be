// The import worker's entry: reads, maps, encodes and hashes a file's rows (see prepareRows) while the importing
// thread writes the batches before them into the cache.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareRows } from './prepareRows';
import { BATCHES_IN_FLIGHT, CREDIT, sendError, type WorkerMessage, type WorkerStart } from './workerProtocol';

const port = parentPort!;
let credits = BATCHES_IN_FLIGHT;
let wake: (() => void) | undefined;
port.on('message', (message: unknown) => {
  if (message !== CREDIT) return;
  credits++;
  wake?.();
  wake = undefined;
});

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function run({ file, mapping, options }: WorkerStart): Promise<void> {
  try {
    for await (const batch of prepareRows(file, mapping, options)) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
      post({ type: 'batch', batch }, batch.buffers);
    }
    post({ type: 'done' });
  } catch (err) {
    post({ type: 'error', error: sendError(err) });
  }
}

void run(workerData as WorkerStart);
