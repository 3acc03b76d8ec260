// Matrix product, version 2 of 3: workgroup tiling. A 16×16 workgroup computes a 16×16 block of
// C. It walks K in steps of 16: all 256 invocations first copy one element each of the 16×16
// tiles of A and B into workgroup (shared) memory, wait at a barrier, then each accumulates its
// output from the shared tiles. Each global element is now read by one invocation per workgroup
// instead of by 16, so global traffic drops 16-fold; the price is two barriers per step.
//
// Tiles that hang over the edge of A or B are padded with zeros, so any M, N, K works.

import { matmulHeaderWgsl, type MatmulVariant } from './matmulCommon.wgsl.js';

export const TILE = 16;

export const matmulTiledWgsl = (variant: MatmulVariant) => /* wgsl */ `
${matmulHeaderWgsl(variant)}

const TILE = ${TILE}u;

var<workgroup> tileA: array<array<f32, ${TILE}>, ${TILE}>; // [row i][step p]
var<workgroup> tileB: array<array<f32, ${TILE}>, ${TILE}>; // [step p][column j]

fn loadA(base: u32, i: u32, p: u32) -> f32 {
  if (i >= params.M || p >= params.K) {
    return 0.0;
  }
  return a[base + i * params.aRow + p * params.aCol];
}

fn loadB(base: u32, p: u32, j: u32) -> f32 {
  if (p >= params.K || j >= params.N) {
    return 0.0;
  }
  return bAt(base + p * params.bRow + j * params.bCol);
}

@compute @workgroup_size(${TILE}, ${TILE}, 1)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
  let i = group.y * TILE + local.y;
  let j = group.x * TILE + local.x;
  let base = stridedOffsets(params.batch, group.z);
  var sum = 0.0;
  // Invocations outside C still help load tiles, so no one leaves before the barriers.
  for (var p0 = 0u; p0 < params.K; p0 += TILE) {
    tileA[local.y][local.x] = loadA(base.x, i, p0 + local.x);
    tileB[local.y][local.x] = loadB(base.y, p0 + local.y, j);
    workgroupBarrier();
    for (var q = 0u; q < TILE; q++) {
      sum += tileA[local.y][q] * tileB[q][local.x];
    }
    workgroupBarrier();
  }
  if (i < params.M && j < params.N) {
    storeC(group.z, i, j, sum);
  }
}
`;
