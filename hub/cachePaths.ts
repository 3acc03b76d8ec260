import { homedir } from 'node:os';
import { join } from 'node:path';

/** Environment variables as `process.env` holds them; a parameter so tests can pass their own. */
export type Env = Readonly<Record<string, string | undefined>>;

const COMMIT_HASH = /^[0-9a-f]{40}$/;

/** A full 40-hex git commit id: such a revision is immutable, so it needs no `refs/` entry. */
export function isCommitHash(revision: string): boolean {
  return COMMIT_HASH.test(revision);
}

/** An unset and an empty variable mean the same thing here. */
function envValue(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Python's `os.path.expanduser` for the one form that appears in cache settings. */
function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface` (huggingface_hub's constants.py). */
export function hfHome(env: Env = process.env): string {
  const home = envValue(env, 'HF_HOME');
  if (home !== undefined) return expandHome(home);
  const xdg = envValue(env, 'XDG_CACHE_HOME');
  return join(xdg !== undefined ? expandHome(xdg) : join(homedir(), '.cache'), 'huggingface');
}

/**
 * The hub cache root, with huggingface_hub's precedence: `HF_HUB_CACHE`, then the legacy
 * `HUGGINGFACE_HUB_CACHE`, then `<HF_HOME>/hub`. Sharing the root is what lets a cache filled by
 * Python be reused here and the other way round.
 */
export function hubCacheDir(env: Env = process.env): string {
  const explicit = envValue(env, 'HF_HUB_CACHE') ?? envValue(env, 'HUGGINGFACE_HUB_CACHE');
  return explicit !== undefined ? expandHome(explicit) : join(hfHome(env), 'hub');
}

/** `FacebookAI/roberta-base` → `models--FacebookAI--roberta-base` (`--` cannot occur in a repo id). */
export function repoFolderName(repoId: string): string {
  return ['models', ...repoId.split('/')].join('--');
}

/**
 * Where one model repository lives in the cache, exactly as Python's `huggingface_hub` lays it out:
 *
 *     models--org--name/
 *       blobs/<etag>               the bytes, named by ETag: git blob sha1 for small files, sha256 for LFS files
 *       blobs/<etag>.incomplete    a download in progress, resumed from its length
 *       refs/<revision>            the commit a branch or tag pointed to when last resolved (no newline)
 *       snapshots/<commit>/<file>  relative symlink to ../../blobs/<etag>
 *       .no_exist/<commit>/<file>  empty marker: the file does not exist at that commit
 *     .locks/models--org--name/
 *       <etag>.lock                Python's download lock of that blob (a file it flocks, left in place)
 *       <etag>.node.lock           ours, beside it (a directory, present only while held): see blobLock.ts
 *
 * Files and revisions may contain `/` (`onnx/model.onnx`, `refs/pr/1`); they become nested folders.
 */
export class RepoCacheLayout {
  readonly root: string;

  constructor(
    readonly cacheDir: string,
    readonly repoId: string,
  ) {
    this.root = join(cacheDir, repoFolderName(repoId));
  }

  blob(etag: string): string {
    return join(this.root, 'blobs', etag);
  }

  incompleteBlob(etag: string): string {
    return `${this.blob(etag)}.incomplete`;
  }

  /** Held while a process downloads `blobs/<etag>`. */
  blobLock(etag: string): string {
    return join(this.cacheDir, '.locks', repoFolderName(this.repoId), `${etag}.node.lock`);
  }

  ref(revision: string): string {
    return join(this.root, 'refs', ...revision.split('/'));
  }

  snapshotDir(commit: string): string {
    return join(this.root, 'snapshots', commit);
  }

  pointer(commit: string, file: string): string {
    return join(this.snapshotDir(commit), ...file.split('/'));
  }

  noExistMarker(commit: string, file: string): string {
    return join(this.root, '.no_exist', commit, ...file.split('/'));
  }
}
