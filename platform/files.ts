// Reading a model's files, in Node: files on disk. The browser bundle replaces this module with
// files.browser.ts, where a "path" is a URL and a file is a download (see bundle/browser.ts).
// Model, tokenizer and weight loaders read through these functions only, so one loader serves both.
//
// fileSource: a file is opened for each read and closed before the read returns, so no descriptor
// outlives a call whatever the caller does (a loaded checkpoint needs no close()). Each open checks
// that the file still has the size and modification time its header was validated against:
// offsets checked against one file must not be used to read another that replaced it.

import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import { READ_CHUNK_BYTES, type ByteSource } from '../model/weights/byteSource.js';
import { CheckpointError } from '../model/weights/errors.js';

export { basename as baseName, dirname as dirName, join as joinPath } from 'node:path';

/** A text file's contents; a missing file rejects with an error whose `code` is `ENOENT`. */
export function readTextFile(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** A file's bytes, whole; a missing file rejects with an error whose `code` is `ENOENT`. */
export function readBinaryFile(path: string): Promise<Uint8Array> {
  return readFile(path);
}

/** Writes `parts` one after the other (an encoder's chunks need not be joined first). */
export function writeBinaryFile(path: string, parts: Uint8Array | Iterable<Uint8Array>): Promise<void> {
  return writeFile(path, parts);
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
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
