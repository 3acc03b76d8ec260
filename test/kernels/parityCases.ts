// The table of cases every backend's kernels are checked on against the CPU reference. Each case
// makes host inputs from a seeded generator and applies one op, so a failure names one kernel.
//
// Shapes are deliberately awkward: sizes that are not multiples of any tile or workgroup (1, 3,
// 17, 33, 65, 127, 129), size-1 axes, broadcasting, long reductions (K = 1000, 2048; rows of 513), and
// the shapes RoBERTa itself uses (12 heads of 32, hidden 768). Values include exact ties (which
// index wins must be deterministic), saturating extremes, masks at the float32 minimum and −∞.

import { ops, quantizeWeight, UNARY_FNS, sizeOf, type BinaryOp, type DType, type OpName, type Shape, type Tensor, type TypedArray, type WeightDType } from '../../engine/index.js';
import { narrowToHalves } from '../../engine/halfFloat.js';
import type { MatmulOptions } from '../../engine/ops/linalg.js';
import { BINARY_OPS } from './engine.js';
import type { Random } from './random.js';

/** Host data for one input, uploaded to each backend. */
export interface HostTensor {
  readonly data: TypedArray;
  readonly shape: Shape;
}

export interface ParityCase {
  /** The test's name; also seeds its inputs. */
  readonly name: string;
  /** The kernel under test: the key of per-op tolerance overrides. */
  readonly op: OpName;
  readonly inputs: (random: Random) => HostTensor[];
  /** Applies the op to the uploaded inputs (in `inputs` order). */
  readonly run: (inputs: Tensor[]) => Tensor | Tensor[];
  /** The compact weight dtype one of the inputs holds, which a backend may refuse to store (gpu.js). */
  readonly weightDType?: WeightDType;
}

/** The float32 minimum Hugging Face fills masked attention scores with (torch.finfo(float32).min). */
export const FLOAT32_MIN = -3.4028234663852886e38;

const fmt = (shape: Shape) => `[${shape.join(',')}]`;

const floats = (random: Random, shape: Shape, lo = -1, hi = 1): HostTensor => ({ data: random.floats(sizeOf(shape), lo, hi), shape });
const ints = (random: Random, shape: Shape, lo: number, hi: number): HostTensor => ({ data: random.ints(sizeOf(shape), lo, hi), shape });
const fixed = (values: readonly number[], shape: Shape, dtype: DType = 'float32'): HostTensor => ({
  data: dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values),
  shape,
});
const picked = (random: Random, shape: Shape, choices: readonly number[], dtype: DType = 'float32'): HostTensor =>
  fixed(random.pick(sizeOf(shape), choices), shape, dtype);

// ---- matmul ---------------------------------------------------------------------------------

function matmulCase(aShape: Shape, bShape: Shape, options: MatmulOptions = {}): ParityCase {
  const flags = [options.transposeA && 'transposeA', options.transposeB && 'transposeB'].filter(Boolean).join(', ');
  return {
    name: `matmul ${fmt(aShape)} × ${fmt(bShape)}${flags ? ` (${flags})` : ''}`,
    op: 'matmul',
    inputs: (r) => [floats(r, aShape), floats(r, bShape)],
    run: ([a, b]) => ops.matmul(a, b, options),
  };
}

const matmulCases: ParityCase[] = [
  matmulCase([1, 1], [1, 1]),
  matmulCase([3, 17], [17, 33]),
  matmulCase([65, 127], [127, 33]),
  matmulCase([127, 1], [1, 65]),
  matmulCase([1, 65], [65, 1]),
  matmulCase([1, 1000], [1000, 3]),
  matmulCase([5, 2048], [2048, 7]),
  matmulCase([3, 17, 33], [3, 33, 5]),
  matmulCase([2, 3, 17, 9], [9, 33]),
  matmulCase([2, 1, 5, 7], [1, 3, 7, 4]),
  matmulCase([1, 1, 1], [1, 1, 1]),
  matmulCase([3, 33, 17], [3, 33, 5], { transposeA: true }),
  matmulCase([4, 17, 65], [4, 33, 65], { transposeB: true }),
  matmulCase([2, 65, 3], [127, 65], { transposeA: true, transposeB: true }),
  matmulCase([2, 1, 16, 32], [1, 3, 16, 32], { transposeB: true }),
  // RoBERTa attention, one sequence of 16 tokens: scores q·kᵀ, then probabilities · v.
  matmulCase([1, 12, 16, 32], [1, 12, 16, 32], { transposeB: true }),
  matmulCase([1, 12, 16, 16], [1, 12, 16, 32]),
];

// ---- linear ---------------------------------------------------------------------------------

