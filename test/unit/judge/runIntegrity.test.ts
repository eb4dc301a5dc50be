import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { Cache, type LockWaitNotice } from '../../../src/core/cache/cache';
import { CacheRunStore, RunNotSavedError } from '../../../src/core/judge/cacheRunStore';
import { createJudgeClient } from '../../../src/core/judge/llmClient';
import type { JudgeCaller } from '../../../src/core/judge/runner';
import { runJudgeSession } from '../../../src/core/judge/session';
import { holdLock, type LockHolder } from '../../support/lockHolder';
import { startOpenAIServer } from '../../support/openaiServer';
import { tempDir } from '../../support/tempDir';

const root = path.join(__dirname, '..', '..', '..');
const samplePrompt = fs.readFileSync(path.join(root, 'samples', 'halueval', 'hallucination.judge.md'), 'utf8');

function workspace(rows: number) {
  const dir = tempDir();
  const lines = fs.readFileSync(path.join(root, 'test', 'fixtures', 'halueval-1000.jsonl'), 'utf8').trim().split('\n').slice(0, rows);
  fs.writeFileSync(path.join(dir, 'rows.jsonl'), lines.join('\n') + '\n');
  const promptPath = path.join(dir, 'h.judge.md');
  const text = samplePrompt.replace('./halueval-200.jsonl', './rows.jsonl');
  fs.writeFileSync(promptPath, text);
  const cacheFile = path.join(dir, '.judge-align', 'cache.sqlite');
  return { dir, promptPath, text, cacheFile, journal: `${cacheFile}.journal.jsonl` };
}

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

/** What the cache file itself holds for a run, read without replaying anything. */
async function inFile(cacheFile: string, runId: number) {
  const cache = await Cache.open(cacheFile, { readonly: true });
  try {
    return cache.read((r) => ({
      status: r.runs.get(runId)?.status,
      verdicts: r.verdicts.listForRun(runId).map((v) => v.exampleId),
      responses: r.responses.getMany(r.verdicts.listForRun(runId).map((v) => v.cacheKey)).size,
      allResponses: r.stats().responses,
    }));
  } finally {
    cache.close();
  }
}

/** The journal's lines, parsed here rather than by the code under test. */
function journalLines(file: string): { kind: string; runId: number; status?: string; verdicts?: { exampleId: string; cacheKey: string }[]; responses?: { cacheKey: string }[] }[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as never);
}

