// Classification metrics as scikit-learn computes them: accuracy_score, and f1_score with
// average='macro' — the unweighted mean of each class's F1 over the classes present in the gold
// labels or the predictions (sklearn's unique_labels(y_true, y_pred)), where a class's F1 is
// 2·TP / (2·TP + FP + FN): the harmonic mean of precision and recall, and 0 when it has no true
// positive (sklearn's default zero_division, which warns and scores 0, where precision or recall is 0/0).

export interface ClassificationMetrics {
  readonly accuracy: number;
  readonly macroF1: number;
}

export function classificationMetrics(gold: readonly number[], predicted: readonly number[]): ClassificationMetrics {
  if (gold.length !== predicted.length || gold.length === 0) {
    throw new RangeError(`metrics need as many predictions as gold labels, at least one; got ${predicted.length} and ${gold.length}`);
  }
  const counts = new Map<number, { tp: number; fp: number; fn: number }>();
  const of = (label: number) => counts.get(label) ?? counts.set(label, { tp: 0, fp: 0, fn: 0 }).get(label)!;
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i];
    if (g === p) {
      correct++;
      of(g).tp++;
    } else {
      of(g).fn++;
      of(p).fp++;
    }
  });
  let f1Sum = 0;
  for (const { tp, fp, fn } of counts.values()) f1Sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  return { accuracy: correct / gold.length, macroF1: f1Sum / counts.size };
}
