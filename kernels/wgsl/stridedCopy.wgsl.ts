// A strided copy: destination[dstStart + offsetB(i)] = source[srcStart + offsetA(i)] for every
// position i of a shape, one invocation per element. It is permute (read through permuted
// strides), slice (read a box: a start and the source's strides) and concat (write each input
// into its box of the output: a start and the output's strides). Elements move as raw 32-bit
// words, so one shader serves every dtype.

import { flatIndexWgsl, stridedWgsl } from './common.wgsl.js';

export const COPY_WORKGROUP = 256;

export const stridedCopyWgsl = () => /* wgsl */ `
${stridedWgsl}
${flatIndexWgsl(COPY_WORKGROUP)}

struct Params {
  // stridesA: the source's strides; stridesB: the destination's.
  copy: Strided,
  count: u32,
  sourceStart: u32,
  destinationStart: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> source: array<u32>;
@group(0) @binding(2) var<storage, read_write> destination: array<u32>;

@compute @workgroup_size(${COPY_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, groups);
  if (i >= params.count) {
    return;
  }
  let offsets = stridedOffsets(params.copy, i);
  destination[params.destinationStart + offsets.y] = source[params.sourceStart + offsets.x];
}
`;
