// Elementwise ops: broadcast binary arithmetic and comparisons, scale, activations, cast.

import { isDType, isWeightDType, type DType } from '../dtype.js';
import { OpError } from '../errors.js';
import { UNARY_FNS, type BinaryOp, type UnaryFn } from '../opTypes.js';
import { commonBackend, outputSpec, runOp } from '../run.js';
import { broadcastShapes, formatShape, sameShape } from '../shape.js';
import { defineGradient } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { expectDType, expectFinite, expectTensor } from './check.js';
import { scalar } from './creation.js';
import { sumTo } from './reduction.js';

function binary(op: BinaryOp, a: Tensor | number, b: Tensor | number): Tensor {
  if (typeof a === 'number' && typeof b === 'number') throw new OpError(op, 'at least one operand must be a Tensor');
  // A number operand becomes a rank-0 tensor of the other operand's dtype, on its backend.
  const other = (typeof a === 'number' ? b : a) as Tensor;
  expectTensor(op, typeof a === 'number' ? 'b' : 'a', other);
  const ta = typeof a === 'number' ? scalar(a, other.dtype, other.backend) : expectTensor(op, 'a', a);
  const tb = typeof b === 'number' ? scalar(b, other.dtype, other.backend) : expectTensor(op, 'b', b);
  if (ta.dtype !== tb.dtype) throw new OpError(op, `operands must have the same dtype: a is ${ta.dtype}, b is ${tb.dtype}`);
  commonBackend(op, [ta, tb]); // checked here so the error names `add`, not the `binary` kernel
  const shape = broadcastShapes(op, ta.shape, tb.shape);
  try {
    return runOp('binary', [ta, tb], { op }, [outputSpec(shape, ta.dtype)])[0];
  } finally {
    if (ta !== a) ta.dispose();
    if (tb !== b) tb.dispose();
  }
}

export const add = (a: Tensor | number, b: Tensor | number): Tensor => binary('add', a, b);
export const sub = (a: Tensor | number, b: Tensor | number): Tensor => binary('sub', a, b);
export const mul = (a: Tensor | number, b: Tensor | number): Tensor => binary('mul', a, b);
/** Division; for int32, truncates toward zero (division by zero gives 0). */
export const div = (a: Tensor | number, b: Tensor | number): Tensor => binary('div', a, b);
export const equal = (a: Tensor | number, b: Tensor | number): Tensor => binary('equal', a, b);
export const notEqual = (a: Tensor | number, b: Tensor | number): Tensor => binary('notEqual', a, b);

// The gradient of a broadcasting op reaches each operand summed over the axes it was broadcast along.
defineGradient('binary', {
  saves: ({ op }) => ({ inputs: op === 'mul' || op === 'div' ? [0, 1] : [] }),
  backward({ attrs: { op }, inputShapes: [aShape, bShape], inputs: [a, b], needs }, [dy]) {
    const g = dy!;
    const to = (t: Tensor, shape: readonly number[]) => (sameShape(t.shape, shape) ? t : sumTo(t, shape));
    switch (op) {
      case 'add':
        return [needs[0] ? to(g, aShape) : undefined, needs[1] ? to(g, bShape) : undefined];
      case 'sub':
        return [needs[0] ? to(g, aShape) : undefined, needs[1] ? to(scale(g, -1), bShape) : undefined];
      case 'mul':
        return [needs[0] ? to(mul(g, b!), aShape) : undefined, needs[1] ? to(mul(g, a!), bShape) : undefined];
      case 'div': // d(a/b)/da = 1/b, d(a/b)/db = −a/b²
        return [needs[0] ? to(div(g, b!), aShape) : undefined, needs[1] ? to(scale(div(mul(g, a!), mul(b!, b!)), -1), bShape) : undefined];
      default:
        return [undefined, undefined]; // comparisons are flat almost everywhere
    }
  },
});

/** x · factor + shift (float32). */
export function scale(x: Tensor, factor: number, shift = 0): Tensor {
  const op = 'scale';
  expectTensor(op, 'x', x);
  expectDType(op, 'x', x, 'float32');
  expectFinite(op, 'factor', factor);
  expectFinite(op, 'shift', shift);
  return runOp(op, [x], { factor, shift }, [outputSpec(x.shape, 'float32')])[0];
}

defineGradient('scale', { saves: () => ({}), backward: ({ attrs: { factor } }, [dy]) => [scale(dy!, factor)] });

export function checkUnaryFn(op: string, fn: string): asserts fn is UnaryFn {
  if (!(UNARY_FNS as readonly string[]).includes(fn)) {
    throw new OpError(op, `unknown activation "${fn}" (supported: ${UNARY_FNS.join(', ')})`);
  }
}

/** Applies one of the elementwise functions of `UnaryFn` (float32). */
export function unary(x: Tensor, fn: UnaryFn): Tensor {
  expectTensor(fn, 'x', x);
  checkUnaryFn('unary', fn);
  expectDType(fn, 'x', x, 'float32');
  return runOp('unary', [x], { fn }, [outputSpec(x.shape, 'float32')])[0];
}

/** dy · fn'(x): the gradient through `unary(x, fn)` (float32, same shapes). */
export function unaryBackward(x: Tensor, dy: Tensor, fn: UnaryFn): Tensor {
  const op = 'unaryBackward';
  expectTensor(op, 'x', x);
  expectTensor(op, 'dy', dy);
  checkUnaryFn(op, fn);
  expectDType(op, 'x', x, 'float32');
  expectDType(op, 'dy', dy, 'float32');
  if (!sameShape(x.shape, dy.shape)) throw new OpError(op, `dy must have x's shape: x is ${formatShape(x.shape)}, dy is ${formatShape(dy.shape)}`);
  return runOp(op, [x, dy], { fn }, [outputSpec(x.shape, 'float32')])[0];
}

defineGradient('unary', { saves: () => ({ inputs: [0] }), backward: ({ attrs: { fn }, inputs: [x] }, [dy]) => [unaryBackward(x!, dy!, fn)] });

/** GELU, exact form x·Φ(x) = x/2·(1 + erf(x/√2)): Hugging Face's "gelu". */
export const gelu = (x: Tensor): Tensor => unary(x, 'gelu');
/** GELU, tanh approximation: Hugging Face's "gelu_new". */
export const geluNew = (x: Tensor): Tensor => unary(x, 'gelu_new');
export const relu = (x: Tensor): Tensor => unary(x, 'relu');
export const tanh = (x: Tensor): Tensor => unary(x, 'tanh');
export const sigmoid = (x: Tensor): Tensor => unary(x, 'sigmoid');

export function cast(x: Tensor, dtype: DType): Tensor {
  const op = 'cast';
  expectTensor(op, 'x', x);
  if (!isDType(dtype) || isWeightDType(dtype)) throw new OpError(op, `unsupported dtype ${String(dtype)} (supported: float32, int32)`);
  return runOp(op, [x], { dtype }, [outputSpec(x.shape, dtype)])[0];
}

// Only float → float casts are recorded (int outputs carry no gradient), and those are the identity.
defineGradient('cast', { saves: () => ({}), backward: (_ctx, [dy]) => [dy] });