function linearCase(xShape: Shape, outFeatures: number, withBias: boolean, activation: (typeof UNARY_FNS)[number] | null = null): ParityCase {
  const inFeatures = xShape[xShape.length - 1];
  const parts = [withBias ? 'bias' : 'no bias', activation ?? ''].filter(Boolean).join(', ');
  return {
    name: `linear ${fmt(xShape)} · [${outFeatures},${inFeatures}]ᵀ (${parts})`,
    op: 'linear',
    inputs: (r) => [floats(r, xShape), floats(r, [outFeatures, inFeatures]), ...(withBias ? [floats(r, [outFeatures])] : [])],
    run: ([x, w, b]) => ops.linear(x, w, b, activation),
  };
}

const linearCases: ParityCase[] = [
  linearCase([3, 17], 33, false),
  linearCase([3, 17], 33, true),
  linearCase([17], 5, true),
  linearCase([1, 1], 1, true),
  linearCase([2, 768], 3, true),
  ...UNARY_FNS.map((fn) => linearCase([2, 5, 65], 127, true, fn)),
  linearCase([1, 3, 33], 17, false, 'gelu'),
];

// float16 weights: widened exactly and multiplied in float32, so the float32 tolerance holds.
function halfLinearCase(xShape: Shape, outFeatures: number, activation: (typeof UNARY_FNS)[number] | null = null): ParityCase {
  const inFeatures = xShape[xShape.length - 1];
  return {
    name: `linear ${fmt(xShape)} · float16 [${outFeatures},${inFeatures}]ᵀ (bias${activation ? `, ${activation}` : ''})`,
    op: 'linear',
    weightDType: 'float16',
    inputs: (r) => [floats(r, xShape), { data: narrowToHalves(r.floats(outFeatures * inFeatures)), shape: [outFeatures, inFeatures] }, floats(r, [outFeatures])],
    run: ([x, w, b]) => ops.linear(x, w, b, activation),
  };
}

const halfLinearCases: ParityCase[] = [halfLinearCase([3, 17], 33), halfLinearCase([1, 1], 1), halfLinearCase([2, 5, 65], 127, 'gelu'), halfLinearCase([4, 768], 9)];

// ---- quantizedLinear ------------------------------------------------------------------------

/**
 * int8 weights with their scales (engine/quantize.ts), odd widths, an all-zero token and an
 * all-zero output channel; kernels must reproduce the reference's integer sums exactly, so only
 * the final float32 steps leave room for the tolerance.
 */
function quantizedLinearCase(xShape: Shape, outFeatures: number, withBias: boolean, activation: (typeof UNARY_FNS)[number] | null = null): ParityCase {
  const inFeatures = xShape[xShape.length - 1];
  const parts = [withBias ? 'bias' : 'no bias', activation ?? ''].filter(Boolean).join(', ');
  return {
    name: `quantizedLinear ${fmt(xShape)} · int8 [${outFeatures},${inFeatures}]ᵀ (${parts})`,
    op: 'quantizedLinear',
    weightDType: 'int8',
    inputs: (r) => {
      const x = floats(r, xShape, -4, 4);
      (x.data as Float32Array).fill(0, 0, inFeatures);
      const w = r.floats(outFeatures * inFeatures, -0.5, 0.5);
      if (outFeatures > 1) w.fill(0, inFeatures, 2 * inFeatures);
      const q = quantizeWeight(w, outFeatures, inFeatures);
      const weight = { data: q.values, shape: [outFeatures, inFeatures] };
      return [x, weight, { data: q.scales, shape: [outFeatures] }, ...(withBias ? [floats(r, [outFeatures])] : [])];
    },
    run: ([x, w, s, b]) => ops.quantizedLinear(x, w, s, b, activation),
  };
}

const quantizedLinearCases: ParityCase[] = [
  quantizedLinearCase([1, 1], 1, false),
  quantizedLinearCase([3, 17], 33, true),
  quantizedLinearCase([2, 3, 129], 7, false),
  quantizedLinearCase([5, 768], 65, true, 'gelu'),
  quantizedLinearCase([2, 4, 3072], 16, true),
  ...UNARY_FNS.map((fn) => quantizedLinearCase([2, 5, 65], 127, true, fn)),
];

// ---- binary ---------------------------------------------------------------------------------

function binaryCase(op: BinaryOp, detail: string, inputs: (r: Random) => HostTensor[], run?: (inputs: Tensor[]) => Tensor): ParityCase {
  return { name: `binary ${op} ${detail}`, op: 'binary', inputs, run: run ?? (([a, b]) => BINARY_OPS[op](a, b)) };
}

/** Divisors kept away from zero, so a float32 kernel's division is well conditioned. */
const divisors = (r: Random, shape: Shape): HostTensor => ({
  data: Float32Array.from({ length: sizeOf(shape) }, () => (r.next() < 0.5 ? -1 : 1) * r.uniform(0.5, 2)),
  shape,
});
const TIES = [-1, 0, 0.5, 2];

