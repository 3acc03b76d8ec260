// quantizedLinear: y = x · Wᵀ + b with W int8 [out, in] and a float32 scale per output channel.
// Each row of x is quantized to int8 with a scale of its own, the dot products are summed in
// integers, and the sum scaled back: exactly the steps engine/quantize.ts defines, which every
// faster kernel must reproduce (its integer sums bit for bit).

import { dequantizeAccumulator, quantizeActivationRow } from '../../engine/quantize.js';
import { unaryFunctions } from './activations.js';
import type { CpuKernel } from './kernel.js';

export const quantizedLinear: CpuKernel<'quantizedLinear'> = (backend, [x, weight, weightScale, bias], { activation }, [out]) => {
  const [outFeatures, inFeatures] = weight.shape;
  const rows = out.size / (outFeatures || 1);
  const X = x.storage;
  const W = weight.storage;
  const S = weightScale.storage;
  const B = bias?.storage;
  const act = activation === null ? undefined : unaryFunctions[activation];
  const Y = backend.allocate('float32', out.size);
  const xq = new Int8Array(inFeatures);
  for (let r = 0; r < rows; r++) {
    const activationScale = quantizeActivationRow(X, r * inFeatures, inFeatures, xq);
    for (let o = 0; o < outFeatures; o++) {
      const wOff = o * inFeatures;
      let acc = 0;
      if (activationScale !== 0) for (let p = 0; p < inFeatures; p++) acc += xq[p]! * W[wOff + p]!;
      const y = dequantizeAccumulator(acc, activationScale, S[o]!, B ? B[o]! : 0);
      Y[r * outFeatures + o] = act ? act(y) : y;
    }
  }
  return [Y];
};
