// Batched matrix product, one thread per output element: C[z][i][j] = Σ_p A[z][i][p] · B[z][p][j].
// Transposes are strides, as in the CPU reference: element (i, p) of a is at aRow·i + aCol·p.
// Broadcast batches become two lookup tables, the offset of each output batch's matrix in a and
// in b, baked into the kernel as constants (they depend only on the shapes).
//
// There is no workgroup memory in gpu.js's model, so nothing is tiled: every thread streams its
// own row of a and column of b (see README.md for what that costs against WGSL).

import { broadcastStrides } from '../../engine/shape.js';
import type { GpujsKernel } from './kernel.js';
import { checkFlatIndexable, flat, type KernelThis, type Program, type Vec } from './program.js';

type MatmulConstants = {
  readonly k: number;
  readonly aRow: number;
  readonly aCol: number;
  readonly bRow: number;
  readonly bCol: number;
  readonly aOffsets: readonly number[];
  readonly bOffsets: readonly number[];
};

function matmulElement(this: KernelThis<MatmulConstants>, a: Vec, b: Vec): number {
  const j = this.thread.x;
  const i = this.thread.y;
  const z = this.thread.z;
  const aStart = this.constants.aOffsets[z] + i * this.constants.aRow;
  const bStart = this.constants.bOffsets[z] + j * this.constants.bCol;
  let sum = 0;
  for (let p = 0; p < this.constants.k; p++) {
    sum += a[aStart + p * this.constants.aCol] * b[bStart + p * this.constants.bRow];
  }
  return sum;
}

/** Offset of each output batch's matrix in an operand with `batchShape`, broadcast to `outBatch`. */
function batchOffsets(batchShape: readonly number[], outBatch: readonly number[], matrixSize: number): number[] {
  const strides = broadcastStrides(batchShape, outBatch);
  const count = outBatch.reduce((p, d) => p * d, 1);
  const offsets = new Array<number>(Math.max(1, count)).fill(0);
  for (let z = 0; z < count; z++) {
    let rest = z;
    for (let axis = outBatch.length - 1; axis >= 0; axis--) {
      offsets[z] += (rest % outBatch[axis]) * strides[axis] * matrixSize;
      rest = Math.floor(rest / outBatch[axis]);
    }
  }
  return offsets;
}

export const matmul: GpujsKernel<'matmul'> = (backend, [a, b], { transposeA, transposeB }, [out]) => {
  checkFlatIndexable('matmul', 'a', a.shape, a.size);
  checkFlatIndexable('matmul', 'b', b.shape, b.size);
  const rank = out.shape.length;
  const m = out.shape[rank - 2];
  const n = out.shape[rank - 1];
  const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const outBatch = out.shape.slice(0, -2);
  const batches = outBatch.reduce((p, d) => p * d, 1);
  const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
  const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
  const program: Program<MatmulConstants> = {
    name: 'matmul',
    source: matmulElement,
    constants: {
      k,
      aRow,
      aCol,
      bRow,
      bCol,
      aOffsets: batchOffsets(a.shape.slice(0, -2), outBatch, m * k),
      bOffsets: batchOffsets(b.shape.slice(0, -2), outBatch, k * n),
    },
  };
  return [backend.run(program, [n, m, batches], [flat(a.storage), flat(b.storage)])];
};
