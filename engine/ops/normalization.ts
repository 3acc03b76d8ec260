// Softmax (attention probabilities), log-softmax (cross-entropy) and LayerNorm (after every
// residual connection), each with its gradient.

import { OpError } from '../errors.js';
import { outputSpec, runOp } from '../run.js';
import { broadcastShapes, formatShape, sameShape } from '../shape.js';
import { defineGradient } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { expectDType, expectFinite, expectRank, expectTensor } from './check.js';
import { mul, sub } from './elementwise.js';
import { sumTo } from './reduction.js';

function expectSameShape(op: string, names: readonly [string, string], a: Tensor, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) throw new OpError(op, `${names[1]} must have ${names[0]}'s shape: ${names[0]} is ${formatShape(a.shape)}, ${names[1]} is ${formatShape(b.shape)}`);
}

/**
 * softmax over the last axis of x + mask. The optional additive `mask` broadcasts to x (for
 * attention: scores [B, heads, S, S] + mask [B, 1, 1, S], 0 to keep and a large negative number
 * to drop). A row whose every entry is masked gets a finite, uniform result, never NaN.
 */
export function softmax(x: Tensor, mask?: Tensor): Tensor {
  const op = 'softmax';
  expectTensor(op, 'x', x);
  expectDType(op, 'x', x, 'float32');
  expectRank(op, 'x', x, 1, Infinity);
  const inputs = [x];
  if (mask !== undefined) {
    expectTensor(op, 'mask', mask);
    expectDType(op, 'mask', mask, 'float32');
    const shape = broadcastShapes(op, x.shape, mask.shape, ['x', 'mask']);
    if (!sameShape(shape, x.shape)) {
      throw new OpError(op, `mask must broadcast to x without growing it: x is ${formatShape(x.shape)}, mask is ${formatShape(mask.shape)}`);
    }
    inputs.push(mask);
  }
  return runOp(op, inputs, {}, [outputSpec(x.shape, 'float32')])[0];
}

/** The gradient through softmax from its output y: y ⊙ (dy − Σ_row dy ⊙ y). */
export function softmaxBackward(y: Tensor, dy: Tensor): Tensor {
  const op = 'softmaxBackward';
  expectTensor(op, 'y', y);
  expectTensor(op, 'dy', dy);
  expectDType(op, 'y', y, 'float32');
  expectDType(op, 'dy', dy, 'float32');
  expectRank(op, 'y', y, 1, Infinity);
  expectSameShape(op, ['y', 'dy'], y, dy);
  return runOp(op, [y, dy], {}, [outputSpec(y.shape, 'float32')])[0];
}

// The mask is added before the softmax, so it gets x's gradient, summed over where it was broadcast.
defineGradient('softmax', {
  saves: () => ({ outputs: [0] }),
  backward({ outputs: [y], inputShapes, needs }, [dy]) {
    const dx = softmaxBackward(y!, dy!);
    return [needs[0] ? dx : undefined, needs[1] ? sumTo(dx, inputShapes[1]) : undefined];
  },
});

/** log(softmax(x)) over the last axis, without ever taking the log of an underflowed probability. */
export function logSoftmax(x: Tensor): Tensor {
  const op = 'logSoftmax';
  expectTensor(op, 'x', x);
  expectDType(op, 'x', x, 'float32');
  expectRank(op, 'x', x, 1, Infinity);
  return runOp(op, [x], {}, [outputSpec(x.shape, 'float32')])[0];
}

// yᵢ = xᵢ − log Σⱼ e^xⱼ, so dxᵢ = dyᵢ − softmax(x)ᵢ · Σⱼ dyⱼ.
defineGradient('logSoftmax', {
  saves: () => ({ inputs: [0] }),
  backward({ inputs: [x] }, [dy]) {
    const rowSums = sumTo(dy!, [...x!.shape.slice(0, -1), 1]);
    return [sub(dy!, mul(softmax(x!), rowSums))];
  },
});

/**
 * LayerNorm over the last axis: (v − mean) / √(var + eps) · weight + bias, with v = x + residual
 * when a residual is given (the add & norm after attention and after the feed-forward, fused).
 */
export function layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps: number, residual?: Tensor): Tensor {
  const op = 'layerNorm';
  expectTensor(op, 'x', x);
  expectTensor(op, 'weight', weight);
  expectTensor(op, 'bias', bias);
  for (const [name, t] of [['x', x], ['weight', weight], ['bias', bias]] as const) expectDType(op, name, t, 'float32');
  expectRank(op, 'x', x, 1, Infinity);
  const hidden = x.shape[x.rank - 1];
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t.rank !== 1 || t.shape[0] !== hidden) {
      throw new OpError(op, `${name} must be [${hidden}] to match x ${formatShape(x.shape)}, got ${formatShape(t.shape)}`);
    }
  }
  expectFinite(op, 'eps', eps);
  if (eps <= 0) throw new OpError(op, `eps must be positive, got ${eps}`);
  const inputs = [x, weight, bias];
  if (residual !== undefined) {
    expectTensor(op, 'residual', residual);
    expectDType(op, 'residual', residual, 'float32');
    if (!sameShape(residual.shape, x.shape)) {
      throw new OpError(op, `residual must have x's shape: x is ${formatShape(x.shape)}, residual is ${formatShape(residual.shape)}`);
    }
    inputs.push(residual);
  }
  return runOp(op, inputs, { eps }, [outputSpec(x.shape, 'float32')])[0];
}

/** LayerNorm's gradient: d(x + residual), dweight and dbias from the forward's inputs and dy. */
export function layerNormBackward(x: Tensor, weight: Tensor, dy: Tensor, eps: number, residual?: Tensor): { dx: Tensor; dweight: Tensor; dbias: Tensor } {
  const op = 'layerNormBackward';
  for (const [name, t] of [['x', x], ['weight', weight], ['dy', dy]] as const) {
    expectTensor(op, name, t);
    expectDType(op, name, t, 'float32');
  }
  expectRank(op, 'x', x, 1, Infinity);
  expectRank(op, 'weight', weight, 1);
  if (weight.shape[0] !== x.shape[x.rank - 1]) throw new OpError(op, `weight must be [${x.shape[x.rank - 1]}] to match x ${formatShape(x.shape)}, got ${formatShape(weight.shape)}`);
  expectSameShape(op, ['x', 'dy'], x, dy);
  expectFinite(op, 'eps', eps);
  const inputs = [x, weight, dy];
  if (residual !== undefined) {
    expectTensor(op, 'residual', residual);
    expectSameShape(op, ['x', 'residual'], x, residual);
    inputs.push(residual);
  }
  const [dx, dweight, dbias] = runOp(op, inputs, { eps }, [outputSpec(x.shape, 'float32'), outputSpec(weight.shape, 'float32'), outputSpec(weight.shape, 'float32')]);
  return { dx, dweight, dbias };
}

// x and the residual enter LayerNorm as their sum, so both get the same gradient.
defineGradient('layerNorm', {
  saves: () => ({ inputs: [0, 1, 3] }),
  backward({ attrs: { eps }, inputs: [x, weight, , residual], needs }, [dy]) {
    const { dx, dweight, dbias } = layerNormBackward(x!, weight!, dy!, eps, residual);
    return [needs[0] ? dx : undefined, needs[1] ? dweight : undefined, needs[2] ? dbias : undefined, needs[3] ? dx : undefined];
  },
});
