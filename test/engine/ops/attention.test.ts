// attention against a float64 definition written here; against the four ops it stands for, bit
// for bit on the CPU; and as a composite op on a backend that has no attention kernel.

import { getKernel, hasKernel, liveCounts, ops, registerKernel, registeredOps, tidy, type BackendName, type Shape, type Tensor } from '../../kernels/engine.js';
import { CpuBackend } from '../../../kernels/cpu/backend.js';
import { compareValues } from '../../kernels/compare.js';
import { FLOAT32_MIN } from '../../kernels/parityCases.js';
import { Random } from '../../kernels/random.js';
import { broadcastRead, count, unravel } from './reference.js';

const random = new Random(29);

interface Operands {
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly mask?: { readonly values: Float32Array; readonly shape: Shape };
  readonly shapes: { readonly q: Shape; readonly k: Shape; readonly v: Shape };
}

function operands(q: Shape, k: Shape, v: Shape, mask?: { values: readonly number[]; shape: Shape }): Operands {
  return {
    q: random.floats(count(q), -2, 2),
    k: random.floats(count(k), -2, 2),
    v: random.floats(count(v)),
    mask: mask && { values: Float32Array.from(mask.values), shape: mask.shape },
    shapes: { q, k, v },
  };
}

/**
 * context[..., i, :] = Σ_j p_ij · v[..., j, :] with p_ij = 1 / Σ_l e^{x_il − x_ij} over the row's
 * scores x_ij = (q_i·k_j)·scale + mask_ij, where the op's documented float32 roundings are
 * applied (the product, the scaled score, the sum with the mask) and all else is float64. This
 * form of the softmax needs no maximum; −∞ scores get 0, and a row of only −∞ is uniform.
 */
function definition({ q, k, v, mask, shapes }: Operands, scale: number): number[] {
  const [sq, d] = shapes.q.slice(-2);
  const [sk, dv] = shapes.v.slice(-2);
  const batches = count(shapes.q.slice(0, -2));
  const scoresShape = [...shapes.q.slice(0, -1), sk];
  const out: number[] = [];
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < sq; i++) {
      const x = Array.from({ length: sk }, (_, j) => {
        let dot = 0;
        for (let t = 0; t < d; t++) dot += q[(b * sq + i) * d + t] * k[(b * sk + j) * d + t];
        const scaled = Math.fround(Math.fround(dot) * scale);
        if (!mask) return scaled;
        const at = broadcastRead(unravel((b * sq + i) * sk + j, scoresShape), mask.shape);
        return Math.fround(scaled + mask.values[at]);
      });
      const allMinusInfinity = x.every((s) => s === -Infinity);
      const p = x.map((xj) => {
        if (allMinusInfinity) return 1 / sk;
        if (xj === -Infinity) return 0;
        return 1 / x.reduce((sum, xl) => (xl === -Infinity ? sum : sum + Math.exp(xl - xj)), 0);
      });
      for (let c = 0; c < dv; c++) out.push(p.reduce((sum, pj, j) => sum + pj * v[(b * sk + j) * dv + c], 0));
    }
  }
  return out;
}

/**
 * The kernel rounds each probability to float32 before the weighted sum (as the composition stores
 * them), which moves the context by at most 2⁻²⁴ · Σ_j p_j·|v_j| ≤ 2⁻²⁴ for |v| ≤ 1; then the
 * context itself is rounded.
 */
const PROBABILITY_ROUNDING = { atol: 2 ** -24, rtol: 2 ** -23 };

function run({ q, k, v, mask, shapes }: Operands, scale: number): Tensor {
  return tidy(() => {
    const t = (values: Float32Array, shape: Shape) => ops.tensor(values.slice(), shape);
    return ops.attention(t(q, shapes.q), t(k, shapes.k), t(v, shapes.v), mask && t(mask.values, mask.shape), scale);
  });
}

