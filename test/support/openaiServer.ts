// A local OpenAI-compatible server for tests and benches: chat completions with response_format
// json_schema, usage counts, scripted answers per request, latency and faults (429 with Retry-After, 500,
// hang, reset, malformed JSON, labels outside the set). Listens on 127.0.0.1 only and never outlives its user.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';

const messageSchema = z.object({ role: z.enum(['system', 'user', 'assistant', 'developer', 'tool']), content: z.union([z.string(), z.array(z.unknown()), z.null()]) }).passthrough();
const requestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(messageSchema).min(1),
    stream: z.literal(false).optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().optional(),
    seed: z.number().int().optional(),
    max_tokens: z.number().int().positive().optional(),
    max_completion_tokens: z.number().int().positive().optional(),
    response_format: z
      .union([
        z.object({ type: z.literal('text') }),
        z.object({ type: z.literal('json_object') }),
        z.object({
          type: z.literal('json_schema'),
          json_schema: z.object({ name: z.string().regex(/^[\w-]{1,64}$/), schema: z.record(z.string(), z.unknown()), strict: z.boolean().optional(), description: z.string().optional() }),
        }),
      ])
      .optional(),
  })
  .passthrough();

export type ChatRequestBody = z.infer<typeof requestSchema>;

export type Reply =
  | { answer: { label: string; explanation: string }; latencyMs?: number }
  | { content: string; latencyMs?: number }
  | { status: number; retryAfter?: number; retryAfterMs?: number; body?: unknown; latencyMs?: number }
  | { hang: true }
  | { reset: true; latencyMs?: number };

export interface ResponderInput {
  readonly body: ChatRequestBody;
  /** 0-based order of arrival over the server's life. */
  readonly index: number;
  readonly userText: string;
  readonly systemText: string;
  /** How many times these same messages arrived before (0 on the first). */
  readonly attempt: number;
  /** The labels of the json_schema enum, when the request had one. */
  readonly labels: string[];
}

export type Responder = (input: ResponderInput) => Reply;

export interface RecordedRequest {
  readonly index: number;
  readonly at: number;
  readonly body: ChatRequestBody;
  readonly authorization: string | undefined;
}

export interface ScriptEntry {
  /** A substring of the user message. */
  readonly when: string;
  readonly reply: Reply;
  /** Only for the first N attempts of that request (then the default answers). */
  readonly times?: number;
}

export interface OpenAIServerOptions {
  readonly port?: number;
  readonly latencyMs?: number;
  readonly apiKey?: string;
  readonly responder?: Responder;
  readonly script?: readonly ScriptEntry[];
  /** label by user-message substring, for the default responder. */
  readonly labelFor?: (input: ResponderInput) => string | undefined;
}

export interface OpenAIServer {
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  setResponder(responder: Responder | undefined): void;
  close(): Promise<void>;
}

/** The first enum label, with an explanation that names the request: deterministic and cheap. */
export const defaultResponder =
  (options: OpenAIServerOptions = {}): Responder =>
  (input) => {
    const label = options.labelFor?.(input) ?? input.labels[0] ?? 'yes';
    return { answer: { label, explanation: `Scripted answer ${input.index + 1}: judged "${label}".` } };
  };

export function scriptResponder(script: readonly ScriptEntry[], fallback: Responder): Responder {
  return (input) => {
    const entry = script.find((s) => input.userText.includes(s.when) && (s.times === undefined || input.attempt < s.times));
    return entry ? entry.reply : fallback(input);
  };
}

const tokens = (text: string) => (text.match(/\S+/g) ?? []).length;

