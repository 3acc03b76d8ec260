// The contract between the op layer and the kernels: for each op, its attributes and how many
// inputs/outputs it has. `engine/ops/*` validates arguments and computes output shapes; a kernel
// receives only validated inputs and the output specs, so no kernel re-derives a shape.

import type { DType, WeightDType } from './dtype.js';

/** Elementwise functions, usable alone (`unary`) or fused into the epilogue of `linear`. */
export type UnaryFn = 'gelu' | 'gelu_new' | 'relu' | 'silu' | 'tanh' | 'sigmoid';
export const UNARY_FNS: readonly UnaryFn[] = ['gelu', 'gelu_new', 'relu', 'silu', 'tanh', 'sigmoid'];

/** Elementwise functions of two broadcast operands. Comparisons give 1 or 0 in the inputs' dtype. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'equal' | 'notEqual';

export interface OpAttrs {
  /** inputs [a, b]: [...batch, M, K] × [...batch, K, N] (before the optional transposes). */
  matmul: { readonly transposeA: boolean; readonly transposeB: boolean };
  /**
   * inputs [x, weight, bias?]: x [..., in] · weightᵀ [out, in] + bias [out], then `activation`. A
   * float16 weight is widened to float32 exactly and the product computed in float32.
   */
  linear: { readonly activation: UnaryFn | null };
  /**
   * inputs [x f32 [..., in], weight int8 [out, in], weightScale f32 [out], bias f32 [out]?]: linear
   * with int8 weights (a scale per output channel) and x quantized to int8 per row at run time,
   * products summed in int32 (engine/quantize.ts holds the exact semantics), then `activation`.
   */
  quantizedLinear: { readonly activation: UnaryFn | null };
  /** inputs [a, b], broadcast against each other. */
  binary: { readonly op: BinaryOp };
  /** inputs [x]: x · factor + shift. */
  scale: { readonly factor: number; readonly shift: number };
  /** inputs [x]. */
  unary: { readonly fn: UnaryFn };
  /** inputs [x, mask?]: softmax over the last axis of x + mask (mask broadcasts to x). */
  softmax: Readonly<Record<string, never>>;
  /**
   * inputs [q, k, v, mask?]: softmax(scale · q·kᵀ + mask)·v, with q [..., Sq, D], k [..., Sk, D],
   * v [..., Sk, Dv] and the mask broadcasting to the scores [..., Sq, Sk]. A composite op: see
   * registry.ts.
   */
  attention: { readonly scale: number };
  /**
   * inputs [qkv, mask?]: multi-head self-attention over q, k and v packed side by side in
   * qkv [batch, seq, 3·hidden], `heads` heads each → context [batch, seq, hidden]. A composite op.
   */
  qkvAttention: { readonly heads: number; readonly scale: number };
  /** inputs [x, weight, bias, residual?]: LayerNorm over the last axis of (x + residual). */
  layerNorm: { readonly eps: number };
  /**
   * inputs [table [V, H], ids int32 [...]] → [..., H]. `paddingIdx` is for the gradient only
   * (nn.Embedding's padding_idx: that row gets none); kernels ignore it.
   */
  gather: { readonly paddingIdx?: number };
  /**
   * inputs [table int8 [V, H], tableScale f32 [V], ids int32 [...]] → f32 [..., H]: the rows ids
   * name, each widened as table[r]·tableScale[r] (an int8 embedding table, engine/quantize.ts).
   */
  quantizedGather: Readonly<Record<string, never>>;
  /** inputs [x]; output axis i is input axis perm[i]. */
  permute: { readonly perm: readonly number[] };
  /** inputs [x]; the box [begin, begin + size) on every axis. */
  slice: { readonly begin: readonly number[]; readonly size: readonly number[] };
  /** inputs [x0, x1, ...] joined along `axis`. */
  concat: { readonly axis: number };
  /** inputs [x]: inclusive running sum along `axis`. */
  cumsum: { readonly axis: number };
  /** inputs [x] → int32 index of the largest element along the last axis (first one on ties). */
  argmax: Readonly<Record<string, never>>;
  /** inputs [x] → [values, int32 indices] of the k largest along the last axis, largest first. */
  topk: { readonly k: number };
  /** inputs [x] → x converted to `dtype` (float → int truncates toward zero). */
  cast: { readonly dtype: DType };
  /** inputs [x] → the sums of x over the axes the output shape broadcasts along (undoes a broadcast). */
  sumTo: Readonly<Record<string, never>>;
  /** inputs [x]: log(softmax(x)) over the last axis, computed stably (cross-entropy's first half). */
  logSoftmax: Readonly<Record<string, never>>;

  // Backward ops: the gradient rules (engine/ops/*) call them where no composition of forward ops is exact or cheap.

  /** inputs [x, dy] → dy · fn'(x). */
  unaryBackward: { readonly fn: UnaryFn };
  /** inputs [y, dy], y = softmax's output → dy's pull-back through softmax: y ⊙ (dy − Σ dy ⊙ y) per row. */
  softmaxBackward: Readonly<Record<string, never>>;
  /** inputs [x, weight, dy, residual?] → [d(x + residual), dweight, dbias] of layerNorm. */
  layerNormBackward: { readonly eps: number };
  /** inputs [updates [..., H], ids int32 [...]] → [rows, H]: row r sums the updates whose id is r, except row `paddingIdx` (zero). */
  scatterAdd: { readonly paddingIdx?: number };
}

export type OpName = keyof OpAttrs;

/**
 * The op inputs that may hold a weight dtype (dtype.ts), by input index; every other input of
 * every op is float32 or int32, and run.ts refuses anything else before a kernel sees it.
 */
export const WEIGHT_DTYPE_INPUTS: Partial<Record<OpName, Readonly<Record<number, readonly WeightDType[]>>>> = {
  linear: { 1: ['float16'] },
  quantizedLinear: { 1: ['int8'] },
  gather: { 0: ['float16'] },
  quantizedGather: { 0: ['int8'] },
};
