/** What went wrong, for callers that react differently (an optional file that is missing is skipped). */
export type HubErrorCode =
  | 'InvalidArgument'
  | 'RepoNotFound'
  | 'RevisionNotFound'
  | 'EntryNotFound'
  | 'AccessDenied'
  | 'HttpError'
  | 'NetworkError'
  | 'NotInCache'
  | 'IntegrityError';

export class HubError extends Error {
  override readonly name = 'HubError';

  constructor(
    readonly code: HubErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The file a request was about, so every message can name the repo, revision and file. */
export interface FileTarget {
  readonly repoId: string;
  /** The revision as the caller gave it (messages name this one). */
  readonly revision: string;
  /** The commit that revision was pinned to, once known (requests use this one). */
  readonly commit: string | undefined;
  readonly file: string;
  readonly endpoint: string;
}

/** A URL for messages: without the query, which for a CDN is a presigned signature. */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function describeTarget(t: FileTarget): string {
  return `'${t.file}' of ${t.repoId} (revision '${t.revision}')`;
}

const TOKEN_HINT_WITHOUT =
  'if it is a private or gated model, set HF_TOKEN (or the token option) to an access token of an account allowed to read it';
const TOKEN_HINT_WITH =
  'the token in use (HF_TOKEN or the token option) is invalid or its account has no access to a private or gated model';

/**
 * Turns a failed Hub response into an error that says which of repo, revision or file is missing.
 * The Hub tells them apart only through `X-Error-Code` (a HEAD response has no body), and answers
 * 401 rather than 404 for a repo it will not confirm exists to an anonymous caller.
 */
export function httpError(response: Response, url: URL, target: FileTarget, tokenSent: boolean): HubError {
  const status = response.status;
  const code = response.headers.get('x-error-code');
  const serverMessage = response.headers.get('x-error-message');
  const detail = serverMessage !== null ? ` Server said: ${serverMessage}` : '';
  const from = `(HTTP ${status} from ${url.host})`;
  const tokenHint = tokenSent ? TOKEN_HINT_WITH : TOKEN_HINT_WITHOUT;
  // A 401/403 from the CDN a large file redirects to says nothing about the repo or the token.
  const fromHub = url.origin === new URL(target.endpoint).origin;

  if (code === 'EntryNotFound') {
    return new HubError('EntryNotFound', `${describeTarget(target)} does not exist ${from}.${detail}`);
  }
  if (code === 'RevisionNotFound') {
    return new HubError(
      'RevisionNotFound',
      `revision '${target.revision}' does not exist in ${target.repoId} ${from}: ` +
        `use a branch, tag or commit of that repo.${detail}`,
    );
  }
  if (code === 'GatedRepo') {
    return new HubError(
      'AccessDenied',
      `${target.repoId} is a gated model ${from}: accept its conditions at ${target.endpoint}/${target.repoId} ` +
        'and set HF_TOKEN (or the token option) to an access token of that account' +
        `${tokenSent ? ' (the token sent was not granted access)' : ''}.${detail}`,
    );
  }
  if (code === 'RepoNotFound' || (status === 401 && fromHub)) {
    return new HubError(
      'RepoNotFound',
      `repository ${target.repoId} not found ${from}, asked for '${target.file}' at revision '${target.revision}': ` +
        `check the id; ${tokenHint}.${detail}`,
    );
  }
  if (status === 403 && fromHub) {
    return new HubError('AccessDenied', `access to ${describeTarget(target)} is forbidden ${from}: ${tokenHint}.${detail}`);
  }
  if (status === 404) {
    // Without X-Error-Code (a mirror, a proxy) a 404 is most likely the file; say that it is a guess.
    return new HubError(
      'EntryNotFound',
      `${describeTarget(target)} not found at ${displayUrl(url)} ${from}; ` +
        `the server did not say whether the repo, the revision or the file is missing.${detail}`,
    );
  }
  return new HubError(
    'HttpError',
    `fetching ${describeTarget(target)} failed: HTTP ${status} ${response.statusText} ` +
      `from ${url.host} for ${displayUrl(url)}.${detail}`,
  );
}