const binaryCases: ParityCase[] = [
  binaryCase('add', '[3,17] + [3,17]', (r) => [floats(r, [3, 17]), floats(r, [3, 17])]),
  binaryCase('add', '[2,1,5] + [3,1] (broadcast both)', (r) => [floats(r, [2, 1, 5]), floats(r, [3, 1])]),
  binaryCase('add', '[2,3,4] + 2.5 (number)', (r) => [floats(r, [2, 3, 4])], ([a]) => ops.add(a, 2.5)),
  binaryCase('sub', '[3,17] − [3,17]', (r) => [floats(r, [3, 17]), floats(r, [3, 17])]),
  binaryCase('sub', '[2,3,4] − [] (rank 0)', (r) => [floats(r, [2, 3, 4]), floats(r, [])]),
  binaryCase('sub', '0.5 − [5,1] (number first)', (r) => [floats(r, [5, 1])], ([b]) => ops.sub(0.5, b)),
  binaryCase('mul', '[4,1] × [1,33] (outer product)', (r) => [floats(r, [4, 1]), floats(r, [1, 33])]),
  binaryCase('mul', '[1,12,1,16] × [2,1,7,1]', (r) => [floats(r, [1, 12, 1, 16]), floats(r, [2, 1, 7, 1])]),
  binaryCase('div', '[3,17] ÷ [3,17]', (r) => [floats(r, [3, 17]), divisors(r, [3, 17])]),
  binaryCase('div', '[2,5,3] ÷ [3]', (r) => [floats(r, [2, 5, 3]), divisors(r, [3])]),
  binaryCase('div', '1 ÷ [7] (number first)', (r) => [divisors(r, [7])], ([b]) => ops.div(1, b)),
  binaryCase('equal', '[3,1,5] = [4,1] (float ties)', (r) => [picked(r, [3, 1, 5], TIES), picked(r, [4, 1], TIES)]),
  binaryCase('notEqual', '[3,1,5] ≠ [4,1] (float ties)', (r) => [picked(r, [3, 1, 5], TIES), picked(r, [4, 1], TIES)]),
  binaryCase('equal', '[2,9] = 1 (int32 mask)', (r) => [ints(r, [2, 9], 0, 1)], ([a]) => ops.equal(a, 1)),
  binaryCase('add', 'int32 [3,5] + [5]', (r) => [ints(r, [3, 5], -50, 50), ints(r, [5], -50, 50)]),
  binaryCase('sub', 'int32 [3,5] − [3,1]', (r) => [ints(r, [3, 5], -50, 50), ints(r, [3, 1], -50, 50)]),
  binaryCase('mul', 'int32 [1,5] × [4,1]', (r) => [ints(r, [1, 5], -50, 50), ints(r, [4, 1], -50, 50)]),
  binaryCase('div', 'int32 [4,6] ÷ [6] (truncates; ÷0 gives 0)', (r) => [ints(r, [4, 6], -50, 50), fixed([3, -3, 0, 7, -1, 2], [6], 'int32')]),
  binaryCase('notEqual', 'int32 [2,9] ≠ 1 (padding mask)', (r) => [ints(r, [2, 9], 0, 3)], ([a]) => ops.notEqual(a, 1)),
  binaryCase('add', 'int32 wraps around', () => [fixed([2147483647, -2147483648, 5], [3], 'int32'), fixed([1, -1, -5], [3], 'int32')]),
  binaryCase('mul', 'int32 wraps around', () => [fixed([65536, -2147483648, 46341], [3], 'int32'), fixed([65536, -1, 46341], [3], 'int32')]),
];

// ---- scale, unary ---------------------------------------------------------------------------

const scaleCases: ParityCase[] = [
  { name: 'scale [2,1,7] · 0.125', op: 'scale', inputs: (r) => [floats(r, [2, 1, 7], -8, 8)], run: ([x]) => ops.scale(x, 0.125) },
  { name: 'scale [5,33] · −3 + 1.5', op: 'scale', inputs: (r) => [floats(r, [5, 33])], run: ([x]) => ops.scale(x, -3, 1.5) },
  { name: 'scale [1] · 0 + 2', op: 'scale', inputs: (r) => [floats(r, [1])], run: ([x]) => ops.scale(x, 0, 2) },
];

/** Where activations saturate or their naive formulas overflow (e^{2x} for tanh, e^{−x} for silu). */
const EXTREMES = [-88, -30, -10, -3, -1e-3, 0, 1e-3, 3, 10, 30, 88];

const unaryCases: ParityCase[] = UNARY_FNS.flatMap((fn): ParityCase[] => [
  { name: `unary ${fn} [5,37] in [−8,8)`, op: 'unary', inputs: (r) => [floats(r, [5, 37], -8, 8)], run: ([x]) => ops.unary(x, fn) },
  { name: `unary ${fn} extremes`, op: 'unary', inputs: () => [fixed(EXTREMES, [EXTREMES.length])], run: ([x]) => ops.unary(x, fn) },
]);

