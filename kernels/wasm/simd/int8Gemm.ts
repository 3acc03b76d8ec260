// quantizedLinear in WebAssembly SIMD-128: the arithmetic of engine/quantize.ts (the CPU kernel is
// its executable spec), with the integer sums bit for bit and every float step the same float32
// operation, so the outputs before the activation equal the CPU's exactly.
//
//   quantizeRows: each row of x to int16 values in [−127, 127] and its scale s_x = a / 127. The
//   values are stored as int16, an even number per row (a zero pads an odd K), so that the GEMM
//   can broadcast one (x[k], x[k+1]) pair into all four 32-bit lanes with a single load.
//
//   The weight [N, K] int8 is packed (backend.ts, once) into panels of NR = 8 output columns: per
//   pair of k, 16 bytes — for each column j its (W[j, k], W[j, k+1]). One `v128.load8x8_s` widens
//   columns 0–3 (then 4–7) of a k pair to an i16x8, and `i32x4.dot_i16x8_s` against the broadcast
//   activation pair adds x[k]·W[j,k] + x[k+1]·W[j,k+1] into column j's i32 lane: 8 multiply-adds
//   per instruction, where the f32 kernel does 4. Sums stay exact: |acc| ≤ 127²·K < 2³¹.
//
// The micro-tile is the f32 kernel's 4×8 (gemm.ts): 8 i32x4 accumulators, 2 weight vectors, the
// broadcast and one product fit V8's 15 usable XMM registers. The epilogue converts each sum to
// float32 and applies y = f32(acc)·(s_x·s_w) + bias as three float32 operations, as the CPU does.
//
// Relaxed SIMD's i32x4.relaxed_dot_i8x16_i7x16_add_s (16 multiply-adds per instruction) is not
// used. It is deterministic only when its second operand is in [0, 127] (x86 reads it as
// unsigned), and here both operands span [−127, 127]. The two exact ways round that cost what it
// would save: moving the weight's signs onto x (|W| against ±x: an xor and a subtract per vector
// and row), or splitting W = W⁺ − W⁻ into two non-negative halves (two dot products per vector,
// or twice the weight memory to keep both halves packed). And without AVX-VNNI, V8 lowers the
// instruction itself to three (pmaddubsw, pmaddwd, paddd), against the two (pmaddwd, paddd) per
// 8 multiply-adds here: about the same instructions per multiply-add, for more registers and a
// second panel layout (k quads instead of pairs). Not measured: a candidate where VNNI exists.

import { f32, f32x4, i32, i32x4, v128, type Operand } from '../emit/expr.js';
import type { FunctionBuilder } from '../emit/func.js';
import type { ModuleBuilder } from '../emit/module.js';
import type { SimdActivation } from './activations.js';
import { atMost, copyEdgeTile, forRowCount, MR, NR, unrolledSteps } from './gemm.js';

const F32 = 4;
/** Bytes of one packed k pair of a panel: NR columns × 2 int8. */
const PAIR_BYTES = 2 * NR;
const LIMIT = 127;

/** Floats of per-thread scratch quantizedLinear needs: a panel's padded weight scales and bias, and an edge tile. */
export const INT8_SCRATCH_FLOATS = 2 * NR + MR * NR;

/** Bytes of int16 activations per row for K inputs (K rounded up to even). */
export function quantizedRowBytes(k: number): number {
  return (k + (k % 2)) * 2;
}

/**
 * quantizeRows(x, K, xq, rowBytes, scales, begin, end, scratch): rows [begin, end) of x [M, K]
 * (float32) to int16 values at xq (rowBytes apart) and their scales. A row of zeros gets scale 0
 * and zero values, so its sums are 0 and its output the bias, as in the CPU kernel.
 */
