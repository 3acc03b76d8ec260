import { unaryFunctions } from './activations.js';
import type { CpuKernel } from './kernel.js';

export const unary: CpuKernel<'unary'> = (backend, [x], { fn }, [out]) => {
  const f = unaryFunctions[fn];
  const X = x.storage;
  const Y = backend.allocate('float32', out.size);
  for (let i = 0; i < out.size; i++) Y[i] = f(X[i]);
  return [Y];
};
