// Random access to the bytes of a checkpoint file. A safetensors header is read and checked up
// front, but each tensor's bytes are read only when a module asks for that tensor: a backend that
// copies weights into memory of its own (wasm memory, GPU buffers) then never holds the whole
// file next to its copy, and the bytes of each read are garbage as soon as they are uploaded.
// Better still, such a backend can be handed a tensor a chunk at a time (readChunks), so the
// tensor never exists whole in host memory at all: its chunks pass through one small buffer.
//
// A file on disk is a ByteSource too: `fileSource` in platform/files.ts (Node) and
// platform/files.browser.ts (a download held in memory).


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