/** The four ops attention stands for. */
function composition({ q, k, v, mask, shapes }: Operands, scale: number): Tensor {
  return tidy(() => {
    const t = (values: Float32Array, shape: Shape) => ops.tensor(values.slice(), shape);
    const scores = ops.scale(ops.matmul(t(q, shapes.q), t(k, shapes.k), { transposeB: true }), scale);
    return ops.matmul(ops.softmax(scores, mask && t(mask.values, mask.shape)), t(v, shapes.v));
  });
}

/** A [batch, 1, 1, S] padding mask: the last padding[b] keys of sequence b dropped. */
const padding = (s: number, pads: readonly number[], masked = FLOAT32_MIN) => ({
  values: pads.flatMap((p) => Array.from({ length: s }, (_, j) => (j < s - p ? 0 : masked))),
  shape: [pads.length, 1, 1, s],
});

/** Per query row: mixed; all at the minimum; all −∞; only −∞ and the minimum. */
const rowMasks = {
  values: [
    [0, FLOAT32_MIN, 0, -Infinity, 0, FLOAT32_MIN],
    Array<number>(6).fill(FLOAT32_MIN),
    Array<number>(6).fill(-Infinity),
    [-Infinity, FLOAT32_MIN, -Infinity, -Infinity, FLOAT32_MIN, -Infinity],
  ].flat(),
  shape: [4, 6],
};

const CASES: [string, () => Operands, number][] = [
  ['Sq ≠ Sk, Dv ≠ D', () => operands([2, 3, 5, 4], [2, 3, 7, 4], [2, 3, 7, 6]), 0.5],
  ['no batch axes', () => operands([3, 4], [5, 4], [5, 2]), 1],
  ['D = 1, Sq = 1', () => operands([2, 1, 1], [2, 9, 1], [2, 9, 3]), 1],
  ['padding mask at the float32 minimum, one sequence fully masked', () => operands([2, 2, 9, 8], [2, 2, 9, 8], [2, 2, 9, 8], padding(9, [3, 9])), 1 / Math.sqrt(8)],
  ['padding mask of −∞, one sequence fully masked', () => operands([2, 2, 9, 8], [2, 2, 9, 8], [2, 2, 9, 8], padding(9, [3, 9], -Infinity)), 1 / Math.sqrt(8)],
  ['a mask per query row mixing 0, the minimum and −∞', () => operands([2, 4, 8], [2, 6, 8], [2, 6, 8], rowMasks), 0.25],
  ['a mask broadcast along the keys', () => operands([2, 3, 5], [2, 4, 5], [2, 4, 2], { values: [0, FLOAT32_MIN, 0], shape: [3, 1] }), 1],
  ['12 heads of 16, 33 tokens', () => operands([1, 12, 33, 16], [1, 12, 33, 16], [1, 12, 33, 16], padding(33, [5])), 0.25],
];

