import {
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, relative } from 'node:path';
import { isCommitHash, type RepoCacheLayout } from './cachePaths.js';

function isFile(path: string): boolean {
  // statSync follows the symlink: a pointer whose blob was deleted counts as missing.
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The commit a branch or tag last resolved to, as recorded in `refs/<revision>`. */
export function readRef(layout: RepoCacheLayout, revision: string): string | undefined {
  if (!isFile(layout.ref(revision))) return undefined;
  // Python writes the hash without a newline; a hand-edited ref may have one.
  const commit = readFileSync(layout.ref(revision), 'utf8').trim();
  return isCommitHash(commit) ? commit : undefined;
}

/** Records `revision → commit`; a commit needs no ref. Unchanged refs are not rewritten, so a read-only cache still works. */
export function writeRef(layout: RepoCacheLayout, revision: string, commit: string): void {
  if (revision === commit || readRef(layout, revision) === commit) return;
  mkdirSync(dirname(layout.ref(revision)), { recursive: true });
  writeFileSync(layout.ref(revision), commit);
}

/** What the cache knows of `file` at `commit`. */
export type CachedEntry = { readonly kind: 'present'; readonly path: string } | { readonly kind: 'absent' };

export function lookupCached(layout: RepoCacheLayout, commit: string, file: string): CachedEntry | undefined {
  const pointer = layout.pointer(commit, file);
  if (isFile(pointer)) return { kind: 'present', path: pointer };
  if (isFile(layout.noExistMarker(commit, file))) return { kind: 'absent' };
  return undefined;
}

/** Python's `.no_exist` marker: remembers that an optional file is missing at a commit, so it is not asked again. */
export function markAbsent(layout: RepoCacheLayout, commit: string, file: string): void {
  const marker = layout.noExistMarker(commit, file);
  mkdirSync(dirname(marker), { recursive: true });
  closeSync(openSync(marker, 'a'));
}

export function hasBlob(layout: RepoCacheLayout, etag: string): boolean {
  return isFile(layout.blob(etag));
}

/**
 * Points `snapshots/<commit>/<file>` at its blob with a relative symlink, as huggingface_hub does,
 * so the cache survives being moved. Where symlinks are not allowed (Windows without developer
 * mode) the blob is copied instead, which is also what Python falls back to.
 */
export function linkIntoSnapshot(layout: RepoCacheLayout, commit: string, file: string, etag: string): string {
  const pointer = layout.pointer(commit, file);
  const blob = layout.blob(etag);
  mkdirSync(dirname(pointer), { recursive: true });
  rmSync(pointer, { force: true });
  try {
    symlinkSync(relative(dirname(pointer), blob), pointer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && realpathSync(pointer) === realpathSync(blob)) return pointer; // linked concurrently
    if (code !== 'EPERM') throw error;
    copyFileSync(blob, pointer);
  }
  return pointer;
}
