// Moving values between lane shapes: a row's four float32s as two f64x2 halves and back.

import { f32x4, f64, f64x2, v128, type Expr, type Local } from '../emit/expr.js';

/** Lanes 2 and 3 of an f32x4, widened to an f64x2 (lanes 0 and 1 are `f64x2.promoteLowF32x4`). */
export function promoteHigh(v: Local<'v128'>): Expr<'v128'> {
  return f64x2.promoteLowF32x4(v128.shuffle(v, v, [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]));
}

/** Two f64x2 (floats 0–1 and 2–3 of four) rounded to float32 and joined into one f32x4. */
export function demotePair(low: Local<'v128'> | Expr<'v128'>, high: Local<'v128'> | Expr<'v128'>): Expr<'v128'> {
  return v128.shuffle(f32x4.demoteF64x2(low), f32x4.demoteF64x2(high), [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
}

/** The sum of an f64x2's two lanes. */
export function sumLanes(v: Local<'v128'>): Expr<'f64'> {
  return f64.add(f64x2.extractLane(v, 0), f64x2.extractLane(v, 1));
}
