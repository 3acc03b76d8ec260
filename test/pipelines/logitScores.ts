// Scores computed here from Hugging Face's logits with the textbook formulas, to check what the
// pipelines and commands print against.

export function softmax(logits: readonly number[]): number[] {
  const exps = logits.map((v) => Math.exp(v));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function sigmoid(logits: readonly number[]): number[] {
  return logits.map((v) => 1 / (1 + Math.exp(-v)));
}

/** Row `index` of a row-major [rows, width] array. */
export function row(data: ArrayLike<number>, index: number, width: number): number[] {
  return Array.from(data).slice(index * width, (index + 1) * width);
}

/** The `k` best (score, index) pairs, best first; ties by lower index. */
export function best(scores: readonly number[], k: number): { index: number; score: number }[] {
  return scores
    .map((score, index) => ({ index, score }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, k);
}
