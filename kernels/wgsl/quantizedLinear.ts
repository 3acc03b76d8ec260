// The quantizedLinear kernel: two dispatches, rows quantized to int8 (quantizeRows.wgsl.ts) then
// the int8 product with linear's epilogue (int8Product.wgsl.ts). The quantized rows and their
// scales live in scratch buffers between the two.

/// <reference types="@webgpu/types" />

import { sizeOf } from '../../engine/shape.js';
import type { WebGpuBackend } from './backend.js';
import { lineGrid, tileGrid } from './grid.js';
import { int8ProductKey, int8ProductWgsl, type Int8ProductVariant } from './int8Product.wgsl.js';
import type { WebGpuKernel } from './kernel.js';
import { quantizeRowsWgsl } from './quantizeRows.wgsl.js';
import { Uniforms } from './uniforms.js';

/** x's `rows` rows of `n` float32s quantized: int8 four to a word, ceil(n / 4) words a row; one float32 scale a row. */
export interface QuantizedRows {
  readonly xq: GPUBuffer;
  readonly rowScale: GPUBuffer;
  readonly words: number;
}

/** Records step 1; the caller frees both buffers. */
export function recordQuantizeRows(backend: WebGpuBackend, x: GPUBuffer, rows: number, n: number): QuantizedRows {
  const words = Math.ceil(n / 4);
  // int32 storage holds the words; at least one element, as WebGPU has no empty buffers.
  const xq = backend.output({ shape: [rows, words], dtype: 'int32', size: Math.max(1, rows * words) });
  const rowScale = backend.output({ shape: [rows], dtype: 'float32', size: Math.max(1, rows) });
  const size = backend.tuning.rowWorkgroupSize(n);
  const key = `quantizeRows(${size})`;
  backend.dispatch(key, backend.pipeline(key, () => quantizeRowsWgsl(size)), new Uniforms().u32(rows).u32(n).u32(words), [x, xq, rowScale], lineGrid(rows, 1));
  return { xq, rowScale, words };
}

export const quantizedLinear: WebGpuKernel<'quantizedLinear'> = (backend, [x, weight, weightScale, bias], { activation }, [out]) => {
  const [N, K] = weight.shape;
  const M = sizeOf(x.shape.slice(0, -1));
  const y = backend.output(out);
  const { xq, rowScale, words } = recordQuantizeRows(backend, x.storage, M, K);
  const variant: Int8ProductVariant = { bias: bias !== undefined, activation, packedDot: backend.weightPaths.packedDot, alignedRows: K % 4 === 0, threads: backend.tuning.int8Threads };
  const key = int8ProductKey(variant);
  const buffers = [xq, rowScale, weight.storage, weightScale.storage, ...(bias ? [bias.storage] : []), y];
  backend.dispatch(key, backend.pipeline(key, () => int8ProductWgsl(variant)), new Uniforms().u32(M).u32(N).u32(K).u32(words), buffers, tileGrid('quantizedLinear', M, N, 4 * variant.threads, 4 * variant.threads, 1));
  // The pool hands them out again only to work recorded after these dispatches.
  backend.free(xq);
  backend.free(rowScale);
  return [y];
};
