// The elementwise functions in WGSL, shared by the `unary` kernel and the epilogue of `linear`
// (as kernels/cpu/activations.ts is on the CPU). Each is `fn NAME(x: f32) -> f32`; a shader calls
// one by the UnaryFn's name, except that `tanh` is `tanhSafe` (WGSL has a builtin tanh).

import type { UnaryFn } from '../../engine/opTypes.js';

/** The WGSL function implementing each UnaryFn. */
export const ACTIVATION_FN: Readonly<Record<UnaryFn, string>> = {
  gelu: 'gelu',
  gelu_new: 'geluNew',
  relu: 'relu',
  silu: 'silu',
  tanh: 'tanhSafe',
  sigmoid: 'sigmoid',
};

export const activationsWgsl = /* wgsl */ `
// erf(x) in f32, within 1e-7 of the true value (measured on a dense grid in the tests; WGSL has
// no erf). Two pieces, fitted for this file by weighted least squares iterated towards minimax:
//   |x| < 1:         erf(x) = x + x·P(x²)          — keeping the leading x apart means P's
//                                                    rounding errors are scaled down by P's size
//   1 ≤ |x| < 3.92:  erf(x) = ±(1 − exp(−Q(|x|)))  — Q ≈ −log erfc(x) is smooth, while erfc
//                                                    itself falls through five decades
//   |x| ≥ 3.92:      erf(x) = ±1                   — erfc(3.92) < 3e-8, under half an ulp of 1
// (The popular Abramowitz–Stegun 7.1.26 is only good to 1.5e-7 before rounding: not enough.)
fn erf(x: f32) -> f32 {
  let a = abs(x);
  if (a < 1.0) {
    let s = x * x;
    var p = 7.888470282e-05;
    p = p * s - 8.020634414e-04;
    p = p * s + 5.189510062e-03;
    p = p * s - 2.685442939e-02;
    p = p * s + 1.128359959e-01;
    p = p * s - 3.761262596e-01;
    p = p * s + 1.283791661e-01;
    return x + x * p;
  }
  if (a < 3.92) {
    var q = -1.632090857e-06;
    q = q * a + 4.592015830e-05;
    q = q * a - 5.953189102e-04;
    q = q * a + 4.751089495e-03;
    q = q * a - 2.639253065e-02;
    q = q * a + 1.100218445e-01;
    q = q * a + 6.318963766e-01;
    q = q * a + 1.130187273e+00;
    q = q * a - 3.075193672e-04;
    return sign(x) * (1.0 - exp(-q));
  }
  return sign(x);
}

// GELU, exact form (Hugging Face's "gelu"): x·Φ(x) = x/2·(1 + erf(x/√2)).
fn gelu(x: f32) -> f32 {
  return 0.5 * x * (1.0 + erf(x * 0.7071067811865476));
}

// tanh, clamped first: some implementations compute tanh as (e^2x − 1)/(e^2x + 1), which is
// ∞/∞ = NaN once e^2x overflows. tanh(±10) is ±1 to within 4e-9, so clamping changes nothing else.
fn tanhSafe(x: f32) -> f32 {
  return tanh(clamp(x, -10.0, 10.0));
}

// GELU, tanh approximation (Hugging Face's "gelu_new"): x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
fn geluNew(x: f32) -> f32 {
  return 0.5 * x * (1.0 + tanhSafe(0.7978845608028654 * (x + 0.044715 * x * x * x)));
}

// As the CPU spec: x > 0 ? x : 0, so NaN gives 0 (WGSL's max leaves NaN implementation-defined).
fn relu(x: f32) -> f32 {
  return select(0.0, x, x > 0.0);
}

// For very negative x, exp(−x) overflows to ∞ and the quotients go to 0 as they should.
fn silu(x: f32) -> f32 {
  return x / (1.0 + exp(-x));
}

fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}
`;
