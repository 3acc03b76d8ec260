// The losses of the heads without golden training data, against cross-entropy worked out here in
// float64 from Hugging Face's own logits for the fixture inputs (test/fixtures/heads): token
// classification (a label per token, −100 ignored) and multiple choice (a choice per example).

import '../../kernels/cpu/register.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import type { Batch } from '../../train/batch.js';
import { modelLoss } from '../../train/modelLoss.js';
import { fixtureDir, fixtureExpected, fixtureInputs, type FixtureModel } from '../model/fixtureModels.js';

/** Mean over counted rows of −log softmax(row)[label], from HF's logits [rows × classes]. */
function crossEntropyHere(logits: ArrayLike<number>, classes: number, labels: readonly number[]): number {
  let sum = 0;
  let counted = 0;
  labels.forEach((label, r) => {
    if (label === -100) return;
    const row = Array.from({ length: classes }, (_, c) => logits[r * classes + c]);
    const max = Math.max(...row);
    const logSum = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    sum += logSum - row[label];
    counted++;
  });
  return sum / counted;
}

async function lossOf(name: FixtureModel, batch: Batch): Promise<number> {
  const model = await fromPretrained(fixtureDir(name), { backend: 'cpu' });
  try {
    const loss = modelLoss(model, batch);
    const value = (await loss.data())[0];
    loss.dispose();
    return value;
  } finally {
    model.dispose();
  }
}

it('token classification: mean cross-entropy over the labelled tokens', async () => {
  const inputs = fixtureInputs('tiny-tok');
  // A label per token: padding and every third token ignored, the rest cycling through the 5 classes.
  const labels = inputs.input_ids.map((row, b) => row.map((_, s) => (inputs.attention_mask[b][s] === 0 || s % 3 === 2 ? -100 : (b + s) % 5)));
  const expected = crossEntropyHere(fixtureExpected('tiny-tok').get('logits')!.data, 5, labels.flat());
  const loss = await lossOf('tiny-tok', { inputIds: inputs.input_ids, attentionMask: inputs.attention_mask, labels });
  expect(Math.abs(loss - expected)).toBeLessThan(1e-5);
});

it('multiple choice: cross-entropy over each example’s choices', async () => {
  const inputs = fixtureInputs('tiny-mc');
  const expected = crossEntropyHere(fixtureExpected('tiny-mc').get('logits')!.data, 4, [2]);
  const loss = await lossOf('tiny-mc', { inputIds: inputs.input_ids, attentionMask: inputs.attention_mask, labels: [2] });
  expect(Math.abs(loss - expected)).toBeLessThan(1e-5);
});

it('refuses labels of the wrong count, naming what the head needs', async () => {
  const inputs = fixtureInputs('tiny-tok');
  await expect(lossOf('tiny-tok', { inputIds: inputs.input_ids, attentionMask: inputs.attention_mask, labels: [1, 2, 3] })).rejects.toThrow(
    'labels: a label per token needs 36 labels (3 sequences × 12 tokens, -100 to ignore one), got 3',
  );
});
