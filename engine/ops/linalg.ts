// Matrix products: `matmul` for activations × activations (attention), `linear` for
// activations × weights in PyTorch's [out, in] layout (every nn.Linear).

import { OpError } from '../errors.js';
import type { UnaryFn } from '../opTypes.js';
import { outputSpec, runOp } from '../run.js';
import { broadcastShapes, formatShape, sameShape } from '../shape.js';
import { defineGradient } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { expectDType, expectRank, expectTensor } from './check.js';
import { checkUnaryFn, unaryBackward } from './elementwise.js';
import { reshape } from './layout.js';
import { sumTo } from './reduction.js';

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
 * C = A·B (A = a or aᵀ, B = b or bᵀ): dA = dC·Bᵀ and dB = Aᵀ·dC, each transposed back when the
 * operand was read transposed, then summed over batch axes it was broadcast along. Every product
 * is a matmul with transpose flags: no transposed copy is made.
 */
defineGradient('matmul', {
  saves: () => ({ inputs: [0, 1] }),
  backward({ attrs: { transposeA: tA, transposeB: tB }, inputs: [a, b], inputShapes: [aShape, bShape], needs }, [dy]) {
    const dc = dy!;
    const fit = (g: Tensor, shape: readonly number[]) => (sameShape(g.shape, shape) ? g : sumTo(g, shape));
    let da: Tensor | undefined;
    let db: Tensor | undefined;
    if (needs[0]) da = fit(tA ? matmul(b!, dc, { transposeA: tB, transposeB: true }) : matmul(dc, b!, { transposeB: !tB }), aShape);
    if (needs[1]) db = fit(tB ? matmul(dc, a!, { transposeA: true, transposeB: tA }) : matmul(a!, dc, { transposeA: !tA }), bShape);
    return [da, db];
  },
});

/**
 * x [..., in] · weightᵀ + bias, weight [out, in] as PyTorch stores it, then an optional
 * activation fused into the same kernel (the epilogue of the matrix product). The weight may be
 * float16: it is widened to float32 exactly and the product computed in float32.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor, activation: UnaryFn | null = null): Tensor {
  const op = 'linear';
  expectDType(op, 'weight', expectTensor(op, 'weight', weight), 'float32', 'float16');
  const inputs = linearInputs(op, x, weight, bias, activation);
  return runOp(op, inputs, { activation }, [outputSpec([...x.shape.slice(0, -1), weight.shape[0]], 'float32')])[0];
}

/**
 * linear with an int8 weight [out, in] and its float32 scale per output channel (engine/quantize.ts
 * makes both): x is quantized per row at run time and the products summed in int32. No gradient:
 * a quantized model is for inference.
 */
export function quantizedLinear(x: Tensor, weight: Tensor, weightScale: Tensor, bias?: Tensor, activation: UnaryFn | null = null): Tensor {
  const op = 'quantizedLinear';
  expectDType(op, 'weight', expectTensor(op, 'weight', weight), 'int8');
  expectTensor(op, 'weightScale', weightScale);
  expectDType(op, 'weightScale', weightScale, 'float32');
  if (weightScale.rank !== 1 || weightScale.shape[0] !== weight.shape[0]) {
    throw new OpError(op, `weightScale must be [${weight.shape[0]}], one scale per row of weight ${formatShape(weight.shape)}, got ${formatShape(weightScale.shape)}`);
  }
  const inputs = linearInputs(op, x, weight, bias, activation);
  inputs.splice(2, 0, weightScale); // [x, weight, weightScale, bias?]
  return runOp(op, inputs, { activation }, [outputSpec([...x.shape.slice(0, -1), weight.shape[0]], 'float32')])[0];
}

/** The checks linear and quantizedLinear share (x against the weight's [out, in], bias, activation): [x, weight, bias?]. */
function linearInputs(op: string, x: Tensor, weight: Tensor, bias: Tensor | undefined, activation: UnaryFn | null): Tensor[] {
  expectTensor(op, 'x', x);
  expectDType(op, 'x', x, 'float32');
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
  return inputs;
}

/**
 * y = act(z), z = x·Wᵀ + b over rows x [N, in]: dz = dy·act'(z), dx = dz·W, dW = dzᵀ·x, db = Σ_rows dz.
 * With an activation, z is recomputed from the saved x, W and b (one more product) rather than
 * kept from the forward, whose fused kernel never stores it.
 */
defineGradient('linear', {
  saves: ({ activation }) => ({ inputs: activation === null ? [0, 1] : [0, 1, 2] }),
  backward({ attrs: { activation }, inputs: [x, weight, bias], inputShapes: [xShape], needs }, [dy]) {
    const [outFeatures, inFeatures] = weight!.shape;
    let dz = dy!;
    if (activation !== null) dz = unaryBackward(linear(x!, weight!, bias), dz, activation);
    const rows = reshape(dz, [-1, outFeatures]);
    const dx = needs[0] ? reshape(matmul(rows, weight!), xShape) : undefined;
    const dw = needs[1] ? matmul(rows, reshape(x!, [-1, inFeatures]), { transposeA: true }) : undefined;
    const dbias = needs[2] ? sumTo(rows, [outFeatures]) : undefined;
    return [dx, dw, dbias];
  },
});
