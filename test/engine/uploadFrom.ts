// The Backend.uploadFrom contract, checked on each backend that implements it (wasm, webgpu): pieces
// of whole elements, of odd sizes, written in any order from a buffer the caller reuses, read back
// as exactly the bytes given; a fill that fails leaves no storage behind.

import type { Backend } from '../../engine/backend.js';

/** Element bit patterns no two alike, none a float that could be canonicalised (NaN) on the way. */
const patterns = (count: number): Int32Array => Int32Array.from({ length: count }, (_, i) => 0x3f800000 + i * 0x00010203);

export function describeUploadFrom(backendName: string, getBackend: () => Promise<Backend>): void {
  describe(`${backendName}: uploadFrom`, () => {
    it('assembles pieces of odd element counts, out of order, from one reused buffer, into exactly the bytes given', async () => {
      const backend = await getBackend();
      const expected = patterns(13);
      const bytes = new Uint8Array(expected.buffer);
      const scratch = new Uint8Array(64);
      // Element ranges [from, to): sizes 3, 5, 1, 4.
      const pieces = [[5, 8], [0, 5], [8, 9], [9, 13]] as const;
      for (const dtype of ['float32', 'int32'] as const) {
        const storage = backend.uploadFrom!(dtype, 13, (write) => {
          for (const [from, to] of pieces) {
            // Starting one byte in: the piece's own alignment in host memory must not matter.
            const piece = scratch.subarray(1, 1 + (to - from) * 4);
            piece.set(bytes.subarray(from * 4, to * 4));
            write(piece, from * 4);
            piece.fill(0xff); // reused at once: the backend must have copied it
          }
        });
        const back = await backend.read(storage, dtype, 13);
        expect(Array.from(new Int32Array(back.buffer, back.byteOffset, 13))).toEqual(Array.from(expected));
        backend.free(storage);
      }
    });

    it('frees the storage and passes the error on when filling it fails, and refuses a piece past its end', async () => {
      const backend = await getBackend();
      const before = backend.memory().buffers;
      const failing = () =>
        backend.uploadFrom!('float32', 4, (write) => {
          write(new Uint8Array(8), 0);
          throw new Error('the disk went away');
        });
      expect(failing).toThrow('the disk went away');
      expect(() => backend.uploadFrom!('float32', 2, (write) => write(new Uint8Array(8), 4))).toThrow(
        /uploadFrom: a piece of 8 bytes at byte 4 is not .*within the tensor's 8 bytes/,
      );
      expect(backend.memory().buffers).toBe(before);
    });
  });
}
