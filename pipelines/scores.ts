// Turning logits into the scores a user reads. Computed on the host in float64: the heads'
// outputs are small (labels, or the vocabulary at a few masked positions).

/** exp(x − max) / Σ: the max subtraction keeps every exp ≤ 1, so nothing overflows. */
export function softmaxRow(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const exps = Array.from(logits, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function sigmoidRow(logits: ArrayLike<number>): number[] {
  return Array.from(logits, (v) => 1 / (1 + Math.exp(-v)));
}

/** Indices of the k largest values, largest first (lower index first on ties). */
export function topIndices(values: readonly number[], k: number): number[] {
  return values
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i);
}

export type ScoreFunction = 'softmax' | 'sigmoid' | 'none';

/**
 * TextClassificationPipeline.postprocess's default in transformers 4.36.2: sigmoid for multi-label
 * models and single-logit models, softmax for the rest. `regression` has no rule of its own there
 * (transformers added one, "none", later: huggingface/transformers#34066), so a regression model's one logit gets a
 * sigmoid, like any single-logit model.
 */
export function defaultScoreFunction(problemType: string | undefined, numLabels: number): ScoreFunction {
  if (problemType === 'multi_label_classification' || numLabels === 1) return 'sigmoid';
  return 'softmax';
}

export function applyScoreFunction(fn: ScoreFunction, logits: ArrayLike<number>): number[] {
  if (fn === 'softmax') return softmaxRow(logits);
  if (fn === 'sigmoid') return sigmoidRow(logits);
  return Array.from(logits);
}
