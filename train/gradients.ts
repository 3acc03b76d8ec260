// One forward and backward pass: the loss on a batch and every parameter's gradient under
// PyTorch's names — what `roberta grad` writes, and what an optimizer step starts from.

import { backward } from '../engine/backward.js';
import * as ops from '../engine/ops/index.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import type { AnyRobertaModel } from '../model/roberta.js';
import type { Batch } from './batch.js';
import { modelLoss } from './modelLoss.js';
import { gradientOf, splitByName, type NamedParameter } from './parameters.js';

export interface NamedValues {
  readonly name: string;
  readonly shape: number[];
  readonly data: Float32Array;
}

/**
 * Runs the batch forward and backward, adding the gradient of lossScale · loss into the
 * parameters' `.grad` (gradient accumulation scales each micro-batch by 1/steps, as HF's Trainer
 * does); returns the unscaled loss. `lossOf` is the model's own loss unless a task computes another
 * (the masked-LM loss at the masked positions only).
 */
export async function lossAndBackward(model: AnyRobertaModel, batch: Batch, lossScale = 1, lossOf: (model: AnyRobertaModel, batch: Batch) => Tensor = modelLoss): Promise<number> {
  const loss = lossOf(model, batch);
  try {
    tidy(() => backward(lossScale === 1 ? loss : ops.scale(loss, lossScale)));
    return (await loss.data())[0];
  } finally {
    loss.dispose();
  }
}

/** Every parameter's current gradient, one entry per PyTorch name (query, key and value apart). */
export async function namedGradients(parameters: readonly NamedParameter[]): Promise<NamedValues[]> {
  const named: NamedValues[] = [];
  for (const parameter of parameters) {
    const grad = gradientOf(parameter);
    try {
      named.push(...(await splitByName(parameter, grad)));
    } finally {
      if (grad !== parameter.tensor.grad) grad.dispose();
    }
  }
  return named;
}
