// Typed expressions over WebAssembly's stack machine. An `Expr<T>` is the code that leaves one
// value of type T on the stack; an operator's code is its operands' code followed by its opcode,
// so a nested call such as `f32x4.add(acc, f32x4.mul(a, b))` is written in the order the
// instructions execute (post-order) without the reader tracking a stack by hand. The TypeScript
// types reject, at compile time, what the module validator would reject at load time (an f32
// where an i32 belongs).

import { signedLeb128, unsignedLeb128 } from './leb128.js';
import { MISC_PREFIX, MiscOp, Op, SIMD_PREFIX, SimdOp } from './opcodes.js';

export type ValType = 'i32' | 'f32' | 'f64' | 'v128';

export const VALTYPE_CODE: Readonly<Record<ValType, number>> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

export interface Expr<T extends ValType> {
  readonly type: T;
  readonly code: readonly number[];
}

/** A named local variable (parameters are locals too). */
export class Local<T extends ValType> {
  constructor(
    readonly type: T,
    readonly index: number,
    readonly name: string,
  ) {}
}

/** Scalars accept plain numbers as constants; a v128 must be an expression or a local. */
export type Operand<T extends ValType> = Expr<T> | Local<T> | (T extends 'v128' ? never : number);

function expr<T extends ValType>(type: T, code: readonly number[]): Expr<T> {
  return { type, code };
}

function f32Bytes(value: number): number[] {
  return [...new Uint8Array(Float32Array.of(value).buffer)];
}

function f64Bytes(value: number): number[] {
  return [...new Uint8Array(Float64Array.of(value).buffer)];
}

function constant(type: ValType, value: number): number[] {
  switch (type) {
    case 'i32':
      if (!Number.isInteger(value)) throw new Error(`i32 constant ${value} is not an integer`);
      return [Op.i32_const, ...signedLeb128(value)];
    case 'f32':
      return [Op.f32_const, ...f32Bytes(value)];
    case 'f64':
      return [Op.f64_const, ...f64Bytes(value)];
    case 'v128':
      throw new Error('a v128 operand cannot be a plain number');
  }
}

/** The code that pushes `value`, checked to be of type `type`. */
export function codeOf<T extends ValType>(type: T, value: Operand<T>): readonly number[] {
  if (typeof value === 'number') return constant(type, value);
  if (value.type !== type) throw new Error(`operand type mismatch: expected ${type}, got ${value.type}`);
  return value instanceof Local ? [Op.local_get, ...unsignedLeb128(value.index)] : value.code;
}

const simd = (op: number): number[] => [SIMD_PREFIX, ...unsignedLeb128(op)];

/** log2 of the natural alignment, for the memarg immediate. */
const ALIGN: Readonly<Record<ValType, number>> = { i32: 2, f32: 2, f64: 3, v128: 4 };

export function memarg(type: ValType, offset: number): number[] {
  return [...unsignedLeb128(ALIGN[type]), ...unsignedLeb128(offset)];
}

function unary<T extends ValType, R extends ValType>(type: T, result: R, opcode: readonly number[]) {
  return (a: Operand<T>): Expr<R> => expr(result, [...codeOf(type, a), ...opcode]);
}

function binary<T extends ValType, R extends ValType>(type: T, result: R, opcode: readonly number[]) {
  return (a: Operand<T>, b: Operand<T>): Expr<R> => expr(result, [...codeOf(type, a), ...codeOf(type, b), ...opcode]);
}

