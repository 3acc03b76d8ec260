// q8's quantizedLinear (engine/quantize.ts) written with standard ONNX operators, so ONNX Runtime
// computes the numbers our kernels compute:
//
//   a    = ReduceMax(Abs(x)) over the last axis       per token, [..., 1]
//   a'   = Where(a = 0, 1, a)                         a zero row: x_q = 0, so y = bias, as in ours
//   x_q  = Clip(Round(x · (127 / a')), −127, 127)
//   x_u  = Cast<uint8>(x_q + 128)                     x_q shifted into uint8, zero point 128
//   acc  = MatMulInteger(x_u, W_qᵀ, 128)              Σ (x_u − 128)·W_q = Σ x_q·W_q in int32, exact
//   y    = Cast<float>(acc) · MatMul(a' / 127, s_w) + bias     s_w stored [1, out]
//
// ONNX's Round rounds half to even, as ours does; every float step is one float32 operation in our
// order, so the integer sums are ours exactly and the outputs differ only where the float ops
// around the linear layers (softmax, LayerNorm, erf) round differently and move an x_q by one.
//
// Why uint8 with a zero point rather than int8 × int8, which ONNX allows too: onnxruntime-web 1.30
// (WebAssembly) has a fast kernel for uint8 × int8 only; int8 × int8 was 6.9× slower there
// ([128, 768] · [768, 768]: 112 vs 16 ms), while onnxruntime-node runs both alike (24 ms). The
// zero point is subtracted exactly, so the sums are the same integers.
//
// The scales' product is a MatMul over one term ([..., 1] × [1, out]: each element one float32
// product, as a Mul would give) because onnxruntime's MatMulIntegerToFloatFusion rewrites
// Cast(MatMulInteger) · Mul(a, b) into MatMulIntegerToFloat, which reads `a` as one scale for the
// whole tensor: with our per-token scales that gave wrong outputs (max |Δ| 0.48 on a fixture model).
//
// onnxruntime's own quantizer (quantize_dynamic) spells this DynamicQuantizeLinear: one uint8
// scale and zero point per tensor, not per token, which would not reproduce our numbers.
// Tokens are quantized once per value: the query, key and value projections share x_q.

import { attr, transposed, type GraphBuilder } from './graphBuilder.js';
import { DataType } from './onnxProto.js';
import { INT8_LIMIT, type QuantizedWeight } from '../../engine/quantize.js';

/** A float tensor quantized per token: its values as uint8 with zero point 128, and each token's scale [..., 1]. */
interface QuantizedActivation {
  readonly values: string;
  readonly scale: string;
}

/** x_q ∈ [−127, 127] stored as x_q + 128 ∈ [1, 255]. */
const ACTIVATION_ZERO_POINT = 128;

export class QuantizedLinearGraph {
  private readonly quantized = new Map<string, QuantizedActivation>();
  private zeroPoint: string | undefined;

  constructor(private readonly b: GraphBuilder) {}

  /**
   * nn.Linear with an int8 weight: x · (W_q · s_w)ᵀ + bias, W_q [out, in] stored transposed as
   * INT8 `<key>.T` [in, out] (MatMul's layout) and s_w as `<prefix>.weight_scale` [1, out].
   */
  linear(x: string, prefix: string, key: string, weight: QuantizedWeight, inFeatures: number, outFeatures: number, bias: string): string {
    const { b } = this;
    const weightT = b.initializer(`${key}.T`, [inFeatures, outFeatures], transposed(weight.values, outFeatures, inFeatures));
    const weightScale = b.initializer(`${prefix}.weight_scale`, [1, outFeatures], weight.scales);
    const xq = this.quantize(x);
    this.zeroPoint ??= b.initializer('activation_zero_point', [], Uint8Array.of(ACTIVATION_ZERO_POINT));
    const acc = b.node('MatMulInteger', [xq.values, weightT, this.zeroPoint], {}, `${prefix}.matmul_integer`);
    const scale = b.node('MatMul', [xq.scale, weightScale], {}, `${prefix}.scale`);
    const product = b.node('Mul', [b.node('Cast', [acc], { to: attr.int(DataType.FLOAT) }, `${prefix}.acc`), scale], {}, `${prefix}.matmul`);
    return b.node('Add', [product, bias], {}, prefix);
  }

  /** x quantized per token (once per value, whichever layers read it). */
  private quantize(x: string): QuantizedActivation {
    const known = this.quantized.get(x);
    if (known) return known;
    const { b } = this;
    const limit = b.floatConstant('int8_limit', [], [INT8_LIMIT]);
    const absMax = b.node('ReduceMax', [b.node('Abs', [x], {}, `${x}.abs`)], { axes: attr.ints([-1]), keepdims: attr.int(1) }, `${x}.abs_max`);
    const zero = b.node('Equal', [absMax, b.floatConstant('const', [], [0])], {}, `${x}.all_zero`);
    const range = b.node('Where', [zero, b.floatConstant('const', [], [1]), absMax], {}, `${x}.range`);
    const scaled = b.node('Mul', [x, b.node('Div', [limit, range], {}, `${x}.inverse_scale`)], {}, `${x}.scaled`);
    const clipped = b.node('Clip', [b.node('Round', [scaled], {}, `${x}.rounded`), b.floatConstant('int8_min', [], [-INT8_LIMIT]), limit], {}, `${x}.clipped`);
    const shifted = b.node('Add', [clipped, b.floatConstant('const', [], [ACTIVATION_ZERO_POINT])], {}, `${x}.shifted`);
    const values = b.node('Cast', [shifted], { to: attr.int(DataType.UINT8) }, `${x}.uint8`);
    const result = { values, scale: b.node('Div', [range, limit], {}, `${x}.scale`) };
    this.quantized.set(x, result);
    return result;
  }
}
