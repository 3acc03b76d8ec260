// Symmetric int8 quantization, the arithmetic `quantizedLinear` is defined by (the q8 of
// onnxruntime's dynamic quantization that transformers.js runs, made symmetric for activations
// too, so no zero points appear anywhere):
//
//   weights, once, per output channel o:  s_w[o] = max_i |W[o,i]| / 127   (an all-zero row: s_w = 1)
//                                         W_q[o,i] = clamp(roundHalfToEven(W[o,i] / s_w[o]), −127, 127)
//   activations, per row r at run time:   a = max_i |x[r,i]|, s_x = a / 127 (a = 0: the row's output is the bias)
//                                         x_q[r,i] = clamp(roundHalfToEven(x[r,i] · (127 / a)), −127, 127)
//   output:                               acc = Σ_i x_q·W_q in int32 (exact while 127²·in < 2³¹, in < 133 000)
//                                         y = f32(acc) · (s_x · s_w[o]) + bias[o], then the activation
//
// −128 is never used, so negating a value never overflows and the range is the same both ways.
// Every step is float32 arithmetic (Math.fround after each), as a WGSL or wasm kernel computes it:
// their integer parts must equal these exactly. The helpers serve the CPU kernel, the model
// loader that quantizes fp32 checkpoints, and the ONNX exporter.

/** The largest magnitude a quantized value takes. */
export const INT8_LIMIT = 127;

/** The nearest integer, ties to the even one (IEEE's default rounding, WGSL's `round`, wasm's `nearest`). */
export function roundHalfToEven(v: number): number {
  const floor = Math.floor(v);
  const fraction = v - floor;
  if (fraction !== 0.5) return fraction < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

function clampToInt8(v: number): number {
  return Math.min(INT8_LIMIT, Math.max(-INT8_LIMIT, v));
}

/** An int8 weight [out, in] and the float32 scale of each output channel (row). */
export interface QuantizedWeight {
  readonly values: Int8Array;
  readonly scales: Float32Array;
}

/** Quantizes a float32 weight [rows, columns] (PyTorch's [out, in]) row by row. */
export function quantizeWeight(weight: ArrayLike<number>, rows: number, columns: number): QuantizedWeight {
  if (weight.length !== rows * columns) throw new RangeError(`quantizeWeight: ${weight.length} values are not [${rows}, ${columns}]`);
  const values = new Int8Array(rows * columns);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const offset = r * columns;
    const max = maxAbs(weight, offset, columns);
    const scale = max === 0 ? 1 : Math.fround(max / INT8_LIMIT);
    scales[r] = scale;
    for (let i = 0; i < columns; i++) values[offset + i] = clampToInt8(roundHalfToEven(Math.fround(weight[offset + i]! / scale)));
  }
  return { values, scales };
}

/** The float32 values a quantized weight stands for: W_q · s_w, row by row. */
export function dequantizeWeight({ values, scales }: QuantizedWeight): Float32Array {
  const columns = scales.length === 0 ? 0 : values.length / scales.length;
  return Float32Array.from(values, (q, i) => q * scales[Math.floor(i / columns)]!);
}

/**
 * Quantizes `length` activations of `x` from `offset` into `out` (from 0) and returns their scale
 * s_x, or 0 when every value is 0 (then `out` is left alone: the row contributes nothing).
 */
export function quantizeActivationRow(x: ArrayLike<number>, offset: number, length: number, out: Int8Array): number {
  const max = maxAbs(x, offset, length);
  if (max === 0) return 0;
  const inverse = Math.fround(INT8_LIMIT / max);
  for (let i = 0; i < length; i++) out[i] = clampToInt8(roundHalfToEven(Math.fround(x[offset + i]! * inverse)));
  return Math.fround(max / INT8_LIMIT);
}

/** y = f32(acc) · (s_x · s_w) + bias, each step in float32. */
export function dequantizeAccumulator(acc: number, activationScale: number, weightScale: number, bias: number): number {
  return Math.fround(Math.fround(Math.fround(acc) * Math.fround(activationScale * weightScale)) + bias);
}

function maxAbs(values: ArrayLike<number>, offset: number, length: number): number {
  let max = 0;
  for (let i = 0; i < length; i++) max = Math.max(max, Math.abs(values[offset + i]!));
  return max;
}
