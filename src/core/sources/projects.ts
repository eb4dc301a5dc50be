import { listProjects as listArizeProjects } from '@arizeai/ax-client';
import { z } from 'zod';
import { arizeClient } from './arize/arizeSource';
import type { SourceKeys } from './connect';
import { langsmithClient } from './langsmith/langsmithSource';
import { checkPayload, throughClient } from './payload';
import { phoenixClient } from './phoenix/phoenixSource';

/** A project to pick in the pull wizard: `value` is what the sources file stores ("project" or "projectId"). */
export interface ProjectChoice {
  readonly value: string;
  readonly name: string;
  readonly detail?: string;
}

/** Enough to choose from; a workspace with more finds its project by typing its id or name. */
const MAX_PROJECTS = 500;

const phoenixProjectsPage = z.looseObject({ data: z.array(z.looseObject({ id: z.string(), name: z.string(), description: z.string().nullish() })), next_cursor: z.string().nullish() });
const langsmithProject = z.looseObject({ id: z.string(), name: z.string(), description: z.string().nullish(), start_time: z.string().nullish() });

/**
 * The projects a key can read, for the pull wizard to offer: Phoenix `GET /v1/projects`, LangSmith tracing projects
 * (`GET /sessions`), Arize AX `GET /v2/projects` (of one space, when given). Langfuse keys belong to one project,
 * so there is nothing to pick there.
 */
export async function listSourceProjects(kind: 'phoenix' | 'langsmith' | 'arize', endpoint: string, keys: SourceKeys, options: { space?: string; signal?: AbortSignal } = {}): Promise<ProjectChoice[]> {
  const { signal } = options;
  const out: ProjectChoice[] = [];
  if (kind === 'phoenix') {
    const client = phoenixClient({ endpoint, ...(keys.PHOENIX_API_KEY ? { apiKey: keys.PHOENIX_API_KEY } : {}) }, signal);
    let cursor: string | undefined;
    do {
      const { data } = await client.GET('/v1/projects', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } });
      const page = checkPayload('phoenix', phoenixProjectsPage, data, 'projects page');
      out.push(...page.data.map((p) => ({ value: p.name, name: p.name, ...(p.description ? { detail: p.description } : {}) })));
      cursor = page.next_cursor ?? undefined;
    } while (cursor && out.length < MAX_PROJECTS);
  } else if (kind === 'langsmith') {
    const client = langsmithClient({ endpoint, ...(keys.LANGSMITH_API_KEY ? { apiKey: keys.LANGSMITH_API_KEY } : {}) }, signal);
    await throughClient('langsmith', async () => {
      for await (const raw of client.listProjects({ referenceFree: true })) {
        const p = checkPayload('langsmith', langsmithProject, raw, 'project');
        out.push({ value: p.id, name: p.name, detail: p.id });
        if (out.length >= MAX_PROJECTS) break;
      }
    });
  } else {
    const client = arizeClient({ endpoint, ...(keys.ARIZE_API_KEY ? { apiKey: keys.ARIZE_API_KEY } : {}) }, signal);
    let cursor: string | undefined;
    do {
      const page = await listArizeProjects({ client, limit: 100, ...(options.space ? { space: options.space } : {}), ...(cursor ? { cursor } : {}) });
      out.push(...page.data.map((p) => ({ value: p.id, name: p.name, detail: p.id })));
      cursor = page.pagination.hasMore ? page.pagination.nextCursor : undefined;
    } while (cursor && out.length < MAX_PROJECTS);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
