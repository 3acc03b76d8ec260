// Training's per-element kernels, one invocation per output element:
//   unaryBackward  dx = dy · f'(x), the derivatives of activations.wgsl.ts's functions
//   sumTo          each output element sums the input elements broadcast from it (a loop over
//                  the reduced axes, walked as a strided layout)
//   scatterAdd     table element (r, j) sums updates[i, j] over the ids i equal to r, skipping the
//                  padding row: a gather turned around. Without float atomics in WGSL each output
//                  scans every id, which costs rows × width × ids: fine for fine-tuning batches and
//                  vocabularies of thousands, slow for 50k rows.

import type { UnaryFn } from '../../engine/opTypes.js';
import { activationsWgsl } from './activations.wgsl.js';
import { flatIndexWgsl, stridedWgsl } from './common.wgsl.js';

export const ELEMENTWISE_WORKGROUP = 256;

/** f'(x) of each UnaryFn in WGSL, over the helpers of activations.wgsl.ts. */
const DERIVATIVE: Readonly<Record<UnaryFn, string>> = {
  gelu: '0.5 * (1.0 + erf(x * 0.7071067811865476)) + x * exp(-0.5 * x * x) * 0.3989422804014327',
  gelu_new: 'geluNewDerivative(x)',
  relu: 'select(0.0, 1.0, x > 0.0)',
  silu: 'sigmoid(x) * (1.0 + x * (1.0 - sigmoid(x)))',
  tanh: '1.0 - tanhSafe(x) * tanhSafe(x)',
  sigmoid: 'sigmoid(x) * (1.0 - sigmoid(x))',
};

export const unaryBackwardWgsl = (fn: UnaryFn) => /* wgsl */ `
${flatIndexWgsl(ELEMENTWISE_WORKGROUP)}
${activationsWgsl}

fn geluNewDerivative(x: f32) -> f32 {
  let c = 0.7978845608028654;
  let t = tanhSafe(c * (x + 0.044715 * x * x * x));
  return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * c * (1.0 + 3.0 * 0.044715 * x * x);
}

struct Params {
  count: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> xs: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

fn derivative(x: f32) -> f32 {
  return ${DERIVATIVE[fn]};
}

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, groups);
  if (i >= params.count) {
    return;
  }
  dx[i] = dy[i] * derivative(xs[i]);
}
`;

export const sumToWgsl = () => /* wgsl */ `
${flatIndexWgsl(ELEMENTWISE_WORKGROUP)}
${stridedWgsl}

struct Params {
  // The output's elements (stridesA: where each starts in x) and the reduced axes (stridesA: x's strides along them).
  kept: Strided,
  reduced: Strided,
  count: u32,
  reducedCount: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = flatIndex(id, groups);
  if (o >= params.count) {
    return;
  }
  let base = stridedOffsets(params.kept, o).x;
  var sum = 0.0;
  for (var r = 0u; r < params.reducedCount; r++) {
    sum += x[base + stridedOffsets(params.reduced, r).x];
  }
  y[o] = sum;
}
`;

export const scatterAddWgsl = () => /* wgsl */ `
${flatIndexWgsl(ELEMENTWISE_WORKGROUP)}

struct Params {
  count: u32,
  width: u32,
  ids: u32,
  // The row that gets no gradient, or −1 for none.
  paddingIdx: i32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> updates: array<f32>;
@group(0) @binding(2) var<storage, read> ids: array<i32>;
@group(0) @binding(3) var<storage, read_write> table: array<f32>;

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = flatIndex(id, groups);
  if (o >= params.count) {
    return;
  }
  let row = i32(o / params.width);
  let j = o % params.width;
  var sum = 0.0;
  if (row != params.paddingIdx) {
    for (var i = 0u; i < params.ids; i++) {
      if (ids[i] == row) {
        sum += updates[i * params.width + j];
      }
    }
  }
  table[o] = sum;
}
`;
