// A local OpenAI-compatible server for tests, benches and the try-it script: chat completions validated
// like the real API (response_format json_schema included), usage counts, answers scripted per request,
// latency and faults (429 with Retry-After, 5xx, 401, hang, reset, malformed JSON, labels outside the set).
// It listens on 127.0.0.1 only and never outlives its user: close() destroys every socket, the server is
// unref()'d, and the CLI mode exits when its parent goes away.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';

const messageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'developer', 'tool']),
    // Content parts and null (assistant tool calls) are valid in the real API; the judge only sends strings.
    content: z.union([z.string(), z.array(z.unknown()), z.null()]),
  })
  .passthrough();

const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
      schema: z.record(z.string(), z.unknown()),
      strict: z.boolean().nullable().optional(),
      description: z.string().optional(),
    }),
  }),
]);

const requestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(messageSchema).min(1),
    stream: z.boolean().nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    seed: z.number().int().nullable().optional(),
    max_tokens: z.number().int().positive().nullable().optional(),
    max_completion_tokens: z.number().int().positive().nullable().optional(),
    response_format: responseFormatSchema.optional(),
  })
  .passthrough();

export type ChatRequestBody = z.infer<typeof requestSchema>;

interface Timing {
  /** Wait this long before answering (overrides the server's `latencyMs`). */
  readonly latencyMs?: number;
}

export type Reply =
  /** A well-formed judge answer: content is `{"explanation": …, "label": …}`. */
  | ({ answer: { label: string; explanation: string }; finishReason?: 'stop' | 'length'; omitUsage?: boolean } & Timing)
  /** Raw content: malformed JSON, a bare word, JSON in prose or fences… */
  | ({ content: string; finishReason?: 'stop' | 'length'; omitUsage?: boolean } & Timing)
  /** An error status with an OpenAI-shaped body (or `body`), and the retry headers when given. */
  | ({ status: number; retryAfter?: number | string; retryAfterMs?: number; message?: string; body?: unknown } & Timing)
  /** Never answer; the socket stays open until the client gives up or the server closes. */
  | { hang: true }
  /** Destroy the socket without a response. */
  | ({ reset: true } & Timing);

export interface ResponderInput {
  readonly body: ChatRequestBody;
  /** 0-based order of arrival over the server's life. */
  readonly index: number;
  /** The user messages' text, joined with newlines. */
  readonly userText: string;
  readonly systemText: string;
  /** How many times these same messages arrived before: 0 on the first, 1 on the first retry… */
  readonly attempt: number;
  /** The label enum of the json_schema, when the request had one; else the server's `labels` option. */
  readonly labels: string[];
}

export type Responder = (input: ResponderInput) => Reply;

export interface RecordedRequest {
  readonly index: number;
  /** Arrival time (Date.now()), to check spacing between attempts without timing the whole test. */
  readonly at: number;
  readonly body: ChatRequestBody;
  readonly authorization: string | undefined;
  readonly userText: string;
  readonly attempt: number;
  /** What the responder decided (absent for requests rejected before it: 400, 401). */
  readonly reply?: Reply;
}

export interface ScriptEntry {
  /** A substring of the user message. */
  readonly when: string;
  readonly reply: Reply;
  /** Only for the first N arrivals of a matching payload (then the next entry or the default answers). */
  readonly times?: number;
}

export interface OpenAIServerOptions {
  /** 0 (default): any free port. */
  readonly port?: number;
  /** Default wait before each answer. */
  readonly latencyMs?: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 otherwise). */
  readonly apiKey?: string;
  readonly responder?: Responder;
  /** Answers by user-message substring, checked before `responder` (or the default). */
  readonly script?: readonly ScriptEntry[];
  /** Default responder: label by user-message substring (first match wins). */
  readonly labelMap?: Readonly<Record<string, string>>;
  /** Default responder: a label chooser; wins over `labelMap`. */
  readonly labelFor?: (input: ResponderInput) => string | undefined;
  /** Labels assumed when a request has no json_schema enum (unstructured judges). */
  readonly labels?: readonly string[];
  /** The model name answers report (and /v1/models lists); default: the model asked for. */
  readonly reportModel?: string;
  /** What GET /v1/models answers, as-is (to pose as Ollama, LM Studio, llama.cpp, vLLM); default: one model. */
  readonly models?: unknown;
  /** Refuse `response_format: json_schema` with a 400, in the words of llama.cpp servers that do. */
  readonly rejectResponseFormat?: boolean;
}

