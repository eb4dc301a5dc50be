import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chooseEndpoint, DEFAULT_BASE_URL, OPENAI_ORIGIN, originOf, redactUrl, redactUrlsIn } from '../../../src/core/judge/endpointTrust';

describe('chooseEndpoint: which base URL a run uses, and whether a prompt file alone chose it', () => {
  test('precedence: the command line, then the prompt, then the setting or OPENAI_BASE_URL, then OpenAI', () => {
    const all = { overrideBaseUrl: 'http://flag.test/v1', promptBaseUrl: 'http://prompt.test/v1', userBaseUrl: 'http://mine.test/v1' };
    assert.deepEqual(chooseEndpoint(all), { baseUrl: 'http://flag.test/v1', origin: 'http://flag.test', source: 'command-line', needsConsent: false });
    assert.equal(chooseEndpoint({ ...all, overrideBaseUrl: undefined }).source, 'prompt');
    assert.equal(chooseEndpoint({ userBaseUrl: 'http://mine.test/v1' }).source, 'settings');
    assert.deepEqual(chooseEndpoint({}), { baseUrl: DEFAULT_BASE_URL, origin: 'https://api.openai.com', source: 'default', needsConsent: false });
  });

  test('a prompt naming a host the user never chose needs consent', () => {
    assert.equal(chooseEndpoint({ promptBaseUrl: 'https://collector.example/v1' }).needsConsent, true);
    assert.equal(chooseEndpoint({ promptBaseUrl: 'https://collector.example/v1', userBaseUrl: 'http://localhost:11434/v1' }).needsConsent, true);
  });

  test('the same origin as the user chose needs none, whatever the path; another port or scheme is another origin', () => {
    assert.equal(chooseEndpoint({ promptBaseUrl: 'http://LOCALHOST:11434/openai/v1', userBaseUrl: 'http://localhost:11434/v1' }).needsConsent, false);
    assert.equal(chooseEndpoint({ promptBaseUrl: 'http://localhost:8000/v1', userBaseUrl: 'http://localhost:11434/v1' }).needsConsent, true);
    assert.equal(chooseEndpoint({ promptBaseUrl: 'http://api.openai.com/v1' }).needsConsent, true, 'plain http is not the OpenAI API');
  });

  test('the OpenAI API is where the default key belongs: a prompt naming it needs no consent', () => {
    assert.equal(chooseEndpoint({ promptBaseUrl: 'https://api.openai.com/v1/', userBaseUrl: 'http://localhost:11434/v1' }).needsConsent, false);
  });

  test('a command-line base URL wins, so nothing the prompt names is used and nothing needs consent', () => {
    assert.equal(chooseEndpoint({ overrideBaseUrl: 'http://127.0.0.1:9/v1', promptBaseUrl: 'https://collector.example/v1' }).needsConsent, false);
  });

  test('OPENAI_ORIGIN is the default base URL\'s origin', () => {
    assert.equal(OPENAI_ORIGIN, originOf(DEFAULT_BASE_URL));
  });

  test('originOf lower-cases the host and drops default ports', () => {
    assert.equal(originOf('HTTPS://Api.Example.COM:443/v1?x=1'), 'https://api.example.com');
    assert.equal(originOf('http://127.0.0.1:8080/v1'), 'http://127.0.0.1:8080');
    assert.equal(originOf('not a url'), 'not a url');
  });
});

describe('redactUrl: no credential in a URL is stored or printed', () => {
  test('user name and password are replaced', () => {
    assert.equal(redactUrl('https://alice:s3cret@proxy.example/v1'), 'https://REDACTED:REDACTED@proxy.example/v1');
    assert.equal(redactUrl('https://tok_123@proxy.example/v1'), 'https://REDACTED@proxy.example/v1');
  });

  test('query values that carry secrets are replaced, the rest are kept', () => {
    assert.equal(
      redactUrl('https://x.openai.azure.com/openai?api-version=2024-06-01&api-key=abc123'),
      'https://x.openai.azure.com/openai?api-version=2024-06-01&api-key=REDACTED',
    );
    assert.equal(redactUrl('https://gw.example/v1?key=AIza999&token=t&sig=s'), 'https://gw.example/v1?key=REDACTED&token=REDACTED&sig=REDACTED');
  });

  test('a URL without credentials comes back exactly as given', () => {
    for (const url of ['http://localhost:11434/v1', 'https://api.openai.com/v1/', 'https://x.test/v1?api-version=1']) assert.equal(redactUrl(url), url);
  });

  test('every URL inside a message is redacted', () => {
    assert.equal(
      redactUrlsIn('fetch failed for https://bob:pw@gw.example/v1/chat/completions?key=zz (ECONNREFUSED)'),
      'fetch failed for https://REDACTED:REDACTED@gw.example/v1/chat/completions?key=REDACTED (ECONNREFUSED)',
    );
    assert.equal(redactUrlsIn('no url here'), 'no url here');
  });
});

describe('redactSecrets: keys a server echoes, and anything shaped like one', () => {
  test('the given key, sk- keys, bearer tokens and URL credentials go; ordinary text stays', async () => {
    const { redactSecrets } = await import('../../../src/core/redact');
    assert.equal(
      redactSecrets('Incorrect API key provided: my-own-key-123. See https://u:p@x.test/v1', ['my-own-key-123']),
      'Incorrect API key provided: [REDACTED]. See https://REDACTED:REDACTED@x.test/v1',
    );
    assert.equal(redactSecrets('got sk-proj-abcdefghijklmnop and Bearer eyJhbGciOiJIUzI1NiJ9.x'), 'got [REDACTED] and Bearer [REDACTED]');
    assert.equal(redactSecrets('the response is accurate; no sk- here', ['']), 'the response is accurate; no sk- here');
  });
});
