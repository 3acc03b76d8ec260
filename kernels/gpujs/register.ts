// Registers the gpujs backend and its kernels. Importing this module is what makes `gpujs` exist.
// The registered factory takes its gpu.js mode from ROBERTA_GPUJS_MODE (default `auto`); for
// another mode in the same process, call createGpujsBackend({ mode }).

import { registerKernel } from '../../engine/registry.js';
import { registerBackend } from '../../engine/select.js';
import { environment } from '../../platform/host.js';
import { argmax } from './argmax.js';
import { createGpujsBackend } from './backend.js';
import { binary } from './binary.js';
import { cast } from './cast.js';
import { concat } from './concat.js';
import { cumsum } from './cumsum.js';
import { gather } from './gather.js';
import { layerNorm } from './layerNorm.js';
import { linear } from './linear.js';
import { matmul } from './matmul.js';
import { GPUJS_MODE_ENV, parseGpujsMode, type GpujsMode } from './modes.js';
import { permute } from './permute.js';
import { scale } from './scale.js';
import { slice } from './slice.js';
import { softmax } from './softmax.js';
import { topk } from './topk.js';
import { unary } from './unary.js';

export { createGpujsBackend, GpujsBackend, type GpujsBackendOptions } from './backend.js';
export { GPUJS_MODE_ENV, GPUJS_MODES, type GpujsMode } from './modes.js';

/** The mode ROBERTA_GPUJS_MODE names, or `auto`. */
export function gpujsModeFromEnvironment(env: Readonly<Record<string, string | undefined>> = environment()): GpujsMode {
  const value = env[GPUJS_MODE_ENV];
  return value ? parseGpujsMode(value, GPUJS_MODE_ENV) : 'auto';
}

// Above the CPU reference (gpu.js's own choice here is webasm: SIMD on every core), below
// hand-written WGSL and WebAssembly kernels, which the gpu.js model cannot match (README.md).
registerBackend({ name: 'gpujs', priority: 1, create: () => createGpujsBackend({ mode: gpujsModeFromEnvironment() }) });

registerKernel('gpujs', 'matmul', matmul);
registerKernel('gpujs', 'linear', linear);
registerKernel('gpujs', 'binary', binary);
registerKernel('gpujs', 'scale', scale);
registerKernel('gpujs', 'unary', unary);
registerKernel('gpujs', 'softmax', softmax);
registerKernel('gpujs', 'layerNorm', layerNorm);
registerKernel('gpujs', 'gather', gather);
registerKernel('gpujs', 'permute', permute);
registerKernel('gpujs', 'slice', slice);
registerKernel('gpujs', 'concat', concat);
registerKernel('gpujs', 'cumsum', cumsum);
registerKernel('gpujs', 'argmax', argmax);
registerKernel('gpujs', 'topk', topk);
registerKernel('gpujs', 'cast', cast);