describe('run integrity: no paid answer is dropped when the cache cannot be written', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());
  const real = createJudgeClient({ baseUrl: server.baseUrl, timeoutMs: 10_000, maxRetries: 0 });

  test('a full disk at the end of a run: every answer is in the cache or the journal, and the next run pays for none', async () => {
    const ws = workspace(40);
    let full = false;
    const cache = await Cache.open(ws.cacheFile, {
      writeBytes: (fd, data, offset, length) => {
        if (full) throw enospc();
        return fs.writeSync(fd, data, offset, length);
      },
    });
    const store = new CacheRunStore(cache, { maxItems: 10, maxDelayMs: 60_000 });
    const sentBefore = server.requests.length;
    let runId = 0;
    const failure = await runJudgeSession({
      promptPath: ws.promptPath,
      promptText: ws.text,
      store,
      defaults: { baseUrl: server.baseUrl, concurrency: 4 },
      onPlan: (_p, id) => (runId = id),
      onVerdict: (_v, done) => {
        if (done === 15) full = true; // some batches saved, the rest hit the full disk
      },
    }).then(
      () => assert.fail('the run cannot succeed on a full disk'),
      (e: unknown) => e,
    );
    const paid = server.requests.length - sentBefore;
    assert.equal(paid, 40);
    assert.ok(failure instanceof RunNotSavedError, String(failure));
    assert.match(failure.message, /ENOSPC/);
    assert.ok(failure.message.includes(ws.cacheFile) && failure.message.includes(ws.journal), failure.message);
    assert.match(failure.message, /interrupted/);

    const file = await inFile(ws.cacheFile, runId);
    const journal = journalLines(ws.journal);
    const journaledRows = journal.flatMap((e) => e.verdicts ?? []).map((v) => v.exampleId);
    const journaledAnswers = journal.flatMap((e) => e.responses ?? []).map((r) => r.cacheKey);
    assert.ok(journaledRows.length > 0, 'the full disk left rows to journal');
    assert.equal(new Set([...file.verdicts, ...journaledRows]).size, 40, 'every judged row is in the cache or the journal');
    assert.equal(file.allResponses + new Set(journaledAnswers).size, 40, 'every paid answer is in the cache or the journal');
    assert.deepEqual(journal.filter((e) => e.kind === 'finish').map((e) => [e.runId, e.status]), [[runId, 'interrupted']]);
    cache.close();

    full = false;
    const reopened = await Cache.open(ws.cacheFile);
    assert.equal(fs.existsSync(ws.journal), false, 'the journal is removed once replayed');
    assert.equal(reopened.read((r) => r.runs.get(runId)?.status), 'interrupted');
    assert.equal(reopened.read((r) => r.verdicts.listForRun(runId).length), 40);
    const sentBeforeResume = server.requests.length;
    const again = await runJudgeSession({ promptPath: ws.promptPath, promptText: ws.text, store: new CacheRunStore(reopened), defaults: { baseUrl: server.baseUrl } });
    assert.equal(server.requests.length - sentBeforeResume, 0, 'no journaled answer is paid for again');
    assert.equal(again.resumed, true);
    assert.equal(again.runId, runId);
    assert.equal(again.status, 'completed');
    reopened.close();
  });

  /** A run whose requests start only once another process holds the cache's lock. */
  function lockedRun(ws: ReturnType<typeof workspace>, cache: Cache, store: CacheRunStore, onHolder: (h: LockHolder) => void) {
    let holder: LockHolder | undefined;
    let runId = 0;
    const client: JudgeCaller = {
      judge: async (request, signal) => {
        await holder!.held;
        return real.judge(request, signal);
      },
    };
    const run = runJudgeSession({
      promptPath: ws.promptPath,
      promptText: ws.text,
      store,
      client,
      defaults: { baseUrl: server.baseUrl, concurrency: 4 },
      onPlan: (_p, id) => {
        runId = id;
        holder = holdLock(cache.path);
        onHolder(holder);
      },
    });
    return { run, runId: () => runId };
  }

  test('the lock held by another process at the end: the last save waits longer, saying who holds it', async () => {
    const ws = workspace(20);
    const notices: LockWaitNotice[] = [];
    let holder: LockHolder | undefined;
    const cache = await Cache.open(ws.cacheFile, {
      lockTimeoutMs: 200,
      onLockWait: (n) => {
        notices.push(n);
        void holder?.release();
      },
    });
    const store = new CacheRunStore(cache, { finalLockTimeoutMs: 30_000 });
    const { run } = lockedRun(ws, cache, store, (h) => (holder = h));
    const result = await run;
    assert.equal(result.status, 'completed');
    assert.ok(notices.length >= 1);
    assert.ok(notices[0]!.message.includes(`process ${holder!.pid} `) && notices[0]!.message.includes('holding the lock for a test'), notices[0]!.message);
    assert.equal(cache.read((r) => r.verdicts.listForRun(result.runId).length), 20);
    assert.equal(fs.existsSync(ws.journal), false);
    cache.close();
  });

  test('the lock held past the longer wait: the answers go to the journal, naming the holder, and the next run pays for none', async () => {
    const ws = workspace(20);
    const notices: LockWaitNotice[] = [];
    let holder: LockHolder | undefined;
    const cache = await Cache.open(ws.cacheFile, { lockTimeoutMs: 200, onLockWait: (n) => notices.push(n) });
    const store = new CacheRunStore(cache, { finalLockTimeoutMs: 1_500 });
    const sentBefore = server.requests.length;
    const { run, runId } = lockedRun(ws, cache, store, (h) => (holder = h));
    const failure = await run.then(
      () => assert.fail('the lock is never free'),
      (e: unknown) => e,
    );
    assert.equal(server.requests.length - sentBefore, 20);
    assert.ok(failure instanceof RunNotSavedError, String(failure));
    assert.ok(failure.message.includes(`process ${holder!.pid} `), failure.message);
    assert.ok(notices.some((n) => n.message.includes(`process ${holder!.pid} `)));
    const journal = journalLines(ws.journal);
    const file = await inFile(ws.cacheFile, runId());
    assert.equal(new Set([...file.verdicts, ...journal.flatMap((e) => e.verdicts ?? []).map((v) => v.exampleId)]).size, 20);
    await holder!.release();
    cache.close();

    const reopened = await Cache.open(ws.cacheFile);
    assert.equal(reopened.read((r) => r.runs.get(runId())?.status), 'interrupted');
    const sentBeforeResume = server.requests.length;
    const again = await runJudgeSession({ promptPath: ws.promptPath, promptText: ws.text, store: new CacheRunStore(reopened), defaults: { baseUrl: server.baseUrl } });
    assert.equal(server.requests.length - sentBeforeResume, 0);
    assert.equal(again.runId, runId());
    assert.equal(again.status, 'completed');
    reopened.close();
  });
});
