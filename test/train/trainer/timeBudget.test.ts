// A time budget (--max-seconds): the run stops after the step that spends it, evaluates once more
// and reports the steps it did; the learning rate keeps following the schedule of --steps. A budget
// never reached changes nothing. The pretraining benchmark (bench/pretrain/run.sh) relies on it.

import '../../../kernels/cpu/register.js';
import { readFileSync } from 'node:fs';
import { scheduleOptions } from '../../../cli/trainOptions.js';
import { UsageError } from '../../../cli/command.js';
import { fromPretrained } from '../../../model/fromPretrained.js';
import { parseBatch } from '../../../train/batch.js';
import { modelLoss } from '../../../train/modelLoss.js';
import { evaluateLoss } from '../../../train/trainer/evaluate.js';
import { runTraining, type TrainResult } from '../../../train/trainer/loop.js';
import { fixedBatches, type TrainingTask } from '../../../train/trainer/task.js';
import { initialTrainerState } from '../../../train/trainer/trainerState.js';
import { fixtureDir } from '../../model/fixtureModels.js';
import { fixtureBatch, trainingFile } from '../trainingFixtures.js';

const batches = readFileSync(trainingFile('tiny-mlm', 'batches.jsonl'), 'utf8').trim().split('\n').map((line, i) => parseBatch(JSON.parse(line), `line ${i}`));
const task: TrainingTask = { data: fixedBatches(batches), evaluate: (model) => evaluateLoss(model, fixedBatches([fixtureBatch('tiny-mlm')]), modelLoss) };
const OPTIONS = { steps: 40, lr: 1e-3, weightDecay: 0.01, warmupSteps: 10, maxGradNorm: 1, beta1: 0.9, beta2: 0.98, eps: 1e-6, gradAccum: 1, dropout: true, seed: 0 };

async function train(steps: number, maxSeconds: number): Promise<TrainResult> {
  const model = await fromPretrained(fixtureDir('tiny-mlm'), { backend: 'cpu' });
  try {
    return await runTraining(model, task, { ...OPTIONS, steps, maxSeconds }, initialTrainerState({ task: 'test' }));
  } finally {
    model.dispose();
  }
}

describe('a time budget', () => {
  it('stops after the step that spends it, then evaluates', async () => {
    const { state, lastEval } = await train(40, 1e-9);
    expect(state.globalStep).toBe(1);
    expect(state.logHistory.map((e) => Object.keys(e).join(','))).toEqual(['step,loss,lr,grad_norm', 'step,eval_loss,eval_perplexity']);
    expect(state.logHistory[1]!.eval_loss).toBe(lastEval!.loss);
    expect(Number.isFinite(lastEval!.loss)).toBe(true);
    expect(state.tokens).toBe(7 + 12 + 4); // the first fixture batch's real (attention-mask) tokens
  }, 30_000);

  it('never reached, changes nothing', async () => {
    const { state } = await train(2, 1e6);
    expect(state.globalStep).toBe(2);
    expect(state.logHistory.map((e) => e.step)).toEqual([0, 1, 1]);
    // Step 1 of a 10-step warmup: lr · 1/10.
    expect(state.logHistory[1]!.lr).toBeCloseTo(1e-4, 12);
  }, 30_000);

  it('--max-seconds must be positive', () => {
    expect(scheduleOptions({ flags: { 'max-seconds': 30 }, positionals: [] }).maxSeconds).toBe(30);
    expect(scheduleOptions({ flags: {}, positionals: [] }).maxSeconds).toBeUndefined();
    expect(() => scheduleOptions({ flags: { 'max-seconds': 0 }, positionals: [] })).toThrow(new UsageError('--max-seconds must be > 0 seconds, got 0'));
  });
});
