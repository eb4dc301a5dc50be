import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SourceAuthError } from '../../../../src/core/sources/http';
import { listSourceProjects } from '../../../../src/core/sources/projects';
import { ARIZE_KEY, ARIZE_PROJECT, startArizeServer, type ArizeServer } from '../../../support/platforms/arizeServer';
import { LANGSMITH_KEY, LANGSMITH_PROJECT, startLangSmithServer, type LangSmithServer } from '../../../support/platforms/langsmithServer';
import { PHOENIX_KEY, startPhoenixServer, type PhoenixServer } from '../../../support/platforms/phoenixServer';

describe('projects to pick in the pull wizard', () => {
  let phoenix: PhoenixServer;
  let langsmith: LangSmithServer;
  let arize: ArizeServer;
  before(async () => {
    [phoenix, langsmith, arize] = await Promise.all([startPhoenixServer(), startLangSmithServer(), startArizeServer()]);
  });
  after(() => Promise.all([phoenix.close(), langsmith.close(), arize.close()]));

  it('lists Phoenix projects by name (what the sources file stores), validated against the spec', async () => {
    const projects = await listSourceProjects('phoenix', phoenix.url, { PHOENIX_API_KEY: PHOENIX_KEY });
    assert.deepEqual(projects.map((p) => [p.value, p.name]), [['default', 'default'], ['pxi', 'pxi'], ['support-bot', 'support-bot']]);
    assert.deepEqual(phoenix.violations, []);
  });

  it('lists LangSmith tracing projects by id', async () => {
    const projects = await listSourceProjects('langsmith', langsmith.url, { LANGSMITH_API_KEY: LANGSMITH_KEY });
    assert.deepEqual(projects.map((p) => p.name), ['agent-staging', 'qa-bot-prod']);
    assert.equal(projects.find((p) => p.name === 'qa-bot-prod')!.value, LANGSMITH_PROJECT);
  });

  it('lists Arize AX projects by id, of one space when given', async () => {
    assert.equal((await listSourceProjects('arize', arize.url, { ARIZE_API_KEY: ARIZE_KEY })).length, 2);
    const one = await listSourceProjects('arize', arize.url, { ARIZE_API_KEY: ARIZE_KEY }, { space: 'U3BhY2U6MQ==' });
    assert.deepEqual(one.map((p) => [p.value, p.name]), [[ARIZE_PROJECT, 'support-bot']]);
  });

  it('a refused key says which variable to set', async () => {
    await assert.rejects(listSourceProjects('langsmith', langsmith.url, { LANGSMITH_API_KEY: 'wrong' }), (e: unknown) => e instanceof SourceAuthError && /LANGSMITH_API_KEY/.test(e.message));
    await assert.rejects(listSourceProjects('phoenix', phoenix.url, {}), (e: unknown) => e instanceof SourceAuthError && /PHOENIX_API_KEY/.test(e.message));
  });
});
