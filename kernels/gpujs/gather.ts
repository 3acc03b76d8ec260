// Embedding lookup: output row t is row ids[t] of the table, one thread per output element. The
// table is read as a 2-D array (table[id][h]) so gpu.js addresses it in integers: a vocabulary
// table (50265 × 768) is past float32's exact 2^24 as a flat index. The ids live on the host
// (int32, host.ts); they are range-checked there and passed to the kernel as floats.

import { OpError } from '../../engine/errors.js';
import { gather as cpuGather } from '../cpu/gather.js';
import { onHost } from './host.js';
import type { GpujsKernel } from './kernel.js';
import { checkExactCount, flat, rows, type KernelThis, type Mat, type Program, type Vec } from './program.js';

function gatherElement(this: KernelThis<Record<string, never>>, table: Mat, ids: Vec): number {
  return table[ids[this.thread.y]][this.thread.x];
}

const program: Program<Record<string, never>> = { name: 'gather', source: gatherElement, constants: {} };

const gatherInts = onHost(cpuGather);

export const gather: GpujsKernel<'gather'> = (backend, inputs, attrs, outputs) => {
  const [table, ids] = inputs;
  if (table.dtype === 'int32') return gatherInts(backend, inputs, attrs, outputs);
  const [vocab, width] = table.shape;
  checkExactCount('gather', 'the number of table rows', vocab);
  const [idsAsFloats] = backend.onHost([ids.storage], [{ dtype: 'float32', size: ids.size }], ([values]) => {
    const index = values.findIndex((id) => id < 0 || id >= vocab);
    if (index >= 0) {
      throw new OpError('gather', `id ${values[index]} at flat index ${index} is out of range for a table of ${vocab} rows (ids must be in [0, ${vocab - 1}])`);
    }
    return [Float32Array.from(values)];
  });
  const result = backend.run(program, [width, ids.size], [rows(table.storage, width), flat(idsAsFloats)]);
  backend.free(idsAsFloats);
  return [result];
};
