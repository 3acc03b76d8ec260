// y = x · Wᵀ + b, W in PyTorch's [out, in] layout, then the optional activation. Each output is
// the dot product of two contiguous rows (a row of x and a row of W), accumulated in float64. A
// float16 weight is widened to float32 first (exactly), so its result is the float32 result on
// the rounded weights.

import { widenHalves } from '../../engine/halfFloat.js';
import { unaryFunctions } from './activations.js';
import type { CpuKernel } from './kernel.js';

export const linear: CpuKernel<'linear'> = (backend, [x, weight, bias], { activation }, [out]) => {
  const [outFeatures, inFeatures] = weight.shape;
  const rows = out.size / (outFeatures || 1);
  const X = x.storage;
  const W = weight.dtype === 'float16' ? widenHalves(weight.storage as Uint16Array) : weight.storage;
  const bvals = bias?.storage;
  const act = activation === null ? undefined : unaryFunctions[activation];
  const Y = backend.allocate('float32', out.size);
  for (let r = 0; r < rows; r++) {
    const xOff = r * inFeatures;
    for (let o = 0; o < outFeatures; o++) {
      const wOff = o * inFeatures;
      let sum = bvals ? bvals[o] : 0;
      for (let p = 0; p < inFeatures; p++) sum += X[xOff + p] * W[wOff + p];
      Y[r * outFeatures + o] = act ? act(Math.fround(sum)) : sum;
    }
  }
  return [Y];
};
