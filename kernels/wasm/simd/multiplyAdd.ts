// a·b + c over f32 lanes, the step of every dot product and polynomial here. With relaxed SIMD it
// is one instruction, f32x4.relaxed_madd, which V8 compiles to an FMA where the CPU has one (one
// rounding instead of two, half the instructions); without, SIMD-128's multiply then add. The
// results differ in the last bits (the fused product is not rounded), never in how a sum is
// ordered, so a kernel stays bit-identical across thread counts either way.

import { f32x4, type Expr, type LaneOperand } from '../emit/expr.js';
import type { SimdFeatures } from '../features.js';

export type MultiplyAdd = (a: LaneOperand, b: LaneOperand, c: LaneOperand) => Expr<'v128'>;

const unfused: MultiplyAdd = (a, b, c) => f32x4.add(f32x4.mul(a, b), c);

export function multiplyAdd(features: SimdFeatures): MultiplyAdd {
  return features.relaxed ? f32x4.relaxedMadd : unfused;
}
