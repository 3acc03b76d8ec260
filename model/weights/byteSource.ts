// Random access to the bytes of a checkpoint file. A safetensors header is read and checked up
// front, but each tensor's bytes are read only when a module asks for that tensor: a backend that
// copies weights into memory of its own (wasm memory, GPU buffers) then never holds the whole
// file next to its copy, and the bytes of each read are garbage as soon as they are uploaded.
//
// A file is opened for each read and closed before the read returns, so no descriptor outlives a
// call whatever the caller does (a loaded checkpoint needs no close()). Each open checks that the
// file still has the size and modification time its header was validated against: offsets
// checked against one file must not be used to read another that replaced it.

import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { CheckpointError } from './errors.js';

export interface ByteSource {
  readonly byteLength: number;
  /**
   * Bytes [begin, end), which the caller has checked lie within byteLength. From memory this is a
   * view (no copy); from a file it is a fresh buffer, starting at offset 0 of its own
   * ArrayBuffer, that the caller owns.
   */
  read(begin: number, end: number): Uint8Array;
}

/** A file already in memory. */
export function memorySource(bytes: Uint8Array): ByteSource {
  return { byteLength: bytes.byteLength, read: (begin, end) => bytes.subarray(begin, end) };
}

/** A file on disk, read on demand. */
export function fileSource(path: string): ByteSource {
  const validated = statSync(path);
  return {
    byteLength: validated.size,
    read(begin, end) {
      const fd = openSync(path, 'r');
      try {
        const now = fstatSync(fd);
        if (changed(validated, now)) {
          throw new CheckpointError(
            `${path}: the file was changed or replaced after its header was read (${validated.size} bytes, modified ${validated.mtime.toISOString()}; ` +
              `now ${now.size} bytes, modified ${now.mtime.toISOString()}); load it again`,
          );
        }
        const bytes = new Uint8Array(end - begin);
        // One read may return fewer bytes than asked (Linux moves at most ~2 GiB per call).
        for (let done = 0; done < bytes.byteLength; ) {
          const got = readSync(fd, bytes, done, bytes.byteLength - done, begin + done);
          if (got === 0) throw new CheckpointError(`${path}: the file ended at byte ${begin + done}, expected ${end} bytes`);
          done += got;
        }
        return bytes;
      } finally {
        closeSync(fd);
      }
    },
  };
}

function changed(before: Stats, after: Stats): boolean {
  return before.size !== after.size || before.mtimeMs !== after.mtimeMs || before.ino !== after.ino || before.dev !== after.dev;
}
