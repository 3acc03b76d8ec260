// The elementwise-map kernels: unary (activations), scale and cast, all on one shader (map.wgsl.ts).

/// <reference types="@webgpu/types" />

import { bytesPerElement } from '../../engine/dtype.js';
import type { WebGpuBackend } from './backend.js';
import { ACTIVATION_FN, activationsWgsl } from './activations.wgsl.js';
import { isNanWgsl } from './common.wgsl.js';
import { lineGrid } from './grid.js';
import type { WebGpuKernel } from './kernel.js';
import { MAP_WORKGROUP, mapWgsl, toInt32Wgsl, wgslScalar, type MapVariant } from './map.wgsl.js';
import { Uniforms } from './uniforms.js';

function recordMap(backend: WebGpuBackend, key: string, variant: MapVariant, x: GPUBuffer, y: GPUBuffer, count: number, factor = 1, shift = 0): void {
  const pipeline = backend.pipeline(key, () => mapWgsl(variant));
  backend.dispatch(key, pipeline, new Uniforms().u32(count).f32(factor).f32(shift), [x, y], lineGrid(count, MAP_WORKGROUP));
}

export const unary: WebGpuKernel<'unary'> = (backend, [x], { fn }, [out]) => {
  const y = backend.output(out);
  const variant: MapVariant = { input: 'f32', output: 'f32', helpers: activationsWgsl, expression: `${ACTIVATION_FN[fn]}(x)` };
  recordMap(backend, `unary(${fn})`, variant, x.storage, y, out.size);
  return [y];
};

export const scale: WebGpuKernel<'scale'> = (backend, [x], { factor, shift }, [out]) => {
  const y = backend.output(out);
  const variant: MapVariant = { input: 'f32', output: 'f32', helpers: '', expression: 'x * params.factor + params.shift' };
  recordMap(backend, 'scale', variant, x.storage, y, out.size, factor, shift);
  return [y];
};

export const cast: WebGpuKernel<'cast'> = (backend, [x], { dtype }, [out]) => {
  const y = backend.output(out);
  if (x.dtype === dtype) {
    backend.copy(x.storage, y, out.size * bytesPerElement(dtype));
    return [y];
  }
  const toInt = dtype === 'int32';
  const variant: MapVariant = {
    input: wgslScalar(x.dtype),
    output: wgslScalar(dtype),
    helpers: toInt ? isNanWgsl + toInt32Wgsl : '',
    // int32 → float32 rounds to the nearest float (exact below 2^24).
    expression: toInt ? 'toInt32(x)' : 'f32(x)',
  };
  recordMap(backend, `cast(${x.dtype}→${dtype})`, variant, x.storage, y, out.size);
  return [y];
};
