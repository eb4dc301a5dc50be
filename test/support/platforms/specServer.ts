import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * A local HTTP server that checks every request against an OpenAPI document (path, query and body schemas of the
 * matched operation, `$ref`s resolved) and every JSON response it sends against that operation's response schema.
 * Anything off is recorded in `violations`; tests assert it stays empty, so our clients and our fixtures both
 * have to speak the real API.
 */

type Json = Record<string, unknown>;

export interface RouteRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly headers: http.IncomingHttpHeaders;
}

export interface RouteResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Sent as is and not validated: for tests of malformed payloads. */
  readonly raw?: string;
}

export interface SpecRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path template exactly as the spec spells it (without the server's base path). */
  readonly path: string;
  /** True when the spec lacks this operation (say why at the route): requests are not spec-validated. */
  readonly unspecified?: boolean;
  handle(req: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly route: string;
  readonly url: string;
  readonly body: unknown;
  readonly status: number;
}

export interface SpecServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly violations: string[];
  /** The next requests to `METHOD /template` get these answers first (faults: 401, 429, 500, bad bodies). */
  inject(route: string, responses: RouteResponse[]): void;
  close(): Promise<void>;
}

export interface SpecServerOptions {
  readonly spec: Json;
  readonly routes: readonly SpecRoute[];
  /** Prefix in front of the spec's paths (Langfuse's spec paths already include /api/public). */
  readonly basePath?: string;
  /** Returns false to answer 401 (the real platforms' answer to a bad key). */
  readonly authorize?: (headers: http.IncomingHttpHeaders) => boolean;
  readonly headers?: Record<string, string>;
}

export async function startSpecServer(options: SpecServerOptions): Promise<SpecServer> {
  const validator = new SpecValidator(options.spec);
  // Compiling a large spec takes seconds: do it before listening so no client sees a slow first answer.
  for (const route of options.routes) if (!route.unspecified) validator.warm(route);
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const injected = new Map<string, RouteResponse[]>();
  const base = options.basePath ?? '';

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          violations.push(`${req.method} ${url.pathname}: request body is not JSON`);
        }
      }
      const method = (req.method ?? 'GET').toUpperCase();
      const local = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : url.pathname;
      const match = matchRoute(options.routes, method, local);
      const send = (response: RouteResponse, routeKey: string) => {
        requests.push({ method, route: routeKey, url: url.pathname + url.search, body, status: response.status });
        const headers: Record<string, string> = { ...(options.headers ?? {}), ...(response.headers ?? {}) };
        if (response.raw !== undefined) {
          res.writeHead(response.status, { 'content-type': 'application/json', ...headers });
          res.end(response.raw);
          return;
        }
        if (response.body === undefined) {
          res.writeHead(response.status, headers);
          res.end();
          return;
        }
        res.writeHead(response.status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(response.body));
      };
      if (!match) {
        violations.push(`${method} ${url.pathname}: no such route in the test server`);
        send({ status: 404, body: { detail: 'Not Found' } }, `${method} ?`);
        return;
      }
      const routeKey = `${method} ${match.route.path}`;
      const request: RouteRequest = { method, path: local, params: match.params, query: url.searchParams, body, headers: req.headers };
      if (!match.route.unspecified) violations.push(...validator.checkRequest(match.route, request));
      if (options.authorize && !options.authorize(req.headers)) {
        send({ status: 401, body: { detail: 'Invalid authentication credentials' } }, routeKey);
        return;
      }
      const queue = injected.get(routeKey);
      const fault = queue?.shift();
      if (fault) {
        send(fault, routeKey);
        return;
      }
      let response: RouteResponse;
      try {
        response = await match.route.handle(request);
      } catch (e) {
        violations.push(`${routeKey}: handler threw ${e instanceof Error ? e.message : String(e)}`);
        response = { status: 500, body: { detail: 'handler error' } };
      }
      if (!match.route.unspecified && response.raw === undefined) violations.push(...validator.checkResponse(match.route, response));
      send(response, routeKey);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    inject(route, responses) {
      injected.set(route, [...(injected.get(route) ?? []), ...responses]);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

function matchRoute(routes: readonly SpecRoute[], method: string, pathname: string): { route: SpecRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const names: string[] = [];
    const pattern = new RegExp(`^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`);
    const m = pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
    return { route, params };
  }
  return undefined;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Json;
}

/** Compiles the operation's schemas on first use; `$ref`s point into the whole document, added once. */
class SpecValidator {
  private readonly ajv: Ajv;
  private readonly coercing: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  private readonly spec: Json;

