import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Cache } from '../../../src/core/cache/cache';
import { loadCachedDataset } from '../../../src/core/datasets/cachedDataset';
import { CacheRunStore } from '../../../src/core/judge/cacheRunStore';
import { runJudgeSession } from '../../../src/core/judge/session';
import { renderTemplate } from '../../../src/core/judge/template';
import { arizeSource } from '../../../src/core/sources/arize/arizeSource';
import { langfuseSource } from '../../../src/core/sources/langfuse/langfuseSource';
import { langsmithSource } from '../../../src/core/sources/langsmith/langsmithSource';
import { phoenixSource } from '../../../src/core/sources/phoenix/phoenixSource';
import { pullSource, type PlatformSource } from '../../../src/core/sources/pull';
import type { SourceConfig } from '../../../src/core/sources/sourcesFile';
import { saveSourceBatch } from '../../../src/core/sources/store';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';
import { ARIZE_KEY, ARIZE_SHAPES_PROJECT, startArizeServer, type ArizeServer } from '../../support/platforms/arizeServer';
import { LANGFUSE_KEYS, startLangfuseServer, type LangfuseServer } from '../../support/platforms/langfuseServer';
import { LANGSMITH_CHAT_PROJECT, LANGSMITH_KEY, startLangSmithServer, type LangSmithServer } from '../../support/platforms/langsmithServer';
import { PHOENIX_KEY, PHOENIX_SHAPES_PROJECT, startPhoenixServer, type PhoenixServer } from '../../support/platforms/phoenixServer';
import { shapedRuns, shapedSpans } from '../../support/platforms/realShapes';
import { tempDir } from '../../support/tempDir';

/**
 * From a platform's API to the judge's request: spans, runs and observations shaped like the real thing are
 * pulled through the official clients, a judge prompt runs over them, and the user message each request carried
 * must be exactly the text a person reads, for every row.
 */

const TEMPLATE = '[Input]:\n{{input}}\n\n[Output]:\n{{output}}';
const rendered = (input: string, output: string) => `[Input]:\n${input}\n\n[Output]:\n${output}`;

function prompt(dataset: string, label: string, labels: readonly string[]): string {
  return ['---', `dataset: ${dataset}`, `label: ${label}`, `labels: [${labels.join(', ')}]`, 'model: gpt-4o-mini', '---', TEMPLATE, ''].join('\n');
}

async function pullAndJudge(openai: OpenAIServer, config: SourceConfig, source: PlatformSource, label: string, labels: readonly string[]): Promise<{ sent: string[]; cache: Cache; dir: string }> {
  const dir = tempDir();
  const cache = await Cache.open(path.join(dir, '.judge-align', 'cache.sqlite'));
  await pullSource({ cache, config, source, save: saveSourceBatch });
  const promptPath = path.join(dir, 'judge.judge.md');
  const text = prompt(config.name, label, labels);
  fs.writeFileSync(promptPath, text);
  const before = openai.requests.length;
  const result = await runJudgeSession({ promptPath, promptText: text, store: new CacheRunStore(cache), defaults: { baseUrl: openai.baseUrl } });
  assert.equal(result.totals.metrics.all.errors, 0, 'no row failed');
  const sent = openai.requests.slice(before).map((r) => r.userText);
  for (const r of openai.requests.slice(before)) assert.doesNotMatch(JSON.stringify(r.body.messages), /mime_type/, 'no attribute object reached the judge');
  return { sent, cache, dir };
}

const sorted = (texts: readonly string[]) => [...texts].sort();