function emitQuantizeRows(m: ModuleBuilder) {
  const f = m.function('quantizeRows', { x: 'i32', K: 'i32', xq: 'i32', rowBytes: 'i32', scales: 'i32', begin: 'i32', end: 'i32', scratch: 'i32' });
  const { x, K, xq, rowBytes, scales, begin, end } = f.params;
  const r = f.local('i32', 'r');
  const i = f.local('i32', 'i');
  const row = f.local('i32', 'row');
  const out = f.local('i32', 'out');
  const max = f.local('f32', 'max');
  const inverse = f.local('f32', 'inverse');
  f.forRange(r, begin, end, 1, () => {
    f.set(row, i32.add(x, i32.mul(i32.mul(r, K), F32)));
    f.set(out, i32.add(xq, i32.mul(r, rowBytes)));
    f.set(max, 0);
    f.forRange(i, 0, K, 1, () => f.set(max, f32.max(max, f32.abs(f32.load(i32.add(row, i32.shl(i, 2)))))));
    // The padding value of an odd row, and every value of a zero row.
    f.forRange(i, 0, i32.and(i32.add(K, 1), ~1), 1, () => f.storeI16(i32.add(out, i32.shl(i, 1)), 0));
    f.storeF32(i32.add(scales, i32.shl(r, 2)), 0);
    f.if(f32.gt(max, 0), () => {
      f.set(inverse, f32.div(LIMIT, max));
      f.storeF32(i32.add(scales, i32.shl(r, 2)), f32.div(max, LIMIT));
      f.forRange(i, 0, K, 1, () => {
        const scaled = f32.nearest(f32.mul(f32.load(i32.add(row, i32.shl(i, 2))), inverse));
        f.storeI16(i32.add(out, i32.shl(i, 1)), i32.truncSatF32S(f32.min(LIMIT, f32.max(-LIMIT, scaled))));
      });
    });
  });
  return f;
}

/**
 * microQ8_{mr}(a, lda, b, pairs, c, ldc, rowScales, panel): the mr×NR tile for rows a, a+lda, …
 * of int16 activations and the packed int8 panel b over `pairs` k pairs, scaled and biased by the
 * panel's padded column scales and bias at `panel` (NR floats each), into c (rows ldc bytes apart).
 */
function emitMicroKernel(m: ModuleBuilder, mr: number) {
  const f = m.function(`microQ8_${mr}`, { a: 'i32', lda: 'i32', b: 'i32', pairs: 'i32', c: 'i32', ldc: 'i32', rowScales: 'i32', panel: 'i32' });
  const { a, lda, b, pairs, c, ldc, rowScales, panel } = f.params;
  const rows = f.locals('i32', 'row', mr);
  const acc = rows.map((_, r) => f.locals('v128', `acc${r}_`, 2));
  const bv = f.locals('v128', 'b', 2);
  const splat = f.local('v128', 'splat');
  const steps = f.local('i32', 'steps');
  const scale = f.locals('v128', 'scale', 2);
  const rowScale = f.local('v128', 'rowScale');

  rows.forEach((row, r) => f.set(row, r === 0 ? a : i32.add(rows[r - 1], lda)));
  const step = (u: number) => {
    bv.forEach((v, q) => f.set(v, v128.load8x8S(b, u * PAIR_BYTES + q * 8)));
    rows.forEach((row, r) => {
      f.set(splat, v128.load32Splat(row, u * 4));
      bv.forEach((v, q) => f.set(acc[r][q], i32x4.add(acc[r][q], i32x4.dotI16x8S(splat, v))));
    });
  };
  unrolledSteps(f, steps, pairs, step, (count) => {
    rows.forEach((row) => f.set(row, i32.add(row, count * 4)));
    f.set(b, i32.add(b, count * PAIR_BYTES));
  });

  scale.forEach((s, q) => f.set(s, v128.load(panel, q * 16)));
  acc.forEach((accRow, r) => {
    f.set(rowScale, f32x4.splat(f32.load(rowScales, r * F32)));
    const out = r === 0 ? c : i32.add(c, i32.mul(ldc, r));
    accRow.forEach((x, q) => {
      const y = f32x4.add(f32x4.mul(f32x4.convertI32x4(x), f32x4.mul(rowScale, scale[q])), v128.load(panel, NR * F32 + q * 16));
      f.storeV128(out, y, q * 16);
    });
  });
  return f;
}

