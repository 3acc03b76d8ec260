// The k largest of each row, largest first (ties and NaN ranked as in kernels/cpu/order.ts).
//
// A thread produces one output, so the thread for rank t must find the t-th element by itself: it
// selects the best element, then the best that ranks after it, and so on, t + 1 passes over the
// row. That is k²/2 passes per row — cheap for the k of a fill-mask (5), quadratic beyond — so
// for k above DEVICE_MAX_K, and for int32 rows, topk runs on the host with the CPU reference
// (its insertion into a sorted list of k is close to one pass for small k, O(n·k) at worst).

import { topk as cpuTopk } from '../cpu/topk.js';
import { isNan, ranksBefore } from './functions.js';
import { onHost } from './host.js';
import type { GpujsKernel } from './kernel.js';
import { checkExactCount, rows, type KernelThis, type Mat, type Program } from './program.js';

export const DEVICE_MAX_K = 16;

type TopkConstants = { readonly n: number; readonly k: number };

function rankedIndex(this: KernelThis<TopkConstants>, x: Mat): number {
  const t = this.thread.x;
  const r = this.thread.y;
  let previous = 0;
  let previousIndex = -1;
  for (let s = 0; s < this.constants.k; s++) {
    if (s > t) {
      break;
    }
    let best = 0;
    let bestIndex = -1;
    for (let j = 0; j < this.constants.n; j++) {
      const v = x[r][j];
      if (previousIndex < 0 || ranksBefore(previous, previousIndex, v, j) > 0) {
        if (bestIndex < 0 || ranksBefore(v, j, best, bestIndex) > 0) {
          best = v;
          bestIndex = j;
        }
      }
    }
    previous = best;
    previousIndex = bestIndex;
  }
  return previousIndex;
}

function valueAt(this: KernelThis<Record<string, never>>, x: Mat, indices: Mat): number {
  return x[this.thread.y][indices[this.thread.y][this.thread.x]];
}

const topkOnHost = onHost(cpuTopk);

export const topk: GpujsKernel<'topk'> = (backend, inputs, attrs, outputs) => {
  const [x] = inputs;
  const { k } = attrs;
  if (x.dtype === 'int32' || k > DEVICE_MAX_K) return topkOnHost(backend, inputs, attrs, outputs);
  const [values, indices] = outputs;
  const n = x.shape[x.shape.length - 1];
  checkExactCount('topk', 'the row length', n);
  const rowCount = values.size / k;
  const row = rows(x.storage, n);
  const ranked: Program<TopkConstants> = { name: 'topk.indices', source: rankedIndex, constants: { n, k }, functions: [isNan, ranksBefore] };
  const found = backend.run(ranked, [k, rowCount], [row]);
  const picked: Program<Record<string, never>> = { name: 'topk.values', source: valueAt, constants: {} };
  const valuesStorage = backend.run(picked, [k, rowCount], [row, rows(found, k)]);
  const [indicesStorage] = backend.onHost([found], [indices], ([floats]) => [Int32Array.from(floats)]);
  backend.free(found);
  return [valuesStorage, indicesStorage];
};
