// Conversions. Anything touching int32 runs on the host (int32 lives there, host.ts) with the
// CPU reference's semantics: float → int truncates toward zero and saturates, NaN → 0; int →
// float rounds to the nearest float32. float32 → float32 is a copy on the device.

import { cast as cpuCast } from '../cpu/cast.js';
import { onHost } from './host.js';
import type { GpujsKernel } from './kernel.js';
import { checkFlatIndexable } from './program.js';
import { readStrided } from './strided.js';

const castOnHost = onHost(cpuCast);

export const cast: GpujsKernel<'cast'> = (backend, inputs, attrs, outputs) => {
  const [x] = inputs;
  if (x.dtype === 'int32' || attrs.dtype === 'int32') return castOnHost(backend, inputs, attrs, outputs);
  checkFlatIndexable('cast', 'x', x.shape, x.size);
  return [readStrided(backend, x.storage, [x.size], [1], 0)];
};
