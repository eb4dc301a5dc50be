import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { after, describe, test } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { APPLICATION_ID, MIGRATIONS } from '../../../src/core/cache/migrations';
import { CacheRunStore } from '../../../src/core/judge/cacheRunStore';
import { toRowView } from '../../../src/extension/workbench/rowViews';
import { loadRunReport } from '../../../src/core/judge/runReport';
import { runJudgeSession } from '../../../src/core/judge/session';
import { csvReport } from '../../../src/core/report/csvReport';
import { jsonReport } from '../../../src/core/report/jsonReport';
import { markdownReport } from '../../../src/core/report/markdownReport';
import { startOpenAIServer } from '../../support/openaiServer';
import { tempDir } from '../../support/tempDir';

const root = path.join(__dirname, '..', '..', '..');
const ROWS = 300;

function workspace(rows: number) {
  const dir = tempDir();
  const lines = fs.readFileSync(path.join(root, 'test', 'fixtures', 'halueval-1000.jsonl'), 'utf8').trim().split('\n').slice(0, rows);
  fs.writeFileSync(path.join(dir, 'rows.jsonl'), lines.join('\n') + '\n');
  const promptPath = path.join(dir, 'h.judge.md');
  const promptText = fs.readFileSync(path.join(root, 'samples', 'halueval', 'hallucination.judge.md'), 'utf8').replace('./halueval-200.jsonl', './rows.jsonl');
  fs.writeFileSync(promptPath, promptText);
  const records = lines.map((l) => JSON.parse(l) as { ID: string; user_query: string });
  return { dir, promptPath, promptText, records, cacheFile: path.join(dir, '.judge-align', 'cache.sqlite') };
}

/** A judge answer of a realistic length, different for every row: what the server sends, and so what must be read back. */
function answerFor(id: string): { raw: string; explanation: string; label: string } {
  const explanation = `Row ${id}: ${'each claim in the response was checked against what is generally known, and none is invented. '.repeat(4)}`;
  const label = Number(id) % 3 === 0 ? 'yes' : 'no';
  return { raw: JSON.stringify({ explanation, label }), explanation, label };
}

