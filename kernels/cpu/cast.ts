// float32 → int32 truncates toward zero and saturates at the int32 range (NaN → 0);
// int32 → float32 rounds to the nearest float (exact below 2^24).

import type { CpuKernel } from './kernel.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export const cast: CpuKernel<'cast'> = (backend, [x], { dtype }, [out]) => {
  const X = x.storage;
  const Y = backend.allocate(dtype, out.size);
  if (dtype === 'int32' && x.dtype === 'float32') {
    for (let i = 0; i < out.size; i++) {
      const v = X[i];
      Y[i] = Number.isNaN(v) ? 0 : Math.trunc(Math.min(INT32_MAX, Math.max(INT32_MIN, v)));
    }
  } else {
    Y.set(X.subarray(0, out.size));
  }
  return [Y];
};