// ---- softmax --------------------------------------------------------------------------------

const softmaxCase = (detail: string, inputs: (r: Random) => HostTensor[]): ParityCase => ({
  name: `softmax ${detail}`,
  op: 'softmax',
  inputs,
  run: ([x, mask]) => ops.softmax(x, mask),
});

/** Batch 0 keeps some keys and drops others; batch 1 drops every key (a fully masked row). */
const attentionMask = (masked: number): HostTensor =>
  fixed([0, 0, 0, masked, masked, 0, masked, ...Array<number>(7).fill(masked)], [2, 1, 1, 7]);

const softmaxCases: ParityCase[] = [
  softmaxCase('[3,17]', (r) => [floats(r, [3, 17], -4, 4)]),
  softmaxCase('[2,513] (long rows)', (r) => [floats(r, [2, 513], -4, 4)]),
  softmaxCase('[4,1] (rows of one)', (r) => [floats(r, [4, 1], -4, 4)]),
  softmaxCase('[2,33] with scores in [−100,100)', (r) => [floats(r, [2, 33], -100, 100)]),
  softmaxCase('[2,3,4,7] + mask [2,1,1,7] at the float32 minimum', (r) => [floats(r, [2, 3, 4, 7], -4, 4), attentionMask(FLOAT32_MIN)]),
  softmaxCase('[2,3,4,7] + mask [2,1,1,7] of −∞', (r) => [floats(r, [2, 3, 4, 7], -4, 4), attentionMask(-Infinity)]),
  softmaxCase('[1,12,16,16] + mask [1,1,1,16] (last 5 padding)', (r) => [
    floats(r, [1, 12, 16, 16], -4, 4),
    fixed([...Array<number>(11).fill(0), ...Array<number>(5).fill(FLOAT32_MIN)], [1, 1, 1, 16]),
  ]),
  softmaxCase('[3,5] + mask [3,5] (same shape)', (r) => [floats(r, [3, 5], -4, 4), picked(r, [3, 5], [0, 0, -1e4])]),
];

// ---- attention ------------------------------------------------------------------------------

interface AttentionShapes {
  /** [..., Sq, D], [..., Sk, D], [..., Sk, Dv] */
  readonly q: Shape;
  readonly k: Shape;
  readonly v: Shape;
}

/**
 * softmax(scale · q·kᵀ + mask)·v. Backends with an attention kernel run it; the others run the
 * composition (matmul, scale, softmax, matmul), so every backend's result is held to the CPU kernel.
 */
function attentionCase(detail: string, { q, k, v }: AttentionShapes, scale: number, mask?: (r: Random) => HostTensor, range = 1): ParityCase {
  return {
    name: `attention q ${fmt(q)} k ${fmt(k)} v ${fmt(v)}${detail ? ` ${detail}` : ''}`,
    op: 'attention',
    inputs: (r) => [floats(r, q, -range, range), floats(r, k, -range, range), floats(r, v), ...(mask ? [mask(r)] : [])],
    run: ([tq, tk, tv, tmask]) => ops.attention(tq, tk, tv, tmask, scale),
  };
}

/** RoBERTa's head shapes: [batch, heads, S, D] for q, k and v alike. */
const heads = (batch: number, count: number, s: number, d: number): AttentionShapes => ({ q: [batch, count, s, d], k: [batch, count, s, d], v: [batch, count, s, d] });

/** A [batch, 1, 1, S] padding mask: the last `padding[b]` keys of sequence b at `masked`. */
const paddingMask = (s: number, padding: readonly number[], masked = FLOAT32_MIN): HostTensor =>
  fixed(
    padding.flatMap((p) => Array.from({ length: s }, (_, j) => (j < s - p ? 0 : masked))),
    [padding.length, 1, 1, s],
  );

/**
 * A [5, 20] mask, one row per query: keys kept and dropped; every key at the float32 minimum; every
 * key −∞; only −∞ and the minimum; only −∞ and then one kept key. In the last two the first 17 keys
 * are −∞, so a kernel that streams keys in tiles meets the row's first finite score in a later tile.
 */
const rowMasks = (): HostTensor => {
  const minus = (n: number) => Array<number>(n).fill(-Infinity);
  return fixed(
    [
      Array.from({ length: 20 }, (_, j) => [0, FLOAT32_MIN, 0, -Infinity][j % 4]),
      Array<number>(20).fill(FLOAT32_MIN),
      minus(20),
      [...minus(17), FLOAT32_MIN, -Infinity, FLOAT32_MIN],
      [...minus(18), 0, -Infinity],
    ].flat(),
    [5, 20],
  );
};

