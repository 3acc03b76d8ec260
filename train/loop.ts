// Training on a list of batches, as `roberta train --batches` does: step k takes batches
// k·gradAccum … k·gradAccum + gradAccum − 1 of the list, cycling through it. The loop itself is the
// generic trainer's (trainer/loop.ts); this is its simplest task.

import type { AnyRobertaModel } from '../model/roberta.js';
import type { Batch } from './batch.js';
import { runTraining, type StepReport, type TrainOptions } from './trainer/loop.js';
import { fixedBatches } from './trainer/task.js';
import { initialTrainerState } from './trainer/trainerState.js';

export type { StepReport, TrainOptions } from './trainer/loop.js';

export async function train(model: AnyRobertaModel, batches: readonly Batch[], options: TrainOptions, onStep: (report: StepReport) => void): Promise<void> {
  await runTraining(model, { data: fixedBatches(batches) }, options, initialTrainerState({}), { onStep });
}
