// Index of the largest element of each row, one thread per row walking it in order (ties and NaN
// ranked as in kernels/cpu/order.ts). The kernel's float32 indices are exact below 2^24; they
// become int32 on the host, where int32 tensors live (host.ts).

import { argmax as cpuArgmax } from '../cpu/argmax.js';
import { isNan, ranksBefore } from './functions.js';
import { onHost } from './host.js';
import type { GpujsKernel } from './kernel.js';
import { checkExactCount, rows, type KernelThis, type Mat, type Program } from './program.js';

type ArgmaxConstants = { readonly n: number };

function rowArgmax(this: KernelThis<ArgmaxConstants>, x: Mat): number {
  const r = this.thread.x;
  let best = 0;
  let bestValue = x[r][0];
  for (let j = 1; j < this.constants.n; j++) {
    const v = x[r][j];
    if (ranksBefore(v, j, bestValue, best) > 0) {
      best = j;
      bestValue = v;
    }
  }
  return best;
}

const argmaxInts = onHost(cpuArgmax);

export const argmax: GpujsKernel<'argmax'> = (backend, inputs, attrs, outputs) => {
  const [x] = inputs;
  const [out] = outputs;
  if (x.dtype === 'int32') return argmaxInts(backend, inputs, attrs, outputs);
  const n = x.shape[x.shape.length - 1];
  checkExactCount('argmax', 'the row length', n);
  const program: Program<ArgmaxConstants> = { name: 'argmax', source: rowArgmax, constants: { n }, functions: [isNan, ranksBefore] };
  const indices = backend.run(program, [out.size], [rows(x.storage, n)]);
  const [result] = backend.onHost([indices], [out], ([values]) => [Int32Array.from(values)]);
  backend.free(indices);
  return [result];
};
