import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { loadCachedDataset } from '../../../src/core/datasets/cachedDataset';
import { loadLocalDataset, readDatasetFile, resolveDatasetPath } from '../../../src/core/datasets/localDataset';
import { parsePromptFile, type PromptDiagnostic } from '../../../src/core/judge/promptFile';
import { promptDiagnostics } from '../../../src/core/judge/promptChecks';
import {
  cachedDraftData,
  datasetReference,
  draftPromptFile,
  fileDraftData,
  labelFieldChoices,
  labelValues,
  templateFieldChoices,
  type DraftData,
} from '../../../src/core/judge/promptDraft';
import { saveSourceBatch } from '../../../src/core/sources/store';
import type { SourceAnnotation, SourceExample } from '../../../src/core/sources/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const HALUEVAL_200 = path.join(ROOT, 'samples', 'halueval', 'halueval-200.jsonl');
const HALUEVAL_1000 = path.join(ROOT, 'test', 'fixtures', 'halueval-1000.jsonl');
const HALUEVAL_CSV = path.join(ROOT, 'test', 'fixtures', 'halueval-60.csv');
const MTBENCH = path.join(ROOT, 'samples', 'mtbench-pairs', 'mtbench-pairs-100.jsonl');

async function fileData(file: string): Promise<DraftData> {
  return fileDraftData((await readDatasetFile(file)).map((r) => r.data));
}

/** The wizard's default answers: the first label field, all its labels, the suggested template fields. */
function defaultDraft(data: DraftData, dataset: string): string {
  const label = labelFieldChoices(data)[0]!;
  return draftPromptFile({
    dataset,
    id: data.idField,
    label: label.field,
    labels: label.values.map(([v]) => v),
    fields: templateFieldChoices(data, label.field).filter((f) => f.suggested).map((f) => f.path),
  });
}

/** What the editor shows for the prompt file (diagnostics.ts: parse, load the dataset as PromptDocuments does, check). */
async function editorDiagnostics(promptFile: string, text: string): Promise<PromptDiagnostic[]> {
  const parsed = parsePromptFile(text);
  if (!parsed.config) return parsed.diagnostics;
  const datasetPath = resolveDatasetPath(promptFile, parsed.config.dataset);
  assert.ok(datasetPath, `dataset: ${parsed.config.dataset} is read as a path`);
  const dataset = await loadLocalDataset(datasetPath, { idField: parsed.config.id, labelField: parsed.config.label });
  return promptDiagnostics(text, parsed, dataset, undefined);
}

const messages = (d: readonly PromptDiagnostic[]) => d.map((x) => `${x.severity} ${x.code}: ${x.message}`);

