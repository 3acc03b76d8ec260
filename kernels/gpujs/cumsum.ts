// Inclusive running sum along an axis, seen as [outer, length, inner]: the thread for position p
// sums positions 0…p itself (threads share nothing), so a row of length L costs L²/2 additions —
// fine for the lengths cumsum sees (sequence positions), where a WGSL scan would share partial
// sums in workgroup memory. int32 sums (position ids) run on the host and wrap like int32.

import { cumsum as cpuCumsum } from '../cpu/cumsum.js';
import { onHost } from './host.js';
import type { GpujsKernel } from './kernel.js';
import type { Cube, KernelThis, Program } from './program.js';

type CumsumConstants = { readonly length: number };

function prefixSum(this: KernelThis<CumsumConstants>, x: Cube): number {
  const i = this.thread.x;
  const p = this.thread.y;
  const o = this.thread.z;
  let sum = 0;
  for (let q = 0; q < this.constants.length; q++) {
    if (q > p) {
      break;
    }
    sum += x[o][q][i];
  }
  return sum;
}

const cumsumInts = onHost(cpuCumsum);

export const cumsum: GpujsKernel<'cumsum'> = (backend, inputs, attrs, outputs) => {
  const [x] = inputs;
  if (x.dtype === 'int32') return cumsumInts(backend, inputs, attrs, outputs);
  const length = x.shape[attrs.axis];
  const inner = x.shape.slice(attrs.axis + 1).reduce((p, d) => p * d, 1);
  const outer = length * inner === 0 ? 0 : x.size / (length * inner);
  const program: Program<CumsumConstants> = { name: 'cumsum', source: prefixSum, constants: { length } };
  return [backend.run(program, [inner, length, outer], [{ storage: x.storage, dims: [inner, length, outer] }])];
};
