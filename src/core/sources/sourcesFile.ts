import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { urlCredentials } from '../redact';

/**
 * `judge-align.sources.json` at the workspace root: what to pull from where, so a teammate or CI re-pulls the
 * same data with `judge-align pull`. It never holds keys: those come from SecretStorage or the environment.
 */
export const SOURCES_FILE = 'judge-align.sources.json';

const isoTime = z.iso.datetime({ offset: true });
const endpoint = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));
const name = z.string().min(1).regex(/^[^/\\?#]+$/, 'a source name cannot contain / \\ ? or #');

const common = {
  name,
  /** The cache dataset the examples land in; defaults to the source name. */
  dataset: z.string().min(1).optional(),
  endpoint,
  /** Only these annotation (feedback, score) names are kept; all when absent. */
  annotationNames: z.array(z.string().min(1)).optional(),
  pageSize: z.number().int().min(1).max(1000).optional(),
};

const timeRange = { startTime: isoTime.optional(), endTime: isoTime.optional() };

export const phoenixSourceSchema = z
  .object({
    kind: z.literal('phoenix'),
    ...common,
    project: z.string().min(1).optional(),
    datasetId: z.string().min(1).optional(),
    filters: z
      .object({ rootSpansOnly: z.boolean().optional(), spanKinds: z.array(z.string().min(1)).optional(), ...timeRange })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => (s.project === undefined) !== (s.datasetId === undefined), { message: 'a Phoenix source names either "project" or "datasetId", not both' });

export const langsmithSourceSchema = z
  .object({
    kind: z.literal('langsmith'),
    ...common,
    /** Tracing project (session) id; runs come from POST /runs/query. */
    projectId: z.string().min(1).optional(),
    datasetId: z.string().min(1).optional(),
    filters: z.object({ rootRunsOnly: z.boolean().optional(), runType: z.string().min(1).optional(), filter: z.string().min(1).optional(), ...timeRange }).strict().optional(),
  })
  .strict()
  .refine((s) => (s.projectId === undefined) !== (s.datasetId === undefined), { message: 'a LangSmith source names either "projectId" or "datasetId", not both' });

export const langfuseSourceSchema = z
  .object({
    kind: z.literal('langfuse'),
    ...common,
    filters: z
      .object({ rootOnly: z.boolean().optional(), type: z.string().min(1).optional(), name: z.string().min(1).optional(), environment: z.string().min(1).optional(), ...timeRange })
      .strict()
      .optional(),
  })
  .strict();

export const arizeSourceSchema = z
  .object({
    kind: z.literal('arize'),
    ...common,
    /** Arize AX project id (or its name, with "space") for POST /v2/spans. */
    projectId: z.string().min(1).optional(),
    /** The space holding the project: needed only when "projectId" is a name. */
    space: z.string().min(1).optional(),
    /** Or a spans export (JSON array or JSON Lines of AX spans), relative to the workspace. */
    file: z.string().min(1).optional(),
    filters: z.object({ filter: z.string().min(1).optional(), ...timeRange }).strict().optional(),
  })
  .strict()
  .refine((s) => (s.projectId === undefined) !== (s.file === undefined), { message: 'an Arize AX source names either "projectId" or "file", not both' });

export const sourceConfigSchema = z.union([phoenixSourceSchema, langsmithSourceSchema, langfuseSourceSchema, arizeSourceSchema]);

export type PhoenixSourceConfig = z.infer<typeof phoenixSourceSchema>;
export type LangSmithSourceConfig = z.infer<typeof langsmithSourceSchema>;
export type LangfuseSourceConfig = z.infer<typeof langfuseSourceSchema>;
export type ArizeSourceConfig = z.infer<typeof arizeSourceSchema>;
export type SourceConfig = z.infer<typeof sourceConfigSchema>;

export const sourcesFileSchema = z
  .object({
    version: z.literal(1),
    sources: z.array(z.unknown()),
  })
  .strict();

export interface SourcesFile {
  readonly version: 1;
  readonly sources: SourceConfig[];
}

/** The file is wrong: the message names the file, the source and the field. */
export class SourcesFileError extends Error {
  override readonly name = 'SourcesFileError';
}

/** Keys belong in SecretStorage or the environment; a file in git must never carry one. */
const SECRET_KEYS = /^(api_?key|apikey|secret|secret_?key|public_?key|token|password|authorization)$/i;

export function parseSourcesFile(text: string, file = SOURCES_FILE): SourcesFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SourcesFileError(`${file} is not valid JSON (${e instanceof Error ? e.message : String(e)}); fix it or delete it and add the source again.`);
  }
  const secret = findSecret(raw);
  if (secret) throw new SourcesFileError(`${file} holds a key at "${secret}": remove it; keys live in the environment or the editor's secret storage, never in a file that may be committed.`);
  const top = sourcesFileSchema.safeParse(raw);
  if (!top.success) throw new SourcesFileError(`${file}: ${describe(top.error)}. Expected {"version": 1, "sources": [...]}.`);
  const sources: SourceConfig[] = [];
  const seen = new Set<string>();
  top.data.sources.forEach((entry, i) => {
    const parsed = sourceConfigSchema.safeParse(entry);
    const label = typeof entry === 'object' && entry !== null && typeof (entry as { name?: unknown }).name === 'string' ? `"${(entry as { name: string }).name}"` : `#${i + 1}`;
    if (!parsed.success) throw new SourcesFileError(`${file}, source ${label}: ${describe(parsed.error)}.`);
    const inUrl = urlCredentials(parsed.data.endpoint);
    if (inUrl) throw new SourcesFileError(`${file}, source ${label}: the endpoint URL holds a credential (${inUrl}); remove it from the URL: keys live in the environment or the editor's secret storage, never in a file that may be committed.`);
    if (seen.has(parsed.data.name)) throw new SourcesFileError(`${file}: two sources are named "${parsed.data.name}"; names must be unique.`);
    seen.add(parsed.data.name);
    sources.push(parsed.data);
  });
  return { version: 1, sources };
}

export function readSourcesFile(workspaceRoot: string): SourcesFile {
  const file = path.join(workspaceRoot, SOURCES_FILE);
  if (!fs.existsSync(file)) return { version: 1, sources: [] };
  return parseSourcesFile(fs.readFileSync(file, 'utf8'), file);
}

/** Adds or replaces the source with the same name; other entries stay as they were. */
export function upsertSource(file: SourcesFile, source: SourceConfig): SourcesFile {
  const rest = file.sources.filter((s) => s.name !== source.name);
  return { version: 1, sources: [...rest, source] };
}

export function writeSourcesFile(workspaceRoot: string, file: SourcesFile): void {
  const target = path.join(workspaceRoot, SOURCES_FILE);
  const temp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`);
  fs.renameSync(temp, target);
}

export function datasetOf(source: SourceConfig): string {
  return source.dataset ?? source.name;
}

function findSecret(value: unknown, at = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const here = at ? `${at}.${k}` : k;
    if (SECRET_KEYS.test(k) && typeof v === 'string' && v !== '') return here;
    const inner = findSecret(v, here);
    if (inner) return inner;
  }
  return undefined;
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? `"${i.path.join('.')}"` : 'the entry'} ${i.message}`).join('; ');
}
