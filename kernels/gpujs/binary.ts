// Broadcast elementwise arithmetic and comparisons on float32, one thread per output element:
// each operand is read through its broadcast strides (strided.ts). int32 runs on the host
// (host.ts), where it wraps around at 2^31 exactly like the CPU reference.

import type { BinaryOp } from '../../engine/opTypes.js';
import { broadcastStrides } from '../../engine/shape.js';
import { binary as cpuBinary } from '../cpu/binary.js';
import { floorDiv } from './functions.js';
import { onHost } from './host.js';
import type { GpujsKernel } from './kernel.js';
import { checkFlatIndexable, flat, type KernelThis, type Program, type Vec } from './program.js';
import { collapseAxes } from './strided.js';

const OP_CODE: Readonly<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, equal: 4, notEqual: 5 };

/** One of the binary ops, chosen by a code baked into the kernel (a branch every thread takes the same way). */
export function combine(x: number, y: number, op: number): number {
  if (op === 0) {
    return x + y;
  }
  if (op === 1) {
    return x - y;
  }
  if (op === 2) {
    return x * y;
  }
  if (op === 3) {
    return x / y;
  }
  if (op === 4) {
    if (x === y) {
      return 1;
    }
    return 0;
  }
  if (x !== y) {
    return 1;
  }
  return 0;
}

type BinaryConstants = {
  readonly op: number;
  readonly rank: number;
  readonly shape: readonly number[];
  readonly aStrides: readonly number[];
  readonly bStrides: readonly number[];
};

function broadcastBinary(this: KernelThis<BinaryConstants>, a: Vec, b: Vec): number {
  let rest = this.thread.x;
  let ia = 0;
  let ib = 0;
  for (let e = 0; e < this.constants.rank; e++) {
    const axis = this.constants.rank - 1 - e;
    const n = this.constants.shape[axis];
    const q = floorDiv(rest, n);
    const index = rest - q * n;
    ia += index * this.constants.aStrides[axis];
    ib += index * this.constants.bStrides[axis];
    rest = q;
  }
  return combine(a[ia], b[ib], this.constants.op);
}

const binaryInts = onHost(cpuBinary);

export const binary: GpujsKernel<'binary'> = (backend, inputs, attrs, outputs) => {
  const [a, b] = inputs;
  const [out] = outputs;
  if (out.dtype === 'int32') return binaryInts(backend, inputs, attrs, outputs);
  checkFlatIndexable(attrs.op, 'a', a.shape, a.size);
  checkFlatIndexable(attrs.op, 'b', b.shape, b.size);
  const axes = collapseAxes(out.shape, [broadcastStrides(a.shape, out.shape), broadcastStrides(b.shape, out.shape)]);
  const program: Program<BinaryConstants> = {
    name: 'binary',
    source: broadcastBinary,
    constants: { op: OP_CODE[attrs.op], rank: axes.shape.length, shape: axes.shape, aStrides: axes.strides[0], bStrides: axes.strides[1] },
    functions: [floorDiv, combine],
  };
  return [backend.run(program, [out.size], [flat(a.storage), flat(b.storage)])];
};
