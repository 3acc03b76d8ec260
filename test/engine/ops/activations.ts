// Independent float64 definitions of the activations, for the op tests. They deliberately
// evaluate differently from the kernels (kernels/cpu/activations.ts): erf by numerical
// integration instead of a series, gelu_new through the logistic function instead of tanh,
// tanh from exponentials, so a shared mistake is unlikely.

import type { UnaryFn } from '../../../engine/index.js';

/**
 * erf(z) = 2/√π ∫₀^z e^{−t²} dt by composite Simpson's rule. The integrand's fourth derivative
 * is at most 12, so with h ≈ 1/4000 the error, |z|·h⁴·12/180 · 2/√π, is about 3·10⁻¹⁶ per unit of z.
 */
export function erfByIntegration(z: number): number {
  const intervals = 2 * Math.max(1, Math.ceil(Math.abs(z) * 2000));
  const h = z / intervals;
  const f = (t: number) => Math.exp(-t * t);
  let sum = f(0) + f(z);
  for (let i = 1; i < intervals; i++) sum += (i % 2 === 1 ? 4 : 2) * f(i * h);
  return ((2 / Math.sqrt(Math.PI)) * sum * h) / 3;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

export const ACTIVATIONS: Readonly<Record<UnaryFn, (x: number) => number>> = {
  // Hugging Face's "gelu": x·Φ(x) with Φ(x) = (1 + erf(x/√2))/2.
  gelu: (x) => 0.5 * x * (1 + erfByIntegration(x / Math.SQRT2)),
  // Hugging Face's NewGELUActivation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), using 1 + tanh(u) = 2·σ(2u).
  gelu_new: (x) => x * logistic(2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)),
  relu: (x) => Math.max(0, x),
  silu: (x) => x * logistic(x),
  // (e^{2x} − 1)/(e^{2x} + 1), with expm1 so small x keeps its digits; beyond |x| = 20 it is ±1 to 1e-17.
  tanh: (x) => (Math.abs(x) > 20 ? Math.sign(x) : Math.expm1(2 * x) / (Math.expm1(2 * x) + 2)),
  sigmoid: logistic,
};
