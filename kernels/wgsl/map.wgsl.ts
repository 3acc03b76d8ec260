// Elementwise maps y[i] = f(x[i]), one invocation per element: the shader behind unary (the
// activations), scale (x·factor + shift) and cast (float ↔ int). Only f differs between them.

import type { DType } from '../../engine/dtype.js';
import { flatIndexWgsl } from './common.wgsl.js';

export const MAP_WORKGROUP = 256;

export type WgslScalar = 'f32' | 'i32';

/** The WGSL type holding a dtype's elements. */
export const wgslScalar = (dtype: DType): WgslScalar => (dtype === 'float32' ? 'f32' : 'i32');

export interface MapVariant {
  readonly input: WgslScalar;
  readonly output: WgslScalar;
  /** WGSL functions the expression calls. */
  readonly helpers: string;
  /** f's body, an expression in `x` (and `params.factor`, `params.shift`). */
  readonly expression: string;
}

export const mapWgsl = (variant: MapVariant) => /* wgsl */ `
${flatIndexWgsl(MAP_WORKGROUP)}
${variant.helpers}

struct Params {
  count: u32,
  factor: f32,
  shift: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<${variant.input}>;
@group(0) @binding(2) var<storage, read_write> y: array<${variant.output}>;

fn f(x: ${variant.input}) -> ${variant.output} {
  return ${variant.expression};
}

@compute @workgroup_size(${MAP_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, groups);
  if (i >= params.count) {
    return;
  }
  y[i] = f(x[i]);
}
`;

/**
 * float32 → int32 as the CPU spec: truncate toward zero, saturate at the int32 range, NaN → 0.
 * (The explicit bounds make it portable: 2147483648.0 is the first float too large for an i32.)
 */
export const toInt32Wgsl = /* wgsl */ `
fn toInt32(x: f32) -> i32 {
  if (isNan(x)) {
    return 0;
  }
  if (x >= 2147483648.0) {
    return 2147483647;
  }
  if (x <= -2147483648.0) {
    return -2147483647 - 1;
  }
  return i32(x);
}
`;
