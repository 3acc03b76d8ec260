// Joins along one axis. Seen as [outer, axisLength · inner] matrices, each input is a block of
// columns of the output. A gpu.js kernel has a fixed list of arguments, so inputs are joined two
// at a time: ((x0 ++ x1) ++ x2) ++ …, each step one kernel (a thread per output element).

import { concat as cpuConcat } from '../cpu/concat.js';
import { onHost } from './host.js';
import type { GpujsKernel } from './kernel.js';
import { checkFlatIndexable, rows, type KernelThis, type Mat, type Program } from './program.js';
import { readStrided } from './strided.js';
import type { GpujsStorage } from './storage.js';

type PairConstants = { readonly first: number };

function joinPair(this: KernelThis<PairConstants>, a: Mat, b: Mat): number {
  const c = this.thread.x;
  const o = this.thread.y;
  // Both reads are clamped into range: gpu.js's SIMD code evaluates both sides of a branch.
  const fromA = a[o][Math.min(c, this.constants.first - 1)];
  const fromB = b[o][Math.max(c - this.constants.first, 0)];
  if (c < this.constants.first) {
    return fromA;
  }
  return fromB;
}

const concatInts = onHost(cpuConcat);

export const concat: GpujsKernel<'concat'> = (backend, inputs, attrs, outputs) => {
  const [out] = outputs;
  if (out.dtype === 'int32') return concatInts(backend, inputs, attrs, outputs);
  const { axis } = attrs;
  const outer = out.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const blocks = inputs.filter((t) => t.size > 0).map((t) => ({ storage: t.storage, columns: t.size / outer }));
  if (blocks.length <= 1) {
    // Nothing to join: a copy of the one non-empty input (or an empty output).
    checkFlatIndexable('concat', 'the result', out.shape, out.size);
    return [readStrided(backend, (blocks[0] ?? inputs[0]).storage, [out.size], [1], 0)];
  }
  let joined: GpujsStorage = blocks[0].storage;
  let columns = blocks[0].columns;
  for (const block of blocks.slice(1)) {
    const program: Program<PairConstants> = { name: 'concat', source: joinPair, constants: { first: columns } };
    const next = backend.run(program, [columns + block.columns, outer], [rows(joined, columns), rows(block.storage, block.columns)]);
    if (joined !== blocks[0].storage) backend.free(joined);
    joined = next;
    columns += block.columns;
  }
  return [joined];
};
