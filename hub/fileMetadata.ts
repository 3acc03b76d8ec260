import { isCommitHash } from './cachePaths.js';
import { HubError, httpError } from './errors.js';
import { type HttpContext, Watchdog, hubRequest, isRedirect } from './hubHttp.js';

/** What a HEAD on `/{repo}/resolve/{revision}/{file}` tells about a file. */
export interface FileMetadata {
  /** `X-Repo-Commit`: the commit the revision resolved to. */
  readonly commit: string;
  /** The blob name: `X-Linked-Etag` (sha256 of an LFS file) or else `ETag` (git blob sha1), unquoted. */
  readonly etag: string;
  /** `X-Linked-Size` or else `Content-Length`, when sent. */
  readonly size: number | undefined;
  /** Where the bytes are: the Hub URL itself, or the CDN URL a large file redirects to. */
  readonly downloadUrl: URL;
}

export type MetadataResult =
  | { readonly found: true; readonly metadata: FileMetadata }
  /** The file does not exist at `commit` (the Hub still says which commit it looked at). */
  | { readonly found: false; readonly commit: string | undefined; readonly error: HubError };

function resolveUrl(endpoint: string, repoId: string, revision: string, file: string): URL {
  const path = file.split('/').map(encodeURIComponent).join('/');
  return new URL(`${endpoint}/${repoId}/resolve/${encodeURIComponent(revision)}/${path}`);
}

// The blob name becomes a path component: nothing that could name another directory.
const SAFE_ETAG = /^[\w-][\w.-]*$/;

/** `"abc"` or `W/"abc"` → `abc`, the name huggingface_hub gives the blob. */
function normalizeEtag(raw: string): string {
  return raw.replace(/^W\//, '').replace(/^"|"$/g, '');
}

function parseSize(raw: string | null): number | undefined {
  if (raw === null || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw);
}

/**
 * HEAD the file, following redirects that are not about its bytes (a renamed repo answers 307 to
 * its new name) and stopping at the one that is: an LFS file answers 302 to its CDN location with
 * `X-Repo-Commit`, `X-Linked-Etag` and `X-Linked-Size` on the redirect itself. huggingface_hub
 * tells them apart by relative versus absolute Location; the linked ETag also works for a CDN
 * on the Hub's own host.
 */
export async function fetchFileMetadata(context: HttpContext): Promise<MetadataResult> {
  const { target } = context;
  const url = resolveUrl(context.endpoint, target.repoId, target.commit ?? target.revision, target.file);
  const watchdog = new Watchdog(context.timeoutMs);
  let answer;
  try {
    answer = await hubRequest(url, 'HEAD', context, watchdog, {
      stopAt: (response) => response.headers.has('x-linked-etag'),
      doing: `reading the metadata of '${target.file}'`,
    });
  } finally {
    watchdog.stop();
  }
  const { response, tokenSent } = answer;
  const headers = response.headers;
  const commit = headers.get('x-repo-commit') ?? undefined;
  const redirected = isRedirect(response.status);

  if (!response.ok && !redirected) {
    const error = httpError(response, answer.url, target, tokenSent);
    if (error.code === 'EntryNotFound') {
      return { found: false, commit: commit !== undefined && isCommitHash(commit) ? commit : undefined, error };
    }
    throw error;
  }
  if (commit === undefined || !isCommitHash(commit)) {
    throw new HubError(
      'HttpError',
      `${answer.url.host} answered for '${target.file}' of ${target.repoId} without a valid X-Repo-Commit header ` +
        `(got ${commit === undefined ? 'none' : `'${commit}'`}): is ${context.endpoint} a Hugging Face Hub?`,
    );
  }
  const rawEtag = headers.get('x-linked-etag') ?? headers.get('etag');
  const etag = rawEtag === null ? undefined : normalizeEtag(rawEtag);
  if (etag === undefined || !SAFE_ETAG.test(etag)) {
    throw new HubError(
      'HttpError',
      `${answer.url.host} sent no usable ETag for '${target.file}' of ${target.repoId} (got ${rawEtag ?? 'none'}): ` +
        'the cache names files by ETag, so the download cannot be stored',
    );
  }
  const location = headers.get('location');
  return {
    found: true,
    metadata: {
      commit,
      etag,
      size: parseSize(headers.get('x-linked-size')) ?? parseSize(headers.get('content-length')),
      downloadUrl: redirected && location !== null ? new URL(location, answer.url) : answer.url,
    },
  };
}
