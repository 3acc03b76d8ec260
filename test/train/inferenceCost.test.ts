// Autograd costs inference nothing: with no parameter requiring a gradient, a forward pass records
// nothing and creates exactly the tensors it creates with recording switched off altogether.

import '../../kernels/cpu/register.js';
import * as ops from '../../engine/ops/index.js';
import { clearTape, noGrad, tapeLength } from '../../engine/tape.js';
import { liveCounts } from '../../engine/tensor.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { disposeOutput } from '../../model/roberta.js';
import { namedParameters } from '../../train/parameters.js';
import { fixtureDir, fixtureInputs } from '../model/fixtureModels.js';

/** How many tensors `fn` creates (ids are handed out in order), and whether it leaves any live. */
function tensorsCreated(fn: () => void): { created: number; leftLive: number } {
  const live = liveCounts().tensors;
  const first = ops.scalar(0);
  fn();
  const last = ops.scalar(0);
  const created = last.id - first.id - 1;
  first.dispose();
  last.dispose();
  return { created, leftLive: liveCounts().tensors - live };
}

it('a forward pass allocates the same with the tape machinery as without it, and records nothing', async () => {
  const model = await fromPretrained(fixtureDir('tiny-cls'), { backend: 'cpu' });
  const inputs = { inputIds: fixtureInputs('tiny-cls').input_ids, attentionMask: fixtureInputs('tiny-cls').attention_mask };
  const run = () => disposeOutput(model.forward(inputs));
  const plain = tensorsCreated(run);
  const off = tensorsCreated(() => noGrad(run));
  expect(tapeLength()).toBe(0);
  expect(plain).toEqual(off);
  expect(plain.leftLive).toBe(0);

  // The measure can see the tape: with parameters requiring gradients, the saved views add up.
  for (const { tensor } of namedParameters(model)) tensor.requiresGrad = true;
  const before = liveCounts();
  const recorded = tensorsCreated(run);
  expect(tapeLength()).toBeGreaterThan(40); // 2 layers of ~20 ops, embeddings and head
  expect(recorded.created).toBeGreaterThan(plain.created);
  expect(recorded.leftLive).toBeGreaterThan(0); // views the tape keeps for backward
  clearTape();
  expect(liveCounts()).toEqual(before);
  model.dispose();
});
