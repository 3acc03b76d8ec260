// The loss a Hugging Face RoBERTa task model computes when its forward is given `labels`
// (transformers 4.36.2, modeling_roberta.py), on our models' logits.

import { OpError } from '../engine/errors.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import type { ProblemType } from '../model/config.js';
import { InputError } from '../model/inputs.js';
import { disposeOutput, RobertaForMaskedLM, type AnyRobertaModel } from '../model/roberta.js';
import type { Batch, Labels } from './batch.js';
import { bceWithLogits, crossEntropy, IGNORE_INDEX, mseLoss } from './losses.js';

/**
 * RobertaForSequenceClassification's choice of loss when config.problem_type is unset: regression
 * for one label; otherwise single-label classification when the labels are integer class ids (a
 * long tensor in PyTorch), multi-label when they are a list of numbers per sequence (JSON cannot
 * tell 1 from 1.0, so the shape decides what the dtype decides in PyTorch).
 */
export function inferProblemType(numLabels: number, labels: Labels): ProblemType {
  if (numLabels === 1) return 'regression';
  const perSequence = labels.every((l) => typeof l === 'number');
  return perSequence && (labels as number[]).every(Number.isInteger) ? 'single_label_classification' : 'multi_label_classification';
}

function flat(labels: Labels): number[] {
  return (labels as readonly (number | readonly number[])[]).flat();
}

function expectCount(what: string, labels: Labels, count: number, shape: string): void {
  const n = flat(labels).length;
  if (n !== count) throw new InputError(`labels: ${what} needs ${count} labels (${shape}), got ${n}`);
}

function sequenceClassificationLoss(model: AnyRobertaModel, logits: Tensor, labels: Labels): Tensor {
  const [batch, numLabels] = logits.shape;
  const problem = model.config.problemType ?? inferProblemType(numLabels, labels);
  switch (problem) {
    case 'regression': // MSE of logits.squeeze() against labels.squeeze() for one label, else elementwise
      expectCount('regression', labels, batch * numLabels, `${batch} sequences × ${numLabels}`);
      return mseLoss(logits, flat(labels));
    case 'single_label_classification':
      expectCount('single-label classification', labels, batch, `one class id per sequence, ${batch} sequences`);
      return crossEntropy(logits, flat(labels));
    case 'multi_label_classification':
      expectCount('multi-label classification', labels, batch * numLabels, `${batch} sequences × ${numLabels} labels of 0…1`);
      return bceWithLogits(logits, flat(labels));
  }
}

/**
 * HF's masked-LM loss with the LM head run only at the labelled tokens (fairseq's masked_tokens):
 * the cross-entropy is a mean over those tokens, so leaving the others out before the head changes
 * the work, not the loss or its gradients. A batch with no labelled token keeps one token, labelled
 * ignored, for the loss over nothing that the full logits give.
 */
function maskedLmLoss(model: RobertaForMaskedLM, batch: Batch): Tensor {
  const ids = batch.inputIds;
  const [b, s] = [ids.length, Array.isArray(ids[0]) ? ids[0].length : 0];
  expectCount('a label per token', batch.labels, b * s, `${b} sequences × ${s} tokens, ${IGNORE_INDEX} to ignore one`);
  const labels = flat(batch.labels);
  const positions: number[] = [];
  labels.forEach((label, i) => {
    if (label !== IGNORE_INDEX) positions.push(i);
  });
  if (positions.length === 0) positions.push(0);
  return tidy(() => {
    const out = model.forwardAt(batch, positions);
    const loss = crossEntropy(out.logits!, positions.map((p) => labels[p])); // logits [positions, vocab]
    disposeOutput(out);
    return loss;
  });
}

/** The model's loss on `batch` (a scalar), as HF's `model(**batch).loss`; the outputs are disposed. */
export function modelLoss(model: AnyRobertaModel, batch: Batch): Tensor {
  if (model instanceof RobertaForMaskedLM) return maskedLmLoss(model, batch);
  return tidy(() => {
    const out = model.forward(batch);
    const { logits } = out;
    let loss: Tensor;
    switch (model.architecture) {
      case 'RobertaForSequenceClassification':
        loss = sequenceClassificationLoss(model, logits!, batch.labels);
        break;
      case 'RobertaForTokenClassification': {
        const [b, s] = logits!.shape;
        expectCount('a label per token', batch.labels, b * s, `${b} sequences × ${s} tokens, ${-100} to ignore one`);
        loss = crossEntropy(logits!, flat(batch.labels));
        break;
      }
      case 'RobertaForMultipleChoice':
        expectCount('multiple choice', batch.labels, logits!.shape[0], 'one choice index per example');
        loss = crossEntropy(logits!, flat(batch.labels));
        break;
      default:
        throw new OpError('train', `${model.architecture} has no training loss here (train a task model: sequence classification, masked LM, token classification or multiple choice)`);
    }
    disposeOutput(out);
    return loss;
  });
}