const attentionCases: ParityCase[] = [
  attentionCase('(Sq ≠ Sk, Dv ≠ D, no mask)', { q: [2, 3, 5, 4], k: [2, 3, 7, 4], v: [2, 3, 7, 6] }, 0.5),
  attentionCase('(no batch axes)', { q: [3, 4], k: [5, 4], v: [5, 2] }, 1),
  attentionCase('(D = 1) + padding mask', heads(2, 2, 9, 1), 1, () => paddingMask(9, [0, 4])),
  attentionCase('(S = 1) + mask', heads(2, 3, 1, 8), 1 / Math.sqrt(8), () => paddingMask(1, [0, 1])),
  attentionCase('with scores up to ±100', heads(1, 2, 17, 8), 1, undefined, 10 / Math.sqrt(8)),
  attentionCase('+ mask [2,1,1,7] at the float32 minimum (sequence 1 fully masked)', { q: [2, 3, 4, 5], k: [2, 3, 7, 5], v: [2, 3, 7, 3] }, 0.5, () => attentionMask(FLOAT32_MIN)),
  attentionCase('+ mask [2,1,1,7] of −∞ (sequence 1 fully masked)', { q: [2, 3, 4, 5], k: [2, 3, 7, 5], v: [2, 3, 7, 3] }, 0.5, () => attentionMask(-Infinity)),
  attentionCase('+ mask [5,20] per query row, mixing 0, the float32 minimum and −∞', { q: [2, 5, 8], k: [2, 20, 8], v: [2, 20, 8] }, 0.25, rowMasks),
  attentionCase('(S = 129, D = 9, Dv = 5) + padding mask', { q: [2, 2, 129, 9], k: [2, 2, 129, 9], v: [2, 2, 129, 5] }, 1 / 3, () => paddingMask(129, [0, 40])),
  attentionCase('(D = 300, wider than a fused head)', { q: [1, 3, 300], k: [1, 5, 300], v: [1, 5, 2] }, 1 / Math.sqrt(300)),
  attentionCase('(RoBERTa-base: 12 heads of 64, 128 tokens) + padding mask', heads(1, 12, 128, 64), 1 / 8, () => paddingMask(128, [27])),
];

/**
 * Multi-head self-attention over a packed projection [batch, seq, 3·heads·d]: backends with a
 * kernel read the heads in place; the others run the composition (slices, copies, attention).
 */
function qkvAttentionCase(detail: string, [batch, seq, heads, d]: readonly number[], scale: number, mask?: (r: Random) => HostTensor): ParityCase {
  const shape = [batch, seq, 3 * heads * d];
  return {
    name: `qkvAttention qkv ${fmt(shape)}, ${heads} head${heads === 1 ? '' : 's'} of ${d}${detail ? ` ${detail}` : ''}`,
    op: 'qkvAttention',
    inputs: (r) => [floats(r, shape), ...(mask ? [mask(r)] : [])],
    run: ([qkv, tmask]) => ops.qkvAttention(qkv, tmask, heads, scale),
  };
}

const qkvAttentionCases: ParityCase[] = [
  qkvAttentionCase('(no mask)', [2, 5, 3, 4], 0.5),
  qkvAttentionCase('(one head, one token) + mask', [2, 1, 1, 8], 1 / Math.sqrt(8), () => paddingMask(1, [0, 1])),
  qkvAttentionCase('(d = 1) + padding mask', [2, 9, 2, 1], 1, () => paddingMask(9, [0, 4])),
  qkvAttentionCase('(d = 9, S = 129) + padding mask, sequence 1 fully masked', [2, 129, 3, 9], 1 / 3, () => paddingMask(129, [40, 129])),
  qkvAttentionCase('+ mask [2,1,1,7] of −∞ (sequence 1 fully masked)', [2, 7, 3, 5], 0.5, () => attentionMask(-Infinity)),
  qkvAttentionCase('+ a mask per head and query row [1,2,7,7]', [1, 7, 2, 6], 0.5, (r) => picked(r, [1, 2, 7, 7], [0, 0, FLOAT32_MIN, -Infinity])),
  qkvAttentionCase('(d = 300, wider than a fused head)', [1, 5, 1, 300], 1 / Math.sqrt(300)),
  qkvAttentionCase('(RoBERTa-base: 12 heads of 64, 128 tokens) + padding mask', [1, 128, 12, 64], 1 / 8, () => paddingMask(128, [27])),
];

// ---- layerNorm ------------------------------------------------------------------------------

function layerNormCase(detail: string, shape: Shape, withResidual: boolean, eps = 1e-5, center = 0, spread = 1): ParityCase {
  const hidden = shape[shape.length - 1];
  return {
    name: `layerNorm ${fmt(shape)} ${detail}`,
    op: 'layerNorm',
    inputs: (r) => [
      floats(r, shape, center - spread, center + spread),
      floats(r, [hidden], 0.5, 1.5),
      floats(r, [hidden], -0.1, 0.1),
      ...(withResidual ? [floats(r, shape)] : []),
    ],
    run: ([x, weight, bias, residual]) => ops.layerNorm(x, weight, bias, eps, residual),
  };
}

