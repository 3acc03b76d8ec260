// Random access to the bytes of a checkpoint file. A safetensors header is read and checked up
// front, but each tensor's bytes are read only when a module asks for that tensor: a backend that
// copies weights into memory of its own (wasm memory, GPU buffers) then never holds the whole
// file next to its copy, and the bytes of each read are garbage as soon as they are uploaded.
// Better still, such a backend can be handed a tensor a chunk at a time (readChunks), so the
// tensor never exists whole in host memory at all: its chunks pass through one small buffer.
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
  /**
   * Bytes [begin, end) in consecutive chunks, each passed to `visit` with its offset from `begin`.
   * Every chunk but the last has the source's chunk size, a multiple of 8, so a range of whole
   * elements comes in chunks of whole elements. Only a file has it (from memory, `read` copies
   * nothing). The chunk is a view of a buffer reused for the next chunk: `visit` must copy what
   * it needs and keep nothing.
   */
  readChunks?(begin: number, end: number, visit: (chunk: Uint8Array, offset: number) => void): void;
}

/** readChunks' default chunk size: large enough that a read costs little per byte, small next to a weight. */
export const READ_CHUNK_BYTES = 4 * 2 ** 20;

/** A file already in memory. */
export function memorySource(bytes: Uint8Array): ByteSource {
  return { byteLength: bytes.byteLength, read: (begin, end) => bytes.subarray(begin, end) };
}

/** A file on disk, read on demand. */
export function fileSource(path: string, chunkBytes = READ_CHUNK_BYTES): ByteSource {
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0 || chunkBytes % 8 !== 0) {
    throw new RangeError(`fileSource: chunkBytes must be a positive multiple of 8, got ${chunkBytes}`);
  }
  const validated = statSync(path);
  if (!validated.isFile()) throw new CheckpointError(`${path}: not a file (a directory or a device?)`);
  /** The chunk buffer between readChunks calls; a call takes it, so a nested call gets its own. */
  let spare: Uint8Array | undefined;

  /** Opens the file, checks it is still the one validated, runs `use`, and closes it. */
  function withFile<T>(use: (fd: number) => T): T {
    const fd = openSync(path, 'r');
    try {
      const now = fstatSync(fd);
      if (changed(validated, now)) {
        throw new CheckpointError(
          `${path}: the file was changed or replaced after its header was read (${validated.size} bytes, modified ${validated.mtime.toISOString()}; ` +
            `now ${now.size} bytes, modified ${now.mtime.toISOString()}); load it again`,
        );
      }
      return use(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Fills `bytes` from file position `position`, `end` being where the whole read was to stop. */
  function readFully(fd: number, bytes: Uint8Array, position: number, end: number): void {
    // One read may return fewer bytes than asked (Linux moves at most ~2 GiB per call).
    for (let done = 0; done < bytes.byteLength; ) {
      const got = readSync(fd, bytes, done, bytes.byteLength - done, position + done);
      if (got === 0) throw new CheckpointError(`${path}: the file ended at byte ${position + done}, expected ${end} bytes`);
      done += got;
    }
  }

  return {
    byteLength: validated.size,
    read(begin, end) {
      return withFile((fd) => {
        const bytes = new Uint8Array(end - begin);
        readFully(fd, bytes, begin, end);
        return bytes;
      });
    },
    readChunks(begin, end, visit) {
      withFile((fd) => {
        const buffer = spare ?? new Uint8Array(chunkBytes);
        spare = undefined;
        try {
          for (let offset = 0; offset < end - begin; offset += chunkBytes) {
            const chunk = buffer.subarray(0, Math.min(chunkBytes, end - begin - offset));
            readFully(fd, chunk, begin + offset, end);
            visit(chunk, offset);
          }
        } finally {
          spare = buffer;
        }
      });
    },
  };
}

function changed(before: Stats, after: Stats): boolean {
  return before.size !== after.size || before.mtimeMs !== after.mtimeMs || before.ino !== after.ino || before.dev !== after.dev;
}