describe('bounded growth: re-running an unchanged prompt refers to the answers it reuses', async () => {
  const server = await startOpenAIServer();
  after(() => server.close());

  test(`two no-op re-runs of ${ROWS} rows grow the cache by a fraction of the first run, and every read still shows the answers`, async () => {
    const ws = workspace(ROWS);
    const byQuery = new Map(ws.records.map((r) => [r.user_query, r.ID]));
    server.setResponder((input) => {
      const id = [...byQuery].find(([q]) => input.userText.includes(q))![1];
      return { content: answerFor(id).raw };
    });
    const cache = await Cache.open(ws.cacheFile);
    try {
      const size = () => fs.statSync(ws.cacheFile).size;
      const run = () => runJudgeSession({ promptPath: ws.promptPath, promptText: ws.promptText, store: new CacheRunStore(cache), defaults: { baseUrl: server.baseUrl, maxRetries: 0 } });
      const empty = size();
      const first = await run();
      const afterFirst = size();
      const second = await run();
      const third = await run();
      const afterThird = size();
      assert.equal(first.totals.requestsMade, ROWS);
      assert.deepEqual([second.totals.requestsMade, second.totals.cacheHits, third.totals.requestsMade, third.totals.cacheHits], [0, ROWS, 0, ROWS]);

      const rawText = ws.records.reduce((sum, r) => sum + answerFor(r.ID).raw.length + answerFor(r.ID).explanation.length, 0);
      const firstGrowth = afterFirst - empty;
      const reRunGrowth = afterThird - afterFirst;
      assert.ok(firstGrowth > rawText, `the first run stores each answer once (${firstGrowth} bytes for ${rawText} characters of answers)`);
      assert.ok(reRunGrowth < 0.25 * firstGrowth, `two no-op re-runs grew the cache ${reRunGrowth} bytes, the first run ${firstGrowth}`);
      assert.ok(reRunGrowth < 0.5 * rawText, `two no-op re-runs grew the cache ${reRunGrowth} bytes; one run's answers are ${rawText} characters`);

      // Every read of every run shows each row's own raw answer and explanation.
      const rows = new Map(ws.records.map((r, i) => [r.ID, { id: r.ID, line: i + 1, humanLabel: null, data: r as unknown as Record<string, unknown> }]));
      for (const runId of [first.runId, second.runId, third.runId]) {
        const report = cache.read((repos) => loadRunReport(repos, runId))!;
        assert.equal(report.verdicts.length, ROWS);
        for (const v of report.verdicts) {
          const expected = answerFor(v.exampleId);
          assert.deepEqual([v.raw, v.explanation, v.label], [expected.raw, expected.explanation, expected.label], `run ${runId}, row ${v.exampleId}`);
          assert.equal(toRowView(v, rows.get(v.exampleId), ['user_query']).explanation, expected.explanation);
        }
        const json = JSON.parse(jsonReport(report)) as { verdicts: { id: string; explanation: string }[] };
        assert.ok(json.verdicts.every((v) => v.explanation === answerFor(v.id).explanation));
        const csv = csvReport(report.verdicts);
        assert.ok(ws.records.every((r) => csv.includes(answerFor(r.ID).explanation)));
        assert.match(markdownReport(report), /agreement/i);
      }
    } finally {
      server.setResponder(undefined);
      cache.close();
    }
  });

  test('a cache written before answers were referenced is read whole, and its copies become references', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'cache.sqlite');
    const SQL = await initSqlJs();
    const old = new SQL.Database();
    old.exec(MIGRATIONS[0]!);
    old.exec(MIGRATIONS[1]!);
    old.run(`PRAGMA application_id = ${APPLICATION_ID}`);
    old.run('PRAGMA user_version = 2');
    old.run(`INSERT INTO runs(id, prompt_path, prompt_text, prompt_hash, model, base_url, dataset, split, started_at, status) VALUES (1, 'p', 't', 'h', 'm', 'u', 'd', 'all', 'now', 'completed')`);
    const stamp = '2025-01-01T00:00:00.000Z';
    old.run(`INSERT INTO responses VALUES ('k1', 'yes', 'cached why', '{"label":"yes"}', 1, 2, 3, ?)`, [stamp]);
    const verdict = `INSERT INTO verdicts(run_id, example_id, split, label, explanation, raw, error, cache_key, created_at) VALUES (1, ?, 'dev', ?, ?, ?, ?, ?, ?)`;
    old.run(verdict, ['copy', 'yes', 'cached why', '{"label":"yes"}', null, 'k1', stamp]);
    old.run(verdict, ['own', 'no', 'own why', '{"label":"no"}', null, 'k2', stamp]);
    old.run(verdict, ['failed', null, null, 'garbage', 'unparseable: x', 'k1', stamp]);
    fs.writeFileSync(file, old.export());
    old.close();

    const cache = await Cache.open(file);
    try {
      const read = cache.read((r) => r.verdicts.listForRun(1).map((v) => [v.exampleId, v.label, v.explanation, v.raw, v.error]));
      assert.deepEqual(read, [
        ['copy', 'yes', 'cached why', '{"label":"yes"}', null],
        ['own', 'no', 'own why', '{"label":"no"}', null],
        ['failed', null, null, 'garbage', 'unparseable: x'],
      ]);
    } finally {
      cache.close();
    }
    const check = new SQL.Database(fs.readFileSync(file));
    const stored = check.exec('SELECT example_id, raw IS NULL, cache_key, response_id IS NOT NULL FROM verdicts ORDER BY rowid')[0]!.values;
    check.close();
    assert.deepEqual(stored, [
      ['copy', 1, null, 1],
      ['own', 0, 'k2', 0],
      ['failed', 0, 'k1', 0],
    ]);
  });
});
