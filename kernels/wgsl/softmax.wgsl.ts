// softmax over each row of x + mask, one workgroup per row, in three sweeps over the row:
//   1. m = max_j v_j                (v = x + mask, rounded to f32 as Hugging Face adds them)
//   2. s = Σ_j exp(v_j − m)         (every exponent ≤ 0: nothing overflows, the largest term is 1)
//   3. y_j = exp(v_j − m) / s
// Masks hold 0 or the float32 minimum (−3.4e38); adding that to any ordinary score gives exactly
// the minimum, so masked entries tie and get exp(min − m) = 0 whenever one entry is unmasked, and
// a fully masked row, all ties, comes out uniform — as in the CPU spec and Hugging Face. A row of
// −∞ has s = 0 (m starts at the float32 minimum, not −∞: WGSL has no ∞ literal), and is
// written uniform too, where the formula would give 0/0.

import { stridedWgsl } from './common.wgsl.js';
import { rowKernelMain, rowReduceWgsl } from './rows.wgsl.js';

export const softmaxWgsl = (workgroupSize: number, masked: boolean) => /* wgsl */ `
${stridedWgsl}
${rowReduceWgsl(workgroupSize)}

struct Params {
  // Rows of x (its shape without the last axis); stridesA: where each row's mask starts.
  maskRows: Strided,
  rows: u32,
  n: u32,
  // The mask's stride along the last axis: 1, or 0 when the mask is broadcast along it.
  maskStride: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
${masked ? '@group(0) @binding(2) var<storage, read> mask: array<f32>;' : ''}
@group(0) @binding(${masked ? 3 : 2}) var<storage, read_write> y: array<f32>;

fn score(start: u32, maskStart: u32, j: u32) -> f32 {
  ${masked ? 'return x[start + j] + mask[maskStart + j * params.maskStride];' : 'return x[start + j];'}
}

${rowKernelMain(workgroupSize, `
  let maskStart = stridedOffsets(params.maskRows, row).x;

  var m = -3.4028234663852886e38;
  for (var j = t; j < n; j += WORKGROUP) {
    m = max(m, score(start, maskStart, j));
  }
  let rowMax = reduceMax(t, m);

  var s = 0.0;
  for (var j = t; j < n; j += WORKGROUP) {
    s += exp(score(start, maskStart, j) - rowMax);
  }
  let total = reduceSum(t, s);

  if (total == 0.0) {
    for (var j = t; j < n; j += WORKGROUP) {
      y[start + j] = 1.0 / f32(n);
    }
    return;
  }
  for (var j = t; j < n; j += WORKGROUP) {
    y[start + j] = exp(score(start, maskStart, j) - rowMax) / total;
  }
`)}
`;