export interface OpenAIServer {
  /** `http://127.0.0.1:PORT/v1`, ready for the SDK's `baseURL`. */
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Replace the responder; undefined restores the default (the script, if any, still applies first). */
  setResponder(responder: Responder | undefined): void;
  /** Destroys open sockets (hung ones too) and stops listening. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Deterministic answers: `labelFor`, else the first `labelMap` key found in the user message, else the first
 * label of the enum (or of `labels`), else "yes". The explanation names the request, so tests can tell rows apart.
 */
export function defaultResponder(options: Pick<OpenAIServerOptions, 'labelFor' | 'labelMap'> = {}): Responder {
  const map = Object.entries(options.labelMap ?? {});
  return (input) => {
    const label = options.labelFor?.(input) ?? map.find(([when]) => input.userText.includes(when))?.[1] ?? input.labels[0] ?? 'yes';
    return { answer: { label, explanation: `Scripted answer ${input.index + 1}: judged "${label}".` } };
  };
}

/** The first entry whose `when` is in the user message (and whose `times` is not used up) answers. */
export function scriptResponder(script: readonly ScriptEntry[], fallback: Responder = defaultResponder()): Responder {
  return (input) => {
    const entry = script.find((s) => input.userText.includes(s.when) && (s.times === undefined || input.attempt < s.times));
    return entry ? entry.reply : fallback(input);
  };
}

/** Keyed by user-message substring; a string value is shorthand for an answer with that label. */
export function tableResponder(table: Readonly<Record<string, Reply | string>>, fallback: Responder = defaultResponder()): Responder {
  const entries = Object.entries(table);
  return (input) => {
    const hit = entries.find(([when]) => input.userText.includes(when));
    if (!hit) return fallback(input);
    const reply = hit[1];
    return typeof reply === 'string' ? { answer: { label: reply, explanation: `Scripted: "${hit[0]}" is ${reply}.` } } : reply;
  };
}

/** The first request that matches (a user-message substring, or a predicate) gets `reply`; all others the fallback. */
export function faultOnce(match: string | ((input: ResponderInput) => boolean), reply: Reply, fallback: Responder = defaultResponder()): Responder {
  let used = false;
  const matches = typeof match === 'string' ? (input: ResponderInput) => input.userText.includes(match) : match;
  return (input) => {
    if (!used && matches(input)) {
      used = true;
      return reply;
    }
    return fallback(input);
  };
}

/** Replies in arrival order; after the last, `then` answers (default: the last reply again). */
export function sequenceResponder(replies: readonly Reply[], then?: Responder): Responder {
  if (replies.length === 0) throw new Error('sequenceResponder needs at least one reply');
  let next = 0;
  return (input) => {
    if (next < replies.length) return replies[next++]!;
    return then ? then(input) : replies[replies.length - 1]!;
  };
}

/** Whitespace-separated tokens: deterministic and good enough for usage figures. */
export const countTokens = (text: string): number => (text.match(/\S+/g) ?? []).length;

function errorBody(status: number, message?: string): { error: { message: string; type: string; param: null; code: string | null } } {
  const known: Record<number, [string, string, string | null]> = {
    400: ['Bad request (scripted).', 'invalid_request_error', null],
    401: ['Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'],
    403: ['You are not allowed to use this model.', 'invalid_request_error', 'model_not_allowed'],
    404: ['The model does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found'],
    429: ['Rate limit reached for requests (scripted).', 'requests', 'rate_limit_exceeded'],
  };
  const [text, type, code] = known[status] ?? [`The server had an error while processing your request (scripted ${status}).`, 'server_error', null];
  return { error: { message: message ?? text, type, param: null, code } };
}

/**
 * Strict structured outputs, as OpenAI checks them: every object has `additionalProperties: false` and lists
 * all its properties in `required`. Returns the first violation, or undefined.
 */
export function strictSchemaProblem(schema: unknown, where = '(root)'): string | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' || s.properties !== undefined) {
    if (s.additionalProperties !== false) return `In context=${where}, 'additionalProperties' is required to be supplied and to be false.`;
    const props = Object.keys((s.properties as Record<string, unknown> | undefined) ?? {});
    const required = Array.isArray(s.required) ? (s.required as unknown[]) : [];
    const missing = props.filter((p) => !required.includes(p));
    if (missing.length > 0) return `In context=${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`;
  }
  const children: [string, unknown][] = [];
  for (const [k, v] of Object.entries((s.properties as Record<string, unknown> | undefined) ?? {})) children.push([`${where}.properties.${k}`, v]);
  if (s.items) children.push([`${where}.items`, s.items]);
  for (const key of ['anyOf', '$defs', 'definitions'] as const) {
    const group = s[key];
    if (Array.isArray(group)) group.forEach((v, i) => children.push([`${where}.${key}.${i}`, v]));
    else if (group && typeof group === 'object') for (const [k, v] of Object.entries(group)) children.push([`${where}.${key}.${k}`, v]);
  }
  for (const [path, child] of children) {
    const problem = strictSchemaProblem(child, path);
    if (problem) return problem;
  }
  return undefined;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join('');
  return '';
}

