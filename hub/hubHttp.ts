import { displayUrl, type FileTarget, HubError } from './errors.js';

/** What every request to the Hub needs to know. */
export interface HttpContext {
  readonly endpoint: string;
  readonly token: string | undefined;
  readonly timeoutMs: number;
  readonly target: FileTarget;
}

const MAX_REDIRECTS = 10;
const USER_AGENT = `roberta-ts; node/${process.versions.node}`;

/**
 * Aborts a request when the server stays silent for `timeoutMs`: while waiting for headers, and
 * between two chunks of a body (kick it per chunk), so a dead connection can never hang a download.
 */
export class Watchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(readonly timeoutMs: number) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  kick(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort();
    }, this.timeoutMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

interface ErrorLike {
  readonly message?: unknown;
  readonly code?: unknown;
  readonly cause?: unknown;
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : undefined;
}

// Duck-typed rather than `instanceof Error`: undici's errors may come from another realm (a vm context).
function causeOf(error: unknown): string {
  const outer = asErrorLike(error);
  const source = asErrorLike(outer?.cause) ?? outer;
  const message = typeof source?.message === 'string' ? source.message : String(error);
  const code = typeof source?.code === 'string' ? source.code : undefined;
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}

/** `fetch` reports every failure as "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND, a reset) is its cause. */
export function networkError(error: unknown, url: URL, watchdog: Watchdog, doing: string): HubError {
  const why = watchdog.fired ? `no data from ${url.host} for ${watchdog.timeoutMs / 1000} s` : causeOf(error);
  return new HubError('NetworkError', `network error while ${doing} from ${url.host} (${displayUrl(url)}): ${why}`, {
    cause: error,
  });
}

export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304;
}

export interface HubResponse {
  readonly response: Response;
  /** The URL that answered, after any redirects. */
  readonly url: URL;
  /** Whether the Authorization header went with the last request (it shapes the 401/403 advice). */
  readonly tokenSent: boolean;
}

export interface RequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Return this redirect response instead of following it. */
  readonly stopAt?: (response: Response) => boolean;
  /** What the request is for, as the network error message says it ("reading the metadata of x"). */
  readonly doing: string;
}

/**
 * One request, following redirects by hand. Automatic following would hide the Hub's 302 for LFS
 * files, which carries the metadata (`X-Linked-Etag`, `X-Repo-Commit`), and would forward the
 * token to whichever host the Location names. Here the token goes only to the Hub's own origin:
 * the CDN or presigned storage URL a large file redirects to gets no Authorization header.
 * `Accept-Encoding: identity` keeps Content-Length and byte ranges about the file's real bytes.
 */
export async function hubRequest(
  start: URL,
  method: 'HEAD' | 'GET',
  context: HttpContext,
  watchdog: Watchdog,
  options: RequestOptions,
): Promise<HubResponse> {
  const hubOrigin = new URL(context.endpoint).origin;
  let url = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const tokenSent = context.token !== undefined && url.origin === hubOrigin;
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      'accept-encoding': 'identity',
      ...options.headers,
    };
    if (tokenSent) headers.authorization = `Bearer ${context.token}`;

    watchdog.kick();
    let response: Response;
    try {
      response = await fetch(url, { method, headers, redirect: 'manual', signal: watchdog.signal });
    } catch (error) {
      throw networkError(error, url, watchdog, options.doing);
    }
    if (!isRedirect(response.status) || options.stopAt?.(response) === true) return { response, url, tokenSent };

    const location = response.headers.get('location');
    await response.body?.cancel();
    if (location === null) {
      throw new HubError('HttpError', `HTTP ${response.status} redirect without a Location header from ${displayUrl(url)}`);
    }
    url = new URL(location, url);
  }
  throw new HubError('HttpError', `more than ${MAX_REDIRECTS} redirects while ${options.doing} from ${displayUrl(start)}`);
}