describe('the judge reads what the human read, on every platform', () => {
  let openai: OpenAIServer;
  let phoenix: PhoenixServer;
  let arize: ArizeServer;
  let langsmith: LangSmithServer;
  let langfuse: LangfuseServer;
  before(async () => {
    [openai, phoenix, arize, langsmith, langfuse] = await Promise.all([startOpenAIServer(), startPhoenixServer(), startArizeServer(), startLangSmithServer(), startLangfuseServer()]);
  });
  after(async () => {
    await Promise.all([openai.close(), phoenix.close(), arize.close(), langsmith.close(), langfuse.close()]);
  });

  it('Phoenix: JSON inputs, message lists, tool calls, unicode and a 12,000-character answer', async () => {
    const config: SourceConfig = { kind: 'phoenix', name: 'support-bot', endpoint: phoenix.url, project: PHOENIX_SHAPES_PROJECT.name, annotationNames: ['correctness'] };
    const { sent, cache } = await pullAndJudge(openai, config, phoenixSource(config, { endpoint: phoenix.url, apiKey: PHOENIX_KEY }), 'correctness', ['correct', 'incorrect']);
    assert.deepEqual(sorted(sent), sorted(shapedSpans().map((s) => rendered(s.expect.input, s.expect.output))));
    assert.deepEqual(phoenix.violations, []);

    // Every attribute under its full name, metadata whether a JSON string or flat keys, and into a JSON input.
    const rows = loadCachedDataset(cache, 'support-bot', { labelName: 'correctness' }).rows;
    const render = (id: string, template: string) => renderTemplate(template, rows.find((r) => r.id === id)!.data).text;
    assert.equal(render('shape-1', '{{metadata.customer}} / {{metadata.tier}}'), 'Bäckerei Müller / gold', 'metadata sent as a JSON string');
    assert.equal(render('shape-3', '{{metadata.customer}}'), 'flat-keys-gmbh', 'metadata sent as flat keys');
    assert.equal(render('shape-1', '{{input.question}}'), 'Wie spät ist es in Zürich? 🕰️', 'a path into the JSON input.value');
    assert.equal(render('shape-1', '{{attributes.input.mime_type}} {{attributes.output.mime_type}}'), 'application/json text/plain');
    assert.equal(render('shape-2', '{{llm.model_name}} = {{attributes.llm.model_name}}; {{llm.invocation_parameters.temperature}}'), 'gpt-4o-mini-2024-07-18 = gpt-4o-mini-2024-07-18; 0');
    assert.equal(render('shape-2', '{{input.messages.1.content}}'), shapedSpans()[1]!.expect.input.split('\n\nuser: ')[1]);
    assert.equal(render('shape-1', '{{span.kind}} {{attributes.tag.tags.1}}'), 'CHAIN de');
    cache.close();
  });

  it('Arize AX: the same OpenInference mapping, and labels people gave on the trace', async () => {
    const config: SourceConfig = { kind: 'arize', name: 'ax-support', endpoint: arize.url, projectId: ARIZE_SHAPES_PROJECT, annotationNames: ['correctness'] };
    const { sent, cache } = await pullAndJudge(openai, config, arizeSource(config, { endpoint: arize.url, apiKey: ARIZE_KEY }), 'correctness', ['correct', 'incorrect']);
    // Two of the three spans are labelled only through `trace_annotations`: every one is judged, none unlabelled.
    assert.equal(sent.length, 3);
    assert.deepEqual(sorted(sent), sorted(shapedSpans().map((s) => rendered(s.expect.input, s.expect.output))));
    const dataset = loadCachedDataset(cache, 'ax-support', { labelName: 'correctness' });
    assert.equal(dataset.unlabelled, 0);
    assert.deepEqual(dataset.rows.map((r) => [r.id, r.humanLabel]).sort(), [['shape-1', 'correct'], ['shape-2', 'incorrect'], ['shape-3', 'correct']]);
    assert.deepEqual(arize.violations, []);
    cache.close();
  });

  it('LangSmith: LangChain-serialised chat runs, create() arguments and a ChatCompletion', async () => {
    const config: SourceConfig = { kind: 'langsmith', name: 'chat', endpoint: langsmith.url, projectId: LANGSMITH_CHAT_PROJECT, annotationNames: ['correctness'] };
    const { sent, cache } = await pullAndJudge(openai, config, langsmithSource(config, { endpoint: langsmith.url, apiKey: LANGSMITH_KEY }), 'correctness', ['correct', 'incorrect']);
    // Two runs render the very same prompt: it is sent once (identical requests in a run are paid for once).
    assert.deepEqual(sorted(sent), sorted([...new Set(shapedRuns().map((r) => rendered(r.expect.input, r.expect.output)))]));
    for (const text of sent) assert.doesNotMatch(text, /"lc"|\\n|chatcmpl/, 'no serialisation reached the judge');
    const rows = loadCachedDataset(cache, 'chat', { labelName: 'correctness' }).rows;
    const chain = rows.find((r) => r.data.run && (r.data.run as { name: string }).name === 'support_chain')!;
    assert.equal(renderTemplate('{{input.input.question}} · {{metadata.customer}} · {{run.run_type}}', chain.data).text, 'Wie spät ist es in Zürich? 🕰️ · Bäckerei Müller · chain');
    assert.deepEqual(langsmith.violations, []);
    cache.close();
  });

  it('Langfuse: the real framework exports (ChatML lists, Responses objects, Anthropic content parts) as text', async () => {
    const config: SourceConfig = { kind: 'langfuse', name: 'agents', endpoint: langfuse.url, annotationNames: ['quality'] };
    const { sent, cache } = await pullAndJudge(openai, config, langfuseSource(config, { endpoint: langfuse.url, ...LANGFUSE_KEYS }), 'quality', ['good', 'bad']);
    const great =
      "Great! Here's the current weather for both cities:\n\n**Berlin**: Cloudy, 59°F (15°C)\n**New York**: Sunny, 75°F (24°C)\n\nNew York is enjoying warmer, sunny weather while Berlin is a bit cooler with cloudy skies. Is there anything else you'd like to know about these destinations?";
    // Written by hand from the exports' raw input and output strings.
    const expected = [
      rendered('role', great),
      rendered('role', '[tool call: mcp__weather__get_weather({"city":"New York"})]'),
      rendered("prompt: What's the weather like in Berlin and New York?\nsystem: You are a friendly travel assistant who helps with weather information.", great),
      rendered('role', '[tool call: mcp__weather__get_weather({"city":"Berlin"})]'),
      rendered('city: New York', 'Weather in New York: Sunny, 75°F'),
      rendered("What's the weather like in Berlin and New York?", "I'll check the weather in both Berlin and New York for you."),
      rendered('city: Berlin', 'Weather in Berlin: Cloudy, 59°F'),
      rendered("user: What's the weather in Tokyo?\n\nassistant: [tool call: get_weather({\"city\":\"Tokyo\"})]\n\ntool: The weather in Tokyo is sunny.", 'The weather in Tokyo is currently sunny. If you need more details like temperature or forecast for the upcoming days, just let me know!'),
      rendered("What's the weather in Tokyo?", '[tool call: get_weather({"city":"Tokyo"})]'),
      rendered('Tokyo', 'The weather in Tokyo is sunny.'),
    ];
    assert.deepEqual(sorted(sent), sorted(expected));
    const rows = loadCachedDataset(cache, 'agents', { labelName: 'quality' }).rows;
    const conversation = rows.find((r) => r.id === '805dc5dff9e33e32')!;
    assert.equal(renderTemplate('{{input.system}}', conversation.data).text, 'You are a friendly travel assistant who helps with weather information.');
    assert.deepEqual(langfuse.violations, []);
    cache.close();
  });
});