const layerNormCases: ParityCase[] = [
  layerNormCase('', [3, 17], false),
  layerNormCase('+ residual', [3, 17], true),
  layerNormCase('+ residual (RoBERTa hidden size)', [2, 5, 768], true),
  layerNormCase('(hidden size 1: zero variance)', [4, 1], false),
  layerNormCase('eps 1e-12', [3, 33], false, 1e-12),
  // The one-pass variance E[v²] − E[v]² and a float32 running mean both lose every digit here.
  layerNormCase('mean 1e4, spread 0.5', [4, 64], false, 1e-5, 1e4, 0.5),
  layerNormCase('mean 1e4, spread 0.5, + residual', [3, 768], true, 1e-5, 1e4, 0.5),
];

// ---- gather, permute, slice, concat ---------------------------------------------------------

const gatherCase = (detail: string, inputs: (r: Random) => HostTensor[]): ParityCase => ({
  name: `gather ${detail}`,
  op: 'gather',
  inputs,
  run: ([table, ids]) => ops.gather(table, ids),
});

const gatherCases: ParityCase[] = [
  gatherCase('[50,17] by ids [2,7]', (r) => [floats(r, [50, 17]), ints(r, [2, 7], 0, 49)]),
  gatherCase('[50,17] by repeated ids [6]', (r) => [floats(r, [50, 17]), fixed([3, 3, 0, 49, 3, 0], [6], 'int32')]),
  gatherCase('[50,17] by ids [] (rank 0)', (r) => [floats(r, [50, 17]), fixed([42], [], 'int32')]),
  gatherCase('[1,1] by ids [4,1]', (r) => [floats(r, [1, 1]), fixed([0, 0, 0, 0], [4, 1], 'int32')]),
  gatherCase('[30,768] by ids [1,9]', (r) => [floats(r, [30, 768]), ints(r, [1, 9], 0, 29)]),
  gatherCase('int32 [10,4] by ids [3,2]', (r) => [ints(r, [10, 4], -1000, 1000), ints(r, [3, 2], 0, 9)]),
  { ...gatherCase('float16 [50,17] by ids [2,7]', (r) => [{ data: narrowToHalves(r.floats(50 * 17)), shape: [50, 17] }, ints(r, [2, 7], 0, 49)]), weightDType: 'float16' },
  { ...gatherCase('float16 [30,768] by ids [1,9]', (r) => [{ data: narrowToHalves(r.floats(30 * 768)), shape: [30, 768] }, ints(r, [1, 9], 0, 29)]), weightDType: 'float16' },
];

/** int8 embedding tables with a scale per row: the rows widened exactly as the CPU widens them. */
const quantizedGatherCase = (rows: number, width: number, idShape: Shape): ParityCase => ({
  name: `quantizedGather int8 [${rows},${width}] by ids ${fmt(idShape)}`,
  op: 'quantizedGather',
  weightDType: 'int8',
  inputs: (r) => {
    const q = quantizeWeight(r.floats(rows * width), rows, width);
    return [{ data: q.values, shape: [rows, width] }, { data: q.scales, shape: [rows] }, ints(r, idShape, 0, rows - 1)];
  },
  run: ([table, scale, ids]) => ops.quantizedGather(table, scale, ids),
});

const quantizedGatherCases: ParityCase[] = [quantizedGatherCase(50, 17, [2, 7]), quantizedGatherCase(30, 768, [1, 9]), quantizedGatherCase(1, 1, [3])];

function permuteCase(shape: Shape, perm: readonly number[], dtype: DType = 'float32'): ParityCase {
  return {
    name: `permute ${dtype === 'int32' ? 'int32 ' : ''}${fmt(shape)} by [${perm}]`,
    op: 'permute',
    inputs: (r) => [dtype === 'int32' ? ints(r, shape, -1000, 1000) : floats(r, shape)],
    run: ([x]) => ops.permute(x, perm),
  };
}

const permuteCases: ParityCase[] = [
  permuteCase([17, 33], [1, 0]),
  permuteCase([2, 3, 5], [2, 0, 1]),
  permuteCase([2, 3, 5], [0, 2, 1]),
  permuteCase([2, 3, 4], [0, 1, 2]),
  permuteCase([2, 7, 12, 16], [0, 2, 1, 3]),
  permuteCase([2, 12, 7, 16], [0, 2, 1, 3]),
  permuteCase([3, 4, 5, 6], [3, 2, 1, 0]),
  permuteCase([1, 5, 1, 3], [2, 3, 0, 1]),
  permuteCase([4, 6], [1, 0], 'int32'),
];

function sliceCase(shape: Shape, begin: readonly number[], size: readonly number[], dtype: DType = 'float32'): ParityCase {
  return {
    name: `slice ${dtype === 'int32' ? 'int32 ' : ''}${fmt(shape)} begin [${begin}] size [${size}]`,
    op: 'slice',
    inputs: (r) => [dtype === 'int32' ? ints(r, shape, -1000, 1000) : floats(r, shape)],
    run: ([x]) => ops.slice(x, begin, size),
  };
}

