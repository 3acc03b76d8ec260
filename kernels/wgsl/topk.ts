// topk and argmax share one shader (topk.wgsl.ts): argmax is top-1 without the values.

/// <reference types="@webgpu/types" />

import type { TensorInfo } from '../../engine/backend.js';
import type { WebGpuBackend } from './backend.js';
import { lineGrid } from './grid.js';
import type { WebGpuKernel } from './kernel.js';
import { wgslScalar } from './map.wgsl.js';
import { topkWgsl } from './topk.wgsl.js';
import { Uniforms } from './uniforms.js';

function recordTopk(backend: WebGpuBackend, op: 'topk' | 'argmax', x: TensorInfo<GPUBuffer>, k: number, indices: GPUBuffer, values?: GPUBuffer): void {
  const n = x.shape[x.shape.length - 1];
  const rows = n === 0 ? 0 : x.size / n;
  const type = wgslScalar(x.dtype);
  const size = backend.tuning.rowWorkgroupSize(n);
  const key = `${op}(${type},${size})`;
  const pipeline = backend.pipeline(key, () => topkWgsl(type, size, values !== undefined));
  const outputs = values ? [indices, values] : [indices];
  backend.dispatch(key, pipeline, new Uniforms().u32(rows).u32(n).u32(k), [x.storage, ...outputs], lineGrid(rows, 1));
}

export const topk: WebGpuKernel<'topk'> = (backend, [x], { k }, [valuesSpec, indicesSpec]) => {
  const values = backend.output(valuesSpec);
  const indices = backend.output(indicesSpec);
  recordTopk(backend, 'topk', x, k, indices, values);
  return [values, indices];
};

export const argmax: WebGpuKernel<'argmax'> = (backend, [x], _attrs, [out]) => {
  const indices = backend.output(out);
  recordTopk(backend, 'argmax', x, 1, indices);
  return [indices];
};
