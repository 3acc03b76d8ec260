// LayerNorm over each row of v = x + residual, one workgroup per row, with the two-pass variance:
// first the mean, then the mean squared deviation from it. (The one-pass E[v²] − E[v]² cancels
// catastrophically when the mean is large against the spread.)
//
// In f32 even the two-pass form needs care: for a row near 1e4 with spread 0.5, a float sum of
// the row loses about 1e-3 of the mean, which shifts every output by 1e-3/σ. So the sums run over
// d = v − v₀, the row shifted by its first element: d is exact (Sterbenz: v and v₀ are within a
// factor of 2 of each other when the spread is small against the mean) and of the size of the
// spread, so the mean of d, and d − mean(d) = v − mean(v), keep f32's relative accuracy.
//
// The residual add v = x + residual happens in f32, as Hugging Face adds the residual in float32.

import { rowKernelMain, rowReduceWgsl } from './rows.wgsl.js';

export const layerNormWgsl = (workgroupSize: number, withResidual: boolean) => /* wgsl */ `
${rowReduceWgsl(workgroupSize)}

struct Params {
  rows: u32,
  n: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
${withResidual ? '@group(0) @binding(4) var<storage, read> residual: array<f32>;' : ''}
@group(0) @binding(${withResidual ? 5 : 4}) var<storage, read_write> y: array<f32>;

${rowValueWgsl(withResidual)}
${rowKernelMain(workgroupSize, `${ROW_STATISTICS_WGSL}
  for (var j = t; j < n; j += WORKGROUP) {
    let deviation = (value(start + j) - shift) - meanShifted;
    y[start + j] = deviation * rstd * weight[j] + bias[j];
  }
`)}
`;

/** `value(at)`: element `at` of v = x + residual (x alone without a residual), summed in f32. */
export const rowValueWgsl = (withResidual: boolean) => /* wgsl */ `
fn value(at: u32) -> f32 {
  ${withResidual ? 'return x[at] + residual[at];' : 'return x[at];'}
}
`;

/**
 * The statistics of one row inside rowKernelMain, with the shifted two-pass form above: `shift`
 * (v₀), `meanShifted` (mean of v − v₀) and `rstd` (1/√(variance + eps)). The backward pass
 * recomputes them with this same text, so both passes see bit-identical statistics.
 */
export const ROW_STATISTICS_WGSL = /* wgsl */ `
  let shift = value(start);
  var s = 0.0;
  for (var j = t; j < n; j += WORKGROUP) {
    s += value(start + j) - shift;
  }
  let meanShifted = reduceSum(t, s) / f32(n);
  var q = 0.0;
  for (var j = t; j < n; j += WORKGROUP) {
    let deviation = (value(start + j) - shift) - meanShifted;
    q += deviation * deviation;
  }
  let rstd = inverseSqrt(reduceSum(t, q) / f32(n) + params.eps);
`;
