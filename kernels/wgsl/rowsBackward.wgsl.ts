// The row kernels of training, one workgroup per row as softmax's and layerNorm's (rows.wgsl.ts):
//   logSoftmax       y = x − m − log Σ exp(x − m), m the row maximum
//   softmaxBackward  dx = y ⊙ (dy − Σ dy ⊙ y), from softmax's output y
//   layerNormBackward, pass 1: dv = rstd·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·weight, and each
//                    row's statistics for pass 2 (the column sums dweight = Σ dy·x̂, dbias = Σ dy).
// The statistics are computed as the forward kernel computes them (the row shifted by its first
// element, two passes), so x̂ is the forward's.

import { ROW_STATISTICS_WGSL, rowValueWgsl } from './layerNorm.wgsl.js';
import { rowKernelMain, rowReduceWgsl } from './rows.wgsl.js';

const rowHeader = (workgroupSize: number) => /* wgsl */ `
${rowReduceWgsl(workgroupSize)}

struct Params {
  rows: u32,
  n: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
`;

export const logSoftmaxWgsl = (workgroupSize: number) => /* wgsl */ `
${rowHeader(workgroupSize)}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
${rowKernelMain(workgroupSize, `
  var m = -3.4028234663852886e38;
  for (var j = t; j < n; j += WORKGROUP) {
    m = max(m, x[start + j]);
  }
  let rowMax = reduceMax(t, m);
  var s = 0.0;
  for (var j = t; j < n; j += WORKGROUP) {
    s += exp(x[start + j] - rowMax);
  }
  let logSum = rowMax + log(reduceSum(t, s));
  for (var j = t; j < n; j += WORKGROUP) {
    y[start + j] = x[start + j] - logSum;
  }`)}
`;

export const softmaxBackwardWgsl = (workgroupSize: number) => /* wgsl */ `
${rowHeader(workgroupSize)}
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
${rowKernelMain(workgroupSize, `
  var d = 0.0;
  for (var j = t; j < n; j += WORKGROUP) {
    d += dy[start + j] * y[start + j];
  }
  let dot = reduceSum(t, d);
  for (var j = t; j < n; j += WORKGROUP) {
    dx[start + j] = y[start + j] * (dy[start + j] - dot);
  }`)}
`;

export const layerNormBackwardRowsWgsl = (workgroupSize: number, withResidual: boolean) => /* wgsl */ `
${rowHeader(workgroupSize)}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
${withResidual ? '@group(0) @binding(4) var<storage, read> residual: array<f32>;' : ''}
@group(0) @binding(${withResidual ? 5 : 4}) var<storage, read_write> dv: array<f32>;
// Per row: the shift (its first value), the mean of the shifted row, and 1/√(variance + eps).
@group(0) @binding(${withResidual ? 6 : 5}) var<storage, read_write> stats: array<f32>;

${rowValueWgsl(withResidual)}
${rowKernelMain(workgroupSize, `${ROW_STATISTICS_WGSL}
  var sg = 0.0;
  var sgx = 0.0;
  for (var j = t; j < n; j += WORKGROUP) {
    let g = dy[start + j] * weight[j];
    sg += g;
    sgx += g * ((value(start + j) - shift) - meanShifted) * rstd;
  }
  let meanG = reduceSum(t, sg) / f32(n);
  let meanGX = reduceSum(t, sgx) / f32(n);
  for (var j = t; j < n; j += WORKGROUP) {
    let xhat = ((value(start + j) - shift) - meanShifted) * rstd;
    dv[start + j] = rstd * (dy[start + j] * weight[j] - meanG - xhat * meanGX);
  }
  if (t == 0u) {
    stats[3u * row] = shift;
    stats[3u * row + 1u] = meanShifted;
    stats[3u * row + 2u] = rstd;
  }`)}
`;

/** LayerNorm backward, pass 2: one invocation per column j sums dy·x̂ and dy over the rows. */
export const LAYER_NORM_COLUMNS_WORKGROUP = 64;

export const layerNormBackwardColumnsWgsl = (withResidual: boolean) => /* wgsl */ `
struct Params {
  rows: u32,
  n: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
${withResidual ? '@group(0) @binding(3) var<storage, read> residual: array<f32>;' : ''}
@group(0) @binding(${withResidual ? 4 : 3}) var<storage, read> stats: array<f32>;
@group(0) @binding(${withResidual ? 5 : 4}) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(${withResidual ? 6 : 5}) var<storage, read_write> dbias: array<f32>;
${rowValueWgsl(withResidual)}
@compute @workgroup_size(${LAYER_NORM_COLUMNS_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let j = id.x;
  if (j >= params.n) {
    return;
  }
  var w = 0.0;
  var b = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    let at = r * params.n + j;
    let xhat = ((value(at) - stats[3u * r]) - stats[3u * r + 1u]) * stats[3u * r + 2u];
    w += dy[at] * xhat;
    b += dy[at];
  }
  dweight[j] = w;
  dbias[j] = b;
}
`;