export const i32 = {
  load: (address: Operand<'i32'>, offset = 0): Expr<'i32'> => expr('i32', [...codeOf('i32', address), Op.i32_load, ...memarg('i32', offset)]),
  /** Loads a u16, zero-extended. */
  load16U: (address: Operand<'i32'>, offset = 0): Expr<'i32'> => expr('i32', [...codeOf('i32', address), Op.i32_load16_u, 1, ...unsignedLeb128(offset)]),
  add: binary('i32', 'i32', [Op.i32_add]),
  sub: binary('i32', 'i32', [Op.i32_sub]),
  mul: binary('i32', 'i32', [Op.i32_mul]),
  divS: binary('i32', 'i32', [Op.i32_div_s]),
  remS: binary('i32', 'i32', [Op.i32_rem_s]),
  and: binary('i32', 'i32', [Op.i32_and]),
  shl: binary('i32', 'i32', [Op.i32_shl]),
  eqz: unary('i32', 'i32', [Op.i32_eqz]),
  eq: binary('i32', 'i32', [Op.i32_eq]),
  ltS: binary('i32', 'i32', [Op.i32_lt_s]),
  gtS: binary('i32', 'i32', [Op.i32_gt_s]),
  /** f32 to i32, truncating toward zero and saturating (NaN → 0, as an Int8Array stores NaN). */
  truncSatF32S: unary('f32', 'i32', [MISC_PREFIX, MiscOp.i32_trunc_sat_f32_s]),
  leS: binary('i32', 'i32', [Op.i32_le_s]),
  /** `cond ? a : b` without a branch (both operands are evaluated). */
  select: (a: Operand<'i32'>, b: Operand<'i32'>, cond: Operand<'i32'>): Expr<'i32'> =>
    expr('i32', [...codeOf('i32', a), ...codeOf('i32', b), ...codeOf('i32', cond), Op.select]),
};

export const f32 = {
  load: (address: Operand<'i32'>, offset = 0): Expr<'f32'> => expr('f32', [...codeOf('i32', address), Op.f32_load, ...memarg('f32', offset)]),
  eq: binary('f32', 'i32', [Op.f32_eq]),
  gt: binary('f32', 'i32', [Op.f32_gt]),
  add: binary('f32', 'f32', [Op.f32_add]),
  sub: binary('f32', 'f32', [Op.f32_sub]),
  mul: binary('f32', 'f32', [Op.f32_mul]),
  div: binary('f32', 'f32', [Op.f32_div]),
  max: binary('f32', 'f32', [Op.f32_max]),
  min: binary('f32', 'f32', [Op.f32_min]),
  abs: unary('f32', 'f32', [Op.f32_abs]),
  /** Round to the nearest integer, ties to even. */
  nearest: unary('f32', 'f32', [Op.f32_nearest]),
  demoteF64: unary('f64', 'f32', [Op.f32_demote_f64]),
};

export const f64 = {
  add: binary('f64', 'f64', [Op.f64_add]),
  sub: binary('f64', 'f64', [Op.f64_sub]),
  mul: binary('f64', 'f64', [Op.f64_mul]),
  div: binary('f64', 'f64', [Op.f64_div]),
  sqrt: unary('f64', 'f64', [Op.f64_sqrt]),
  promoteF32: unary('f32', 'f64', [Op.f64_promote_f32]),
  convertI32: unary('i32', 'f64', [Op.f64_convert_i32_s]),
};

export const v128 = {
  load: (address: Operand<'i32'>, offset = 0): Expr<'v128'> =>
    expr('v128', [...codeOf('i32', address), ...simd(SimdOp.v128_load), ...memarg('v128', offset)]),
  /** Loads eight int8s, sign-extended to the eight lanes of an i16x8. */
  load8x8S: (address: Operand<'i32'>, offset = 0): Expr<'v128'> =>
    expr('v128', [...codeOf('i32', address), ...simd(SimdOp.v128_load8x8_s), ...memarg('f64', offset)]),
  /** Loads four u16s (half-float bit patterns), zero-extended to the four lanes of an i32x4. */
  load16x4U: (address: Operand<'i32'>, offset = 0): Expr<'v128'> =>
    expr('v128', [...codeOf('i32', address), ...simd(SimdOp.v128_load16x4_u), ...memarg('f64', offset)]),
  and: binary('v128', 'v128', simd(SimdOp.v128_and)),
  or: binary('v128', 'v128', simd(SimdOp.v128_or)),
  /** Loads one f32 (or i32) and copies it into all four lanes. */
  load32Splat: (address: Operand<'i32'>, offset = 0): Expr<'v128'> =>
    expr('v128', [...codeOf('i32', address), ...simd(SimdOp.v128_load32_splat), ...memarg('f32', offset)]),
  /** Bitwise `mask ? a : b`: each result bit from a where the mask bit is 1, else from b. */
  bitselect: (a: Operand<'v128'>, b: Operand<'v128'>, mask: Operand<'v128'>): Expr<'v128'> =>
    expr('v128', [...codeOf('v128', a), ...codeOf('v128', b), ...codeOf('v128', mask), ...simd(SimdOp.v128_bitselect)]),
  /** Bytes picked by index from the 32 bytes of a then b. */
  shuffle: (a: Operand<'v128'>, b: Operand<'v128'>, lanes: readonly number[]): Expr<'v128'> => {
    if (lanes.length !== 16 || lanes.some((l) => !Number.isInteger(l) || l < 0 || l > 31)) throw new Error(`i8x16.shuffle needs 16 byte indices in [0, 31], got [${lanes}]`);
    return expr('v128', [...codeOf('v128', a), ...codeOf('v128', b), ...simd(SimdOp.i8x16_shuffle), ...lanes]);
  },
};

