// The precision a model's weights are kept in (issue #18), and which weights each one touches.
//
//   fp32  every weight float32, as the checkpoint's values (F16/BF16 files widen).
//   fp16  every matrix (linear weights, embedding tables, the tied decoder) stored as float16 and
//         widened exactly inside the kernels; vectors (biases, LayerNorm) stay float32.
//   q8    every linear layer of the encoder, the pooler and the heads' hidden dense layers int8 per
//         output channel with float32 scales (engine/quantize.ts); embeddings, LayerNorm, the
//         (tied) masked-LM decoder and a task's output projection stay float32, as transformers.js'
//         q8 models keep the logits' last matrix product in float. With int8 embeddings asked for,
//         the word embeddings are int8 rows with a scale each, which is the tied decoder's int8
//         weight with a scale per output channel (quantizedGather and quantizedLinear read it).
//
// The choice lives here and in the ParameterStore that applies it: model modules ask for "a
// linear weight" and get whatever this says, so no module branches on precision.

export type WeightPrecision = 'fp32' | 'fp16' | 'q8';

/** The precisions a folder can be written in by `roberta quantize`. */
export type QuantizedPrecision = Exclude<WeightPrecision, 'fp32'>;

export const WEIGHT_PRECISIONS: readonly WeightPrecision[] = ['fp32', 'fp16', 'q8'];

export function isWeightPrecision(value: unknown): value is WeightPrecision {
  return (WEIGHT_PRECISIONS as readonly unknown[]).includes(value);
}

/**
 * The linear layers q8 leaves in float32: the projections onto a task's outputs (Hugging Face's
 * module names). The masked-LM decoder is not a Linear here: it is the word embeddings, tied.
 */
const FLOAT_OUTPUT_PROJECTIONS: ReadonlySet<string> = new Set(['classifier.out_proj', 'classifier', 'qa_outputs', 'lm_head.decoder']);

/** Whether the linear layer `prefix` (`encoder.layer.0.intermediate.dense`) gets int8 weights under `precision`. */
export function quantizesLinear(precision: WeightPrecision, prefix: string): boolean {
  return precision === 'q8' && !FLOAT_OUTPUT_PROJECTIONS.has(prefix.replace(/^roberta\./, ''));
}

/** The dtype a parameter of `shape` that is not a quantized linear weight is stored in. */
export function storedDType(precision: WeightPrecision, shape: readonly number[]): 'float32' | 'float16' {
  return precision === 'fp16' && shape.length === 2 ? 'float16' : 'float32';
}

/** What config.json's `quantization` records for a folder written by `roberta quantize`. */
export function quantizationRecord(precision: QuantizedPrecision, int8Embeddings = false): Record<string, string> {
  const embeddings: Record<string, string> = int8Embeddings ? { embeddings: 'int8 per row, symmetric (the tied decoder too)' } : {};
  return precision === 'q8'
    ? { dtype: 'q8', weights: 'int8 per output channel, symmetric', activations: 'int8 per token, dynamic, symmetric', ...embeddings }
    : { dtype: 'fp16', weights: 'float16 matrices (linear weights, embeddings); float32 biases and LayerNorm', activations: 'float32' };
}
