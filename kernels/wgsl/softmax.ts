import { broadcastStrides } from '../../engine/shape.js';
import { lineGrid } from './grid.js';
import type { WebGpuKernel } from './kernel.js';
import { stridedLayout } from './layout.js';
import { softmaxWgsl } from './softmax.wgsl.js';
import { Uniforms } from './uniforms.js';

export const softmax: WebGpuKernel<'softmax'> = (backend, [x, mask], _attrs, [out]) => {
  const rank = x.shape.length;
  const n = x.shape[rank - 1];
  const rows = n === 0 ? 0 : x.size / n;
  const maskStrides = mask ? broadcastStrides(mask.shape, x.shape) : new Array<number>(rank).fill(0);
  const maskRows = stridedLayout('softmax', x.shape.slice(0, -1), maskStrides.slice(0, -1));
  const size = backend.tuning.rowWorkgroupSize(n);
  const key = `softmax(${size}${mask ? ',mask' : ''})`;
  const y = backend.output(out);
  const pipeline = backend.pipeline(key, () => softmaxWgsl(size, mask !== undefined));
  const uniforms = new Uniforms().strided(maskRows).u32(rows).u32(n).u32(maskStrides[rank - 1]);
  backend.dispatch(key, pipeline, uniforms, mask ? [x.storage, mask.storage, y] : [x.storage, y], lineGrid(rows, 1));
  return [y];
};
