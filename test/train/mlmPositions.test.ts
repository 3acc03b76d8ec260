// The masked-LM head at chosen tokens only (fairseq's masked_tokens): forwardAt's logits are the
// rows of Hugging Face's full logits, and the training loss built on it gives PyTorch's loss and
// every gradient on cpu, wasm and webgpu (test/fixtures/training/tiny-mlm), as the full-logits
// loss still does.

import '../../index.js';
import { backward } from '../../engine/backward.js';
import { disposeBackends, getBackendByName } from '../../engine/select.js';
import type { Tensor } from '../../engine/tensor.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { InputError } from '../../model/inputs.js';
import { disposeOutput, RobertaForMaskedLM } from '../../model/roberta.js';
import { namedGradients } from '../../train/gradients.js';
import { crossEntropy } from '../../train/losses.js';
import { modelLoss } from '../../train/modelLoss.js';
import { namedParameters, zeroGradients } from '../../train/parameters.js';
import { fixtureDir, fixtureExpected, fixtureInputs, maxAbsDiff } from '../model/fixtureModels.js';
import { expectFixtureGradients, fixtureBatch } from './trainingFixtures.js';

afterAll(disposeBackends);

async function maskedLM(backend: 'cpu' | 'wasm' | 'webgpu'): Promise<RobertaForMaskedLM> {
  const model = await fromPretrained(fixtureDir('tiny-mlm'), { backend: await getBackendByName(backend) });
  if (!(model instanceof RobertaForMaskedLM)) throw new Error(`tiny-mlm loaded as ${model.architecture}`);
  return model;
}

/** backward(loss) from zeroed gradients; the loss's value and every named gradient. */
async function lossAndGradients(model: RobertaForMaskedLM, lossOf: () => Tensor) {
  const parameters = namedParameters(model);
  zeroGradients(parameters);
  const loss = lossOf();
  backward(loss);
  const value = (await loss.data())[0];
  loss.dispose();
  const grads = await namedGradients(parameters);
  for (const { tensor } of parameters) tensor.grad?.dispose();
  return { value, grads };
}

const batch = fixtureBatch('tiny-mlm');
const labels = (batch.labels as number[][]).flat();
const labelled = labels.flatMap((label, i) => (label === -100 ? [] : [i]));

describe.each(['cpu', 'wasm', 'webgpu'] as const)('%s', (backend) => {
  let model: RobertaForMaskedLM;
  beforeAll(async () => {
    model = await maskedLM(backend);
  });
  afterAll(() => model.dispose());

  it("the masked-LM loss runs the LM head on the labelled tokens only, with PyTorch's loss and every gradient", async () => {
    const headRows: number[][] = [];
    const head = model.lmHead.forward;
    model.lmHead.forward = (hidden) => {
      headRows.push([...hidden.shape]);
      return head.call(model.lmHead, hidden);
    };
    try {
      const { value, grads } = await lossAndGradients(model, () => modelLoss(model, batch));
      expect(headRows).toEqual([[labelled.length, model.config.hiddenSize]]); // 7 of 36 tokens
      expectFixtureGradients('tiny-mlm', value, grads, ` on ${backend}`);
    } finally {
      model.lmHead.forward = head;
    }
  });

  it('the full-logits path is unchanged: cross-entropy over [batch, seq, vocab] gives the same loss and gradients', async () => {
    const { value, grads } = await lossAndGradients(model, () => {
      const out = model.forward(batch);
      expect(out.logits!.shape).toEqual([3, 12, model.config.vocabSize]);
      const loss = crossEntropy(out.logits!, labels);
      disposeOutput(out);
      return loss;
    });
    expectFixtureGradients('tiny-mlm', value, grads, ` on ${backend} (full logits)`);
  });
});

describe('forwardAt', () => {
  let model: RobertaForMaskedLM;
  beforeAll(async () => {
    model = await maskedLM('cpu');
  });
  afterAll(() => model.dispose());

  it("gives HF's logits of the named tokens, in the order named (a token may be named twice)", async () => {
    const { input_ids: inputIds, attention_mask: attentionMask } = fixtureInputs('tiny-mlm');
    const hf = fixtureExpected('tiny-mlm').get('logits')!; // [batch, seq, vocab]
    const [, seq, vocab] = hf.shape;
    const positions = [seq + 3, 0, 2 * seq + 1, seq + 3];
    const out = model.forwardAt({ inputIds, attentionMask }, positions);
    expect(out.logits!.shape).toEqual([positions.length, vocab]);
    expect(out.lastHiddenState.shape).toEqual([inputIds.length, seq, model.config.hiddenSize]);
    const ours = await out.logits!.data();
    positions.forEach((p, row) => {
      const diff = maxAbsDiff(ours.subarray(row * vocab, (row + 1) * vocab), hf.data.subarray(p * vocab, (p + 1) * vocab));
      expect([p, diff < 1e-4]).toEqual([p, true]);
    });
    disposeOutput(out);
  });

  it('refuses positions outside the batch, fractional ones and none, naming the range', () => {
    const inputs = { inputIds: [[0, 5, 6, 2]] };
    const refusal = (positions: number[]) => {
      try {
        model.forwardAt(inputs, positions);
      } catch (error) {
        return [(error as Error).name, (error as Error).message];
      }
      return ['no error'];
    };
    expect(refusal([1, 4])).toEqual(['InputError', 'masked position [1] = 4 is not a token of the batch: flat indices b · 4 + s lie in [0, 3] (1 sequences × 4 tokens)']);
    expect(refusal([-1])).toEqual(['InputError', 'masked position [0] = -1 is not a token of the batch: flat indices b · 4 + s lie in [0, 3] (1 sequences × 4 tokens)']);
    expect(refusal([1.5])).toEqual(['InputError', 'masked position [0] = 1.5 is not a token of the batch: flat indices b · 4 + s lie in [0, 3] (1 sequences × 4 tokens)']);
    expect(() => model.forwardAt(inputs, [])).toThrow(new InputError('no masked positions given: name at least one token (flat index b · seq + s)'));
  });

  it('a batch with no labelled token has the loss the full logits give it (0: nothing counted)', async () => {
    const unlabelled = { ...batch, labels: (batch.labels as number[][]).map((row) => row.map(() => -100)) };
    const loss = modelLoss(model, unlabelled);
    const out = model.forward(unlabelled);
    const full = crossEntropy(out.logits!, labels.map(() => -100));
    expect((await loss.data())[0]).toBe((await full.data())[0]);
    expect(Math.abs((await loss.data())[0])).toBe(0);
    [loss, full].forEach((t) => t.dispose());
    disposeOutput(out);
  });
});
