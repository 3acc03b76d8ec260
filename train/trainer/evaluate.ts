// The evaluation of a language-modelling task: the mean loss over every batch of the eval data,
// each batch weighted by its sequences (as the Trainer averages per-example losses, so a short last
// batch counts for what it holds), and the perplexity exp(loss) that run_mlm.py reports beside it.

import type { AnyRobertaModel } from '../../model/roberta.js';
import type { LossFunction, EvalMetrics, TrainingData } from './task.js';

export async function evaluateLoss(model: AnyRobertaModel, data: TrainingData, lossOf: LossFunction): Promise<EvalMetrics> {
  let sum = 0;
  let sequences = 0;
  for (let index = 0; index < data.batchesPerEpoch; index++) {
    const batch = await data.microBatch(index);
    const loss = lossOf(model, batch);
    try {
      const rows = batch.inputIds.length;
      sum += (await loss.data())[0] * rows;
      sequences += rows;
    } finally {
      loss.dispose();
    }
  }
  const mean = sum / sequences;
  return { loss: mean, perplexity: Math.exp(mean) };
}