describe('attention', () => {
  it.each(CASES)('%s: follows the definition', async (_, make, scale) => {
    const input = make();
    const out = run(input, scale);
    expect(out.shape).toEqual([...input.shapes.q.slice(0, -1), input.shapes.v[input.shapes.v.length - 1]]);
    expect(compareValues(definition(input, scale), await out.data(), PROBABILITY_ROUNDING)).toBeNull();
    out.dispose();
  });

  it.each(CASES)('%s: equals matmul → scale → softmax → matmul bit for bit', async (_, make, scale) => {
    const input = make();
    const [fused, composed] = [run(input, scale), composition(input, scale)];
    expect(Array.from(await fused.data())).toEqual(Array.from(await composed.data()));
    fused.dispose();
    composed.dispose();
  });

  it('gives an empty sum (0) without keys, and the mean of v for empty heads', async () => {
    const noKeys = run(operands([2, 3], [0, 3], [0, 4]), 1);
    expect(noKeys.shape).toEqual([2, 4]);
    expect(Array.from(await noKeys.data())).toEqual(Array<number>(8).fill(0));
    const emptyHeads = operands([2, 0], [4, 0], [4, 1]);
    const mean = run(emptyHeads, 1);
    const average = Math.fround(emptyHeads.v.reduce((sum, x) => sum + Math.fround(1 / 4) * x, 0));
    expect(Array.from(await mean.data())).toEqual([average, average]);
    noKeys.dispose();
    mean.dispose();
  });

  it('refuses operands that do not fit, naming the shapes', () => {
    tidy(() => {
      const t = (shape: Shape) => ops.tensor(new Float32Array(count(shape)), shape);
      const [q, k, v] = [t([2, 3, 4]), t([2, 5, 4]), t([2, 5, 6])];
      expect(() => ops.attention(q, t([2, 5, 3]), v, undefined, 1)).toThrow('attention: q and k must have the same head size (last axis): q is [2,3,4], k is [2,5,3], v is [2,5,6]');
      expect(() => ops.attention(q, k, t([2, 4, 6]), undefined, 1)).toThrow(
        'attention: k and v must have the same number of keys (second-to-last axis): q is [2,3,4], k is [2,5,4], v is [2,4,6]',
      );
      expect(() => ops.attention(q, t([1, 5, 4]), v, undefined, 1)).toThrow('attention: q, k and v must have the same batch axes (all but the last two): q is [2,3,4], k is [1,5,4], v is [2,5,6]');
      expect(() => ops.attention(t([4]), k, v, undefined, 1)).toThrow('attention: q must have rank ≥ 2, got [4]');
      expect(() => ops.attention(q, k, v, t([3, 4]), 1)).toThrow('attention: shapes cannot be broadcast: scores is [2,3,5], mask is [3,4]');
      expect(() => ops.attention(q, k, v, t([3, 2, 3, 5]), 1)).toThrow('attention: mask must broadcast to the scores [2,3,5] without growing them: mask is [3,2,3,5]');
      expect(() => ops.attention(q, k, v, ops.tensor([0, 1, 0, 0, 1], [5], 'int32'), 1)).toThrow('attention: mask must be float32, got int32 [5]');
      expect(() => ops.attention(q, k, v, undefined, NaN)).toThrow('attention: scale must be a finite number, got NaN');
      expect(() => ops.attention(q, k, ops.tensor(new Int32Array(60), [2, 5, 6]), undefined, 1)).toThrow('attention: v must be float32, got int32 [2,5,6]');
    });
  });
});

describe('attention as a composite op', () => {
  // A CPU backend under another name, with every CPU kernel but attention's.
  const name = 'composite' as BackendName;
  const backend = new CpuBackend();
  Object.defineProperty(backend, 'name', { value: name });
  for (const op of registeredOps('cpu')) if (op !== 'attention') registerKernel(name, op, getKernel('cpu', op));

  it('runs the composition where the backend has no attention kernel, and frees what it made', async () => {
    expect(hasKernel('cpu', 'attention')).toBe(true);
    expect(hasKernel(name, 'attention')).toBe(false);
    const input = operands([2, 3, 5, 4], [2, 3, 7, 4], [2, 3, 7, 6], padding(7, [0, 2]));
    const upload = (values: Float32Array, shape: Shape) => ops.tensor(values.slice(), shape, 'float32', backend);
    const inputs = [upload(input.q, input.shapes.q), upload(input.k, input.shapes.k), upload(input.v, input.shapes.v), upload(input.mask!.values, input.mask!.shape)];
    const [tensorsBefore, buffersBefore] = [liveCounts().tensors, backend.memory().buffers];
    const out = ops.attention(inputs[0], inputs[1], inputs[2], inputs[3], 0.5);
    // Only the context is left: the scores, scaled scores and probabilities are gone.
    expect(liveCounts().tensors).toBe(tensorsBefore + 1);
    expect(backend.memory().buffers).toBe(buffersBefore + 1);
    expect(out.backend).toBe(backend);
    const reference = run(input, 0.5);
    expect(Array.from(await out.data())).toEqual(Array.from(await reference.data()));
    for (const t of [...inputs, out, reference]) t.dispose();
  });
});

