import { unaryDerivatives, unaryFunctions } from './activations.js';
import type { CpuKernel } from './kernel.js';

export const unary: CpuKernel<'unary'> = (backend, [x], { fn }, [out]) => {
  const f = unaryFunctions[fn];
  const X = x.storage;
  const Y = backend.allocate('float32', out.size);
  for (let i = 0; i < out.size; i++) Y[i] = f(X[i]);
  return [Y];
};

/** dx = dy · f'(x), the chain rule through an elementwise function. */
export const unaryBackward: CpuKernel<'unaryBackward'> = (backend, [x, dy], { fn }, [out]) => {
  const df = unaryDerivatives[fn];
  const X = x.storage;
  const DY = dy.storage;
  const DX = backend.allocate('float32', out.size);
  for (let i = 0; i < out.size; i++) DX[i] = DY[i] * df(X[i]);
  return [DX];
};
