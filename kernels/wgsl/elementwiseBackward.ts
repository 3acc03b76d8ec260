// Training's per-element kernels on WebGPU (shaders in elementwiseBackward.wgsl.ts).

import { stridesOf } from '../../engine/shape.js';
import { lineGrid } from './grid.js';
import type { WebGpuKernel } from './kernel.js';
import { ELEMENTWISE_WORKGROUP, scatterAddWgsl, sumToWgsl, unaryBackwardWgsl } from './elementwiseBackward.wgsl.js';
import { stridedLayout } from './layout.js';
import { Uniforms } from './uniforms.js';

export const unaryBackward: WebGpuKernel<'unaryBackward'> = (backend, [x, dy], { fn }, [out]) => {
  const key = `unaryBackward(${fn})`;
  const dx = backend.output(out);
  backend.dispatch(key, backend.pipeline(key, () => unaryBackwardWgsl(fn)), new Uniforms().u32(out.size), [x.storage, dy.storage, dx], lineGrid(out.size, ELEMENTWISE_WORKGROUP));
  return [dx];
};

export const sumTo: WebGpuKernel<'sumTo'> = (backend, [x], _attrs, [out]) => {
  const rank = x.shape.length;
  const padded = [...new Array<number>(rank - out.shape.length).fill(1), ...out.shape];
  const xStrides = stridesOf(x.shape);
  // Kept axes walk the output (x's strides where the output keeps the axis); reduced axes walk the rest.
  const kept = stridedLayout('sumTo', padded, padded.map((d, axis) => (d === 1 ? 0 : xStrides[axis])));
  const reducedShape = x.shape.map((d, axis) => (padded[axis] === 1 ? d : 1));
  const reduced = stridedLayout('sumTo', reducedShape, xStrides);
  const reducedCount = reducedShape.reduce((p, d) => p * d, 1);
  const y = backend.output(out);
  backend.dispatch('sumTo', backend.pipeline('sumTo', sumToWgsl), new Uniforms().strided(kept).strided(reduced).u32(out.size).u32(reducedCount), [x.storage, y], lineGrid(out.size, ELEMENTWISE_WORKGROUP));
  return [y];
};

export const scatterAdd: WebGpuKernel<'scatterAdd'> = (backend, [updates, ids], { paddingIdx }, [out]) => {
  const width = out.shape[1];
  const table = backend.output(out);
  const uniforms = new Uniforms().u32(out.size).u32(width).u32(ids.size).u32((paddingIdx ?? -1) >>> 0);
  backend.dispatch('scatterAdd', backend.pipeline('scatterAdd', scatterAddWgsl), uniforms, [updates.storage, ids.storage, table], lineGrid(out.size, ELEMENTWISE_WORKGROUP));
  return [table];
};
