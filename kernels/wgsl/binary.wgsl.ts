// Broadcast binary ops: y[i] = combine(a[offsetA(i)], b[offsetB(i)]), one invocation per output
// element, where the offsets come from the operands' broadcast strides (stride 0 on an axis an
// operand is repeated along).

import type { BinaryOp } from '../../engine/opTypes.js';
import { flatIndexWgsl, stridedWgsl } from './common.wgsl.js';
import type { WgslScalar } from './map.wgsl.js';

export const BINARY_WORKGROUP = 256;

/**
 * `combine`'s body for each op and type. Comparisons give 1 or 0 in the operands' type. i32
 * arithmetic wraps around in WGSL as in the spec; i32 division truncates toward zero, and WGSL
 * defines x / 0 as x, so division by zero is mapped to the spec's 0 explicitly.
 */
export const COMBINE: Readonly<Record<WgslScalar, Readonly<Record<BinaryOp, string>>>> = {
  f32: {
    add: 'left + right',
    sub: 'left - right',
    mul: 'left * right',
    div: 'left / right',
    equal: 'select(0.0, 1.0, left == right)',
    notEqual: 'select(0.0, 1.0, left != right)',
  },
  i32: {
    add: 'left + right',
    sub: 'left - right',
    mul: 'left * right',
    div: 'select(left / right, 0, right == 0)',
    equal: 'select(0, 1, left == right)',
    notEqual: 'select(0, 1, left != right)',
  },
};

export const binaryWgsl = (type: WgslScalar, op: BinaryOp) => /* wgsl */ `
${stridedWgsl}
${flatIndexWgsl(BINARY_WORKGROUP)}

struct Params {
  operands: Strided,
  count: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<${type}>;
@group(0) @binding(2) var<storage, read> b: array<${type}>;
@group(0) @binding(3) var<storage, read_write> y: array<${type}>;

fn combine(left: ${type}, right: ${type}) -> ${type} {
  return ${COMBINE[type][op]};
}

@compute @workgroup_size(${BINARY_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, groups);
  if (i >= params.count) {
    return;
  }
  let offsets = stridedOffsets(params.operands, i);
  y[i] = combine(a[offsets.x], b[offsets.y]);
}
`;
