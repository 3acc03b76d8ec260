// The k best of each row by insertion into a sorted list of length k: O(n·k) worst case, and
// close to O(n) for the small k a fill-mask asks for (most elements lose to the current k-th).

import { ranksBefore } from './order.js';
import type { CpuKernel } from './kernel.js';

export const topk: CpuKernel<'topk'> = (backend, [x], { k }, [values, indices]) => {
  const n = x.shape[x.shape.length - 1];
  const rows = values.size / k;
  const X = x.storage;
  const V = backend.allocate(x.dtype, values.size);
  const I = backend.allocate('int32', indices.size);
  const best = new Int32Array(k);
  for (let r = 0; r < rows; r++) {
    const row = r * n;
    let count = 0;
    for (let j = 0; j < n; j++) {
      const v = X[row + j];
      if (count === k && !ranksBefore(v, j, X[row + best[k - 1]], best[k - 1])) continue;
      let at = count < k ? count++ : k - 1;
      while (at > 0 && ranksBefore(v, j, X[row + best[at - 1]], best[at - 1])) {
        best[at] = best[at - 1];
        at--;
      }
      best[at] = j;
    }
    for (let t = 0; t < k; t++) {
      I[r * k + t] = best[t];
      V[r * k + t] = X[row + best[t]];
    }
  }
  return [V, I];
};
