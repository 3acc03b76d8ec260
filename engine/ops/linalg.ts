// Matrix products: `matmul` for activations × activations (attention), `linear` for
// activations × weights in PyTorch's [out, in] layout (every nn.Linear).

import { OpError } from '../errors.js';
import type { UnaryFn } from '../opTypes.js';
import { outputSpec, runOp } from '../run.js';
import { broadcastShapes, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expectDType, expectRank, expectTensor } from './check.js';
import { checkUnaryFn } from './elementwise.js';

export interface MatmulOptions {
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/**
 * a [...batch, M, K] × b [...batch, K, N] → [...batch, M, N]; with `transposeA` a is read as
 * [..., K, M], with `transposeB` b as [..., N, K]. Batch axes broadcast (b may be 2-D).
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const op = 'matmul';
  expectTensor(op, 'a', a);
  expectTensor(op, 'b', b);
  expectDType(op, 'a', a, 'float32');
  expectDType(op, 'b', b, 'float32');
  expectRank(op, 'a', a, 2, Infinity);
  expectRank(op, 'b', b, 2, Infinity);
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  const [m, ka] = transposeA ? [a.shape[a.rank - 1], a.shape[a.rank - 2]] : [a.shape[a.rank - 2], a.shape[a.rank - 1]];
  const [kb, n] = transposeB ? [b.shape[b.rank - 1], b.shape[b.rank - 2]] : [b.shape[b.rank - 2], b.shape[b.rank - 1]];
  if (ka !== kb) {
    const flags = [transposeA ? 'a transposed' : '', transposeB ? 'b transposed' : ''].filter(Boolean).join(', ');
    throw new OpError(op, `inner dimensions differ: a is ${formatShape(a.shape)}, b is ${formatShape(b.shape)}${flags ? ` (${flags})` : ''}`);
  }
  const batch = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2), ['a batch', 'b batch']);
  return runOp(op, [a, b], { transposeA, transposeB }, [outputSpec([...batch, m, n], 'float32')])[0];
}

/**
 * x [..., in] · weightᵀ + bias, weight [out, in] as PyTorch stores it, then an optional
 * activation fused into the same kernel (the epilogue of the matrix product).
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor, activation: UnaryFn | null = null): Tensor {
  const op = 'linear';
  expectTensor(op, 'x', x);
  expectTensor(op, 'weight', weight);
  expectDType(op, 'x', x, 'float32');
  expectDType(op, 'weight', weight, 'float32');
  expectRank(op, 'x', x, 1, Infinity);
  expectRank(op, 'weight', weight, 2);
  const [outFeatures, inFeatures] = weight.shape;
  if (x.shape[x.rank - 1] !== inFeatures) {
    throw new OpError(op, `x's last dimension must equal weight's in_features: x is ${formatShape(x.shape)}, weight is ${formatShape(weight.shape)} ([out, in])`);
  }
  const inputs = [x, weight];
  if (bias !== undefined) {
    expectTensor(op, 'bias', bias);
    expectDType(op, 'bias', bias, 'float32');
    if (bias.rank !== 1 || bias.shape[0] !== outFeatures) {
      throw new OpError(op, `bias must be [${outFeatures}] to match weight ${formatShape(weight.shape)}, got ${formatShape(bias.shape)}`);
    }
    inputs.push(bias);
  }
  if (activation !== null) checkUnaryFn(op, activation);
  return runOp(op, inputs, { activation }, [outputSpec([...x.shape.slice(0, -1), outFeatures], 'float32')])[0];
}
