// Where a judge run may send its rows and a key. A prompt file travels with a repository, so the `base_url` in its
// front matter is text someone else may have written: it must never be enough, on its own, to make the editor or
// the CLI send the dataset and the user's key to a new host. The user's own choices (the judgeAlign.baseUrl setting,
// OPENAI_BASE_URL, --base-url) and the OpenAI API itself are trusted; any other origin a prompt names needs a yes.

import { urlCredentials } from '../redact';

export { redactUrl, redactUrlsIn } from '../redact';

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** The OpenAI API's origin: always trusted, and the one endpoint that never runs without a key. */
export const OPENAI_ORIGIN = 'https://api.openai.com';

/** Who named the base URL a run uses, strongest first (as resolveEndpoint picks it). */
export type EndpointSource = 'command-line' | 'prompt' | 'settings' | 'default';

export interface EndpointChoice {
  /** The URL the client calls (may hold credentials: never store or print it; see {@link redactUrl}). */
  readonly baseUrl: string;
  /** `scheme://host[:port]`, the unit keys and permissions are kept under. */
  readonly origin: string;
  readonly source: EndpointSource;
  /**
   * The prompt file named an origin the user never chose: rows and any key for it go there only after the
   * user said yes (the editor's modal, remembered per workspace) or asked for it (`--allow-prompt-endpoint`).
   */
  readonly needsConsent: boolean;
}

/**
 * The base URL a run uses and whether sending to it needs consent. `overrideBaseUrl` is what a person asked for
 * this run (the CLI flag); `userBaseUrl` what they configured (setting or OPENAI_BASE_URL).
 */
export function chooseEndpoint(input: { overrideBaseUrl?: string; promptBaseUrl?: string; userBaseUrl?: string }): EndpointChoice {
  const [baseUrl, source]: [string, EndpointSource] = input.overrideBaseUrl
    ? [input.overrideBaseUrl, 'command-line']
    : input.promptBaseUrl
      ? [input.promptBaseUrl, 'prompt']
      : input.userBaseUrl
        ? [input.userBaseUrl, 'settings']
        : [DEFAULT_BASE_URL, 'default'];
  const origin = originOf(baseUrl);
  const trusted = new Set([OPENAI_ORIGIN, ...(input.userBaseUrl ? [originOf(input.userBaseUrl)] : [])]);
  return { baseUrl, origin, source, needsConsent: source === 'prompt' && !trusted.has(origin) };
}

/** `scheme://host[:port]` in the WHATWG form (lower-case host, default port dropped); the input itself if not a URL. */
export function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? `${parsed.protocol}//${parsed.host}` : parsed.origin;
  } catch {
    return url;
  }
}

/** The host (and port) alone, for messages that name where data would go. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** The one wording of the refusal, for wherever the URL was written. */
export function credentialsRefusal(where: string, url: string): string | undefined {
  const found = urlCredentials(url);
  return found
    ? `${where} holds a credential (${found}): remove it from the URL and keep the key in Secret Storage ("Judge Align: Set API Key...") or OPENAI_API_KEY.`
    : undefined;
}

/** A run was refused because its endpoint needs a consent that was not given; nothing was sent. */
export class EndpointNotAllowedError extends Error {
  constructor(
    readonly promptPath: string,
    readonly endpoint: EndpointChoice,
    message: string,
  ) {
    super(message);
    this.name = 'EndpointNotAllowedError';
  }
}
