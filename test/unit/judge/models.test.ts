import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { after, describe, test } from 'node:test';
import { checkModel, findLocalServers, isChatModel, listModels, LOCAL_SERVER_PORTS, STRUCTURED_OUTPUT_UNSUPPORTED, type LocalServerCandidate } from '../../../src/core/judge/models';
import { freePort } from '../../support/codeServer';
import { startOpenAIServer, type OpenAIServer, type OpenAIServerOptions } from '../../support/openaiServer';

// /v1/models as each server answers it (shapes from their sources and from real answers).
const OLLAMA = {
  object: 'list',
  data: [
    { id: 'qwen2.5:7b', object: 'model', created: 1733011200, owned_by: 'library' },
    { id: 'llama3.2:latest', object: 'model', created: 1733000000, owned_by: 'library' },
  ],
};
const LM_STUDIO = {
  data: [
    { id: 'qwen2.5-7b-instruct', object: 'model', owned_by: 'organization_owner' },
    { id: 'text-embedding-nomic-embed-text-v1.5', object: 'model', owned_by: 'organization_owner' },
  ],
  object: 'list',
};
const LLAMA_CPP = {
  models: [{ name: 'gemma-3-4b-it-Q4_K_M.gguf', model: 'gemma-3-4b-it-Q4_K_M.gguf', type: 'model' }],
  object: 'list',
  data: [{ id: 'gemma-3-4b-it-Q4_K_M.gguf', object: 'model', created: 1735000000, owned_by: 'llamacpp', meta: { n_vocab: 262144, n_ctx_train: 131072 } }],
};
const VLLM = {
  object: 'list',
  data: [{ id: 'Qwen/Qwen2.5-7B-Instruct', object: 'model', created: 1735000000, owned_by: 'vllm', root: 'Qwen/Qwen2.5-7B-Instruct', parent: null, max_model_len: 32768, permission: [] }],
};

