// The training loop of Hugging Face's Trainer, reduced to what it does to the numbers: per
// optimizer step, clear the gradients, accumulate them over `gradAccum` micro-batches (each loss
// scaled by 1/gradAccum), clip their global norm, step AdamW at the scheduled learning rate.
// Step k takes batches k·gradAccum … k·gradAccum + gradAccum − 1 of the list, cycling through it.
// The model trains in training mode (dropout on, masks from the seed) unless `dropout` is false.

import { RandomStream } from '../engine/random.js';
import type { AnyRobertaModel } from '../model/roberta.js';
import { AdamW } from './adamw.js';
import type { Batch } from './batch.js';
import { clipGradNorm } from './clipping.js';
import { lossAndBackward } from './gradients.js';
import { gradientOf, namedParameters, zeroGradients } from './parameters.js';
import { linearWarmupDecay } from './schedule.js';

export interface TrainOptions {
  readonly steps: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly warmupSteps: number;
  /** Clip the global gradient norm to this (0: no clipping, as in the Trainer). */
  readonly maxGradNorm: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly gradAccum: number;
  /** Dropout as the model's config sets it (true), or none (false: --no-dropout). */
  readonly dropout: boolean;
  /** Seeds the dropout masks. */
  readonly seed: number;
}

/** What one optimizer step reports: its mean loss, the learning rate it used, the gradient norm before clipping. */
export interface StepReport {
  readonly step: number;
  readonly loss: number;
  readonly lr: number;
  readonly grad_norm: number;
}

export async function train(model: AnyRobertaModel, batches: readonly Batch[], options: TrainOptions, onStep: (report: StepReport) => void): Promise<void> {
  const parameters = namedParameters(model);
  const optimizer = await AdamW.create(parameters, options);
  let next = 0;
  model.mode.random = new RandomStream(options.seed);
  model.train(options.dropout);
  try {
    for (let step = 0; step < options.steps; step++) {
      zeroGradients(parameters);
      let loss = 0;
      for (let micro = 0; micro < options.gradAccum; micro++) {
        loss += (await lossAndBackward(model, batches[next++ % batches.length], 1 / options.gradAccum)) / options.gradAccum;
      }
      const grads: Float32Array[] = [];
      for (const parameter of parameters) {
        const grad = gradientOf(parameter);
        grads.push((await grad.data()) as Float32Array);
        if (grad !== parameter.tensor.grad) grad.dispose();
      }
      const gradNorm = options.maxGradNorm > 0 ? clipGradNorm(grads, options.maxGradNorm) : clipGradNorm(grads, Infinity);
      const lr = options.lr * linearWarmupDecay(step, options.warmupSteps, options.steps);
      optimizer.update(grads, lr);
      onStep({ step, loss, lr, grad_norm: gradNorm });
    }
  } finally {
    model.train(false);
    for (const { tensor } of parameters) {
      tensor.grad?.dispose();
      tensor.grad = undefined;
      tensor.requiresGrad = false;
    }
  }
}
