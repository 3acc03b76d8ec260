// top-k (and argmax, which is top-1 without the values), one workgroup per row, in k rounds.
// Round r finds the best element among those ranking strictly after round r−1's pick: each
// invocation scans its stride of the row, then the workgroup reduces (value, index) pairs by a
// tree. The order is the spec's (kernels/cpu/order.ts): larger first, NaN above everything, ties
// to the lower index. Being a strict total order over pairs, "after the previous pick" excludes
// exactly the elements already taken. Cost O(k·n / workgroup): right for the small k of fill-mask.

import { isNanWgsl } from './common.wgsl.js';
import type { WgslScalar } from './map.wgsl.js';

export const topkWgsl = (type: WgslScalar, workgroupSize: number, withValues: boolean) => /* wgsl */ `
${isNanWgsl}

const WORKGROUP = ${workgroupSize}u;
// The index of "no element yet": ranks after everything.
const NONE = 0xffffffffu;

struct Params {
  rows: u32,
  n: u32,
  k: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<${type}>;
@group(0) @binding(2) var<storage, read_write> indices: array<i32>;
${withValues ? `@group(0) @binding(3) var<storage, read_write> values: array<${type}>;` : ''}

var<workgroup> bestValue: array<${type}, ${workgroupSize}>;
var<workgroup> bestIndex: array<u32, ${workgroupSize}>;

fn nan(v: ${type}) -> bool {
  ${type === 'f32' ? 'return isNan(v);' : '_ = v;\n  return false;'}
}

fn ranksBefore(a: ${type}, ai: u32, b: ${type}, bi: u32) -> bool {
  if (ai == NONE || bi == NONE) {
    return bi == NONE && ai != NONE;
  }
  let aNan = nan(a);
  let bNan = nan(b);
  if (aNan != bNan) {
    return aNan;
  }
  if (!aNan && a != b) {
    return a > b;
  }
  return ai < bi;
}

@compute @workgroup_size(${workgroupSize})
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) t: u32,
) {
  let row = group.x + group.y * groups.x;
  if (row >= params.rows) {
    return;
  }
  let start = row * params.n;
  var previous = x[start];
  var previousIndex = NONE;
  for (var round = 0u; round < params.k; round++) {
    var best = x[start];
    var bestAt = NONE;
    for (var j = t; j < params.n; j += WORKGROUP) {
      let v = x[start + j];
      let untaken = previousIndex == NONE || ranksBefore(previous, previousIndex, v, j);
      if (untaken && ranksBefore(v, j, best, bestAt)) {
        best = v;
        bestAt = j;
      }
    }
    bestValue[t] = best;
    bestIndex[t] = bestAt;
    workgroupBarrier();
    for (var step = WORKGROUP / 2u; step > 0u; step >>= 1u) {
      if (t < step && ranksBefore(bestValue[t + step], bestIndex[t + step], bestValue[t], bestIndex[t])) {
        bestValue[t] = bestValue[t + step];
        bestIndex[t] = bestIndex[t + step];
      }
      workgroupBarrier();
    }
    previous = workgroupUniformLoad(&bestValue[0]);
    previousIndex = workgroupUniformLoad(&bestIndex[0]);
    // Everyone has read the winner before the next round overwrites it.
    workgroupBarrier();
    if (t == 0u) {
      indices[row * params.k + round] = i32(previousIndex);
      ${withValues ? 'values[row * params.k + round] = previous;' : ''}
    }
  }
}
`;