  constructor(document: Json) {
    // OpenAPI 3.0 says "nullable: true" where JSON Schema says "type: [..., 'null']": translate once, up front.
    const spec = String(document.openapi ?? '').startsWith('3.0') ? (nullableToJsonSchema(document) as Json) : document;
    this.spec = spec;
    const make = (coerce: boolean) => {
      const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, coerceTypes: coerce ? 'array' : false });
      addFormats(ajv);
      ajv.addSchema(spec, 'spec');
      return ajv;
    };
    this.ajv = make(false);
    this.coercing = make(true);
  }

  checkRequest(route: SpecRoute, req: RouteRequest): string[] {
    const op = this.operation(route);
    const where = `${route.method} ${route.path}`;
    if (!op) return [`${where}: not an operation of the spec`];
    const problems: string[] = [];
    const params = ((op.parameters as Parameter[] | undefined) ?? []).map((p) => this.deref(p) as unknown as Parameter);
    const known = new Set(params.filter((p) => p.in === 'query').map((p) => p.name));
    for (const key of new Set(req.query.keys())) if (!known.has(key)) problems.push(`${where}: query parameter "${key}" is not in the spec`);
    for (const p of params) {
      if (p.in !== 'query' && p.in !== 'path') continue;
      const values = p.in === 'path' ? (req.params[p.name] !== undefined ? [req.params[p.name]!] : []) : req.query.getAll(p.name);
      if (values.length === 0) {
        if (p.required) problems.push(`${where}: required ${p.in} parameter "${p.name}" missing`);
        continue;
      }
      const schema = p.schema ?? {};
      const data = { v: allowsArray(this.deref(schema)) ? values : values.length === 1 ? values[0] : values };
      const validate = this.compile(`${where}#param:${p.name}`, { type: 'object', properties: { v: schema } }, this.coercing);
      if (!validate(data)) problems.push(`${where}: parameter "${p.name}"=${JSON.stringify(values)}: ${this.coercing.errorsText(validate.errors)}`);
    }
    const body = (this.deref((op.requestBody as Json | undefined) ?? {}) as Json).content as Json | undefined;
    const bodySchema = (body?.['application/json'] as Json | undefined)?.schema as Json | undefined;
    if (bodySchema) {
      const validate = this.compile(`${where}#body`, bodySchema, this.ajv);
      if (!validate(req.body)) problems.push(`${where}: request body: ${this.ajv.errorsText(validate.errors)}`);
    } else if (req.body !== undefined && ['GET', 'DELETE'].includes(route.method)) {
      problems.push(`${where}: a body was sent but the spec defines none`);
    }
    return problems;
  }

  warm(route: SpecRoute): void {
    this.checkRequest(route, { method: route.method, path: route.path, params: {}, query: new URLSearchParams(), body: undefined, headers: {} });
    const responses = (this.operation(route)?.responses as Json | undefined) ?? {};
    for (const status of Object.keys(responses)) if (/^2\d\d$/.test(status)) this.checkResponse(route, { status: Number(status), body: {} });
  }

  checkResponse(route: SpecRoute, res: RouteResponse): string[] {
    const op = this.operation(route);
    const where = `${route.method} ${route.path} -> ${res.status}`;
    if (!op) return [];
    const responses = (op.responses as Json | undefined) ?? {};
    const entry = (responses[String(res.status)] ?? responses.default) as Json | undefined;
    if (!entry) return res.status >= 400 ? [] : [`${where}: status not in the spec`];
    const schema = (((this.deref(entry) as Json).content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
    if (!schema) return [];
    const validate = this.compile(`${where}#response`, schema, this.ajv);
    return validate(res.body) ? [] : [`${where}: response body: ${this.ajv.errorsText(validate.errors)}`];
  }

  private operation(route: SpecRoute): Json | undefined {
    const paths = this.spec.paths as Record<string, Json>;
    return paths[route.path]?.[route.method.toLowerCase()] as Json | undefined;
  }

  /** Schemas inside the operation may be `$ref`s into the document: rewrite them to point at the added copy. */
  private compile(key: string, schema: Json, ajv: Ajv): ValidateFunction {
    const cacheKey = `${ajv === this.ajv ? 'n' : 'c'}:${key}`;
    let fn = this.compiled.get(cacheKey);
    if (!fn) {
      fn = ajv.compile(rewriteRefs(schema) as Json);
      this.compiled.set(cacheKey, fn);
    }
    return fn;
  }

  private deref(node: unknown): Json {
    let current = node as Json;
    for (let i = 0; i < 10 && current && typeof current.$ref === 'string'; i++) {
      const pointer = (current.$ref as string).replace(/^#\//, '').split('/');
      let target: unknown = this.spec;
      for (const part of pointer) target = (target as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      current = target as Json;
    }
    return current;
  }
}

function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) out[k] = nullableToJsonSchema(v);
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    return out;
  }
  if (typeof out.$ref === 'string') {
    const { $ref, ...rest } = out;
    return { ...rest, anyOf: [{ $ref }, { type: 'null' }] };
  }
  if (Array.isArray(out.oneOf) || Array.isArray(out.anyOf) || Array.isArray(out.allOf)) return { anyOf: [out, { type: 'null' }] };
  return out;
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `spec${v}` : rewriteRefs(v);
  return out;
}

function allowsArray(schema: Json): boolean {
  if (schema.type === 'array') return true;
  const alternatives = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  return Array.isArray(alternatives) && alternatives.some((s) => s.type === 'array');
}