function v128Const(bytes: readonly number[]): Expr<'v128'> {
  return expr('v128', [...simd(SimdOp.v128_const), ...bytes]);
}

/** A v128 operand of f32x4 and f64x2 ops may be a number: the vector with that value in every lane. */
export type LaneOperand = Operand<'v128'> | number;

function laneCode(shape: 'f32x4' | 'f64x2', value: LaneOperand): readonly number[] {
  if (typeof value !== 'number') return codeOf('v128', value);
  return v128Const(shape === 'f32x4' ? [0, 1, 2, 3].flatMap(() => f32Bytes(value)) : [0, 1].flatMap(() => f64Bytes(value))).code;
}

function laneBinary(shape: 'f32x4' | 'f64x2', op: number) {
  return (a: LaneOperand, b: LaneOperand): Expr<'v128'> => expr('v128', [...laneCode(shape, a), ...laneCode(shape, b), ...simd(op)]);
}

function laneUnary(shape: 'f32x4' | 'f64x2', op: number) {
  return (a: LaneOperand): Expr<'v128'> => expr('v128', [...laneCode(shape, a), ...simd(op)]);
}

export const f32x4 = {
  const: (value: number): Expr<'v128'> => expr('v128', laneCode('f32x4', value)),
  splat: (value: Operand<'f32'>): Expr<'v128'> => expr('v128', [...codeOf('f32', value), ...simd(SimdOp.f32x4_splat)]),
  extractLane: (value: Operand<'v128'>, lane: number): Expr<'f32'> =>
    expr('f32', [...codeOf('v128', value), ...simd(SimdOp.f32x4_extract_lane), lane]),
  add: laneBinary('f32x4', SimdOp.f32x4_add),
  sub: laneBinary('f32x4', SimdOp.f32x4_sub),
  mul: laneBinary('f32x4', SimdOp.f32x4_mul),
  div: laneBinary('f32x4', SimdOp.f32x4_div),
  /** a < b ? b : a: one x86 instruction, where `max` must also order NaN and ±0 (about eight). */
  pmax: laneBinary('f32x4', SimdOp.f32x4_pmax),
  lt: laneBinary('f32x4', SimdOp.f32x4_lt),
  /** Round to the nearest integer, ties to even. */
  nearest: laneUnary('f32x4', SimdOp.f32x4_nearest),
  /** Lanes 0 and 1 of an f64x2, rounded to f32; lanes 2 and 3 are zero. */
  demoteF64x2: unary('v128', 'v128', simd(SimdOp.f32x4_demote_f64x2_zero)),
  abs: laneUnary('f32x4', SimdOp.f32x4_abs),
  /** i32 lanes to f32, rounded to nearest (exact below 2²⁴). */
  convertI32x4: unary('v128', 'v128', simd(SimdOp.f32x4_convert_i32x4_s)),
  /** a·b + c per lane (relaxed SIMD): fused with one rounding where the CPU has FMA, else a multiply then an add. */
  relaxedMadd: (a: LaneOperand, b: LaneOperand, c: LaneOperand): Expr<'v128'> =>
    expr('v128', [...laneCode('f32x4', a), ...laneCode('f32x4', b), ...laneCode('f32x4', c), ...simd(SimdOp.f32x4_relaxed_madd)]),
};

