// Accuracy and macro-F1 against values worked out by hand from the confusion counts, with
// scikit-learn's conventions: classes present in the gold labels or the predictions, F1 0 for a class
// without a true positive.

import { classificationMetrics } from '../../../train/classification/metrics.js';

describe('classificationMetrics', () => {
  it('averages per-class F1 over the classes present: gold [0,0,1,1,2], predicted [0,1,1,1,0]', () => {
    // class 0: TP 1, FP 1, FN 1 → F1 2/4; class 1: TP 2, FP 1 → 4/5; class 2: TP 0 → 0.
    const { accuracy, macroF1 } = classificationMetrics([0, 0, 1, 1, 2], [0, 1, 1, 1, 0]);
    expect(accuracy).toBeCloseTo(3 / 5, 15);
    expect(macroF1).toBeCloseTo((0.5 + 0.8 + 0) / 3, 15);
  });

  it('counts a class that only the predictions name (sklearn unique_labels(y_true, y_pred)), scoring it 0', () => {
    // class 0: TP 1, FN 1 → 2/3; class 1: TP 1 → 1; class 2: FP 1 → 0.
    const { accuracy, macroF1 } = classificationMetrics([0, 0, 1], [0, 2, 1]);
    expect(accuracy).toBeCloseTo(2 / 3, 15);
    expect(macroF1).toBeCloseTo((2 / 3 + 1 + 0) / 3, 15);
  });

  it('ignores classes absent from both, and scores a perfect prediction 1', () => {
    expect(classificationMetrics([3, 1, 3], [3, 1, 3])).toEqual({ accuracy: 1, macroF1: 1 });
  });

  it('a majority guess on balanced binary data: accuracy 1/2, macro-F1 1/3', () => {
    // class 0: TP 2, FP 2 → 4/6; class 1: TP 0 → 0.
    const { accuracy, macroF1 } = classificationMetrics([0, 0, 1, 1], [0, 0, 0, 0]);
    expect(accuracy).toBe(0.5);
    expect(macroF1).toBeCloseTo(1 / 3, 15);
  });

  it('refuses predictions that do not pair with the gold labels', () => {
    expect(() => classificationMetrics([0, 1], [0])).toThrow('metrics need as many predictions as gold labels, at least one; got 1 and 2');
    expect(() => classificationMetrics([], [])).toThrow(RangeError);
  });
});
