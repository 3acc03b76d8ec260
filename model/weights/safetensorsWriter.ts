// Writing safetensors files (the layout is described in safetensors.ts). Used to save forward-pass
// outputs, to build test and benchmark models, and to convert weights to half precision.
//
// Layout choices follow the reference implementation so that every tensor can be read back as a
// zero-copy typed-array view: the header is padded with spaces so the data area starts at a
// multiple of 8 bytes, and tensors are ordered by element size (largest first), then by name, so
// each one starts at a multiple of its own element size.

import { ELEMENT_BYTES, hostIsLittleEndian } from './elementType.js';
import { floatToBfloat16Bits, floatToHalfBits } from './halfFloat.js';
import { elementCount } from './hostTensor.js';

export type SafetensorsWriteDType = 'F32' | 'F16' | 'BF16' | 'I64' | 'I32';

export interface SafetensorsWriteTensor {
  readonly dtype: SafetensorsWriteDType;
  readonly shape: readonly number[];
  /** Row-major values; converted to `dtype` (floats rounded to nearest even, integers must be exact). */
  readonly data: ArrayLike<number>;
}

export function encodeSafetensors(
  tensors: Readonly<Record<string, SafetensorsWriteTensor>>,
  metadata?: Readonly<Record<string, string>>,
): Buffer {
  const names = Object.keys(tensors).sort((a, b) => {
    const bySize = ELEMENT_BYTES[tensors[b]!.dtype] - ELEMENT_BYTES[tensors[a]!.dtype];
    return bySize !== 0 ? bySize : a < b ? -1 : a > b ? 1 : 0;
  });

  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header['__metadata__'] = { ...metadata };
  let dataLength = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new Error('encodeSafetensors: "__metadata__" cannot name a tensor');
    const { dtype, shape, data } = tensors[name]!;
    if (!shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
      throw new Error(`encodeSafetensors: tensor "${name}": bad shape [${shape.join(', ')}]`);
    }
    const count = elementCount(shape);
    if (data.length !== count) {
      throw new Error(
        `encodeSafetensors: tensor "${name}": shape [${shape.join(', ')}] has ${count} elements but data has ${data.length}`,
      );
    }
    const byteLength = count * ELEMENT_BYTES[dtype];
    // Object.defineProperty, not assignment: a tensor named "__proto__" must stay a plain key.
    Object.defineProperty(header, name, {
      value: { dtype, shape: [...shape], data_offsets: [dataLength, dataLength + byteLength] },
      enumerable: true,
    });
    dataLength += byteLength;
  }

  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerLength = Math.ceil((8 + json.byteLength) / 8) * 8 - 8;
  const out = Buffer.alloc(8 + headerLength + dataLength);
  out.writeBigUInt64LE(BigInt(headerLength), 0);
  json.copy(out, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + headerLength);

  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let offset = 8 + headerLength;
  for (const name of names) {
    const { dtype, data } = tensors[name]!;
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
    case 'I64':
      if (!Number.isSafeInteger(value)) {
        throw new Error(`encodeSafetensors: tensor "${name}" element ${index} (${value}) is not an exact integer`);
      }
      view.setBigInt64(offset, BigInt(value), true);
      return;
  }
}
