// y = x · Wᵀ + b, then the activation, one thread per output element. W stays in PyTorch's
// [out, in] layout, so each thread's dot product walks two contiguous rows: row r of x and row o
// of W. Both are read as 2-D arrays (x[r][p], w[o][p]): gpu.js then computes the address in
// integers, which keeps a vocabulary-sized W (50265 × 768, past float32's exact 2^24) readable.

import { ACTIVATION_CODE, ACTIVATION_FUNCTIONS, activate } from './functions.js';
import type { GpujsKernel } from './kernel.js';
import { checkExactCount, flat, rows, type KernelThis, type Mat, type Program, type Vec } from './program.js';

type LinearConstants = { readonly k: number; readonly activation: number };

function linearElement(this: KernelThis<LinearConstants>, x: Mat, w: Mat, bias: Vec): number {
  const o = this.thread.x;
  const r = this.thread.y;
  // bias[o], not a bias switched off by a stride of 0: an index computed by a multiplication
  // halves the webasm kernel's speed (measured: 0.70 against 1.51 GFLOP/s per core).
  let sum = bias[o];
  for (let p = 0; p < this.constants.k; p++) {
    sum += x[r][p] * w[o][p];
  }
  // Rounded to float32 before the activation, as the reference does (a no-op except in the cpu mode).
  return activate(Math.fround(sum), this.constants.activation);
}

export const linear: GpujsKernel<'linear'> = (backend, [x, weight, bias], { activation }, [out]) => {
  const [outFeatures, inFeatures] = weight.shape;
  checkExactCount('linear', 'in_features', inFeatures);
  const rowCount = outFeatures === 0 ? 0 : out.size / outFeatures;
  const program: Program<LinearConstants> = {
    name: 'linear',
    source: linearElement,
    constants: { k: inFeatures, activation: ACTIVATION_CODE[activation ?? 'none'] },
    functions: ACTIVATION_FUNCTIONS,
  };
  const biasStorage = bias?.storage ?? backend.upload(new Float32Array(outFeatures), 'float32');
  try {
    return [backend.run(program, [outFeatures, rowCount], [rows(x.storage, inFeatures), rows(weight.storage, inFeatures), flat(biasStorage)])];
  } finally {
    if (!bias) backend.free(biasStorage);
  }
};
