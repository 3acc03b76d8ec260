// 1,000 training steps on the tiny model leave live tensors and backend buffers where they were
// after the first: every step's tape, gradients and replaced parameter storage are freed. The
// process's RSS may wander with the garbage collector, but not grow with the steps: one leaked copy
// of the parameters per step would add ~200 MiB over the second half.

import '../../kernels/cpu/register.js';
import { liveCounts } from '../../engine/tensor.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { train } from '../../train/loop.js';
import { fixtureDir } from '../model/fixtureModels.js';

const STEPS = 1000;

it(`${STEPS} optimizer steps keep live tensors, buffers and RSS flat`, async () => {
  const model = await fromPretrained(fixtureDir('tiny-cls'), { backend: 'cpu' });
  const batches = [
    { inputIds: [[0, 693, 654, 325, 2]], labels: [2] },
    { inputIds: [[0, 180, 148, 2, 1]], attentionMask: [[1, 1, 1, 1, 0]], labels: [1] },
  ];
  const options = { steps: STEPS, lr: 1e-4, weightDecay: 0.01, warmupSteps: 10, maxGradNorm: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8, gradAccum: 1, dropout: true, seed: 7 };
  const samples: { step: number; tensors: number; buffers: number; bytes: number }[] = [];
  const rss: number[] = [];
  const losses: number[] = [];
  await train(model, batches, options, ({ step, loss }) => {
    losses.push(loss);
    if (step === 0 || step === STEPS / 2 || step === STEPS - 1) {
      samples.push({ step, ...liveCounts(), bytes: model.backend.memory().bytes });
      rss.push(process.memoryUsage().rss);
    }
  });
  expect(samples.map((s) => s.step)).toEqual([0, STEPS / 2, STEPS - 1]);
  for (const sample of samples.slice(1)) expect({ ...sample, step: 0 }).toEqual(samples[0]);
  expect(rss[2] - rss[1]).toBeLessThan(48 * 2 ** 20);
  // And it learned something: the two batches' losses fell.
  expect(losses[STEPS - 1] + losses[STEPS - 2]).toBeLessThan((losses[0] + losses[1]) / 4);
  model.dispose();
}, 300_000);
