// LayerNorm over the last axis of v = fround(x + residual), in three kernels (one thread per
// row for the two reductions, one per element for the result; see softmax.ts for why).
//
// A float32 mean loses every digit when the mean is large against the spread (values 1e4 ± 0.5:
// the mean itself is only representable to ±5e-4). So the rows are shifted by their first value
// v0 — v − v0 is exact for nearby values — and the statistics are of the shifted values:
//   shift[r] = Σ_j (v − v0) / n                     the mean, less v0
//   rstd[r]  = 1 / √(Σ_j ((v − v0) − shift)² / n + eps)   two-pass variance, as the reference
//   out      = ((v − v0) − shift) · rstd · weight + bias
// The mean v0 + shift is never formed, so it is never rounded to float32.

import type { GpujsKernel } from './kernel.js';
import { flat, rows, type KernelThis, type Mat, type Program, type Vec } from './program.js';

type LayerNormConstants = {
  readonly n: number;
  /** 1 with a residual; 0 without, when `residual` is a single zero every element reads. */
  readonly residual: number;
};

function rowShift(this: KernelThis<LayerNormConstants>, x: Mat, residual: Mat): number {
  const r = this.thread.x;
  const s = this.constants.residual;
  const pivot = Math.fround(x[r][0] + residual[r * s][0]);
  let sum = 0;
  for (let j = 0; j < this.constants.n; j++) {
    sum += Math.fround(x[r][j] + residual[r * s][j * s]) - pivot;
  }
  return sum / this.constants.n;
}

function rowRstd(this: KernelThis<LayerNormConstants>, x: Mat, residual: Mat, shift: Vec, eps: number): number {
  const r = this.thread.x;
  const s = this.constants.residual;
  const pivot = Math.fround(x[r][0] + residual[r * s][0]);
  let squares = 0;
  for (let j = 0; j < this.constants.n; j++) {
    const d = Math.fround(x[r][j] + residual[r * s][j * s]) - pivot - shift[r];
    squares += d * d;
  }
  return 1 / Math.sqrt(squares / this.constants.n + eps);
}

function normalize(this: KernelThis<LayerNormConstants>, x: Mat, residual: Mat, shift: Vec, rstd: Vec, weight: Vec, bias: Vec): number {
  const j = this.thread.x;
  const r = this.thread.y;
  const s = this.constants.residual;
  const pivot = Math.fround(x[r][0] + residual[r * s][0]);
  const d = Math.fround(x[r][j] + residual[r * s][j * s]) - pivot - shift[r];
  return d * rstd[r] * weight[j] + bias[j];
}

export const layerNorm: GpujsKernel<'layerNorm'> = (backend, [x, weight, bias, residual], { eps }) => {
  const n = x.shape[x.shape.length - 1];
  const rowCount = n === 0 ? 0 : x.size / n;
  const constants: LayerNormConstants = { n, residual: residual ? 1 : 0 };
  const residualStorage = residual?.storage ?? backend.upload(new Float32Array(1), 'float32');
  const values = rows(x.storage, n);
  const added = residual ? rows(residualStorage, n) : rows(residualStorage, 1);
  const shift = backend.run({ name: 'layerNorm.rowShift', source: rowShift, constants }, [rowCount], [values, added]);
  const rstd = backend.run({ name: 'layerNorm.rowRstd', source: rowRstd, constants }, [rowCount], [values, added, flat(shift), eps]);
  const program: Program<LayerNormConstants> = { name: 'layerNorm.normalize', source: normalize, constants };
  const result = backend.run(program, [n, rowCount], [values, added, flat(shift), flat(rstd), flat(weight.storage), flat(bias.storage)]);
  backend.free(shift);
  backend.free(rstd);
  if (!residual) backend.free(residualStorage);
  return [result];
};
