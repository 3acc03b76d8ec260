// The elementwise activations (functions.ts), one thread per element.

import { ACTIVATION_CODE, ACTIVATION_FUNCTIONS, activate } from './functions.js';
import type { GpujsKernel } from './kernel.js';
import { checkFlatIndexable, flat, type KernelThis, type Program, type Vec } from './program.js';

type UnaryConstants = { readonly activation: number };

function activateElements(this: KernelThis<UnaryConstants>, x: Vec): number {
  return activate(x[this.thread.x], this.constants.activation);
}

export const unary: GpujsKernel<'unary'> = (backend, [x], { fn }, [out]) => {
  checkFlatIndexable(fn, 'x', x.shape, x.size);
  const program: Program<UnaryConstants> = {
    name: `unary ${fn}`,
    source: activateElements,
    constants: { activation: ACTIVATION_CODE[fn] },
    functions: ACTIVATION_FUNCTIONS,
  };
  return [backend.run(program, [out.size], [flat(x.storage)])];
};