export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const requests: RecordedRequest[] = [];
  const seen = new Map<string, number>();
  const sockets = new Set<Socket>();
  const base = defaultResponder(options);
  let responder: Responder = options.script ? scriptResponder(options.script, options.responder ?? base) : (options.responder ?? base);
  let index = 0;

  const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const error = (res: http.ServerResponse, status: number, message: string, type = 'invalid_request_error') => sendJson(res, status, { error: { message, type, param: null, code: null } });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        return error(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
      }
      if (req.method === 'GET' && url.pathname === '/stats') return sendJson(res, 200, { requests: requests.length });
      if (req.method === 'GET' && url.pathname === '/v1/models') {
        return sendJson(res, 200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'local' }] });
      }
      if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') return error(res, 404, `Unknown endpoint ${req.method} ${url.pathname}`);
      let json: unknown;
      try {
        json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return error(res, 400, 'The request body is not valid JSON.');
      }
      const parsed = requestSchema.safeParse(json);
      if (!parsed.success) return error(res, 400, `Invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const body = parsed.data;
      if ((json as { stream?: unknown }).stream === true) return error(res, 400, 'Streaming is not supported by this server.');
      const text = (role: string) => body.messages.filter((m) => m.role === role).map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
      const userText = text('user');
      const systemText = text('system');
      const key = JSON.stringify(body.messages);
      const attempt = seen.get(key) ?? 0;
      seen.set(key, attempt + 1);
      const schema = body.response_format?.type === 'json_schema' ? body.response_format.json_schema.schema : undefined;
      const labels = ((schema?.properties as Record<string, { enum?: string[] }> | undefined)?.label?.enum ?? []).map(String);
      const input: ResponderInput = { body, index: index++, userText, systemText, attempt, labels };
      requests.push({ index: input.index, at: Date.now(), body, authorization: req.headers.authorization });
      const reply = responder(input);
      if ('hang' in reply) return;
      const delay = reply.latencyMs ?? options.latencyMs ?? 0;
      setTimeout(() => {
        if (res.destroyed) return;
        if ('reset' in reply) return req.socket.destroy();
        if ('status' in reply) {
          const headers: Record<string, string> = {};
          if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
          if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
          return sendJson(res, reply.status, reply.body ?? { error: { message: `Scripted ${reply.status}`, type: 'server_error', param: null, code: null } }, headers);
        }
        const content = 'answer' in reply ? JSON.stringify({ explanation: reply.answer.explanation, label: reply.answer.label }) : reply.content;
        const promptTokens = tokens(userText) + tokens(systemText);
        const completionTokens = tokens(content);
        sendJson(res, 200, {
          id: `chatcmpl-${input.index}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        });
      }, delay);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  server.unref();
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    setResponder(r) {
      responder = r ?? base;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * CLI mode, for UI tests, benches and the try-it script:
 *   node --import tsx test/support/openaiServer.ts [--port 0] [--latency-ms 100] [--script file.json]
 *        [--labels-from file.jsonl --id-field ID --label-field hallucination --agree 0.8] [--max-seconds 1800]
 * Prints {"baseUrl": ...} on one line; exits after --max-seconds, or when stdin closes (its parent died).
 */
async function cli(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  const script = arg('script') ? (JSON.parse(fs.readFileSync(arg('script')!, 'utf8')) as ScriptEntry[]) : undefined;
  const labelFor = demoLabels(arg('labels-from'), arg('id-field') ?? 'id', arg('label-field') ?? 'label', Number(arg('agree') ?? 0.8), arg('text-field'));
  const server = await startOpenAIServer({ port: Number(arg('port') ?? 0), latencyMs: Number(arg('latency-ms') ?? 0), script, labelFor });
  process.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl, port: server.port })}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  setTimeout(stop, Number(arg('max-seconds') ?? 1800) * 1000).unref();
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Keep the process alive while the (unref'd) server serves.
  setInterval(() => undefined, 60_000);
}

/**
 * For demos: answer with the human label of the row whose text appears in the prompt, except for a
 * deterministic share of rows where it answers the other label, so there are mismatches to look at.
 */
function demoLabels(file: string | undefined, idField: string, labelField: string, agree: number, textField?: string): OpenAIServerOptions['labelFor'] {
  if (!file) return undefined;
  const rows = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return (input) => {
    const row = rows.find((r) => typeof r[textField ?? 'user_query'] === 'string' && input.userText.includes(String(r[textField ?? 'user_query'])));
    if (!row) return undefined;
    const human = String(row[labelField]);
    const id = String(row[idField]);
    let h = 0;
    for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    if ((h % 1000) / 1000 < agree) return human;
    return input.labels.find((l) => l !== human) ?? human;
  };
}

if (require.main === module) void cli(process.argv.slice(2));
