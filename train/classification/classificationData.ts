// Encoded examples as the trainer's TrainingData: micro-batch `index` of the run is batch
// index mod batchesPerEpoch of epoch ⌊index / batchesPerEpoch⌋, whose examples are taken in that
// epoch's shuffled order (the MLM data's seeded shuffle, train/data/epochOrder.ts); the last batch
// of an epoch holds the remainder (HF's DataLoader keeps it: dataloader_drop_last is false). Rows
// are padded to the batch's longest.

import type { Batch } from '../batch.js';
import type { TrainingData } from '../trainer/task.js';
import type { EncodedExample } from './encodeExamples.js';
import { epochOrder } from '../data/epochOrder.js';

/** `examples` as one batch: ids padded with `padId` to the longest row, attention mask 0 on the padding, one class id per row. */
export function paddedBatch(examples: readonly EncodedExample[], padId: number): Batch {
  const length = Math.max(...examples.map((e) => e.ids.length));
  return {
    inputIds: examples.map(({ ids }) => [...ids, ...new Array<number>(length - ids.length).fill(padId)]),
    attentionMask: examples.map(({ ids }) => Array.from({ length }, (_, i) => (i < ids.length ? 1 : 0))),
    labels: examples.map((e) => e.label),
  };
}

/** Consecutive batches of `batchSize` examples in file order (the last one shorter): the eval data's batches. */
export function batchesInOrder(examples: readonly EncodedExample[], batchSize: number, padId: number): Batch[] {
  const batches: Batch[] = [];
  for (let start = 0; start < examples.length; start += batchSize) batches.push(paddedBatch(examples.slice(start, start + batchSize), padId));
  return batches;
}

export class ClassificationData implements TrainingData {
  readonly batchesPerEpoch: number;
  private cachedEpoch = -1;
  private order: Uint32Array = new Uint32Array(0);

  constructor(
    private readonly examples: readonly EncodedExample[],
    private readonly batchSize: number,
    private readonly padId: number,
    private readonly seed: number,
  ) {
    this.batchesPerEpoch = Math.ceil(examples.length / batchSize);
  }

  microBatch(index: number): Batch {
    const epoch = Math.floor(index / this.batchesPerEpoch);
    if (epoch !== this.cachedEpoch) {
      this.order = epochOrder(this.seed, epoch, this.examples.length);
      this.cachedEpoch = epoch;
    }
    const start = (index % this.batchesPerEpoch) * this.batchSize;
    const rows = Array.from(this.order.subarray(start, start + this.batchSize), (i) => this.examples[i]);
    return paddedBatch(rows, this.padId);
  }
}
