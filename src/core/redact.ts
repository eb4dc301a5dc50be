// Secrets out of what is stored and printed. Credentials that people put into URLs (user:password@, ?api-key=,
// ?token=) are found, refused where a URL is written, and redacted wherever one is stored or printed; keys that a
// server echoes into an error body ("Incorrect API key provided: sk-...") are scrubbed from error text and raw
// answers. One list of what counts, for judges and sources alike.

// Query parameters that carry a secret in the wild: `?api-key=` (Azure), `?key=` (Google), `?token=`, signed URLs.
const SECRET_PARAM = /(key|token|secret|password|passwd|auth|sig|signature|credential)/i;
const REDACTED = 'REDACTED';

/**
 * The URL with its credentials replaced: user name and password, and the values of query parameters that look
 * like secrets. What run records, logs, errors and `--json` hold; the real URL is only ever given to the client.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  if (parsed.username || parsed.password) {
    parsed.username = parsed.username ? REDACTED : '';
    parsed.password = parsed.password ? REDACTED : '';
    changed = true;
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) {
      parsed.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  return changed ? parsed.toString() : url;
}

/**
 * What in a base URL is a credential ("a user name and password", "the query parameter api-key"), or undefined.
 * Such URLs are refused where a person writes them (front matter, --base-url, settings): a key belongs in Secret
 * Storage or OPENAI_API_KEY, where it is not copied into run records and diffs with the prompt text.
 */
export function urlCredentials(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.username || parsed.password) return 'a user name or password';
  const param = [...parsed.searchParams.keys()].find((name) => SECRET_PARAM.test(name));
  return param ? `the query parameter ${param}` : undefined;
}

/**
 * Redacts every URL inside a message (an error from a client library may quote the URL it called). Plain text
 * without URLs comes back unchanged.
 */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi, (url) => redactUrl(url));
}


// Shapes of keys worth scrubbing even when we were not told the key: OpenAI-style `sk-...`, and bearer tokens.
const KEY_SHAPES = [/\bsk-[A-Za-z0-9_-]{12,}/g, /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{12,}/gi];

/**
 * The text without the given keys, anything shaped like an API key or bearer token, or credentials in URLs. For
 * every error message and raw answer that is kept or shown.
 */
export function redactSecrets(text: string, keys: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const key of keys) if (key && key.length >= 4) out = out.split(key).join('[REDACTED]');
  out = out.replace(KEY_SHAPES[0]!, '[REDACTED]').replace(KEY_SHAPES[1]!, '$1[REDACTED]');
  return redactUrlsIn(out);
}
