import { sizeOf } from '../../engine/shape.js';
import { CUMSUM_WORKGROUP, cumsumWgsl } from './cumsum.wgsl.js';
import { lineGrid } from './grid.js';
import type { WebGpuKernel } from './kernel.js';
import { wgslScalar } from './map.wgsl.js';
import { Uniforms } from './uniforms.js';

export const cumsum: WebGpuKernel<'cumsum'> = (backend, [x], { axis }, [out]) => {
  const length = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const columns = length === 0 ? 0 : x.size / length;
  const type = wgslScalar(x.dtype);
  const key = `cumsum(${type})`;
  const y = backend.output(out);
  const pipeline = backend.pipeline(key, () => cumsumWgsl(type));
  backend.dispatch(key, pipeline, new Uniforms().u32(columns).u32(length).u32(inner), [x.storage, y], lineGrid(columns, CUMSUM_WORKGROUP));
  return [y];
};
