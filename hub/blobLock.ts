// One download of a blob at a time among the processes that share a cache.
//
// huggingface_hub takes `<cache>/.locks/models--org--name/<etag>.lock` around each blob download
// (file_download.py), through the `filelock` package: flock(2) on a regular file, which the kernel
// releases when the process dies and which stays on disk afterwards. Node has no flock, so this
// uses proper-lockfile, whose lock is a directory created with mkdir (atomic, network file systems
// included) and kept fresh by touching its mtime; a lock not refreshed for STALE_LOCK_MS belongs to
// a process that died, and is taken over. The two mechanisms cannot see each other: a flock does
// not stop a mkdir, and a lock directory does not stop a flock. Nor can they share the path:
// Python's lock file, left behind after every download, would make each mkdir here fail and could
// not be removed as a stale lock directory, and a directory in its place makes filelock raise
// IsADirectoryError. So the lock here sits beside Python's, at `<etag>.node.lock`: processes of
// this library exclude each other, and a Python process downloading the same blob at the same
// moment is not excluded: both would append to the same `.incomplete` file, and the size check (for
// LFS files, the sha256 check too) refuses the mix.

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lock } from 'proper-lockfile';

/** A holder refreshes its lock every STALE_LOCK_MS / 2; one silent for this long is gone. */
const STALE_LOCK_MS = 10_000;
const POLL_MS = 200;

export interface BlobLock {
  /**
   * Why the lock stopped being ours while held, if it did: this process could not refresh it for
   * STALE_LOCK_MS (a stalled event loop, a suspended machine), so another may have taken it over.
   */
  lost(): Error | undefined;
  release(): Promise<void>;
}

/**
 * Takes the lock at `lockPath`, waiting as long as a live process holds it; a stale one is taken
 * over. `onWait` is called once, when the lock is found held.
 */
export async function acquireBlobLock(lockPath: string, onWait: () => void): Promise<BlobLock> {
  await mkdir(dirname(lockPath), { recursive: true });
  let lost: Error | undefined;
  for (let waited = false; ; waited = true) {
    let release: () => Promise<void>;
    try {
      release = await lock(lockPath, {
        lockfilePath: lockPath,
        realpath: false,
        stale: STALE_LOCK_MS,
        // proper-lockfile's default throws from a timer, which would end the process.
        onCompromised: (error) => {
          lost = error;
        },
      });
    } catch (error) {
      // Retrying is done here, not with proper-lockfile's `retries`, which would retry any error
      // forever (a read-only cache too), not only a lock held by someone else.
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      if (!waited) onWait();
      await sleep(POLL_MS);
      continue;
    }
    return {
      lost: () => lost,
      // A lost lock is no longer ours to remove.
      release: async () => (lost === undefined ? release() : undefined),
    };
  }
}
