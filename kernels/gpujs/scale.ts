// x · factor + shift. factor and shift are kernel arguments, not constants, so every scale of
// one shape shares one compiled kernel.

import type { GpujsKernel } from './kernel.js';
import { checkFlatIndexable, flat, type KernelThis, type Program, type Vec } from './program.js';

function scaleElements(this: KernelThis<Record<string, never>>, x: Vec, factor: number, shift: number): number {
  return x[this.thread.x] * factor + shift;
}

const program: Program<Record<string, never>> = { name: 'scale', source: scaleElements, constants: {} };

export const scale: GpujsKernel<'scale'> = (backend, [x], { factor, shift }, [out]) => {
  checkFlatIndexable('scale', 'x', x.shape, x.size);
  return [backend.run(program, [out.size], [flat(x.storage), factor, shift])];
};