describe('New Judge Prompt drafts', () => {
  it('HaluEval JSONL: hallucination is the label (yes first), ID the id, query and response the template; no diagnostics', async () => {
    const data = await fileData(HALUEVAL_200);
    assert.equal(data.idField, 'ID');
    const choices = labelFieldChoices(data);
    assert.equal(choices[0]!.field, 'hallucination');
    assert.equal(choices[0]!.likely, true);
    assert.deepEqual(choices[0]!.values.map(([v]) => v), ['yes', 'no']);
    assert.equal(choices[0]!.values.reduce((n, [, c]) => n + c, 0), 200);
    // The id is never offered; free text is offered, but not as a likely label.
    assert.ok(!choices.some((c) => c.field === 'ID'));
    assert.deepEqual(choices.filter((c) => !c.likely).map((c) => c.field).sort(), ['chatgpt_response', 'user_query']);

    const fields = templateFieldChoices(data, 'hallucination');
    assert.deepEqual(fields.filter((f) => f.suggested).map((f) => f.path), ['user_query', 'chatgpt_response']);
    assert.ok(!fields.some((f) => f.path === 'hallucination' || f.path === 'ID'), 'neither the label nor the id goes into the template');
    assert.match(fields[0]!.sample, /^Produce a list of common words/);

    const prompt = path.join(ROOT, 'samples', 'halueval', 'new.judge.md');
    const text = defaultDraft(data, datasetReference(prompt, HALUEVAL_200));
    assert.match(text, /^---\ndataset: \.\/halueval-200\.jsonl\nid: ID\nlabel: hallucination /);
    assert.match(text, /\n {2}"yes":\n {2}"no":\n/);
    assert.match(text, /\[User query\]: \{\{user_query\}\}\n\n\[Chatgpt response\]: \{\{chatgpt_response\}\}\n$/);
    assert.deepEqual(messages(await editorDiagnostics(prompt, text)), []);
  });

  it('a list field (hallucination_spans) is neither a label nor a template field', async () => {
    const data = await fileData(HALUEVAL_1000);
    assert.ok(!data.labelFields.has('hallucination_spans'));
    assert.ok(!templateFieldChoices(data, 'hallucination').some((f) => f.path.startsWith('hallucination_spans')));
    const prompt = path.join(os.tmpdir(), 'elsewhere', 'new.judge.md');
    const text = defaultDraft(data, datasetReference(prompt, HALUEVAL_1000));
    assert.match(text, /^---\ndataset: \.\.\//, 'a dataset outside the prompt folder is reached with ../');
    assert.deepEqual(messages(await editorDiagnostics(prompt, text)), []);
  });

  it('CSV (values are text): the same choices, no diagnostics', async () => {
    const data = await fileData(HALUEVAL_CSV);
    const label = labelFieldChoices(data)[0]!;
    assert.equal(label.field, 'hallucination');
    assert.deepEqual(label.values, [['yes', 14], ['no', 46]]);
    assert.deepEqual(templateFieldChoices(data, 'hallucination').filter((f) => f.suggested).map((f) => f.path), ['user_query', 'chatgpt_response']);
    const prompt = path.join(path.dirname(HALUEVAL_CSV), 'new.judge.md');
    const text = defaultDraft(data, datasetReference(prompt, HALUEVAL_CSV));
    assert.match(text, /^---\ndataset: \.\/halueval-60\.csv\n/);
    assert.deepEqual(messages(await editorDiagnostics(prompt, text)), []);
  });

  it('MT-Bench pairs: "preferred" with labels 1 and 2 (quoted), the question and both outputs', async () => {
    const data = await fileData(MTBENCH);
    assert.equal(data.idField, 'id');
    const label = labelFieldChoices(data)[0]!;
    assert.equal(label.field, 'preferred');
    assert.deepEqual(label.values.map(([v]) => v), ['1', '2']);
    assert.deepEqual(templateFieldChoices(data, 'preferred').filter((f) => f.suggested).map((f) => f.path), ['input', 'output_1', 'output_2']);
    const prompt = path.join(path.dirname(MTBENCH), 'new.judge.md');
    const text = defaultDraft(data, datasetReference(prompt, MTBENCH));
    assert.match(text, /\n {2}"1":\n {2}"2":\n/, 'numbers as labels are quoted, so no non-string-label warning');
    assert.deepEqual(messages(await editorDiagnostics(prompt, text)), []);
  });

  it('merges spellings a run reads as one label, and orders numbers ascending', () => {
    assert.deepEqual(labelValues(['no', 'Yes', 'yes', 'No', '"no"', null]), [
      ['Yes', 2],
      ['no', 3],
    ]);
    assert.deepEqual(labelValues(['3', '1', '5', '1', '2']), [
      ['1', 2],
      ['2', 1],
      ['3', 1],
      ['5', 1],
    ]);
    assert.deepEqual(labelValues(['fail', 'pass', 'fail']), [
      ['pass', 1],
      ['fail', 2],
    ]);
  });

  it('a CSV with a spaced label column, booleans as labels and a mostly empty column', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-draft-'));
    try {
      const csv = path.join(dir, 'support.csv');
      const lines = ['ticket_id,question,answer,notes,Human Verdict'];
      for (let i = 0; i < 12; i++) lines.push(`T-${i},"How do I reset my password, step ${i}?","Open Settings, then Security (${i}).",${i === 0 ? 'escalated' : ''},${i % 3 === 0 ? 'FALSE' : 'TRUE'}`);
      fs.writeFileSync(csv, `${lines.join('\n')}\n`);
      const data = await fileData(csv);
      assert.equal(data.idField, 'ticket_id');
      const label = labelFieldChoices(data)[0]!;
      assert.equal(label.field, 'Human Verdict');
      assert.deepEqual(label.values, [['TRUE', 8], ['FALSE', 4]]);
      const fields = templateFieldChoices(data, 'Human Verdict');
      assert.deepEqual(fields.map((f) => [f.path, f.suggested]), [
        ['question', true],
        ['answer', true],
        ['notes', false],
      ]);
      const prompt = path.join(dir, 'support.judge.md');
      const text = defaultDraft(data, datasetReference(prompt, csv));
      assert.match(text, /\nlabel: "Human Verdict" /);
      assert.deepEqual(messages(await editorDiagnostics(prompt, text)), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a cached dataset: its human annotations are the label fields, input and output the template; no diagnostics', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-draft-cache-'));
    const cache = await Cache.open(path.join(dir, 'cache.sqlite'));
    try {
      const rows = (await readDatasetFile(HALUEVAL_200)).slice(0, 40).map((r) => r.data as { ID: string; user_query: string; chatgpt_response: string; hallucination: string });
      const annotation = (name: string, label: string, kind: SourceAnnotation['annotatorKind']): SourceAnnotation => ({
        name,
        label,
        score: null,
        explanation: null,
        annotatorKind: kind,
        author: kind === 'HUMAN' ? 'alice' : 'gpt-judge',
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
      });
      const examples: SourceExample[] = rows.map((r) => ({
        externalId: r.ID,
        input: r.user_query,
        output: r.chatgpt_response,
        fields: { metadata: { source: 'halueval' } },
        annotations: [annotation('hallucination', r.hallucination, 'HUMAN'), annotation('llm_hallucination', 'no', 'LLM')],
      }));
      await saveSourceBatch(cache, { datasetName: 'halueval-traces', sourceId: null }, examples);
      const data = cachedDraftData(cache, 'halueval-traces');
      assert.deepEqual([...data.labelFields.keys()], ['hallucination'], 'only annotations people made are labels');
      const label = labelFieldChoices(data)[0]!;
      assert.equal(label.field, 'hallucination');
      assert.deepEqual(label.values.map(([v]) => v), ['yes', 'no']);
      const fields = templateFieldChoices(data, 'hallucination');
      assert.deepEqual(fields.filter((f) => f.suggested).map((f) => f.path), ['input', 'output']);
      assert.ok(fields.some((f) => f.path === 'metadata.source' && !f.suggested), 'a constant short field is offered, not preselected');

      // Examples nobody labelled: a new annotation; the template is the same, and the only finding is that no row has a label yet.
      await saveSourceBatch(cache, { datasetName: 'fresh', sourceId: null }, examples.slice(0, 10).map((e) => ({ ...e, annotations: [] })));
      const fresh = cachedDraftData(cache, 'fresh');
      assert.equal(fresh.labelFields.size, 0);
      assert.deepEqual(labelFieldChoices(fresh), []);
      assert.deepEqual(templateFieldChoices(fresh, 'quality').filter((f) => f.suggested).map((f) => f.path), ['input', 'output']);
      const freshText = draftPromptFile({ dataset: 'fresh', label: 'quality', labels: ['good', 'bad'], fields: ['input', 'output'] });
      const freshParsed = parsePromptFile(freshText);
      assert.ok(freshParsed.config);
      assert.deepEqual(
        promptDiagnostics(freshText, freshParsed, loadCachedDataset(cache, 'fresh', { labelName: 'quality' }), undefined).map((d) => d.code),
        ['no-labelled-rows'],
      );

      const text = defaultDraft(data, 'halueval-traces');
      assert.match(text, /^---\ndataset: halueval-traces\nlabel: hallucination /);
      const parsed = parsePromptFile(text);
      assert.ok(parsed.config);
      assert.equal(resolveDatasetPath(path.join(dir, 'x.judge.md'), parsed.config.dataset), null, 'the name is read as a cached dataset');
      const dataset = loadCachedDataset(cache, 'halueval-traces', { labelName: parsed.config.label });
      assert.deepEqual(messages(promptDiagnostics(text, parsed, dataset, undefined)), []);
    } finally {
      cache.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
