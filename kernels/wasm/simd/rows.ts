// Shared shape of the row-wise kernels (softmax, layerNorm): a loop over the rows [begin, end)
// of an [rows, n] matrix, and inside each row passes over its n floats — four at a time while
// four remain, then one at a time for the ragged tail. Offsets are in bytes.

import { i32, type Expr, type Local } from '../emit/expr.js';
import type { FunctionBuilder } from '../emit/func.js';

export interface RowPass {
  /** Emits the body for the four floats at byte offset `at` within the row. */
  readonly vector: (at: Local<'i32'>) => void;
  /** Emits the body for the single float at byte offset `at` (the tail, n mod 4 of them). */
  readonly scalar: (at: Local<'i32'>) => void;
}

/** Emits one pass over a row of `bytes` bytes (n·4), `vectorBytes` of them (n rounded down to 4, ·4) in whole vectors. */
export function rowPass(f: FunctionBuilder, at: Local<'i32'>, vectorBytes: Local<'i32'>, bytes: Local<'i32'>, pass: RowPass): void {
  f.forRange(at, 0, vectorBytes, 16, () => pass.vector(at));
  f.forRange(at, vectorBytes, bytes, 4, () => pass.scalar(at));
}

/** Byte offset of row r in an [rows, n] float matrix at base. */
export function rowAddress(base: Local<'i32'>, r: Local<'i32'>, rowBytes: Local<'i32'>): Expr<'i32'> {
  return i32.add(base, i32.mul(r, rowBytes));
}
