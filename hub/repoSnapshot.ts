import { downloadBlob } from './blobDownload.js';
import { isCommitHash, RepoCacheLayout } from './cachePaths.js';
import { type FileTarget, HubError, type HubErrorCode } from './errors.js';
import { fetchFileMetadata } from './fileMetadata.js';
import type { HttpContext } from './hubHttp.js';
import type { HubSettings } from './hubSettings.js';
import { assertRepoFilePath, assertRepoId, assertRevision } from './repoNames.js';
import {
  type CachedEntry,
  hasBlob,
  linkIntoSnapshot,
  lookupCached,
  markAbsent,
  readRef,
  writeRef,
} from './snapshotCache.js';

/** Why only the cache may be used, and which error a file missing from it becomes. */
interface CacheOnly {
  readonly reason: string;
  readonly code: HubErrorCode;
}

/**
 * The files of one repo at one revision, fetched one by one into the cache, following
 * huggingface_hub's `hf_hub_download`. The first answer from the Hub pins the commit, and every
 * later file is requested at that commit: a branch that moves mid-download cannot mix two
 * commits in one snapshot, and files already cached at the commit need no request at all.
 */
export class RepoSnapshot {
  private readonly layout: RepoCacheLayout;
  private commit: string | undefined;
  private cacheOnly: CacheOnly | undefined;

  constructor(
    readonly repoId: string,
    readonly revision: string,
    private readonly settings: HubSettings,
  ) {
    assertRepoId(repoId);
    assertRevision(revision);
    this.layout = new RepoCacheLayout(settings.cacheDir, repoId);
    this.commit = isCommitHash(revision) ? revision : undefined;
    this.cacheOnly =
      settings.offlineReason === undefined ? undefined : { reason: settings.offlineReason, code: 'NotInCache' };
  }

  /** `snapshots/<commit>`, the folder to load the model from. */
  directory(): string {
    this.commit ??= readRef(this.layout, this.revision);
    if (this.commit === undefined) {
      throw new HubError(
        'NotInCache',
        `no snapshot of ${this.repoId} at revision '${this.revision}' is known: ` +
          `none of its files was found on the Hub or in the cache ${this.settings.cacheDir}`,
      );
    }
    return this.layout.snapshotDir(this.commit);
  }

  /**
   * The local path of `file`, downloaded if it is not cached. A file that does not exist is
   * `undefined` when optional and an `EntryNotFound` error when required.
   */
  async fetch(file: string, required: true): Promise<string>;
  async fetch(file: string, required: boolean): Promise<string | undefined>;
  async fetch(file: string, required: boolean): Promise<string | undefined> {
    assertRepoFilePath(file, this.repoId);
    if (this.commit !== undefined) {
      const cached = lookupCached(this.layout, this.commit, file);
      if (cached !== undefined) return this.settle(cached, file, required);
    }
    if (this.cacheOnly !== undefined) return this.fromCache(file, required, this.cacheOnly);

    let result;
    try {
      result = await fetchFileMetadata(this.httpContext(file));
    } catch (error) {
      if (!(error instanceof HubError && error.code === 'NetworkError')) throw error;
      // As in huggingface_hub, an unreachable Hub falls back to the cache. It stays unreachable for
      // the rest of this snapshot, so each further file does not wait for its own timeout.
      this.cacheOnly = { reason: error.message, code: 'NetworkError' };
      return this.fromCache(file, required, this.cacheOnly);
    }

    if (!result.found) {
      if (result.commit !== undefined) {
        const commit = this.pin(result.commit);
        markAbsent(this.layout, commit, file);
      }
      if (required) throw result.error;
      return undefined;
    }
    const { metadata } = result;
    const commit = this.pin(metadata.commit);
    const cached = lookupCached(this.layout, commit, file);
    if (cached?.kind === 'present') return cached.path;
    if (!hasBlob(this.layout, metadata.etag)) {
      await downloadBlob({
        context: this.httpContext(file),
        url: metadata.downloadUrl,
        blobPath: this.layout.blob(metadata.etag),
        incompletePath: this.layout.incompleteBlob(metadata.etag),
        lockPath: this.layout.blobLock(metadata.etag),
        etag: metadata.etag,
        size: metadata.size,
        progress: {
          quiet: this.settings.quiet,
          onProgress: this.settings.onProgress,
          stream: this.settings.progressStream,
        },
      });
    }
    return linkIntoSnapshot(this.layout, commit, file, metadata.etag);
  }

  /** The error for something the repo lacks (`what`), which offline may only mean the cache lacks it. */
  missing(what: string): HubError {
    const subject = `${this.repoId} (revision '${this.revision}')`;
    if (this.cacheOnly === undefined) return new HubError('EntryNotFound', `${subject} has ${what}`);
    const { code, reason } = this.cacheOnly;
    return new HubError(code, `${subject}: the cache ${this.settings.cacheDir} has ${what}; ${reason}`);
  }

  private httpContext(file: string): HttpContext {
    const target: FileTarget = {
      repoId: this.repoId,
      revision: this.revision,
      commit: this.commit,
      file,
      endpoint: this.settings.endpoint,
    };
    return { endpoint: this.settings.endpoint, token: this.settings.token, timeoutMs: this.settings.timeoutMs, target };
  }

  /** Records the commit the Hub resolved the revision to (and `refs/<revision>` for a branch or tag). */
  private pin(commit: string): string {
    if (this.commit === undefined) {
      writeRef(this.layout, this.revision, commit);
      this.commit = commit;
    } else if (commit !== this.commit) {
      throw new HubError(
        'HttpError',
        `the Hub answered for commit ${commit} of ${this.repoId} while commit ${this.commit} was requested`,
      );
    }
    return commit;
  }

  private settle(cached: CachedEntry, file: string, required: boolean): string | undefined {
    if (cached.kind === 'present') return cached.path;
    if (!required) return undefined;
    throw new HubError(
      'EntryNotFound',
      `'${file}' does not exist in ${this.repoId} at commit ${this.commit} (recorded in the cache's .no_exist folder)`,
    );
  }

  /**
   * Offline, a branch resolves through `refs/<revision>` as last recorded. An optional file
   * missing from the cache is taken as absent: the snapshot holds what was downloaded together.
   */
  private fromCache(file: string, required: boolean, cacheOnly: CacheOnly): string | undefined {
    this.commit ??= readRef(this.layout, this.revision);
    if (this.commit !== undefined) {
      const cached = lookupCached(this.layout, this.commit, file);
      if (cached !== undefined) return this.settle(cached, file, required);
    }
    if (!required) return undefined;
    const where =
      this.commit === undefined
        ? `no snapshot of revision '${this.revision}' is in the cache ${this.settings.cacheDir}`
        : `it is not in the cache ${this.settings.cacheDir} (snapshot ${this.commit})`;
    const advice =
      cacheOnly.code === 'NetworkError' ? 'check the network or HF_ENDPOINT' : 'run once with network access';
    throw new HubError(
      cacheOnly.code,
      `cannot get '${file}' of ${this.repoId} (revision '${this.revision}'): ${cacheOnly.reason}, and ${where}; ${advice}`,
    );
  }
}
