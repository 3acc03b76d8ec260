// Functions the kernels call, written in gpu.js's subset of JavaScript: numbers only (float32 on
// the device, float64 in the cpu mode), no closures, no arrays as values. A kernel lists the ones
// it uses in its program's `functions`; gpu.js compiles them with it, by name — so the names must
// not be Math functions or helpers gpu.js defines itself (fround, log10, expm1, …).

import type { UnaryFn } from '../../engine/opTypes.js';

/**
 * floor(i / n), exactly, for integers 0 ≤ i < 2^24 and n ≥ 1. The float32 quotient is rounded:
 * when i/n lies within half an ulp below the next integer it rounds up to it, and floor is then
 * one too big. The remainder i − q·n (exact below 2^24) is negative exactly in that case.
 */
export function floorDiv(i: number, n: number): number {
  const q = Math.floor(i / n);
  if (i - q * n < 0) {
    return q - 1;
  }
  return q;
}

// Predicates return 1 or 0, not booleans: gpu.js's WebGL modes cannot return a boolean from a
// function (its GLSL translation has no such return type), so callers test `> 0`.

/**
 * NaN test that survives shader compilers: `v !== v` is folded to false by the WebGPU compiler
 * used here (measured with Dawn + SwiftShader), two ordered comparisons are not. 1 for NaN.
 */
export function isNan(v: number): number {
  if (!(v >= 0) && !(v < 0)) {
    return 1;
  }
  return 0;
}

/** 1 when (a, ai) comes first in the order argmax and top-k rank by (kernels/cpu/order.ts): larger first, NaN above all, then lower index. */
export function ranksBefore(a: number, ai: number, b: number, bi: number): number {
  const aNan = isNan(a);
  const bNan = isNan(b);
  if (aNan !== bNan) {
    return aNan;
  }
  if (aNan === 0 && a !== b) {
    if (a > b) {
      return 1;
    }
    return 0;
  }
  if (ai < bi) {
    return 1;
  }
  return 0;
}

// ---- activations (the same functions as kernels/cpu/activations.ts, in float32) ---------------

/**
 * erfc(z) with relative error below 1.2e-7 for every z (Numerical Recipes' erfcc, a Chebyshev
 * fit). JavaScript has no erf to transpile, and the complementary form keeps GELU's tiny values
 * for negative inputs accurate where 1 + erf(z) would cancel to zero.
 */
export function erfc(z: number): number {
  const a = Math.abs(z);
  const t = 1 / (1 + 0.5 * a);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-a * a + poly);
  if (z >= 0) {
    return r;
  }
  return 2 - r;
}

/** GELU, exact form: x·Φ(x) = x/2 · erfc(−x/√2). */
export function geluErf(x: number): number {
  return 0.5 * x * erfc(-x * 0.7071067811865476);
}

/** tanh with its argument clamped where it is ±1 in float32: shader tanh may overflow (e^2x) to NaN beyond. */
export function tanhSaturating(x: number): number {
  return Math.tanh(Math.min(Math.max(x, -15), 15));
}

/** GELU, tanh approximation (Hugging Face's gelu_new): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + tanhSaturating(0.7978845608028654 * (x + 0.044715 * x * x * x)));
}

/** 1 / (1 + e^−x), through e^−|x| so that no exponential overflows. */
export function sigmoidStable(x: number): number {
  const e = Math.exp(-Math.abs(x));
  if (x >= 0) {
    return 1 / (1 + e);
  }
  return e / (1 + e);
}

/** Kernels cannot take a function as an argument, so the activation is a number baked into the kernel. */
export const ACTIVATION_CODE: Readonly<Record<UnaryFn | 'none', number>> = { none: 0, gelu: 1, gelu_new: 2, relu: 3, silu: 4, tanh: 5, sigmoid: 6 };

export function activate(x: number, code: number): number {
  if (code === 1) {
    return geluErf(x);
  }
  if (code === 2) {
    return geluTanh(x);
  }
  if (code === 3) {
    if (x > 0) {
      return x;
    }
    return 0;
  }
  if (code === 4) {
    return x * sigmoidStable(x);
  }
  if (code === 5) {
    return tanhSaturating(x);
  }
  if (code === 6) {
    return sigmoidStable(x);
  }
  return x;
}

/** Every function `activate` needs, for a program's `functions`. */
export const ACTIVATION_FUNCTIONS = [erfc, geluErf, tanhSaturating, geluTanh, sigmoidStable, activate] as const;
