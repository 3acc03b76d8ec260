import { lineGrid } from './grid.js';
import type { WebGpuKernel } from './kernel.js';
import { layerNormWgsl } from './layerNorm.wgsl.js';
import { Uniforms } from './uniforms.js';

export const layerNorm: WebGpuKernel<'layerNorm'> = (backend, [x, weight, bias, residual], { eps }, [out]) => {
  const n = x.shape[x.shape.length - 1];
  const rows = n === 0 ? 0 : x.size / n;
  const size = backend.tuning.rowWorkgroupSize(n);
  const key = `layerNorm(${size}${residual ? ',residual' : ''})`;
  const y = backend.output(out);
  const pipeline = backend.pipeline(key, () => layerNormWgsl(size, residual !== undefined));
  const inputs = residual ? [x.storage, weight.storage, bias.storage, residual.storage] : [x.storage, weight.storage, bias.storage];
  backend.dispatch(key, pipeline, new Uniforms().u32(rows).u32(n).f32(eps), [...inputs, y], lineGrid(rows, 1));
  return [y];
};