const sliceCases: ParityCase[] = [
  sliceCase([7, 9], [1, 2], [3, -1]),
  sliceCase([4, 5, 6], [0, 1, 2], [4, 3, 1]),
  sliceCase([2, 16, 8], [0, 0, 0], [2, 1, 8]),
  sliceCase([1, 1], [0, 0], [1, 1]),
  sliceCase([33], [5], [20]),
  sliceCase([3, 10], [1, 4], [2, 5], 'int32'),
];

function concatCase(shapes: readonly Shape[], axis: number, dtype: DType = 'float32'): ParityCase {
  return {
    name: `concat ${dtype === 'int32' ? 'int32 ' : ''}${shapes.map(fmt).join(' ++ ')} on axis ${axis}`,
    op: 'concat',
    inputs: (r) => shapes.map((s) => (dtype === 'int32' ? ints(r, s, -1000, 1000) : floats(r, s))),
    run: (xs) => ops.concat(xs, axis),
  };
}

const concatCases: ParityCase[] = [
  concatCase([[2, 3], [2, 5]], 1),
  concatCase([[2, 3, 4], [1, 3, 4], [3, 3, 4]], 0),
  concatCase([[2, 1, 4], [2, 3, 4], [2, 1, 4]], 1),
  concatCase([[5], [1]], 0),
  concatCase([[3, 4]], 0),
  concatCase([[2, 2], [2, 3]], -1, 'int32'),
];

// ---- cumsum, argmax, topk, cast -------------------------------------------------------------

const cumsumCase = (detail: string, axis: number, inputs: (r: Random) => HostTensor[]): ParityCase => ({
  name: `cumsum ${detail} along axis ${axis}`,
  op: 'cumsum',
  inputs,
  run: ([x]) => ops.cumsum(x, axis),
});

const cumsumCases: ParityCase[] = [
  cumsumCase('[3,17]', -1, (r) => [floats(r, [3, 17])]),
  cumsumCase('[5,4]', 0, (r) => [floats(r, [5, 4])]),
  cumsumCase('[2,5,3]', 1, (r) => [floats(r, [2, 5, 3])]),
  cumsumCase('[2,513] in [0,1)', 1, (r) => [floats(r, [2, 513], 0, 1)]),
  cumsumCase('int32 0/1 mask [2,9]', 1, (r) => [ints(r, [2, 9], 0, 1)]),
  cumsumCase('int32 [4,1]', 0, (r) => [ints(r, [4, 1], -100, 100)]),
  cumsumCase('int32 [1]', 0, (r) => [ints(r, [1], -100, 100)]),
];

const argmaxCase = (detail: string, inputs: (r: Random) => HostTensor[]): ParityCase => ({
  name: `argmax ${detail}`,
  op: 'argmax',
  inputs,
  run: ([x]) => ops.argmax(x),
});

const argmaxCases: ParityCase[] = [
  argmaxCase('[5,17]', (r) => [floats(r, [5, 17])]),
  argmaxCase('[4,9] with ties (first wins)', (r) => [picked(r, [4, 9], [0, 1, 2])]),
  argmaxCase('int32 [3,7] with ties', (r) => [ints(r, [3, 7], -2, 2)]),
  argmaxCase('[1]', (r) => [floats(r, [1])]),
  argmaxCase('[3,1]', (r) => [floats(r, [3, 1])]),
  argmaxCase('[2,5] all equal', () => [fixed(Array<number>(10).fill(-3), [2, 5])]),
  argmaxCase('[2,50265] (vocabulary rows)', (r) => [floats(r, [2, 50265], -10, 10)]),
];

const topkCase = (detail: string, k: number, inputs: (r: Random) => HostTensor[]): ParityCase => ({
  name: `topk k=${k} ${detail}`,
  op: 'topk',
  inputs,
  run: ([x]) => {
    const { values, indices } = ops.topk(x, k);
    return [values, indices];
  },
});

const topkCases: ParityCase[] = [
  topkCase('[3,20]', 5, (r) => [floats(r, [3, 20])]),
  topkCase('[4,12] with ties (lower index first)', 6, (r) => [picked(r, [4, 12], [0, 1, 2, 3])]),
  topkCase('[5,9]', 1, (r) => [floats(r, [5, 9])]),
  topkCase('[2,7] (k = n)', 7, (r) => [floats(r, [2, 7])]),
  topkCase('int32 [3,10] with ties', 4, (r) => [ints(r, [3, 10], -3, 3)]),
  topkCase('[1,1]', 1, (r) => [floats(r, [1, 1])]),
  topkCase('[2,50265] (fill-mask over the vocabulary)', 5, (r) => [floats(r, [2, 50265], -10, 10)]),
];

