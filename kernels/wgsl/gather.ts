import { lineGrid } from './grid.js';
import { GATHER_WORKGROUP, gatherWgsl } from './gather.wgsl.js';
import type { WebGpuKernel } from './kernel.js';
import { Uniforms } from './uniforms.js';

export const gather: WebGpuKernel<'gather'> = (backend, [table, ids], _attrs, [out]) => {
  const [tableRows, width] = table.shape;
  if (tableRows === 0 && ids.size > 0) throw new Error(`gather: the table [${table.shape}] has no rows to look ids up in`);
  const y = backend.output(out);
  const half = table.dtype === 'float16' ? (backend.weightPaths.shaderF16 ? 'f16' : 'packed') : undefined;
  const key = half ? `gather(float16 ${half})` : 'gather';
  const pipeline = backend.pipeline(key, () => gatherWgsl(half));
  backend.dispatch(key, pipeline, new Uniforms().u32(out.size).u32(width).u32(tableRows), [table.storage, ids.storage, y], lineGrid(out.size, GATHER_WORKGROUP));
  return [y];
};
