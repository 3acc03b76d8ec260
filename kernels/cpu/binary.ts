// Broadcast elementwise arithmetic and comparisons. float32 results are rounded to float32 by
// the storage; int32 results wrap like 32-bit machine integers (Math.imul, | 0).

import type { BinaryOp } from '../../engine/opTypes.js';
import { forEachBroadcast } from './broadcast.js';
import type { CpuKernel } from './kernel.js';

type Fn = (x: number, y: number) => number;

const floatOps: Record<BinaryOp, Fn> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  equal: (x, y) => (x === y ? 1 : 0),
  notEqual: (x, y) => (x !== y ? 1 : 0),
};

const intOps: Record<BinaryOp, Fn> = {
  add: (x, y) => (x + y) | 0,
  sub: (x, y) => (x - y) | 0,
  mul: (x, y) => Math.imul(x, y),
  div: (x, y) => (y === 0 ? 0 : (x / y) | 0),
  equal: floatOps.equal,
  notEqual: floatOps.notEqual,
};

export const binary: CpuKernel<'binary'> = (backend, [a, b], { op }, [out]) => {
  const fn = (out.dtype === 'int32' ? intOps : floatOps)[op];
  const A = a.storage;
  const B = b.storage;
  const C = backend.allocate(out.dtype, out.size);
  forEachBroadcast(out.shape, [a.shape, b.shape], (i, [ia, ib]) => {
    C[i] = fn(A[ia], B[ib]);
  });
  return [C];
};
