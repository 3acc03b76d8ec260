import { broadcastStrides } from '../../engine/shape.js';
import { BINARY_WORKGROUP, binaryWgsl } from './binary.wgsl.js';
import { lineGrid } from './grid.js';
import type { WebGpuKernel } from './kernel.js';
import { stridedLayout } from './layout.js';
import { wgslScalar } from './map.wgsl.js';
import { Uniforms } from './uniforms.js';

export const binary: WebGpuKernel<'binary'> = (backend, [a, b], { op }, [out]) => {
  const type = wgslScalar(out.dtype);
  const layout = stridedLayout('binary', out.shape, broadcastStrides(a.shape, out.shape), broadcastStrides(b.shape, out.shape));
  const key = `binary(${op},${type})`;
  const y = backend.output(out);
  const pipeline = backend.pipeline(key, () => binaryWgsl(type, op));
  backend.dispatch(key, pipeline, new Uniforms().strided(layout).u32(out.size), [a.storage, b.storage, y], lineGrid(out.size, BINARY_WORKGROUP));
  return [y];
};
