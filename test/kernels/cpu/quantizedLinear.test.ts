// The int8 and float16 weight paths of the CPU reference (the executable spec the wasm and WGSL
// kernels are held to) against straightforward computations written here from the definitions in
// engine/quantize.ts: float32 rounding through a Float32Array instead of Math.fround, ties to even
// through Math.round, whole matrices quantized before one integer product.

import { dequantizeWeight, INT8_LIMIT, ops, quantizeWeight, tidy, type Shape, type Tensor, type UnaryFn } from '../engine.js';
import { getBackend } from '../../../engine/select.js';
import { halfBitsToFloat, floatToHalfBits } from '../../../engine/halfFloat.js';
import { quantizeActivationRow, roundHalfToEven } from '../../../engine/quantize.js';
import { ACTIVATIONS } from '../../engine/ops/activations.js';
import { compareValues, EXACT, FLOAT32_ROUNDING } from '../compare.js';
import { Random, seedFrom } from '../random.js';

const f32 = new Float32Array(1);
/** float32 rounding by storing into a Float32Array (the code under test uses Math.fround). */
const toF32 = (v: number) => ((f32[0] = v), f32[0]);

/** Math.round sends ties up; a tie that landed on an odd number belongs one lower. */
function referenceRound(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && Math.abs(r % 2) === 1 ? r - 1 : r;
}
/** Into [−127, 127]; + 0 turns −0 into the 0 an Int8Array holds. */
const clamp = (v: number) => Math.max(-127, Math.min(127, v)) + 0;

/** Symmetric per-row quantization of a [rows, columns] matrix: [values, scales], 0 scale for an all-zero row. */
function referenceQuantizeRows(m: ArrayLike<number>, rows: number, columns: number, zeroScale: number): { q: number[]; s: number[] } {
  const q: number[] = [];
  const s: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: columns }, (_, i) => m[r * columns + i]);
    const a = Math.max(0, ...row.map(Math.abs));
    s.push(a === 0 ? zeroScale : toF32(a / 127));
    // Weights divide by their scale; activations multiply by 127 / a.
    q.push(...row.map((v) => (a === 0 ? 0 : clamp(referenceRound(zeroScale === 1 ? toF32(v / s[r]) : toF32(v * toF32(127 / a)))))));
  }
  return { q, s };
}

function referenceQuantizedLinear(x: Float32Array, w: Float32Array, bias: Float32Array | undefined, out: number, inF: number, act: UnaryFn | null): number[] {
  const rows = x.length / inF;
  const W = referenceQuantizeRows(w, out, inF, 1);
  const X = referenceQuantizeRows(x, rows, inF, 0);
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < out; o++) {
      let acc = 0;
      for (let i = 0; i < inF; i++) acc += X.q[r * inF + i] * W.q[o * inF + i];
      const v = toF32(toF32(toF32(acc) * toF32(X.s[r] * W.s[o])) + (bias ? bias[o] : 0));
      y.push(act ? ACTIVATIONS[act](v) : v);
    }
  }
  return y;
}

