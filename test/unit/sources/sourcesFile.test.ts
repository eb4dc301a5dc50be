import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keysFor, pushUnavailable } from '../../../src/core/sources/connect';
import { parseSourcesFile, readSourcesFile, SourcesFileError, upsertSource, writeSourcesFile, type SourceConfig } from '../../../src/core/sources/sourcesFile';
import { tempDir } from '../../support/tempDir';

const file = (sources: unknown[]) => JSON.stringify({ version: 1, sources });

describe('judge-align.sources.json', () => {
  it('reads one source of each kind, trimming a trailing slash from endpoints', () => {
    const parsed = parseSourcesFile(
      file([
        { kind: 'phoenix', name: 'p', endpoint: 'http://localhost:6006/', project: 'default', filters: { rootSpansOnly: true } },
        { kind: 'langsmith', name: 'ls', endpoint: 'https://api.smith.langchain.com', projectId: 'abc', filters: { rootRunsOnly: true, runType: 'llm' } },
        { kind: 'langfuse', name: 'lf', endpoint: 'https://cloud.langfuse.com', annotationNames: ['helpfulness'] },
        { kind: 'arize', name: 'ax', endpoint: 'https://api.arize.com', projectId: 'my project', space: 'my space' },
        { kind: 'arize', name: 'ax-file', endpoint: 'https://api.arize.com', file: 'exports/spans.jsonl' },
      ]),
    );
    assert.deepEqual(parsed.sources.map((s) => s.name), ['p', 'ls', 'lf', 'ax', 'ax-file']);
    assert.equal(parsed.sources[0]!.endpoint, 'http://localhost:6006');
  });

  it('refuses a key in the file, naming where it is', () => {
    assert.throws(
      () => parseSourcesFile(file([{ kind: 'langsmith', name: 'ls', endpoint: 'https://x.test', projectId: 'a', apiKey: 'lsv2_secret' }])),
      (e: unknown) => e instanceof SourcesFileError && /holds a key at "sources\.0\.apiKey"/.test(e.message) && !/lsv2_secret/.test(e.message),
    );
  });

  it('refuses a credential inside an endpoint URL, without echoing it', () => {
    assert.throws(
      () => parseSourcesFile(file([{ kind: 'phoenix', name: 'p', endpoint: 'https://ann:hunter2@phoenix.test', project: 'default' }])),
      (e: unknown) => e instanceof SourcesFileError && /source "p": the endpoint URL holds a credential \(a user name or password\)/.test(e.message) && !/hunter2/.test(e.message),
    );
  });

  it('says which source and field is wrong', () => {
    assert.throws(() => parseSourcesFile(file([{ kind: 'langsmith', name: 'both', endpoint: 'https://x.test', projectId: 'a', datasetId: 'b' }])), /source "both": .*either "projectId" or "datasetId"/);
    assert.throws(() => parseSourcesFile(file([{ kind: 'arize', name: 'none', endpoint: 'https://x.test' }])), /source "none": .*either "projectId" or "file"/);
    assert.throws(() => parseSourcesFile(file([{ kind: 'phoenix', name: 'a', endpoint: 'https://x.test', project: 'p' }, { kind: 'phoenix', name: 'a', endpoint: 'https://x.test', project: 'q' }])), /two sources are named "a"/);
    assert.throws(() => parseSourcesFile('{"version": 1,'), /not valid JSON/);
  });

  it('adds or replaces a source by name and writes the file whole', () => {
    const dir = tempDir();
    const a: SourceConfig = { kind: 'langfuse', name: 'a', endpoint: 'https://cloud.langfuse.com' };
    writeSourcesFile(dir, upsertSource(readSourcesFile(dir), a));
    writeSourcesFile(dir, upsertSource(readSourcesFile(dir), { ...a, annotationNames: ['x'] }));
    assert.deepEqual(readSourcesFile(dir).sources, [{ ...a, annotationNames: ['x'] }]);
  });

  it('knows which keys each source needs and where labels can go back', () => {
    const ls: SourceConfig = { kind: 'langsmith', name: 'ls', endpoint: 'https://x.test', projectId: 'p' };
    assert.deepEqual(keysFor(ls).map((k) => k.env), ['LANGSMITH_API_KEY']);
    assert.deepEqual(keysFor({ kind: 'langfuse', endpoint: 'https://x.test' }).map((k) => k.env), ['LANGFUSE_PUBLIC_KEY', 'LANGFUSE_SECRET_KEY']);
    assert.deepEqual(keysFor({ kind: 'arize', endpoint: 'https://x.test', file: 'a.jsonl' }), []);
    assert.equal(pushUnavailable(ls), undefined);
    assert.match(pushUnavailable({ kind: 'langsmith', name: 'd', endpoint: 'https://x.test', datasetId: 'd' }) ?? '', /dataset examples/);
    assert.match(pushUnavailable({ kind: 'arize', name: 'ax', endpoint: 'https://x.test', projectId: 'p' }) ?? '', /Arize AX/);
  });
});
