// permute as block copies. When the last axes stay in place (splitting and merging attention
// heads, [0,2,1,3], keeps the head dimension last), the output is a sequence of runs that are
// contiguous in the input as well, so each run is one memmove within the shared memory
// (copyWithin) instead of an element-by-element walk. Other permutations run on the CPU reference.

import { stridesOf } from '../../engine/shape.js';
import { permute as referencePermute } from '../cpu/permute.js';
import { forEachStrided } from '../cpu/strided.js';
import type { WasmKernel } from './kernel.js';

/** Runs shorter than this are not worth a call each. */
const MIN_RUN = 8;

export const permute: WasmKernel<'permute'> = (backend, inputs, attrs, outputs) => {
  const [x] = inputs;
  const { perm } = attrs;
  let kept = perm.length;
  while (kept > 0 && perm[kept - 1] === kept - 1) kept--;
  const run = x.shape.slice(kept).reduce((p, d) => p * d, 1);
  if (run < MIN_RUN) return referencePermute(backend, inputs, attrs, outputs);
  const y = backend.allocate(outputs[0].dtype, outputs[0].size);
  const words = backend.wordsView();
  const from = x.storage.byteOffset / 4;
  const to = y.byteOffset / 4;
  const inStrides = stridesOf(x.shape);
  const outer = perm.slice(0, kept);
  forEachStrided(
    outer.map((p) => x.shape[p]),
    outer.map((p) => inStrides[p]),
    0,
    (i, offset) => words.copyWithin(to + i * run, from + offset, from + offset + run),
  );
  return [y];
};
