import type { CpuKernel } from './kernel.js';

export const scale: CpuKernel<'scale'> = (backend, [x], { factor, shift }, [out]) => {
  const X = x.storage;
  const Y = backend.allocate('float32', out.size);
  for (let i = 0; i < out.size; i++) Y[i] = X[i] * factor + shift;
  return [Y];
};
