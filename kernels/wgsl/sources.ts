// The WGSL the webgpu backend compiles for the kernels the playground (demo/) benchmarks, as text
// to read beside their timings: each matmul version for a plain product C = A·B (no bias, no
// activation, the blocked one at a GPU's 16×16 workgroup), the masked softmax, LayerNorm with its
// residual, and GELU as the elementwise map the backend builds for it.

import { ACTIVATION_FN, activationsWgsl } from './activations.wgsl.js';
import { layerNormWgsl } from './layerNorm.wgsl.js';
import { mapWgsl } from './map.wgsl.js';
import { matmulBlockedWgsl } from './matmulBlocked.wgsl.js';
import { matmulNaiveWgsl } from './matmulNaive.wgsl.js';
import { matmulTiledWgsl } from './matmulTiled.wgsl.js';
import { softmaxWgsl } from './softmax.wgsl.js';

export const WGSL_KERNELS = ['matmul:naive', 'matmul:tiled', 'matmul:blocked', 'softmax', 'layerNorm', 'gelu'] as const;
export type WgslKernel = (typeof WGSL_KERNELS)[number];

const ROW_WORKGROUP = 256;
const plain = { bias: false, activation: null } as const;

/** The WGSL source of `kernel`. */
export function wgslSource(kernel: WgslKernel): string {
  switch (kernel) {
    case 'matmul:naive':
      return matmulNaiveWgsl(plain);
    case 'matmul:tiled':
      return matmulTiledWgsl(plain);
    case 'matmul:blocked':
      return matmulBlockedWgsl({ ...plain, transposeA: false, transposeB: false, threads: 16 });
    case 'softmax':
      return softmaxWgsl(ROW_WORKGROUP, true);
    case 'layerNorm':
      return layerNormWgsl(ROW_WORKGROUP, true);
    case 'gelu':
      return mapWgsl({ input: 'f32', output: 'f32', helpers: activationsWgsl, expression: `${ACTIVATION_FN.gelu}(x)` });
    default:
      throw new Error(`wgslSource: unknown kernel "${String(kernel)}" (expected ${WGSL_KERNELS.join(', ')})`);
  }
}
