// Vectorised elementary functions: the activations `linear` applies after its product, and the
// exponential of the softmax loop. WebAssembly has no exp or erf instruction, so each is a
// range reduction plus a polynomial or rational approximation accurate to a few float32 ulps.

import { f32x4, f64x2, i32, i32x4, v128, type Expr, type Local } from '../emit/expr.js';
import type { FunctionBuilder } from '../emit/func.js';
import type { ModuleBuilder } from '../emit/module.js';
import { demotePair, promoteHigh } from './lanes.js';
import type { MultiplyAdd } from './multiplyAdd.js';
import { rowAddress, rowPass } from './rows.js';

/** The activations `linear` applies in SIMD; others run the reference's own function afterwards. */
export type SimdActivation = 'relu' | 'gelu';
export const SIMD_ACTIVATIONS: readonly SimdActivation[] = ['relu', 'gelu'];

/**
 * erf(t) for t clamped to [−4, 4] (beyond it erf is ±1 in float32) as t·P(t²)/Q(t²), the rational
 * approximation Eigen and XLA use for float32: P of degree 6 and Q of degree 4 in t², within
 * 7e-8 of erf. Evaluated in float32 its rounding errors grow that to 4e-7, so it is evaluated in
 * float64 here, two lanes at a time, and GELU rounded to float32 once at the end. The price: the
 * GELU pass adds 1.6 ms of CPU to the 14.3 ms of x[128,768]·W[3072,768]ᵀ.
 */
const ERF_P = [-2.72614225801306e-10, 2.77068142495902e-8, -2.10102402082508e-6, -5.69250639462346e-5, -7.34990630326855e-4, -2.95459980854025e-3, -1.60960333262415e-2];
const ERF_Q = [-1.45660718464996e-5, -2.13374055278905e-4, -1.68282697438203e-3, -7.37332916720468e-3, -1.42647390514189e-2];

/** Horner's rule, each step acc·x + c: coefficients from the highest power down. */
function horner(madd: MultiplyAdd, x: Local<'v128'>, coefficients: readonly number[]): Expr<'v128'> {
  let acc = madd(coefficients[0], x, coefficients[1]);
  for (const c of coefficients.slice(2)) acc = madd(acc, x, c);
  return acc;
}

/** GELU's erf runs in float64 lanes, where relaxed SIMD's f64x2 FMA would buy nothing measurable: GELU is 1.6 of 14 ms. */
const f64MultiplyAdd: MultiplyAdd = (a, b, c) => f64x2.add(f64x2.mul(a, b), c);

/**
 * GELU, exact form x/2·(1 + erf(x/√2)), as Hugging Face's "gelu": off the float64 definition by
 * at most |x|/2 · 7e-8 (so 2e-7 where |x| < 5.7, and 4e-8 beyond) plus the final rounding.
 */
function gelu(f: FunctionBuilder, x: Local<'v128'>): Expr<'v128'> {
  const halves = [f64x2.promoteLowF32x4(x), promoteHigh(x)].map((half, i) => {
    const v = f.local('v128', `gelu${i}`);
    const t = f.local('v128', `erfArg${i}`);
    const t2 = f.local('v128', `erfArgSquared${i}`);
    f.set(v, half);
    f.set(t, f64x2.pmax(f64x2.pmin(f64x2.mul(v, Math.SQRT1_2), 4), -4));
    f.set(t2, f64x2.mul(t, t));
    const rational = f64x2.div(f64x2.mul(t, horner(f64MultiplyAdd, t2, ERF_P)), horner(f64MultiplyAdd, t2, ERF_Q));
    // Where t was clamped, erf is ±1 to within 1.6e-8: take it exactly, or the approximation's
    // error at ±4, times x/2, would grow without bound as x → −∞ (GELU's value there is 0).
    const erf = v128.bitselect(f64x2.mul(t, 0.25), rational, f64x2.ge(f64x2.abs(t), 4));
    f.set(v, f64x2.mul(f64x2.mul(v, 0.5), f64x2.add(erf, 1)));
    return v;
  });
  return demotePair(halves[0], halves[1]);
}

function apply(f: FunctionBuilder, activation: SimdActivation, x: Local<'v128'>): Expr<'v128'> {
  switch (activation) {
    case 'relu':
      // 0 < x ? x : 0, the reference's test: NaN gives 0 as there.
      return f32x4.pmax(0, x);
    case 'gelu':
      return gelu(f, x);
  }
}

/**
 * activate_{act}(c, ldc, rows, cols): the activation in place over a rows×cols block of floats
 * at c, rows ldc bytes apart (a block `linear` has just written, still in the L1 cache).
 */
export function emitActivation(m: ModuleBuilder, activation: SimdActivation): FunctionBuilder {
  const f = m.function(`activate_${activation}`, { c: 'i32', ldc: 'i32', rows: 'i32', cols: 'i32' });
  const { c, ldc, rows, cols } = f.params;
  const r = f.local('i32', 'r');
  const at = f.local('i32', 'at');
  const row = f.local('i32', 'row');
  const bytes = f.local('i32', 'bytes');
  const vectorBytes = f.local('i32', 'vectorBytes');
  const v = f.local('v128', 'v');
  f.set(bytes, i32.shl(cols, 2));
  f.set(vectorBytes, i32.and(bytes, ~15));
  f.forRange(r, 0, rows, 1, () => {
    f.set(row, rowAddress(c, r, ldc));
    rowPass(f, at, vectorBytes, bytes, {
      vector: () => {
        f.set(v, v128.load(i32.add(row, at)));
        f.storeV128(i32.add(row, at), apply(f, activation, v));
      },
      scalar: () => {
        f.set(v, v128.load32Splat(i32.add(row, at)));
        f.storeF32(i32.add(row, at), f32x4.extractLane(apply(f, activation, v), 0));
      },
    });
  });
  return f;
}

/**
 * e^x per lane, Cephes' expf: x = n·ln2 + r with n = round(x/ln2) and |r| ≤ ln2/2 (ln2 split in a
 * high part exact in float32 and a small correction, so n·ln2 costs no precision), e^r by a
 * degree-6 polynomial, and 2^n built directly in the exponent bits. Good to about 1 ulp; inputs
 * below −87.3 (where 2^n would leave the normal range) give 0, as e^x rounds to there anyway.
 * The polynomial's steps are multiply-adds: fused with relaxed SIMD (multiplyAdd.ts).
 */
export function exp(f: FunctionBuilder, x: Local<'v128'>, madd: MultiplyAdd): Expr<'v128'> {
  const n = f.local('v128', 'expN');
  const r = f.local('v128', 'expR');
  f.set(n, f32x4.nearest(f32x4.mul(f32x4.pmax(x, -87.3), Math.LOG2E)));
  f.set(r, f32x4.sub(f32x4.sub(f32x4.pmax(x, -87.3), f32x4.mul(n, 0.693359375)), f32x4.mul(n, -2.12194440e-4)));
  const poly = horner(madd, r, [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]);
  const expR = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(poly, r), r), r), 1);
  const twoToN = i32x4.shl(i32x4.add(i32x4.truncSatF32x4(n), i32x4.const(127)), 23);
  const underflow = f32x4.lt(x, -87.3);
  return v128.bitselect(f32x4.const(0), f32x4.mul(expR, twoToN), underflow);
}
