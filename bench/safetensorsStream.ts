// Writing a large F32 safetensors file without holding it in memory. `encodeSafetensors` builds
// the whole file in one Buffer, which for a roberta-base-sized model (≈ 500 MB) would be a second
// copy beside the values themselves. Here each tensor's values are produced chunk by chunk into
// one small reused Float32Array and appended to the file, so memory stays at one chunk.
//
// The layout matches `encodeSafetensors` for an all-F32 file: tensors ordered by name, the JSON
// header padded with spaces so the data area starts at a multiple of 8 bytes. That makes every
// tensor 4-byte aligned, so the reader can view it in place as a Float32Array.

import { open, rename, rm } from 'node:fs/promises';
import { hostIsLittleEndian } from '../model/weights/elementType.js';

export interface StreamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  /**
   * Starts this tensor's value stream: the returned function fills each chunk it is given with
   * the next values, in row-major order. It is called with consecutive chunks until the tensor is
   * complete (the last chunk may be shorter).
   */
  open(): (chunk: Float32Array) => void;
}

const F32_BYTES = 4;
/** 1 Mi values (4 MiB) per write: large enough that the syscalls do not matter. */
const DEFAULT_CHUNK_ELEMENTS = 1 << 20;

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

function inFileOrder<T extends { readonly name: string }>(tensors: readonly T[]): T[] {
  return [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The first bytes of the file: the 8-byte little-endian header length and the padded JSON header.
 * Comparing these bytes with an existing file's tells whether it holds the same tensors.
 */
export function safetensorsF32Header(
  tensors: readonly Pick<StreamedTensor, 'name' | 'shape'>[],
  metadata: Readonly<Record<string, string>>,
): Buffer {
  const header: Record<string, unknown> = { __metadata__: { ...metadata } };
  let offset = 0;
  for (const { name, shape } of inFileOrder(tensors)) {
    if (name === '__metadata__' || Object.hasOwn(header, name)) throw new Error(`safetensorsF32Header: duplicate or reserved tensor name "${name}"`);
    if (!shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
      throw new Error(`safetensorsF32Header: tensor "${name}": bad shape [${shape.join(', ')}]`);
    }
    const bytes = elementCount(shape) * F32_BYTES;
    // defineProperty, not assignment: a tensor named "__proto__" must stay a plain key.
    Object.defineProperty(header, name, { value: { dtype: 'F32', shape: [...shape], data_offsets: [offset, offset + bytes] }, enumerable: true });
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil((8 + json.byteLength) / 8) * 8 - 8;
  const out = Buffer.alloc(8 + padded, 0x20);
  out.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(out, 8);
  return out;
}

/** Total size of the file `writeSafetensorsF32` writes for these tensors. */
export function safetensorsF32FileSize(tensors: readonly Pick<StreamedTensor, 'name' | 'shape'>[], metadata: Readonly<Record<string, string>>): number {
  const data = tensors.reduce((sum, t) => sum + elementCount(t.shape) * F32_BYTES, 0);
  return safetensorsF32Header(tensors, metadata).byteLength + data;
}

/**
 * Writes the file at `path`. The bytes go to `path + '.partial'` first and are renamed into place
 * at the end, so an interrupted run never leaves a file that looks complete.
 */
export async function writeSafetensorsF32(
  path: string,
  tensors: readonly StreamedTensor[],
  metadata: Readonly<Record<string, string>>,
  chunkElements: number = DEFAULT_CHUNK_ELEMENTS,
): Promise<number> {
  // Float32Array bytes are in host order; the format is little-endian.
  if (!hostIsLittleEndian) throw new Error('writeSafetensorsF32: needs a little-endian host');
  const partial = `${path}.partial`;
  const file = await open(partial, 'w');
  let written = 0;
  try {
    const header = safetensorsF32Header(tensors, metadata);
    await file.write(header);
    written += header.byteLength;
    const chunk = new Float32Array(chunkElements);
    for (const tensor of inFileOrder(tensors)) {
      const fill = tensor.open();
      for (let done = 0, total = elementCount(tensor.shape); done < total; ) {
        const values = chunk.subarray(0, Math.min(chunkElements, total - done));
        fill(values);
        // Awaited before the chunk is refilled: the write reads straight from its memory.
        const { bytesWritten } = await file.write(new Uint8Array(values.buffer, 0, values.byteLength));
        if (bytesWritten !== values.byteLength) throw new Error(`${partial}: short write (${bytesWritten} of ${values.byteLength} bytes)`);
        written += bytesWritten;
        done += values.length;
      }
    }
  } catch (error) {
    await file.close();
    await rm(partial, { force: true });
    throw error;
  }
  await file.close();
  await rename(partial, path);
  return written;
}