describe('models of an OpenAI-compatible endpoint and local servers', async () => {
  const servers: OpenAIServer[] = [];
  const start = async (options: OpenAIServerOptions) => {
    const s = await startOpenAIServer(options);
    servers.push(s);
    return s;
  };
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(closers.map((c) => c()));
  });

  test('lists the models of each kind of server, sorted by id, with what each says in owned_by', async () => {
    const cases = [
      [OLLAMA, ['llama3.2:latest', 'qwen2.5:7b'], 'library'],
      [LM_STUDIO, ['qwen2.5-7b-instruct', 'text-embedding-nomic-embed-text-v1.5'], 'organization_owner'],
      [LLAMA_CPP, ['gemma-3-4b-it-Q4_K_M.gguf'], 'llamacpp'],
      [VLLM, ['Qwen/Qwen2.5-7B-Instruct'], 'vllm'],
    ] as const;
    for (const [payload, ids, ownedBy] of cases) {
      const server = await start({ models: payload });
      const listing = await listModels({ baseUrl: server.baseUrl, timeoutMs: 5000 });
      assert.ok(listing.ok, JSON.stringify(listing));
      assert.deepEqual(
        listing.models.map((m) => m.id),
        ids,
      );
      assert.ok(listing.models.every((m) => m.ownedBy === ownedBy));
    }
  });

  test('sends the key it is given, and says to set one when the server wants it', async () => {
    const server = await start({ apiKey: 'sk-test-models-0123456789', models: VLLM });
    const refused = await listModels({ baseUrl: server.baseUrl, timeoutMs: 5000 });
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok && refused.needsKey && refused.status === 401);
    assert.match(!refused.ok ? refused.message : '', /wants an API key.*Set API Key/);
    const wrong = await listModels({ baseUrl: server.baseUrl, apiKey: 'sk-wrong-key-0123456789', timeoutMs: 5000 });
    assert.match(!wrong.ok ? wrong.message : '', /refused the API key/);
    const listed = await listModels({ baseUrl: server.baseUrl, apiKey: 'sk-test-models-0123456789', timeoutMs: 5000 });
    assert.ok(listed.ok);
  });

  test('a web page where the list should be, and nothing listening, are failures that say what to check', async () => {
    const page = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Welcome</body></html>');
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => page.close(() => r())));
    const port = (page.address() as net.AddressInfo).port;
    const html = await listModels({ baseUrl: `http://127.0.0.1:${port}/v1`, timeoutMs: 5000 });
    assert.ok(!html.ok && /not a model list.*\/v1/.test(html.message), JSON.stringify(html));

    const nothing = await listModels({ baseUrl: `http://127.0.0.1:${await freePort()}/v1`, timeoutMs: 5000 });
    assert.ok(!nothing.ok && nothing.unreachable && /cannot reach/.test(nothing.message), JSON.stringify(nothing));
  });

  test('the default probe is of the real ports: Ollama 11434, LM Studio 1234, llama.cpp 8080, vLLM 8000', () => {
    assert.deepEqual(
      LOCAL_SERVER_PORTS.map((c) => `${c.kind}:${c.port}`),
      ['ollama:11434', 'lmstudio:1234', 'llamacpp:8080', 'vllm:8000'],
    );
  });

  test('finds the local servers that answer, named by what they say, else by their port; skips the silent ones', async () => {
    const ollama = await start({ models: OLLAMA });
    const lmStudio = await start({ models: LM_STUDIO });
    const llamaCpp = await start({ models: LLAMA_CPP });
    const vllm = await start({ models: VLLM });
    // vLLM on Ollama's port: the payload wins. An unknown owned_by: the port names it.
    const vllmOnOllamaPort = await start({ models: VLLM });
    const unknownOnVllmPort = await start({ models: { object: 'list', data: [{ id: 'my-model', object: 'model', owned_by: 'someone' }] } });
    const empty = await start({ models: { object: 'list', data: [] } });
    const silent = await freePort();
    const candidates: LocalServerCandidate[] = [
      { kind: 'ollama', port: ollama.port },
      { kind: 'lmstudio', port: lmStudio.port },
      { kind: 'ollama', port: silent },
      { kind: 'llamacpp', port: llamaCpp.port },
      { kind: 'vllm', port: vllm.port },
      { kind: 'ollama', port: vllmOnOllamaPort.port },
      { kind: 'vllm', port: unknownOnVllmPort.port },
      { kind: 'lmstudio', port: empty.port },
    ];
    const found = await findLocalServers({ candidates, timeoutMs: 5000 });
    assert.deepEqual(
      found.map((s) => [s.name, s.identifiedBy, s.port, s.baseUrl, s.models.length]),
      [
        ['Ollama', 'payload', ollama.port, `http://localhost:${ollama.port}/v1`, 2],
        ['LM Studio', 'payload', lmStudio.port, `http://localhost:${lmStudio.port}/v1`, 2],
        ['llama.cpp server', 'payload', llamaCpp.port, `http://localhost:${llamaCpp.port}/v1`, 1],
        ['vLLM', 'payload', vllm.port, `http://localhost:${vllm.port}/v1`, 1],
        ['vLLM', 'payload', vllmOnOllamaPort.port, `http://localhost:${vllmOnOllamaPort.port}/v1`, 1],
        ['vLLM', 'port', unknownOnVllmPort.port, `http://localhost:${unknownOnVllmPort.port}/v1`, 1],
        ['LM Studio', 'port', empty.port, `http://localhost:${empty.port}/v1`, 0],
      ],
    );
  });

  test('a local server that wants a key is found, with the problem; probes run in parallel and time out', async () => {
    const locked = await start({ apiKey: 'sk-local-0123456789', models: VLLM });
    // Accepts connections and never answers: the probe must give up on its own timeout.
    const sockets = new Set<net.Socket>();
    const hang = net.createServer((s) => sockets.add(s));
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    closers.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => hang.close(() => r()));
    });
    const hangPort = (hang.address() as net.AddressInfo).port;
    let inFlight = 0;
    let most = 0;
    const counting: typeof fetch = async (input, init) => {
      most = Math.max(most, ++inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const found = await findLocalServers({
      candidates: [
        { kind: 'llamacpp', port: hangPort },
        { kind: 'vllm', port: locked.port },
      ],
      timeoutMs: 1000,
      fetch: counting,
    });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.port, locked.port);
    assert.ok(found[0]!.problem?.needsKey);
    // The locked server answered while the hung one was still waiting: both were asked at once.
    assert.equal(most, 2);
  });

  test('embedding, speech and image models are not offered as judges', () => {
    const ids = ['gpt-4o-mini', 'text-embedding-3-small', 'whisper-1', 'tts-1', 'dall-e-3', 'omni-moderation-latest', 'gpt-image-1', 'qwen2.5:7b', 'nomic-embed-text:latest', 'o3-mini'];
    assert.deepEqual(ids.filter(isChatModel), ['gpt-4o-mini', 'qwen2.5:7b', 'o3-mini']);
  });
});

