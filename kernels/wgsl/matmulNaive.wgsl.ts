// Matrix product, version 1 of 3: naive. One invocation per output element, each walking its row
// of A and column of B straight from global memory. Every element of A is read N times and every
// element of B M times, so memory traffic, not arithmetic, bounds its speed; it is the baseline
// the other two versions improve on, and the fastest choice for tiny products and matrix–vector
// shapes, where a tile would be mostly empty.

import { matmulHeaderWgsl, type MatmulVariant } from './matmulCommon.wgsl.js';

/** Outputs per workgroup along x (columns) and y (rows). */
export const NAIVE_TILE = 8;

export const matmulNaiveWgsl = (variant: MatmulVariant) => /* wgsl */ `
${matmulHeaderWgsl(variant)}

@compute @workgroup_size(${NAIVE_TILE}, ${NAIVE_TILE}, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.y;
  let j = id.x;
  if (i >= params.M || j >= params.N) {
    return;
  }
  let base = stridedOffsets(params.batch, id.z);
  var sum = 0.0;
  for (var p = 0u; p < params.K; p++) {
    sum += a[base.x + i * params.aRow + p * params.aCol] * bAt(base.y + p * params.bRow + j * params.bCol);
  }
  storeC(id.z, i, j, sum);
}
`;
