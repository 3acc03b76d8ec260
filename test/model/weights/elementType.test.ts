import { decodeElements } from '../../../model/weights/elementType.js';
import { CheckpointError } from '../../../model/weights/errors.js';
import { allPatterns, referenceBfloat16, referenceHalf } from './halfReference.js';

/** Little-endian bytes of every 16-bit pattern, starting `shift` bytes into a fresh buffer. */
function allHalfBytes(shift: number): Uint8Array {
  const bytes = new Uint8Array(shift + 2 * 0x10000).subarray(shift);
  for (const bits of allPatterns()) {
    bytes[2 * bits] = bits & 0xff;
    bytes[2 * bits + 1] = bits >> 8;
  }
  return bytes;
}

describe('decodeElements', () => {
  it.each([
    ['F16', referenceHalf],
    ['BF16', referenceBfloat16],
  ] as const)('%s: every bit pattern, aligned and misaligned in memory', (type, reference) => {
    for (const shift of [0, 1]) {
      const decoded = decodeElements(allHalfBytes(shift), type, 't');
      expect(decoded).toBeInstanceOf(Float32Array);
      expect(allPatterns().filter((bits) => !Object.is(decoded[bits], reference(bits)))).toEqual([]);
    }
  });

  it('decodes known bfloat16 patterns', () => {
    const bytes = Uint8Array.from([0x80, 0x3f, 0x00, 0xc0, 0x80, 0x7f, 0x49, 0x40, 0x01, 0x00]);
    expect(Array.from(decodeElements(bytes, 'BF16', 't'))).toEqual([1, -2, Infinity, 3.140625, 2 ** -133]);
  });

  it('returns F32 and I32 data as views when aligned and as copies otherwise', () => {
    const bytes = new Uint8Array(13);
    new DataView(bytes.buffer).setFloat32(4, 1.5, true);
    new DataView(bytes.buffer).setInt32(9, -7, true);
    const view = decodeElements(bytes.subarray(4, 8), 'F32', 't');
    expect([view.buffer === bytes.buffer, Array.from(view)]).toEqual([true, [1.5]]);
    const copy = decodeElements(bytes.subarray(9, 13), 'I32', 't');
    expect([copy.buffer === bytes.buffer, copy instanceof Int32Array, Array.from(copy)]).toEqual([false, true, [-7]]);
  });

  it('rejects a byte length that is not a whole number of elements', () => {
    expect(() => decodeElements(new Uint8Array(6), 'F32', 'file: tensor "w"')).toThrow(
      new CheckpointError('file: tensor "w": 6 bytes is not a whole number of F32 elements'),
    );
  });
});
