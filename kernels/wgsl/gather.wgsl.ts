// Embedding lookup: output row r is row ids[r] of the table; one invocation per output element.
// Elements are moved as raw 32-bit words (u32), so one shader serves float32 and int32 tables; a
// float16 table is widened to float32 as it is read (halfFloat.wgsl.ts), one element per
// invocation all the same (two halves share a word, and a row may start mid-word).
// The model checks ids on the host before uploading them; the shader clamps them anyway, so a bad
// id can never read outside the table.

import { flatIndexWgsl } from './common.wgsl.js';
import { enableHalfWgsl, halfArrayWgsl, type HalfStorage } from './halfFloat.wgsl.js';

export const GATHER_WORKGROUP = 256;

/** The shader for a table of 32-bit elements, or of float16 ones bound as `half` says. */
export const gatherWgsl = (half?: HalfStorage) => /* wgsl */ `${enableHalfWgsl(half)}
${flatIndexWgsl(GATHER_WORKGROUP)}

struct Params {
  count: u32,
  width: u32,
  tableRows: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
${half ? halfArrayWgsl('table', 1, half) : '@group(0) @binding(1) var<storage, read> table: array<u32>;'}
@group(0) @binding(2) var<storage, read> ids: array<i32>;
@group(0) @binding(3) var<storage, read_write> y: array<${half ? 'f32' : 'u32'}>;

@compute @workgroup_size(${GATHER_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, groups);
  if (i >= params.count) {
    return;
  }
  let row = u32(clamp(ids[i / params.width], 0, i32(params.tableRows) - 1));
  let index = row * params.width + i % params.width;
  y[i] = ${half ? 'tableAt(index)' : 'table[index]'};
}
`;