/** Checks beyond the schema that the real API makes. */
function semanticProblem(body: ChatRequestBody): string | undefined {
  if (body.stream) return 'Streaming is not supported by this test server: send stream absent or false.';
  const format = body.response_format;
  if (format?.type === 'json_object' && !body.messages.some((m) => /json/i.test(contentText(m.content)))) {
    return "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.";
  }
  if (format?.type === 'json_schema' && format.json_schema.strict) {
    const problem = strictSchemaProblem(format.json_schema.schema);
    if (problem) return `Invalid schema for response_format '${format.json_schema.name}': ${problem}`;
  }
  return undefined;
}

function enumLabels(body: ChatRequestBody): string[] | undefined {
  if (body.response_format?.type !== 'json_schema') return undefined;
  const properties = body.response_format.json_schema.schema.properties as Record<string, { enum?: unknown[] }> | undefined;
  return properties?.label?.enum?.map(String);
}

export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const requests: RecordedRequest[] = [];
  const seen = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const fallback = defaultResponder(options);
  const withScript = (r: Responder) => (options.script ? scriptResponder(options.script, r) : r);
  let responder = withScript(options.responder ?? fallback);
  let index = 0;
  let closing: Promise<void> | undefined;

  const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed || res.headersSent) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  const invalid = (res: http.ServerResponse, status: number, message: string) => sendJson(res, status, errorBody(status, message));
  const later = (ms: number, fn: () => void) => {
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    // A pending answer must not keep node alive on its own; the client's socket does that while it waits.
    t.unref();
    timers.add(t);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      const message = req.headers.authorization ? 'Incorrect API key provided.' : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.";
      return sendJson(res, 401, errorBody(401, message));
    }
    if (req.method === 'GET' && url.pathname === '/stats') return sendJson(res, 200, { requests: requests.length });
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      return sendJson(res, 200, options.models ?? { object: 'list', data: [{ id: options.reportModel ?? 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'judge-align-test' }] });
    }
    if (url.pathname !== '/v1/chat/completions') return invalid(res, 404, `Invalid URL (${req.method} ${url.pathname})`);
    if (req.method !== 'POST') return invalid(res, 405, `Method ${req.method} not allowed on ${url.pathname}: use POST.`);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return invalid(res, 400, 'We could not parse the JSON body of your request.');
    }
    const parsed = requestSchema.safeParse(json);
    if (!parsed.success) {
      return invalid(res, 400, `Invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
    }
    const body = parsed.data;
    const problem = semanticProblem(body);
    if (problem) return invalid(res, 400, problem);
    if (options.rejectResponseFormat && body.response_format?.type === 'json_schema') {
      return invalid(res, 400, 'response_format type must be one of "text" or "json_object", but got: json_schema');
    }

    const text = (role: string) => body.messages.filter((m) => m.role === role).map((m) => contentText(m.content)).join('\n');
    const userText = text('user');
    const systemText = text('system');
    const key = JSON.stringify(body.messages);
    const attempt = seen.get(key) ?? 0;
    seen.set(key, attempt + 1);
    const input: ResponderInput = { body, index: index++, userText, systemText, attempt, labels: enumLabels(body) ?? [...(options.labels ?? [])] };
    let reply: Reply;
    try {
      reply = responder(input);
    } catch (err) {
      // A throwing responder is a bug in the test: make it loud in the response rather than crash the server.
      reply = { status: 500, message: `The test responder threw: ${err instanceof Error ? err.message : String(err)}` };
    }
    requests.push({ index: input.index, at: Date.now(), body, authorization: req.headers.authorization, userText, attempt, reply });
    if ('hang' in reply) return;
    later(reply.latencyMs ?? options.latencyMs ?? 0, () => {
      if (res.destroyed) return;
      if ('reset' in reply) return void req.socket.destroy();
      if ('status' in reply) {
        const headers: Record<string, string> = {};
        if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
        if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
        return sendJson(res, reply.status, reply.body ?? errorBody(reply.status, reply.message), headers);
      }
      const content = 'answer' in reply ? JSON.stringify({ explanation: reply.answer.explanation, label: reply.answer.label }) : reply.content;
      const promptTokens = countTokens(userText) + countTokens(systemText);
      const completionTokens = countTokens(content);
      sendJson(res, 200, {
        id: `chatcmpl-test-${input.index}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: options.reportModel ?? body.model,
        choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: reply.finishReason ?? 'stop', logprobs: null }],
        ...(reply.omitUsage ? {} : { usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } }),
        system_fingerprint: 'fp_judge_align_test',
      });
    });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    setResponder(r) {
      responder = withScript(r ?? fallback);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

const USAGE = `Usage: node --import tsx test/support/openaiServer.ts [options]
  --port N              port on 127.0.0.1 (default 0: any free port)
  --latency-ms N        wait before each answer (default 0)
  --labels a,b          labels assumed when a request has no json_schema enum (the default answer is the first)
  --label-map file.json {"user-message substring": "label", ...} for the default answer
  --script file.json    [{"when": "substring", "reply": {...}, "times"?: N}, ...]
  --api-key KEY         require Authorization: Bearer KEY
  --max-seconds N       exit after N seconds (default 1800)
  --report-model NAME   the model name answers report (default: the one asked for)
  --labels-from file.jsonl --id-field ID --label-field NAME --text-field NAME --agree 0.8
                        demo answers: the row's human label, disagreeing on a stable share of rows
  --pairs-from file.jsonl
                        demo answers for a pairwise judge (fields id, output_1, output_2, preferred 1|2):
                        the human's choice on most pairs, the response shown first on a stable share
Prints {"baseUrl": ..., "port": ...} as one line on stdout. Exits by itself after --max-seconds, when stdin
closes (when it is a pipe) or when its parent process dies.`;

/**
 * CLI mode, for UI tests, benches and the try-it script (which run it as a child process).
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  const known = new Set(['port', 'latency-ms', 'labels', 'label-map', 'script', 'api-key', 'max-seconds', 'labels-from', 'id-field', 'label-field', 'text-field', 'agree', 'report-model', 'pairs-from']);
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.replace(/^--/, '');
    if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const value = argv[i + 1];
    if (!argv[i]!.startsWith('--') || !known.has(name) || value === undefined) {
      process.stderr.write(`openaiServer: ${value === undefined && known.has(name) ? `--${name} needs a value` : `unknown argument "${argv[i]}"`}.\n${USAGE}\n`);
      process.exit(2);
    }
    values.set(name, value);
    i++;
  }
  const num = (name: string, fallbackValue: number) => {
    const v = values.get(name);
    if (v === undefined) return fallbackValue;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) {
      process.stderr.write(`openaiServer: --${name} must be a number ≥ 0, got "${v}".\n`);
      process.exit(2);
    }
    return n;
  };
  const readJson = <T>(name: string): T | undefined => {
    const file = values.get(name);
    return file === undefined ? undefined : (JSON.parse(fs.readFileSync(file, 'utf8')) as T);
  };
  const server = await startOpenAIServer({
    port: num('port', 0),
    latencyMs: num('latency-ms', 0),
    apiKey: values.get('api-key'),
    labels: values.get('labels')?.split(',').map((l) => l.trim()).filter(Boolean),
    labelMap: readJson<Record<string, string>>('label-map'),
    script: readJson<ScriptEntry[]>('script'),
    reportModel: values.get('report-model'),
    labelFor: firstOf(
      demoPairs(values.get('pairs-from')),
      demoLabels(values.get('labels-from'), values.get('id-field') ?? 'id', values.get('label-field') ?? 'label', num('agree', 0.8), values.get('text-field')),
    ),
  });
  process.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl, port: server.port })}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  };
  setTimeout(stop, num('max-seconds', 1800) * 1000).unref();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // stdin closing means the parent is gone (or done with us), but only when stdin is a pipe: with
  // `stdio: 'ignore'` it is /dev/null and ends at once, and a terminal never ends.
  if (stdinIsPipe()) {
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.resume();
  }
  // A parent killed with SIGKILL may leave our stdin open (inherited elsewhere): watch its pid too. This
  // interval is also what keeps the process alive, since the server itself is unref()'d.
  const parent = process.ppid;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      stop();
    }
  }, 500);
}

function stdinIsPipe(): boolean {
  try {
    const stat = fs.fstatSync(0);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}

/** What the demo's answers say answered them: shown wherever a run's model is, so nobody mistakes it for a model. */
export const DEMO_MODEL = 'judge-align-demo (scripted answers, not a model)';

/**
 * The arguments of the offline demo endpoint `scripts/try.sh` starts (this file in CLI mode), in one place so the
 * tour's UI test runs the very same demo: the sample's human label on 82% of rows by id, a little latency, and
 * the model name that says it is scripted.
 */
export function demoServerArgs(): string[] {
  const sample = path.resolve(__dirname, '..', '..', 'samples', 'halueval', 'halueval-200.jsonl');
  const pairs = path.resolve(__dirname, '..', '..', 'samples', 'mtbench-pairs', 'mtbench-pairs-100.jsonl');
  return ['--latency-ms', '40', '--pairs-from', pairs, '--labels-from', sample, '--id-field', 'ID', '--label-field', 'hallucination', '--text-field', 'user_query', '--agree', '0.82', '--max-seconds', '86400', '--report-model', DEMO_MODEL];
}

function firstOf(...choosers: OpenAIServerOptions['labelFor'][]): OpenAIServerOptions['labelFor'] {
  const set = choosers.filter((c): c is NonNullable<typeof c> => c !== undefined);
  return set.length === 0 ? undefined : (input) => set.reduce<string | undefined>((found, c) => found ?? c(input), undefined);
}

/**
 * Where a row id falls in [0, 1), the same on every run (sha256: neighbouring ids land far apart). Salted: the
 * unsalted hash is the dev/test split's, and the demo's right answers were then exactly the dev split (dev 89%,
 * test 0%).
 */
export function stableShare(id: string): number {
  return createHash('sha256').update(`demo-pair\0${id}`, 'utf8').digest().readUInt32BE(0) / 2 ** 32;
}

/** The demo's pairwise judge, by the pair's id: the human's choice on 65% of pairs, "A" on 25%, the other one on 10%. */
export const DEMO_PAIR_SHARES = { right: 0.65, firstShown: 0.25 } as const;

/**
 * For demos of a pairwise judge: find the pair both of whose responses the prompt shows, and answer like a judge
 * with a position bias. Most pairs get the human's choice in both orders, a stable share always gets "A" (the
 * response shown first: inconsistent across orders) and the rest the other response in both orders.
 */
export function demoPairs(file: string | undefined): OpenAIServerOptions['labelFor'] {
  if (!file) return undefined;
  const pairs = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { id: string; output_1: string; output_2: string; preferred: string | number });
  return (input) => {
    if (!input.labels.includes('A') || !input.labels.includes('B')) return undefined;
    for (const p of pairs) {
      if (p.output_1 === p.output_2) continue;
      const at1 = input.userText.indexOf(p.output_1);
      const at2 = input.userText.indexOf(p.output_2);
      if (at1 < 0 || at2 < 0) continue;
      const share = stableShare(p.id);
      if (share >= DEMO_PAIR_SHARES.right && share < DEMO_PAIR_SHARES.right + DEMO_PAIR_SHARES.firstShown) return 'A';
      const preferredFirst = (String(p.preferred) === '1') === at1 < at2;
      const right = preferredFirst ? 'A' : 'B';
      return share < DEMO_PAIR_SHARES.right ? right : right === 'A' ? 'B' : 'A';
    }
    return undefined;
  };
}

/**
 * For demos: answer with the human label of the row whose text appears in the prompt, except for a
 * deterministic share of rows where it answers another label, so there are mismatches to look at.
 */
function demoLabels(file: string | undefined, idField: string, labelField: string, agree: number, textField = 'user_query'): OpenAIServerOptions['labelFor'] {
  if (!file) return undefined;
  const rows = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return (input) => {
    const row = rows.find((r) => typeof r[textField] === 'string' && input.userText.includes(r[textField]));
    if (!row) return undefined;
    const human = String(row[labelField]);
    let h = 0;
    for (const c of String(row[idField])) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    if ((h % 1000) / 1000 < agree) return human;
    return input.labels.find((l) => l !== human) ?? human;
  };
}

if (require.main === module) {
  runCli(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`openaiServer: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