describe('qkvAttention', () => {
  // A CPU backend under another name without the qkvAttention kernel: the op runs its composition there.
  const name = 'qkvComposite' as BackendName;
  const composite = new CpuBackend();
  Object.defineProperty(composite, 'name', { value: name });
  for (const op of registeredOps('cpu')) if (op !== 'qkvAttention') registerKernel(name, op, getKernel('cpu', op));

  /** Heads split out of qkv by hand (slice → [batch, heads, seq, d]), attention, heads merged back. */
  function byHand(qkv: Tensor, mask: Tensor | undefined, heads: number, scale: number): Tensor {
    return tidy(() => {
      const [batch, seq, width] = qkv.shape;
      const hidden = width / 3;
      const split = (part: number) => ops.permute(ops.reshape(ops.slice(qkv, [0, 0, part * hidden], [batch, seq, hidden]), [batch, seq, heads, hidden / heads]), [0, 2, 1, 3]);
      const context = ops.attention(split(0), split(1), split(2), mask, scale);
      return ops.reshape(ops.permute(context, [0, 2, 1, 3]), [batch, seq, hidden]);
    });
  }

  const QKV_CASES: [string, Shape, number, ReturnType<typeof padding> | undefined][] = [
    ['3 heads of 5, no mask', [2, 7, 45], 3, undefined],
    ['2 heads of 8, a padding mask with one sequence fully masked', [2, 9, 48], 2, padding(9, [3, 9])],
    ['12 heads of 4, 33 tokens, padding', [1, 33, 144], 12, padding(33, [5])],
  ];

  it.each(QKV_CASES)('%s: the kernel and the composition equal splitting heads, attention and merging them, bit for bit', async (_, shape, heads, mask) => {
    const qkvValues = random.floats(count(shape), -2, 2);
    for (const backend of [undefined, composite]) {
      const qkv = ops.tensor(qkvValues.slice(), shape, 'float32', backend);
      const m = mask && ops.tensor(Float32Array.from(mask.values), mask.shape, 'float32', backend);
      const [tensorsBefore, buffersBefore] = [liveCounts().tensors, qkv.backend.memory().buffers];
      const out = ops.qkvAttention(qkv, m, heads, 0.25);
      // The composition frees its slices, heads and context: only the output is new.
      expect([liveCounts().tensors, qkv.backend.memory().buffers]).toEqual([tensorsBefore + 1, buffersBefore + 1]);
      const reference = byHand(qkv, m, heads, 0.25);
      expect(out.shape).toEqual([shape[0], shape[1], shape[2] / 3]);
      expect(Array.from(await out.data())).toEqual(Array.from(await reference.data()));
      for (const t of [qkv, m, out, reference]) t?.dispose();
    }
    expect(hasKernel('cpu', 'qkvAttention')).toBe(true);
    expect(hasKernel(name, 'qkvAttention')).toBe(false);
  });

  it('refuses operands that do not fit, naming the shapes', () => {
    tidy(() => {
      const t = (shape: Shape) => ops.tensor(new Float32Array(count(shape)), shape);
      const qkv = t([2, 5, 24]);
      expect(() => ops.qkvAttention(t([5, 24]), undefined, 2, 1)).toThrow('qkvAttention: qkv must have rank 3, got [5,24]');
      expect(() => ops.qkvAttention(qkv, undefined, 5, 1)).toThrow("qkvAttention: qkv's last axis must hold q, k and v of 5 equal heads each (a multiple of 3·5): qkv is [2,5,24]");
      expect(() => ops.qkvAttention(qkv, undefined, 0, 1)).toThrow('qkvAttention: heads must be a positive integer, got 0');
      expect(() => ops.qkvAttention(qkv, undefined, 2, Infinity)).toThrow('qkvAttention: scale must be a finite number, got Infinity');
      expect(() => ops.qkvAttention(qkv, t([2, 1, 5, 6]), 2, 1)).toThrow('qkvAttention: shapes cannot be broadcast: scores is [2,2,5,5], mask is [2,1,5,6]');
      expect(() => ops.qkvAttention(qkv, t([2, 2, 2, 5, 5]), 2, 1)).toThrow('qkvAttention: mask must broadcast to the scores [2,2,5,5] without growing them: mask is [2,2,2,5,5]');
    });
  });
});
