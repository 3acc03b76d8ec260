// Writing a large F32 safetensors file without holding it in memory. `encodeSafetensors` builds
// the whole file in one Buffer, which for a roberta-base-sized model (≈ 500 MB) would be a second
// copy beside the values themselves. Here each tensor's values are produced chunk by chunk into
// one small reused Float32Array and appended to the file, so memory stays at one chunk.
//
// The header and the tensor order are the writer's own (safetensorsWriter.ts), so the file is
// byte-identical to what `encodeSafetensors` makes of the same F32 tensors.

import { open, rename, rm } from 'node:fs/promises';
import { elementCount } from '../model/weights/hostTensor.js';
import { hostIsLittleEndian } from '../model/weights/elementType.js';
import { inFileOrder, safetensorsHeader } from '../model/weights/safetensorsWriter.js';

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

/** 1 Mi values (4 MiB) per write: large enough that the syscalls do not matter. */
const DEFAULT_CHUNK_ELEMENTS = 1 << 20;

function asF32<T extends Pick<StreamedTensor, 'name' | 'shape'>>(tensors: readonly T[]): (T & { readonly dtype: 'F32' })[] {
  return inFileOrder(tensors.map((t) => ({ ...t, dtype: 'F32' as const })));
}

/**
 * The first bytes of the file: the 8-byte little-endian header length and the padded JSON header.
 * Comparing these bytes with an existing file's tells whether it holds the same tensors.
 */
export function safetensorsF32Header(tensors: readonly Pick<StreamedTensor, 'name' | 'shape'>[], metadata: Readonly<Record<string, string>>): Buffer {
  return safetensorsHeader(asF32(tensors), metadata).header;
}

/** Total size of the file `writeSafetensorsF32` writes for these tensors. */
export function safetensorsF32FileSize(tensors: readonly Pick<StreamedTensor, 'name' | 'shape'>[], metadata: Readonly<Record<string, string>>): number {
  const { header, dataLength } = safetensorsHeader(asF32(tensors), metadata);
  return header.byteLength + dataLength;
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
    for (const tensor of asF32(tensors)) {
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
