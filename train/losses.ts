// The losses Hugging Face's RoBERTa heads compute when given labels, as PyTorch defines them, built
// from engine ops so that backward() differentiates them like the model. Labels come from the host
// (a batch file); each loss uploads what it needs next to the logits.

import { OpError } from '../engine/errors.js';
import * as ops from '../engine/ops/index.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';

/** PyTorch's CrossEntropyLoss default: targets with this value count for nothing. */
export const IGNORE_INDEX = -100;

/**
 * nn.CrossEntropyLoss(ignore_index=-100) with mean reduction: logits [..., C] against one class
 * index per row of logits (row-major), −log softmax(logits)[label] averaged over the rows whose
 * label is not −100. The log-probability of each row's label is picked by a gather from the
 * flattened [rows · C, 1] log-softmax; ignored rows pick anything and are weighted 0.
 */
export function crossEntropy(logits: Tensor, labels: ArrayLike<number>): Tensor {
  const op = 'crossEntropy';
  const classes = logits.shape[logits.rank - 1];
  const rows = logits.size / classes;
  if (labels.length !== rows) throw new OpError(op, `${labels.length} labels for ${rows} rows of logits [${logits.shape.join(', ')}]`);
  const picks = new Int32Array(rows);
  const weights = new Float32Array(rows);
  let counted = 0;
  for (let r = 0; r < rows; r++) {
    const label = labels[r];
    if (label === IGNORE_INDEX) continue;
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new OpError(op, `label ${label} at position ${r} is not a class index in [0, ${classes - 1}] (or ${IGNORE_INDEX} to ignore it)`);
    }
    picks[r] = r * classes + label;
    counted++;
  }
  // Mean over the rows that count. With none, every weight is 0 and so is the loss, where PyTorch's
  // 0/0 gives NaN: a masked-LM micro-batch that drew no mask adds nothing instead of poisoning a run.
  for (let r = 0; r < rows; r++) weights[r] = labels[r] === IGNORE_INDEX ? 0 : 1 / counted;
  return tidy(() => {
    const logProbs = ops.reshape(ops.logSoftmax(ops.reshape(logits, [rows, classes])), [rows * classes, 1]);
    const picked = ops.gather(logProbs, ops.tensor(picks, [rows], 'int32', logits.backend)); // [rows, 1]
    return ops.scale(ops.sumTo(ops.mul(picked, ops.tensor(weights, [rows, 1], 'float32', logits.backend)), []), -1);
  });
}

/** nn.MSELoss (mean): predictions of any shape against as many targets, row-major. */
export function mseLoss(predictions: Tensor, targets: ArrayLike<number>): Tensor {
  if (targets.length !== predictions.size) {
    throw new OpError('mseLoss', `${targets.length} targets for ${predictions.size} predictions [${predictions.shape.join(', ')}]`);
  }
  return tidy(() => {
    const diff = ops.sub(predictions, ops.tensor(Float32Array.from(targets), predictions.shape, 'float32', predictions.backend));
    return ops.scale(ops.sumTo(ops.mul(diff, diff), []), 1 / predictions.size);
  });
}

/**
 * nn.BCEWithLogitsLoss (mean): −[y·log σ(x) + (1 − y)·log(1 − σ(x))] averaged over every element.
 * log σ(x) and log(1 − σ(x)) are the two log-softmax entries of the pair (0, x), which keeps
 * them finite for large |x| as PyTorch's log-sum-exp form does.
 */
export function bceWithLogits(logits: Tensor, targets: ArrayLike<number>): Tensor {
  if (targets.length !== logits.size) {
    throw new OpError('bceWithLogits', `${targets.length} targets for ${logits.size} logits [${logits.shape.join(', ')}]`);
  }
  const n = logits.size;
  const pairWeights = new Float32Array(2 * n); // (1 − y, y) per element
  for (let i = 0; i < n; i++) {
    pairWeights[2 * i] = 1 - targets[i];
    pairWeights[2 * i + 1] = targets[i];
  }
  return tidy(() => {
    const x = ops.reshape(logits, [n, 1]);
    const pairs = ops.concat([ops.zeros([n, 1], logits.backend), x], 1); // log-softmax → [log(1 − σ(x)), log σ(x)]
    const weighted = ops.mul(ops.logSoftmax(pairs), ops.tensor(pairWeights, [n, 2], 'float32', logits.backend));
    return ops.scale(ops.sumTo(weighted, []), -1 / n);
  });
}
