// Gradient accumulation averages micro-batch gradients: one step over the lines [a, b] with
// --grad-accum 2 moves the parameters as one step over a batch whose gradient is (g_a + g_b)/2 —
// for two copies of one batch, exactly as one step over that batch alone.

import '../../kernels/cpu/register.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { stateDict } from '../../train/checkpoint.js';
import { train, type StepReport, type TrainOptions } from '../../train/loop.js';
import { fixtureDir, maxAbsDiff } from '../model/fixtureModels.js';
import { fixtureBatch } from './trainingFixtures.js';

async function trainOnce(gradAccum: number): Promise<{ reports: StepReport[]; state: Awaited<ReturnType<typeof stateDict>> }> {
  const model = await fromPretrained(fixtureDir('tiny-cls'), { backend: 'cpu' });
  const options: TrainOptions = { steps: 2, lr: 1e-3, weightDecay: 0.1, warmupSteps: 0, maxGradNorm: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, gradAccum, dropout: false, seed: 0 };
  const reports: StepReport[] = [];
  await train(model, [fixtureBatch('tiny-cls')], options, (r) => reports.push(r));
  const state = await stateDict(model);
  model.dispose();
  return { reports, state };
}

it('--grad-accum 2 over two copies of a batch is one step over the batch', async () => {
  const single = await trainOnce(1);
  const accumulated = await trainOnce(2);
  accumulated.reports.forEach((r, k) => {
    expect(r.loss).toBeCloseTo(single.reports[k].loss, 6);
    expect(r.grad_norm).toBeCloseTo(single.reports[k].grad_norm, 5);
  });
  for (const [name, t] of Object.entries(single.state)) {
    expect([name, maxAbsDiff(accumulated.state[name].data, t.data) < 1e-6]).toEqual([name, true]);
  }
});
