// Writing safetensors files (the layout is described in safetensors.ts). Used to save forward-pass
// outputs, to build test and benchmark models, and to write half-precision and int8 weights.
//
// Layout choices follow the reference implementation so that every tensor can be read back as a
// zero-copy typed-array view: the header is padded with spaces so the data area starts at a
// multiple of 8 bytes, and tensors are ordered by element size (largest first), then by name, so
// each one starts at a multiple of its own element size.

import { ELEMENT_BYTES, hostIsLittleEndian } from './elementType.js';
import { floatToBfloat16Bits, floatToHalfBits } from '../../engine/halfFloat.js';
import { elementCount } from './hostTensor.js';

export type SafetensorsWriteDType = 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I8';

export interface SafetensorsWriteTensor {
  readonly dtype: SafetensorsWriteDType;
  readonly shape: readonly number[];
  /** Row-major values; converted to `dtype` (floats rounded to nearest even, integers must be exact). */
  readonly data: ArrayLike<number>;
}

/** What the header says of one tensor. */
export interface SafetensorsLayoutEntry {
  readonly name: string;
  readonly dtype: SafetensorsWriteDType;
  readonly shape: readonly number[];
}

/**
 * Tensors in the order their bytes follow each other in the file: largest element size first,
 * then by name, so that each one starts at a multiple of its own element size.
 */
export function inFileOrder<T extends SafetensorsLayoutEntry>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => {
    const bySize = ELEMENT_BYTES[b.dtype] - ELEMENT_BYTES[a.dtype];
    return bySize !== 0 ? bySize : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

/**
 * The file's first bytes — the 8-byte little-endian header length, then the JSON header padded
 * with spaces so the data area starts at a multiple of 8 — for `entries` in file order (see
 * `inFileOrder`), and the length of the data area that follows.
 */
export function safetensorsHeader(
  entries: readonly SafetensorsLayoutEntry[],
  metadata?: Readonly<Record<string, string>>,
): { readonly header: Buffer; readonly dataLength: number } {
  const json: Record<string, unknown> = {};
  if (metadata !== undefined) json['__metadata__'] = { ...metadata };
  let dataLength = 0;
  for (const { name, dtype, shape } of entries) {
    if (name === '__metadata__' || Object.hasOwn(json, name)) throw new Error(`safetensors: duplicate or reserved tensor name "${name}"`);
    if (!shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
      throw new Error(`safetensors: tensor "${name}": bad shape [${shape.join(', ')}]`);
    }
    const byteLength = elementCount(shape) * ELEMENT_BYTES[dtype];
    // Object.defineProperty, not assignment: a tensor named "__proto__" must stay a plain key.
    Object.defineProperty(json, name, {
      value: { dtype, shape: [...shape], data_offsets: [dataLength, dataLength + byteLength] },
      enumerable: true,
    });
    dataLength += byteLength;
  }
  const text = Buffer.from(JSON.stringify(json), 'utf8');
  const headerLength = Math.ceil((8 + text.byteLength) / 8) * 8 - 8;
  const header = Buffer.alloc(8 + headerLength, 0x20);
  header.writeBigUInt64LE(BigInt(headerLength), 0);
  text.copy(header, 8);
  return { header, dataLength };
}

/** The whole file in one Buffer (for large files written piece by piece, see bench/safetensorsStream.ts). */
export function encodeSafetensors(
  tensors: Readonly<Record<string, SafetensorsWriteTensor>>,
  metadata?: Readonly<Record<string, string>>,
): Buffer {
  const entries = inFileOrder(Object.entries(tensors).map(([name, t]) => ({ name, ...t })));
  for (const { name, shape, data } of entries) {
    const count = shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0) ? elementCount(shape) : data.length;
    if (data.length !== count) {
      throw new Error(`encodeSafetensors: tensor "${name}": shape [${shape.join(', ')}] has ${count} elements but data has ${data.length}`);
    }
  }
  const { header, dataLength } = safetensorsHeader(entries, metadata);
  const out = Buffer.alloc(header.byteLength + dataLength);
  header.copy(out, 0);

  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let offset = header.byteLength;
  for (const { name, dtype, data } of entries) {
    const size = ELEMENT_BYTES[dtype];
    if (dtype === 'F32' && data instanceof Float32Array && hostIsLittleEndian) {
      // Already the file's byte layout: one block copy instead of a loop (large benchmark models).
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
      offset += data.byteLength;
      continue;
    }
    for (let i = 0; i < data.length; i++, offset += size) {
      writeElement(view, offset, dtype, data[i]!, name, i);
    }
  }
  return out;
}

function writeElement(
  view: DataView,
  offset: number,
  dtype: SafetensorsWriteDType,
  value: number,
  name: string,
  index: number,
): void {
  switch (dtype) {
    case 'F32':
      view.setFloat32(offset, value, true);
      return;
    case 'F16':
      view.setUint16(offset, floatToHalfBits(value), true);
      return;
    case 'BF16':
      view.setUint16(offset, floatToBfloat16Bits(value), true);
      return;
    case 'I32':
      if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) {
        throw new Error(`encodeSafetensors: tensor "${name}" element ${index} (${value}) is not an int32`);
      }
      view.setInt32(offset, value, true);
      return;
    case 'I8':
      if (!Number.isInteger(value) || value < -128 || value > 127) {
        throw new Error(`encodeSafetensors: tensor "${name}" element ${index} (${value}) is not an int8`);
      }
      view.setInt8(offset, value);
      return;
    case 'I64':
      if (!Number.isSafeInteger(value)) {
        throw new Error(`encodeSafetensors: tensor "${name}" element ${index} (${value}) is not an exact integer`);
      }
      view.setBigInt64(offset, BigInt(value), true);
      return;
  }
}
