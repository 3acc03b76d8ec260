// Softmax (attention probabilities) and LayerNorm (after every residual connection).

import { OpError } from '../errors.js';
import { outputSpec, runOp } from '../run.js';
import { broadcastShapes, formatShape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expectDType, expectFinite, expectRank, expectTensor } from './check.js';

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
