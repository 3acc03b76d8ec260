// Inclusive running sum along one axis, seen as [outer, length, inner]: one invocation per
// (outer, inner) column walks its column in order. (Position ids need it over rows of a few
// hundred tokens: a parallel scan would not pay.) int32 sums wrap around, as in the spec.

import { flatIndexWgsl } from './common.wgsl.js';
import type { WgslScalar } from './map.wgsl.js';

export const CUMSUM_WORKGROUP = 64;

export const cumsumWgsl = (type: WgslScalar) => /* wgsl */ `
${flatIndexWgsl(CUMSUM_WORKGROUP)}

struct Params {
  columns: u32,
  length: u32,
  inner: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<${type}>;
@group(0) @binding(2) var<storage, read_write> y: array<${type}>;

@compute @workgroup_size(${CUMSUM_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let column = flatIndex(id, groups);
  if (column >= params.columns) {
    return;
  }
  let inner = params.inner;
  let start = (column / inner) * params.length * inner + column % inner;
  var sum = ${type}(0);
  for (var p = 0u; p < params.length; p++) {
    let at = start + p * inner;
    sum += x[at];
    y[at] = sum;
  }
}
`;