describe('checking that a model answers a one-row judge request', async () => {
  const servers: OpenAIServer[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));
  const start = async (options: OpenAIServerOptions) => {
    const s = await startOpenAIServer(options);
    servers.push(s);
    return s;
  };

  test('a server that does structured output: one request, with the json_schema of the verdict', async () => {
    const server = await start({ reportModel: 'llama3.2:latest' });
    const check = await checkModel({ baseUrl: server.baseUrl, model: 'llama3.2', timeoutMs: 5000 });
    assert.ok(check.ok && check.structured && check.note === undefined, JSON.stringify(check));
    assert.equal(check.reportedModel, 'llama3.2:latest');
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]!.body.model, 'llama3.2');
    assert.equal(server.requests[0]!.body.response_format?.type, 'json_schema');
  });

  test('a server that rejects response_format: asked again without it, and the check says lenient parsing will be used', async () => {
    const server = await start({ rejectResponseFormat: true });
    const check = await checkModel({ baseUrl: server.baseUrl, model: 'gemma-3-4b-it', timeoutMs: 5000 });
    assert.ok(check.ok && !check.structured, JSON.stringify(check));
    assert.equal(check.note, 'structured output not supported: lenient parsing will be used; set structured_output: false in the prompt');
    assert.equal(STRUCTURED_OUTPUT_UNSUPPORTED, check.note);
    // The rejected request never reached the responder; the one that did carried no response_format.
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]!.body.response_format, undefined);
  });

  test('a server that ignores response_format and answers prose: read leniently, and said so', async () => {
    const server = await start({ responder: () => ({ content: 'Water is wet by definition.\n\nLabel: yes' }) });
    const check = await checkModel({ baseUrl: server.baseUrl, model: 'm', timeoutMs: 5000 });
    assert.ok(check.ok && !check.structured && check.note === STRUCTURED_OUTPUT_UNSUPPORTED, JSON.stringify(check));
  });

  test('a refused key, an unknown model and an answer that is no verdict fail the check with the reason', async () => {
    const locked = await start({ apiKey: 'sk-check-0123456789' });
    const refused = await checkModel({ baseUrl: locked.baseUrl, apiKey: 'sk-wrong-0123456789', model: 'm', timeoutMs: 5000 });
    assert.ok(!refused.ok && refused.needsKey && /refused the API key/.test(refused.message), JSON.stringify(refused));

    const unknown = await start({ responder: () => ({ status: 404 }) });
    const missing = await checkModel({ baseUrl: unknown.baseUrl, model: 'no-such-model', timeoutMs: 5000 });
    assert.ok(!missing.ok && /HTTP 404.*model name/.test(missing.message), JSON.stringify(missing));

    const rambling = await start({ responder: () => ({ content: 'I like turtles' }) });
    const junk = await checkModel({ baseUrl: rambling.baseUrl, model: 'm', timeoutMs: 5000 });
    assert.ok(!junk.ok && /no label found/.test(junk.message), JSON.stringify(junk));
  });
});
