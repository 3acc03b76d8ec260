// What the trainer trains on: a task is a source of micro-batches, a loss, and optionally an
// evaluation. The trainer knows nothing of text, masking or labels — the MLM data (train/data/)
// and the classification data (train/classification/) implement TrainingData, and the fixed
// batches of `roberta train --batches` are the simplest TrainingData of all.
//
// Micro-batch `index` counts over the whole run (step k, micro-batch j of `gradAccum` is index
// k·gradAccum + j), so an implementation makes it a pure function of (its data, its seed, index):
// the epoch is index / batchesPerEpoch, the shuffle and the masks are keyed by it, and a resumed
// run draws exactly the batches an uninterrupted one would, with no generator state to save.

import type { Tensor } from '../../engine/tensor.js';
import type { AnyRobertaModel } from '../../model/roberta.js';
import type { Batch } from '../batch.js';
import { modelLoss } from '../modelLoss.js';

export interface TrainingData {
  /** Micro-batches in one pass over the data (an epoch). */
  readonly batchesPerEpoch: number;
  /** Micro-batch `index` of the run; index ≥ batchesPerEpoch is a later epoch. */
  microBatch(index: number): Batch | Promise<Batch>;
}

/** What an evaluation reports: the mean loss, and whatever else the task measures (perplexity, accuracy, macro-F1). */
export interface EvalMetrics {
  readonly loss: number;
  readonly [metric: string]: number;
}

/** The loss a training step differentiates: a scalar tensor on the model's backend. */
export type LossFunction = (model: AnyRobertaModel, batch: Batch) => Tensor;

/**
 * Early stopping with the best model kept (HF's EarlyStoppingCallback with load_best_model_at_end):
 * consulted after each evaluation, and once more before the final folder is written.
 */
export interface StoppingRule {
  /** After the evaluation following step `step` (counted from 0): true ends training there. */
  afterEvaluation(model: AnyRobertaModel, metrics: EvalMetrics, step: number): Promise<boolean>;
  /** Puts the weights the final folder should hold into the model (the best evaluation's); returns that evaluation's metrics. */
  finalWeights(model: AnyRobertaModel): EvalMetrics | undefined;
}

export interface TrainingTask {
  readonly data: TrainingData;
  /** Default: the model's own loss given labels (modelLoss, as HF's `model(**batch).loss`). */
  readonly loss?: LossFunction;
  /** Runs in evaluation mode (no dropout); the trainer restores training mode after it. */
  readonly evaluate?: (model: AnyRobertaModel) => Promise<EvalMetrics>;
  /** Stops early on the evaluations (needs `evaluate`); default: train every step. */
  readonly stopping?: StoppingRule;
}

export function taskLoss(task: TrainingTask): LossFunction {
  return task.loss ?? modelLoss;
}

/** The fixed batches of `roberta train --batches`: step k takes batches k·gradAccum …, cycling through the list. */
export function fixedBatches(batches: readonly Batch[]): TrainingData {
  return { batchesPerEpoch: batches.length, microBatch: (index) => batches[index % batches.length] };
}

/** The tokens a batch feeds the model: its attention mask's ones, or every id when it has no mask. */
export function tokensIn(batch: Batch): number {
  const cells = ((batch.attentionMask ?? batch.inputIds) as readonly unknown[]).flat(2) as number[];
  return batch.attentionMask === undefined ? cells.length : cells.filter((m) => m !== 0).length;
}