async function valuesOf(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('roundHalfToEven', () => {
  it('sends ties to the even neighbour and everything else to the nearest', () => {
    const cases: [number, number][] = [[0.5, 0], [1.5, 2], [2.5, 2], [-0.5, 0], [-1.5, -2], [-2.5, -2], [126.5, 126], [-126.5, -126], [0.49999997, 0], [2.5000002, 3], [-3.7, -4], [7, 7]];
    for (const [v, want] of cases) expect(roundHalfToEven(v) + 0).toBe(want);
    const random = new Random(3);
    for (let i = 0; i < 1000; i++) {
      const v = random.uniform(-300, 300);
      expect(roundHalfToEven(v)).toBe(referenceRound(v));
    }
  });
});

describe('quantizeWeight', () => {
  it('scales each row by its largest magnitude / 127, rounds ties to even, and keeps an all-zero row at scale 1', () => {
    // Row 0 has max 127, so its scale is 1 and W / s is W itself: the ties are visible.
    const w = Float32Array.from([127, 0.5, 1.5, 2.5, -0.5, -2.5, 3.5, 0, 0, 0, 0, 0, 0, 0, -1, 0.25, 0.5, 0, 0, 0, 0]);
    const { values, scales } = quantizeWeight(w, 3, 7);
    expect(Array.from(scales)).toEqual([1, 1, toF32(1 / 127)]);
    expect(Array.from(values)).toEqual([127, 0, 2, 2, 0, -2, 4, 0, 0, 0, 0, 0, 0, 0, -127, 32, 64, 0, 0, 0, 0]);
  });

  it('matches the reference on random rows, the largest magnitude landing on ±127, and dequantizes to within half a step', () => {
    const random = new Random(seedFrom('quantizeWeight'));
    const rows = 37;
    const columns = 101;
    const w = random.floats(rows * columns, -3, 3);
    w.fill(0, 5 * columns, 6 * columns);
    const q = quantizeWeight(w, rows, columns);
    const ref = referenceQuantizeRows(w, rows, columns, 1);
    expect(Array.from(q.values)).toEqual(ref.q);
    expect(Array.from(q.scales)).toEqual(ref.s);
    for (let r = 0; r < rows; r++) {
      const row = q.values.subarray(r * columns, (r + 1) * columns);
      expect(Math.max(...Array.from(row, Math.abs))).toBe(r === 5 ? 0 : INT8_LIMIT);
    }
    const back = dequantizeWeight(q);
    for (let i = 0; i < w.length; i++) expect(Math.abs(back[i] - w[i])).toBeLessThanOrEqual(q.scales[Math.floor(i / columns)] * 0.5 * (1 + 1e-6));
  });
});

describe('quantizeActivationRow', () => {
  it('maps the largest magnitude to ±127 and ties to even, and reports 0 for a row of zeros', () => {
    const out = new Int8Array(6);
    expect(quantizeActivationRow(Float32Array.from([9, 127, 0.5, 1.5, -2.5, -127, 5.5]), 1, 6, out)).toBe(1);
    expect(Array.from(out)).toEqual([127, 0, 2, -2, -127, 6]);
    out.fill(7);
    expect(quantizeActivationRow(new Float32Array(6), 0, 6, out)).toBe(0);
    expect(Array.from(out)).toEqual([7, 7, 7, 7, 7, 7]); // left alone: the row contributes nothing
  });
});

describe('quantizedLinear (cpu reference)', () => {
  const cases: { x: Shape; out: number; bias: boolean; act: UnaryFn | null }[] = [
    { x: [1, 1], out: 1, bias: false, act: null },
    { x: [3, 7], out: 5, bias: true, act: null },
    { x: [2, 3, 33], out: 9, bias: true, act: 'gelu' },
    { x: [4, 129], out: 16, bias: false, act: 'relu' },
    { x: [2, 2, 2, 65], out: 3, bias: true, act: 'tanh' },
  ];
  for (const { x: xShape, out, bias: withBias, act } of cases) {
    it(`x [${xShape}] · W [${out}, ${xShape.at(-1)}]${withBias ? ' + b' : ''}${act ? `, ${act}` : ''}: the reference's integers and float32 steps`, async () => {
      const random = new Random(seedFrom(`qlinear ${xShape} ${out}`));
      const inF = xShape[xShape.length - 1];
      const x = random.floats(xShape.reduce((a, b) => a * b, 1), -4, 4);
      x.fill(0, 0, inF); // an all-zero token: its output is the bias
      const w = random.floats(out * inF, -0.5, 0.5);
      if (out > 2) w.fill(0, inF, 2 * inF); // an all-zero output channel
      const bias = withBias ? random.floats(out) : undefined;
      const q = quantizeWeight(w, out, inF);
      const y = tidy(() => ops.quantizedLinear(ops.tensor(x.slice(), xShape), ops.tensor(q.values, [out, inF]), ops.tensor(q.scales, [out]), bias && ops.tensor(bias.slice(), [out]), act));
      expect(y.shape).toEqual([...xShape.slice(0, -1), out]);
      const want = referenceQuantizedLinear(x, w, bias, out, inF, act);
      expect(compareValues(want, await valuesOf(y), act === null ? EXACT : FLOAT32_ROUNDING)).toBeNull();
      for (let o = 0; o < out; o++) expect(y.dtype === 'float32' && (await y.data())[o]).toBeCloseTo(act ? ACTIVATIONS[act](bias ? bias[o] : 0) : bias ? bias[o] : 0, 6);
      y.dispose();
    });
  }

  it('stays within the quantization error of the float32 product (a sanity bound, not the spec)', async () => {
    const random = new Random(11);
    const [rows, inF, out] = [8, 256, 32];
    const x = random.floats(rows * inF);
    const w = random.floats(out * inF, -0.1, 0.1);
    const q = quantizeWeight(w, out, inF);
    const exact = await valuesOf(tidy(() => ops.linear(ops.tensor(x.slice(), [rows, inF]), ops.tensor(w.slice(), [out, inF]))));
    const quantized = await valuesOf(tidy(() => ops.quantizedLinear(ops.tensor(x.slice(), [rows, inF]), ops.tensor(q.values, [out, inF]), ops.tensor(q.scales, [out]))));
    // Each term errs by at most half a step of x (1/254 of |x|max ≤ 1) times |w| ≤ 0.1 plus the
    // converse: 256 · (0.1/254 + 0.1/254) ≈ 0.2 in the worst case; random errors cancel to ~0.01.
    const worst = Math.max(...exact.map((v, i) => Math.abs(v - quantized[i])));
    expect(worst).toBeLessThan(0.03);
    expect(worst).toBeGreaterThan(0); // it did quantize
  });
});

describe('float16 weights (cpu reference)', () => {
  it('linear with a float16 weight equals linear with the float32 values those halves stand for', async () => {
    const random = new Random(seedFrom('fp16 linear'));
    const [rows, inF, out] = [5, 31, 7];
    const x = random.floats(rows * inF);
    const halves = Uint16Array.from(random.floats(out * inF), floatToHalfBits);
    const widened = Float32Array.from(halves, halfBitsToFloat);
    const bias = random.floats(out);
    for (const act of [null, 'gelu'] as const) {
      const half = await valuesOf(tidy(() => ops.linear(ops.tensor(x.slice(), [rows, inF]), ops.tensor(halves.slice(), [out, inF]), ops.tensor(bias.slice()), act)));
      const full = await valuesOf(tidy(() => ops.linear(ops.tensor(x.slice(), [rows, inF]), ops.tensor(widened.slice(), [out, inF]), ops.tensor(bias.slice()), act)));
      expect(compareValues(full, half, EXACT)).toBeNull();
    }
  });

  it('gather from a float16 table gives the float32 rows', async () => {
    const values = [[1, -2.5, 65504], [0.1, 6e-8, -0]];
    const table = ops.tensor(values, [2, 3], 'float16');
    expect(table.dtype).toBe('float16');
    const rows = ops.gather(table, ops.tensor([1, 0, 1], [3], 'int32'));
    expect(rows.dtype).toBe('float32');
    const want = [1, 0, 1].flatMap((r) => values[r].map((v) => halfBitsToFloat(floatToHalfBits(v))));
    expect(Array.from(await rows.data())).toEqual(want);
  });
});

describe('quantizedGather (cpu reference)', () => {
  it('gives each named row of an int8 table times its scale, in float32', async () => {
    const random = new Random(seedFrom('quantizedGather'));
    const [rows, width] = [9, 13];
    const q = quantizeWeight(random.floats(rows * width, -2, 2), rows, width);
    const ids = [4, 0, 8, 4, 2, 2];
    const y = ops.quantizedGather(ops.tensor(q.values.slice(), [rows, width]), ops.tensor(q.scales.slice()), ops.tensor(ids, [2, 3], 'int32'));
    expect(y.shape).toEqual([2, 3, width]);
    const want = ids.flatMap((r) => Array.from({ length: width }, (_, j) => toF32(q.values[r * width + j] * q.scales[r])));
    expect(compareValues(want, await valuesOf(y), EXACT)).toBeNull();
    expect(() => ops.quantizedGather(ops.tensor(q.values.slice(), [rows, width]), ops.tensor(q.scales.slice()), ops.tensor([9], [1], 'int32'))).toThrow(
      'quantizedGather: id 9 at flat index 0 is out of range for a table of 9 rows (ids must be in [0, 8])',
    );
    expect(() => ops.quantizedGather(ops.tensor(q.values.slice(), [rows, width]), ops.tensor([1]), ops.tensor([0], [1], 'int32'))).toThrow(
      'quantizedGather: tableScale must be [9], one scale per row of table [9,13], got [1]',
    );
  });
});

describe('int8 and float16 tensors', () => {
  it('hold 1 and 2 bytes per element and read back as Int8Array and Uint16Array', async () => {
    const backend = getBackend();
    const before = backend.memory().bytes;
    const a = ops.tensor([[-128, 0, 127]], undefined, 'int8');
    const h = ops.tensor([0.5, -1, 3], [3], 'float16');
    expect(backend.memory().bytes - before).toBe(3 + 6);
    expect(await a.data()).toEqual(Int8Array.from([-128, 0, 127]));
    expect(await h.data()).toEqual(Uint16Array.from([0x3800, 0xbc00, 0x4200]));
    expect(() => ops.tensor([128], [1], 'int8')).toThrow('tensor: 128 is not an int8 value');
    expect(h.toString()).toBe('Tensor [3] float16 on cpu\n[0.5, -1, 3]'); // values, not bit patterns
    expect(a.toString()).toBe('Tensor [1,3] int8 on cpu\n[[-128, 0, 127]]');
    a.dispose();
    h.dispose();
  });

  it('are refused, with the op and the input named, by every op but the ones that read weights', () => {
    const w8 = ops.tensor([1, 2, 3, 4], [2, 2], 'int8');
    const w16 = ops.tensor([1, 2, 3, 4], [2, 2], 'float16');
    const x = ops.tensor([[1, 2]]);
    const scales = ops.tensor([1, 1]);
    expect(() => ops.add(w16, w16)).toThrow('binary: input 0 is float16 [2,2]: float16 is a weight format');
    expect(() => ops.softmax(w16)).toThrow('softmax: x must be float32, got float16 [2,2]');
    expect(() => ops.slice(w8, [0, 0], [1, 2])).toThrow(/^slice: input 0 is int8 \[2,2\]/);
    expect(() => ops.concat([w16, w16], 0)).toThrow(/^concat: input 0 is float16/);
    expect(() => ops.permute(w8, [1, 0])).toThrow(/^permute: input 0 is int8/);
    expect(() => ops.matmul(x, w16)).toThrow('matmul: b must be float32, got float16 [2,2]');
    expect(() => ops.linear(x, w8)).toThrow('linear: weight must be float32 or float16, got int8 [2,2]');
    expect(() => ops.linear(w16, w16)).toThrow('linear: x must be float32, got float16 [2,2]');
    expect(() => ops.quantizedLinear(x, w16, scales)).toThrow('quantizedLinear: weight must be int8, got float16 [2,2]');
    expect(() => ops.quantizedLinear(x, w8, ops.tensor([1]))).toThrow('quantizedLinear: weightScale must be [2], one scale per row of weight [2,2], got [1]');
    expect(() => ops.quantizedLinear(x, w8, ops.tensor([1, 1], [2], 'int32'))).toThrow('quantizedLinear: weightScale must be float32, got int32 [2]');
    expect(() => ops.gather(w8, ops.tensor([0], [1], 'int32'))).toThrow('gather: table must be float32 or int32 or float16, got int8 [2,2]');
    expect(() => ops.cast(x, 'int8')).toThrow('cast: unsupported dtype int8 (supported: float32, int32)');
    for (const t of [w8, w16, x, scales]) t.dispose();
  });
});
