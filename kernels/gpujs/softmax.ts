// Softmax over the last axis of x + mask, in three kernels. A gpu.js thread computes one output
// and threads cannot share partial results (no workgroup memory), so a thread per element would
// each redo its row's max and sum: n² work per row. Instead the row reductions get their own
// kernels, one thread per row, and the last kernel one thread per element:
//   rowMax[r] = max_j v[r][j]                 v = fround(x + mask), as Hugging Face adds in float32
//   rowSum[r] = Σ_j exp(v[r][j] − rowMax[r])
//   out[r][j] = exp(v[r][j] − rowMax[r]) / rowSum[r]
// Numerics follow kernels/cpu/softmax.ts: a row masked entirely at the float32 minimum ties and
// comes out uniform; a row of −∞ (or NaN) has no maximum and is set to 1/n.

import { broadcastStrides } from '../../engine/shape.js';
import { isNan } from './functions.js';
import type { GpujsKernel } from './kernel.js';
import { checkFlatIndexable, flat, rows, type KernelThis, type Mat, type Program, type Vec } from './program.js';

type SoftmaxConstants = {
  readonly n: number;
  /** Where row r starts in the mask, and the mask's stride along the row (0 where it broadcasts). */
  readonly maskRows: readonly number[];
  readonly maskStride: number;
};

function rowMax(this: KernelThis<SoftmaxConstants>, x: Mat, mask: Vec): number {
  const r = this.thread.x;
  const base = this.constants.maskRows[r];
  // Seeded with the row's first value, not −Infinity: gpu.js's WGSL writes Infinity as the
  // largest finite float, and a row of −∞ must keep −∞ as its maximum.
  let m = Math.fround(x[r][0] + mask[base]);
  for (let j = 1; j < this.constants.n; j++) {
    const v = Math.fround(x[r][j] + mask[base + j * this.constants.maskStride]);
    if (v > m || isNan(m) > 0) {
      m = v;
    }
  }
  return m;
}

function rowSum(this: KernelThis<SoftmaxConstants>, x: Mat, mask: Vec, max: Vec): number {
  const r = this.thread.x;
  const base = this.constants.maskRows[r];
  let sum = 0;
  for (let j = 0; j < this.constants.n; j++) {
    sum += Math.exp(Math.fround(x[r][j] + mask[base + j * this.constants.maskStride]) - max[r]);
  }
  return sum;
}

function normalize(this: KernelThis<SoftmaxConstants>, x: Mat, mask: Vec, max: Vec, sum: Vec): number {
  const j = this.thread.x;
  const r = this.thread.y;
  const m = max[r];
  // No maximum: every entry −∞ (below the most negative finite float32) or NaN.
  if (isNan(m) > 0 || m < -3.4028234663852886e38) {
    return 1 / this.constants.n;
  }
  return Math.exp(Math.fround(x[r][j] + mask[this.constants.maskRows[r] + j * this.constants.maskStride]) - m) / sum[r];
}

export const softmax: GpujsKernel<'softmax'> = (backend, [x, mask]) => {
  const n = x.shape[x.shape.length - 1];
  const rowCount = n === 0 ? 0 : x.size / n;
  if (mask) checkFlatIndexable('softmax', 'mask', mask.shape, mask.size);
  // Without a mask every score reads a single zero.
  const maskStrides = mask ? broadcastStrides(mask.shape, x.shape) : x.shape.map(() => 0);
  const maskRows = new Array<number>(Math.max(1, rowCount)).fill(0);
  for (let r = 0; r < rowCount; r++) {
    for (let axis = x.shape.length - 2, rest = r; axis >= 0; axis--) {
      maskRows[r] += (rest % x.shape[axis]) * maskStrides[axis];
      rest = Math.floor(rest / x.shape[axis]);
    }
  }
  const constants: SoftmaxConstants = { n, maskRows, maskStride: maskStrides[x.shape.length - 1] };
  const functions = [isNan];
  const maskStorage = mask?.storage ?? backend.upload(new Float32Array(1), 'float32');
  const scores = rows(x.storage, n);
  const maskArgument = flat(maskStorage);
  const max = backend.run({ name: 'softmax.rowMax', source: rowMax, constants, functions }, [rowCount], [scores, maskArgument]);
  const sum = backend.run({ name: 'softmax.rowSum', source: rowSum, constants, functions }, [rowCount], [scores, maskArgument, flat(max)]);
  const program: Program<SoftmaxConstants> = { name: 'softmax.normalize', source: normalize, constants, functions };
  const result = backend.run(program, [n, rowCount], [scores, maskArgument, flat(max), flat(sum)]);
  backend.free(max);
  backend.free(sum);
  if (!mask) backend.free(maskStorage);
  return [result];
};
