// The losses against their definitions in float64 (PyTorch's docs), and their gradients against
// the closed forms: softmax − one-hot for cross-entropy, 2(x − y)/n for MSE, σ(x) − y for BCE.

import '../../kernels/cpu/register.js';
import { backward } from '../../engine/backward.js';
import * as ops from '../../engine/ops/index.js';
import { bceWithLogits, crossEntropy, mseLoss } from '../../train/losses.js';
import { inferProblemType } from '../../train/modelLoss.js';

const logits = [
  [2.0, -1.0, 0.5],
  [0.1, 0.2, -3.0],
  [1.5, 1.5, 1.5],
  [-4.0, 8.0, 0.0],
];

function logSoftmaxRow(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const logSum = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
  return row.map((v) => v - logSum);
}

async function valueAndGrad(loss: (x: ReturnType<typeof ops.tensor>) => ReturnType<typeof ops.tensor>, values: number[][]): Promise<{ value: number; grad: number[] }> {
  const x = ops.tensor(values);
  x.requiresGrad = true;
  const l = loss(x);
  backward(l);
  const result = { value: (await l.data())[0], grad: Array.from(await x.grad!.data()) };
  for (const t of [l, x.grad!, x]) t.dispose();
  return result;
}

const close = (actual: readonly number[], expected: readonly number[]) => actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i], 6));

describe('crossEntropy', () => {
  it('averages −log p[label] over the rows not labelled −100, which get no gradient', async () => {
    const labels = [0, -100, 2, 1];
    const { value, grad } = await valueAndGrad((x) => crossEntropy(x, labels), logits);
    const counted = [0, 2, 3];
    const expected = -counted.reduce((s, r) => s + logSoftmaxRow(logits[r])[labels[r]], 0) / counted.length;
    expect(value).toBeCloseTo(expected, 6);
    const expectedGrad = logits.flatMap((row, r) =>
      labels[r] === -100 ? row.map(() => 0) : logSoftmaxRow(row).map((lp, c) => (Math.exp(lp) - (c === labels[r] ? 1 : 0)) / counted.length),
    );
    close(grad, expectedGrad);
  });

  it('refuses a label outside the classes', () => {
    const x = ops.tensor(logits);
    expect(() => crossEntropy(x, [0, 3, 1, 1])).toThrow('crossEntropy: label 3 at position 1 is not a class index in [0, 2] (or -100 to ignore it)');
    x.dispose();
  });
});

it('mseLoss is the mean squared difference', async () => {
  const targets = logits.flat().map((v, i) => v * 0.5 + i * 0.1);
  const { value, grad } = await valueAndGrad((x) => mseLoss(x, targets), logits);
  const diffs = logits.flat().map((v, i) => v - targets[i]);
  expect(value).toBeCloseTo(diffs.reduce((s, d) => s + d * d, 0) / diffs.length, 5);
  close(grad, diffs.map((d) => (2 * d) / diffs.length));
});

it('bceWithLogits is −[y log σ(x) + (1 − y) log(1 − σ(x))] averaged, finite for large |x|', async () => {
  const wide = [[30, -30, 0.3], [-0.7, 2, -50]];
  const targets = [1, 0, 0.25, 1, 0, 1];
  const { value, grad } = await valueAndGrad((x) => bceWithLogits(x, targets), wide);
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const logSigmoid = (v: number) => (v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v))); // log(1 − σ(v)) = logSigmoid(−v)
  const terms = wide.flat().map((v, i) => -(targets[i] * logSigmoid(v) + (1 - targets[i]) * logSigmoid(-v)));
  expect(value).toBeCloseTo(terms.reduce((s, t) => s + t, 0) / terms.length, 5);
  close(grad, wide.flat().map((v, i) => (sigmoid(v) - targets[i]) / terms.length));
});

describe("HF's problem_type inference (RobertaForSequenceClassification)", () => {
  it('is regression for one label, single-label for class ids, multi-label for lists per sequence', () => {
    expect(inferProblemType(1, [0.5, 2])).toBe('regression');
    expect(inferProblemType(4, [2, 0, 3])).toBe('single_label_classification');
    expect(inferProblemType(3, [[0, 1, 1], [1, 0, 0]])).toBe('multi_label_classification');
    expect(inferProblemType(3, [0.5, 1])).toBe('multi_label_classification');
  });
});
