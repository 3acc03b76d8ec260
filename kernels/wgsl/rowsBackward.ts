// Training's row kernels on WebGPU (shaders in rowsBackward.wgsl.ts).

import { lineGrid } from './grid.js';
import type { WebGpuKernel } from './kernel.js';
import { LAYER_NORM_COLUMNS_WORKGROUP, layerNormBackwardColumnsWgsl, layerNormBackwardRowsWgsl, logSoftmaxWgsl, softmaxBackwardWgsl } from './rowsBackward.wgsl.js';
import { Uniforms } from './uniforms.js';

function rowsOf(shape: readonly number[]): { rows: number; n: number } {
  const n = shape[shape.length - 1];
  return { rows: n === 0 ? 0 : shape.reduce((p, d) => p * d, 1) / n, n };
}

export const logSoftmax: WebGpuKernel<'logSoftmax'> = (backend, [x], _attrs, [out]) => {
  const { rows, n } = rowsOf(x.shape);
  const size = backend.tuning.rowWorkgroupSize(n);
  const key = `logSoftmax(${size})`;
  const y = backend.output(out);
  backend.dispatch(key, backend.pipeline(key, () => logSoftmaxWgsl(size)), new Uniforms().u32(rows).u32(n).f32(0), [x.storage, y], lineGrid(rows, 1));
  return [y];
};

export const softmaxBackward: WebGpuKernel<'softmaxBackward'> = (backend, [y, dy], _attrs, [out]) => {
  const { rows, n } = rowsOf(y.shape);
  const size = backend.tuning.rowWorkgroupSize(n);
  const key = `softmaxBackward(${size})`;
  const dx = backend.output(out);
  backend.dispatch(key, backend.pipeline(key, () => softmaxBackwardWgsl(size)), new Uniforms().u32(rows).u32(n).f32(0), [y.storage, dy.storage, dx], lineGrid(rows, 1));
  return [dx];
};

export const layerNormBackward: WebGpuKernel<'layerNormBackward'> = (backend, [x, weight, dy, residual], { eps }, [dvSpec, dwSpec, dbSpec]) => {
  const { rows, n } = rowsOf(x.shape);
  const size = backend.tuning.rowWorkgroupSize(n);
  const tag = residual ? ',residual' : '';
  const dv = backend.output(dvSpec);
  const dweight = backend.output(dwSpec);
  const dbias = backend.output(dbSpec);
  const stats = backend.output({ shape: [rows, 3], dtype: 'float32', size: Math.max(1, rows * 3) });
  const withResidual = (inputs: GPUBuffer[]) => (residual ? [...inputs, residual.storage] : inputs);
  const rowsKey = `layerNormBackwardRows(${size}${tag})`;
  backend.dispatch(rowsKey, backend.pipeline(rowsKey, () => layerNormBackwardRowsWgsl(size, residual !== undefined)), new Uniforms().u32(rows).u32(n).f32(eps), [...withResidual([x.storage, weight.storage, dy.storage]), dv, stats], lineGrid(rows, 1));
  const columnsKey = `layerNormBackwardColumns(${tag})`;
  backend.dispatch(columnsKey, backend.pipeline(columnsKey, () => layerNormBackwardColumnsWgsl(residual !== undefined)), new Uniforms().u32(rows).u32(n), [...withResidual([x.storage, dy.storage]), stats, dweight, dbias], [Math.ceil(n / LAYER_NORM_COLUMNS_WORKGROUP), 1, 1]);
  backend.free(stats); // the pool hands it out again only to work submitted after these dispatches
  return [dv, dweight, dbias];
};
