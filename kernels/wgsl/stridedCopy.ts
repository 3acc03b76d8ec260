// permute, slice and concat: each is one or more strided copies (stridedCopy.wgsl.ts).

/// <reference types="@webgpu/types" />

import { sizeOf, stridesOf } from '../../engine/shape.js';
import type { WebGpuBackend } from './backend.js';
import { lineGrid } from './grid.js';
import type { WebGpuKernel } from './kernel.js';
import { stridedLayout, type StridedLayout } from './layout.js';
import { COPY_WORKGROUP, stridedCopyWgsl } from './stridedCopy.wgsl.js';
import { Uniforms } from './uniforms.js';

/** Records destination[starts.destination + offsetB(i)] = source[starts.source + offsetA(i)] over the layout's shape. */
export function recordCopy(backend: WebGpuBackend, op: string, layout: StridedLayout, source: GPUBuffer, destination: GPUBuffer, starts: { source: number; destination: number }): void {
  const count = sizeOf(layout.shape);
  const pipeline = backend.pipeline('stridedCopy', stridedCopyWgsl);
  const uniforms = new Uniforms().strided(layout).u32(count).u32(starts.source).u32(starts.destination);
  backend.dispatch(op, pipeline, uniforms, [source, destination], lineGrid(count, COPY_WORKGROUP));
}

export const permute: WebGpuKernel<'permute'> = (backend, [x], { perm }, [out]) => {
  const inStrides = stridesOf(x.shape);
  const y = backend.output(out);
  recordCopy(backend, 'permute', stridedLayout('permute', out.shape, perm.map((p) => inStrides[p])), x.storage, y, { source: 0, destination: 0 });
  return [y];
};

export const slice: WebGpuKernel<'slice'> = (backend, [x], { begin }, [out]) => {
  const strides = stridesOf(x.shape);
  const start = begin.reduce((sum, b, axis) => sum + b * strides[axis], 0);
  const y = backend.output(out);
  recordCopy(backend, 'slice', stridedLayout('slice', out.shape, strides), x.storage, y, { source: start, destination: 0 });
  return [y];
};

export const concat: WebGpuKernel<'concat'> = (backend, inputs, { axis }, [out]) => {
  const outStrides = stridesOf(out.shape);
  const y = backend.output(out);
  let along = 0;
  for (const t of inputs) {
    const layout = stridedLayout('concat', t.shape, stridesOf(t.shape), outStrides);
    recordCopy(backend, 'concat', layout, t.storage, y, { source: 0, destination: along * outStrides[axis] });
    along += t.shape[axis];
  }
  return [y];
};
