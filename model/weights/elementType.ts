// The element types checkpoint files store, named as safetensors names them (PyTorch's storage
// classes map onto the same set), and the one routine that turns raw little-endian bytes of any of
// them into the engine's float32 / int32 arrays.

import { CheckpointError } from './errors.js';
import { widenHalves } from '../../engine/halfFloat.js';
import type { HostDType } from './hostTensor.js';

export type ElementType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const ELEMENT_BYTES: Readonly<Record<ElementType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export function isElementType(name: string): name is ElementType {
  return Object.hasOwn(ELEMENT_BYTES, name);
}

/** Floats widen or narrow to float32 (F64 is rounded); integers and booleans become int32. */
export function hostDTypeOf(type: ElementType): HostDType {
  return type === 'F64' || type === 'F32' || type === 'F16' || type === 'BF16' ? 'float32' : 'int32';
}

// Typed arrays use the host's byte order; files are little-endian. Every machine Node realistically
// runs on is little-endian, but on the rare big-endian host the byte-swapping path below is used.
export const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Whether a file's bytes of `type` already are the engine's elements, usable without decoding. */
export function storesHostElements(type: ElementType): boolean {
  return (type === 'F32' || type === 'I32') && hostIsLittleEndian;
}

/**
 * Decodes all of `bytes` (a whole number of little-endian elements of `type`). F32 and I32 data
 * come back as a view over `bytes` when its address is 4-byte aligned, so a file read once into
 * memory is not copied again; misaligned data is copied once, other types are converted.
 * `where` names the tensor in error messages (an int64 that does not fit in int32, a bool that is
 * neither 0 nor 1).
 */
export function decodeElements(bytes: Uint8Array, type: ElementType, where: string): Float32Array | Int32Array {
  const size = ELEMENT_BYTES[type];
  if (bytes.byteLength % size !== 0) {
    throw new CheckpointError(`${where}: ${bytes.byteLength} bytes is not a whole number of ${type} elements`);
  }
  const count = bytes.byteLength / size;
  if (storesHostElements(type)) {
    // A typed array must start at a multiple of its element size; `new Uint8Array(bytes)` copies
    // into a fresh buffer, which starts at offset 0.
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
    return type === 'F32'
      ? new Float32Array(aligned.buffer, aligned.byteOffset, count)
      : new Int32Array(aligned.buffer, aligned.byteOffset, count);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case 'F64':
      return floats(count, (i) => view.getFloat64(i * 8, true));
    case 'F32':
      return floats(count, (i) => view.getFloat32(i * 4, true));
    case 'F16':
      return widenSixteenBits(bytes, count, 'F16');
    case 'BF16':
      return widenSixteenBits(bytes, count, 'BF16');
    case 'I64':
      return ints(count, (i) => {
        const low = view.getInt32(i * 8, true);
        // The value fits in int32 exactly when the high word is the sign extension of the low one.
        if (view.getInt32(i * 8 + 4, true) !== low >> 31) {
          throw new CheckpointError(
            `${where}: element ${i} is ${view.getBigInt64(i * 8, true)} (int64), which does not fit in int32`,
          );
        }
        return low;
      });
    case 'I32':
      return ints(count, (i) => view.getInt32(i * 4, true));
    case 'I16':
      return ints(count, (i) => view.getInt16(i * 2, true));
    case 'I8':
      return ints(count, (i) => view.getInt8(i));
    case 'U8':
      return ints(count, (i) => view.getUint8(i));
    case 'BOOL':
      return ints(count, (i) => {
        const byte = view.getUint8(i);
        if (byte > 1) throw new CheckpointError(`${where}: element ${i} is byte ${byte}, not a bool (0 or 1)`);
        return byte;
      });
  }
}

/**
 * 16-bit floats → float32. float16 is decoded through halfFloat.ts' table; bfloat16 is the high
 * half of a float32, so its bits just move up.
 */
function widenSixteenBits(bytes: Uint8Array, count: number, type: 'F16' | 'BF16'): Float32Array {
  const halves =
    hostIsLittleEndian && bytes.byteOffset % 2 === 0
      ? new Uint16Array(bytes.buffer, bytes.byteOffset, count)
      : Uint16Array.from({ length: count }, (_, i) => bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
  if (type === 'F16') return widenHalves(halves);
  const out = new Float32Array(count);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) outBits[i] = halves[i]! << 16;
  return out;
}

function floats(count: number, read: (index: number) => number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}

function ints(count: number, read: (index: number) => number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}
