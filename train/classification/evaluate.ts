// Evaluating a sequence classifier on labelled batches: the mean cross-entropy over examples (what
// HF's Trainer reports as eval_loss: each batch's mean loss weighted by its size), accuracy and
// macro-F1 of the argmax predictions. The model runs as it is (the trainer puts it in eval mode).

import { disposeOutput, type AnyRobertaModel } from '../../model/roberta.js';
import type { Batch } from '../batch.js';
import type { EvalMetrics } from '../trainer/task.js';
import { classificationMetrics } from './metrics.js';

export interface ClassificationEvaluation extends EvalMetrics {
  readonly accuracy: number;
  readonly macro_f1: number;
}

/** −log softmax(logits)[label], in float64: log Σ exp(x − max) + max − x[label]. */
function crossEntropy(logits: Float32Array, label: number): number {
  let max = -Infinity;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  return Math.log(sum) + max - logits[label];
}

/** The first index of the largest logit (numpy's argmax). */
function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

export async function evaluateClassifier(model: AnyRobertaModel, batches: readonly Batch[]): Promise<ClassificationEvaluation> {
  const gold: number[] = [];
  const predicted: number[] = [];
  let lossSum = 0;
  for (const batch of batches) {
    const out = model.forward(batch);
    let logits: Float32Array;
    try {
      logits = (await out.logits!.data()) as Float32Array;
    } finally {
      disposeOutput(out);
    }
    const labels = batch.labels as readonly number[];
    const numLabels = logits.length / labels.length;
    labels.forEach((label, row) => {
      const rowLogits = logits.subarray(row * numLabels, (row + 1) * numLabels);
      lossSum += crossEntropy(rowLogits, label);
      gold.push(label);
      predicted.push(argmax(rowLogits));
    });
  }
  const { accuracy, macroF1 } = classificationMetrics(gold, predicted);
  return { loss: lossSum / gold.length, accuracy, macro_f1: macroF1 };
}