export const f64x2 = {
  splat: (value: Operand<'f64'>): Expr<'v128'> => expr('v128', [...codeOf('f64', value), ...simd(SimdOp.f64x2_splat)]),
  extractLane: (value: Operand<'v128'>, lane: number): Expr<'f64'> =>
    expr('f64', [...codeOf('v128', value), ...simd(SimdOp.f64x2_extract_lane), lane]),
  add: laneBinary('f64x2', SimdOp.f64x2_add),
  sub: laneBinary('f64x2', SimdOp.f64x2_sub),
  mul: laneBinary('f64x2', SimdOp.f64x2_mul),
  div: laneBinary('f64x2', SimdOp.f64x2_div),
  /** b < a ? b : a (see f32x4.pmax). */
  pmin: laneBinary('f64x2', SimdOp.f64x2_pmin),
  /** a < b ? b : a (see f32x4.pmax). */
  pmax: laneBinary('f64x2', SimdOp.f64x2_pmax),
  ge: laneBinary('f64x2', SimdOp.f64x2_ge),
  abs: laneUnary('f64x2', SimdOp.f64x2_abs),
  /** Lanes 0 and 1 of an f32x4, widened exactly to f64. */
  promoteLowF32x4: unary('v128', 'v128', simd(SimdOp.f64x2_promote_low_f32x4)),
};

export const i32x4 = {
  const: (value: number): Expr<'v128'> => v128Const([0, 1, 2, 3].flatMap(() => [...new Uint8Array(Int32Array.of(value).buffer)])),
  splat: (value: Operand<'i32'>): Expr<'v128'> => expr('v128', [...codeOf('i32', value), ...simd(SimdOp.i32x4_splat)]),
  add: binary('v128', 'v128', simd(SimdOp.i32x4_add)),
  eq: binary('v128', 'v128', simd(SimdOp.i32x4_eq)),
  minS: binary('v128', 'v128', simd(SimdOp.i32x4_min_s)),
  maxS: binary('v128', 'v128', simd(SimdOp.i32x4_max_s)),
  /** Lane i: a[2i]·b[2i] + a[2i+1]·b[2i+1], the i16x8 products summed in pairs into i32s. */
  dotI16x8S: binary('v128', 'v128', simd(SimdOp.i32x4_dot_i16x8_s)),
  /**
   * Lane i: c[i] + Σ_{j<4} a[4i+j]·b[4i+j] over i8 bytes (relaxed SIMD). The result is the same
   * on every engine only when every byte of b is in [0, 127]: x86 reads b as unsigned.
   */
  relaxedDotI8x16I7x16AddS: (a: Operand<'v128'>, b: Operand<'v128'>, c: Operand<'v128'>): Expr<'v128'> =>
    expr('v128', [...codeOf('v128', a), ...codeOf('v128', b), ...codeOf('v128', c), ...simd(SimdOp.i32x4_relaxed_dot_i8x16_i7x16_add_s)]),
  shl: (a: Operand<'v128'>, bits: Operand<'i32'>): Expr<'v128'> => expr('v128', [...codeOf('v128', a), ...codeOf('i32', bits), ...simd(SimdOp.i32x4_shl)]),
  /** f32 lanes to i32, truncating toward zero and saturating (NaN → 0). */
  truncSatF32x4: unary('v128', 'v128', simd(SimdOp.i32x4_trunc_sat_f32x4_s)),
};

export const i16x8 = {
  /** Four i32 lanes of a then four of b, each saturated to i16. */
  narrowI32x4S: binary('v128', 'v128', simd(SimdOp.i16x8_narrow_i32x4_s)),
};
