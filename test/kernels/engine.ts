// The engine with only the CPU reference backend registered. Tests of the engine and kernels
// import it instead of the package entry point, which also brings in the model, the tokenizer
// and (as they are added) other backends these tests must not depend on.

import '../../kernels/cpu/register.js';

export * from '../../engine/index.js';

import { ops, type BinaryOp, type Tensor } from '../../engine/index.js';

/** Each binary op by name, through its public function (tests run every op by name). */
export const BINARY_OPS: Readonly<Record<BinaryOp, (a: Tensor | number, b: Tensor | number) => Tensor>> = {
  add: ops.add,
  sub: ops.sub,
  mul: ops.mul,
  div: ops.div,
  equal: ops.equal,
  notEqual: ops.notEqual,
};