/**
 * quantizedLinear(xq, lda, packed, pairs, c, ldc, M, N, xScales, wScales, bias, hasBias, begin,
 * end, scratch), and _relu, _gelu: panels [begin, end) of y = x_q·W_qᵀ scaled, + bias, then the
 * activation over each panel's M×NR block. Each panel's column scales and bias (zeros without
 * one, or past N) are first copied to scratch, so nothing is read past them; a ragged last panel
 * is computed into a scratch tile and its valid columns copied out.
 */
function emitQuantizedLinear(m: ModuleBuilder, micro: readonly FunctionBuilder[], activate?: { readonly name: SimdActivation; readonly fn: FunctionBuilder }) {
  const f = m.function(activate ? `quantizedLinear_${activate.name}` : 'quantizedLinear', {
    xq: 'i32', lda: 'i32', packed: 'i32', pairs: 'i32', c: 'i32', ldc: 'i32', M: 'i32', N: 'i32', xScales: 'i32', wScales: 'i32', bias: 'i32', hasBias: 'i32', begin: 'i32', end: 'i32', scratch: 'i32',
  });
  const { xq, lda, packed, pairs, c, ldc, M, N, xScales, wScales, bias, hasBias, begin, end, scratch } = f.params;
  const p = f.local('i32', 'p');
  const i = f.local('i32', 'i');
  const j = f.local('i32', 'j');
  const r = f.local('i32', 'r');
  const n = f.local('i32', 'n');
  const cols = f.local('i32', 'cols');
  const block = f.local('i32', 'block');
  const panel = f.local('i32', 'panel');
  const padded = f.local('i32', 'padded');
  const mr = f.local('i32', 'mr');

  const dispatch = (out: Operand<'i32'>, outStride: Operand<'i32'>) =>
    forRowCount(f, mr, micro, (kernel) => f.call(kernel, i32.add(xq, i32.mul(i, lda)), lda, panel, pairs, out, outStride, i32.add(xScales, i32.shl(i, 2)), padded));

  f.set(padded, scratch);
  const tileOut = i32.add(scratch, 2 * NR * F32);
  f.forRange(p, begin, end, 1, () => {
    f.set(cols, atMost(i32.sub(N, i32.mul(p, NR)), NR));
    f.set(block, i32.add(c, i32.mul(p, NR * F32)));
    f.set(panel, i32.add(packed, i32.mul(i32.mul(p, pairs), PAIR_BYTES)));
    f.forRange(j, 0, NR, 1, () => {
      f.set(n, i32.add(i32.mul(p, NR), j));
      const at = i32.shl(j, 2);
      f.storeF32(i32.add(padded, at), 0);
      f.storeF32(i32.add(padded, at), 0, NR * F32);
      f.if(i32.ltS(j, cols), () => {
        f.storeF32(i32.add(padded, at), f32.load(i32.add(wScales, i32.shl(n, 2))));
        f.if(hasBias, () => f.storeF32(i32.add(padded, at), f32.load(i32.add(bias, i32.shl(n, 2))), NR * F32));
      });
    });
    f.forRange(i, 0, M, MR, () => {
      f.set(mr, atMost(i32.sub(M, i), MR));
      f.if(
        i32.eq(cols, NR),
        () => dispatch(i32.add(block, i32.mul(i, ldc)), ldc),
        () => {
          dispatch(tileOut, NR * F32);
          copyEdgeTile(f, { tile: tileOut, c: block, ldc, i, mr, cols }, r, j);
        },
      );
    });
    if (activate) f.call(activate.fn, block, ldc, M, cols);
  });
  return f;
}

/** The int8 kernels; `activations` are the activate_{name} functions gemm.ts emitted. */
export function emitInt8Gemm(m: ModuleBuilder, activations: ReadonlyMap<SimdActivation, FunctionBuilder>): void {
  emitQuantizeRows(m);
  const micro = Array.from({ length: MR }, (_, r) => emitMicroKernel(m, r + 1));
  emitQuantizedLinear(m, micro);
  for (const [name, fn] of activations) emitQuantizedLinear(m, micro, { name, fn });
}