const castCase = (detail: string, dtype: DType, inputs: (r: Random) => HostTensor[]): ParityCase => ({
  name: `cast ${detail} → ${dtype}`,
  op: 'cast',
  inputs,
  run: ([x]) => ops.cast(x, dtype),
});

const castCases: ParityCase[] = [
  castCase('float32 [3,9] in [−100,100)', 'int32', (r) => [floats(r, [3, 9], -100, 100)]),
  castCase('float32 halves, fractions and out-of-range values', 'int32', () => [
    fixed([2.5, -2.5, 0.7, -0.7, 0.999, -0.999, 0, -0, 1e9, 3e9, -3e9, 16777217], [12]),
  ]),
  castCase('int32 [4,5]', 'float32', (r) => [ints(r, [4, 5], -16777216, 16777216)]),
  castCase('int32 beyond 2^24', 'float32', () => [fixed([16777217, -16777219, 2147483647, -2147483648], [4], 'int32')]),
  castCase('float32 [2,3]', 'float32', (r) => [floats(r, [2, 3])]),
  castCase('int32 [2,3]', 'int32', (r) => [ints(r, [2, 3], -1000, 1000)]),
];

// ---- training: sumTo, logSoftmax and the backward ops -------------------------------------------

const sumToCase = (shape: Shape, to: Shape): ParityCase => ({
  name: `sumTo ${fmt(shape)} → ${fmt(to)}`,
  op: 'sumTo',
  inputs: (r) => [floats(r, shape)],
  run: ([x]) => ops.sumTo(x, to),
});

const logSoftmaxCase = (shape: Shape, lo: number, hi: number): ParityCase => ({
  name: `logSoftmax ${fmt(shape)} in [${lo},${hi})`,
  op: 'logSoftmax',
  inputs: (r) => [floats(r, shape, lo, hi)],
  run: ([x]) => ops.logSoftmax(x),
});

const layerNormBackwardCase = (shape: Shape, withResidual: boolean): ParityCase => ({
  name: `layerNormBackward ${fmt(shape)}${withResidual ? ' + residual' : ''}`,
  op: 'layerNormBackward',
  inputs: (r) => [floats(r, shape), floats(r, [shape[shape.length - 1]], 0.5, 1.5), floats(r, shape), ...(withResidual ? [floats(r, shape)] : [])],
  run: ([x, weight, dy, residual]) => Object.values(ops.layerNormBackward(x, weight, dy, 1e-5, residual)),
});

const backwardCases: ParityCase[] = [
  sumToCase([3, 17, 5], [17, 1]),
  sumToCase([2, 3], []),
  sumToCase([129, 33], [33]),
  sumToCase([2, 12, 7, 7], [2, 1, 1, 7]),
  logSoftmaxCase([5, 37], -8, 8),
  logSoftmaxCase([3, 1000], -30, 30),
  ...UNARY_FNS.map(
    (fn): ParityCase => ({
      name: `unaryBackward ${fn} [5,37] in [−8,8)`,
      op: 'unaryBackward',
      inputs: (r) => [floats(r, [5, 37], -8, 8), floats(r, [5, 37])],
      run: ([x, dy]) => ops.unaryBackward(x, dy, fn),
    }),
  ),
  ...[[3, 17], [2, 3, 7, 129], [1, 12, 128, 128]].map(
    (shape): ParityCase => ({
      name: `softmaxBackward ${fmt(shape)}`,
      op: 'softmaxBackward',
      inputs: (r) => [floats(r, shape, 0, 1), floats(r, shape)],
      run: ([y, dy]) => ops.softmaxBackward(y, dy),
    }),
  ),
  layerNormBackwardCase([3, 17], false),
  layerNormBackwardCase([2, 5, 768], true),
  ...[undefined, 1].map(
    (paddingIdx): ParityCase => ({
      name: `scatterAdd [2,9,33] into 20 rows${paddingIdx === undefined ? '' : `, padding row ${paddingIdx}`}`,
      op: 'scatterAdd',
      inputs: (r) => [floats(r, [2, 9, 33]), ints(r, [2, 9], 0, 19)],
      run: ([updates, ids]) => ops.scatterAdd(updates, ids, 20, paddingIdx),
    }),
  ),
];

export const PARITY_CASES: readonly ParityCase[] = [
  ...matmulCases,
  ...linearCases,
  ...halfLinearCases,
  ...quantizedLinearCases,
  ...binaryCases,
  ...scaleCases,
  ...unaryCases,
  ...softmaxCases,
  ...attentionCases,
  ...qkvAttentionCases,
  ...layerNormCases,
  ...gatherCases,
  ...quantizedGatherCases,
  ...permuteCases,
  ...sliceCases,
  ...concatCases,
  ...cumsumCases,
  ...argmaxCases,
  ...topkCases,
  ...castCases,
  ...backwardCases,
];
