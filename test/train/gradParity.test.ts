// Gradient parity with PyTorch: the loss and every parameter's gradient on the fixture batch,
// against transformers 4.36.2 + PyTorch (test/fixtures/training).

import '../../kernels/cpu/register.js';
import { liveCounts } from '../../engine/tensor.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { lossAndBackward, namedGradients } from '../../train/gradients.js';
import { namedParameters, zeroGradients } from '../../train/parameters.js';
import { fixtureDir } from '../model/fixtureModels.js';
import { expectFixtureGradients, fixtureBatch, TRAINING_MODELS } from './trainingFixtures.js';

describe.each(TRAINING_MODELS)('%s on cpu: gradients as PyTorch computes them', (name) => {
  it('gives the loss and every named parameter gradient within 1e-4 · max(1, max|g|)', async () => {
    const model = await fromPretrained(fixtureDir(name), { backend: 'cpu' });
    try {
      const parameters = namedParameters(model);
      zeroGradients(parameters);
      const loss = await lossAndBackward(model, fixtureBatch(name));
      expectFixtureGradients(name, loss, await namedGradients(parameters));
      for (const { tensor } of parameters) tensor.grad?.dispose();
    } finally {
      model.dispose();
    }
  });
});

it('leaves no tensor behind: backward released every saved intermediate', async () => {
  const model = await fromPretrained(fixtureDir('tiny-mlm'), { backend: 'cpu' });
  const parameters = namedParameters(model);
  const before = liveCounts();
  zeroGradients(parameters);
  await lossAndBackward(model, fixtureBatch('tiny-mlm'));
  // Only the gradients are new: one per parameter tensor.
  expect(liveCounts().tensors - before.tensors).toBe(parameters.length);
  for (const { tensor } of parameters) tensor.grad?.dispose();
  expect(liveCounts()).toEqual(before);
  model.dispose();
});
