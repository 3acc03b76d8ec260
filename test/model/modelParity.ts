// Full-model parity against Hugging Face, shared by every backend: each fixture model's every
// output (embeddings, each layer's hidden state and attention probabilities, pooler, the head's
// logits: sequence, masked LM, token, question-answering start/end, multiple choice)
// must be within 1e-4 of what HF computed. Comparing layer by layer means a failure names the
// first layer that drifts.
//
// Each model runs twice. Asking for the attention probabilities makes the model compute them as
// tensors of their own (matmul, scale, softmax, matmul); without them it uses the attention op,
// which a backend may fuse, so the second run holds that path to Hugging Face too.

import type { Backend } from '../../engine/backend.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { disposeOutput, namedOutputs } from '../../model/roberta.js';
import { FIXTURE_MODELS, fixtureDir, fixtureExpected, fixtureInputs, maxAbsDiff, type FixtureModel } from './fixtureModels.js';

export const PARITY_TOLERANCE = 1e-4;

/** An output as the comparison reads it: a Tensor, or values a browser page sent back. */
export interface ComparableOutput {
  readonly shape: readonly number[];
  data(): Promise<ArrayLike<number>>;
}

/**
 * Checks every output HF computed for fixture `name` against ours (HF's names → outputs), in
 * forward order, so the first failure is the first layer that drifts.
 */
export async function expectMatchesHuggingFace(name: FixtureModel, ours: ReadonlyMap<string, ComparableOutput>, outputAttentions: boolean, layers: number): Promise<void> {
  const expected = fixtureExpected(name);
  const skipped = ['input_ids', 'attention_mask', 'position_ids'];
  if (!outputAttentions) skipped.push(...[...expected.keys()].filter((k) => k.startsWith('attentions.')));
  const compared: string[] = [];
  const order = (k: string) => (k.startsWith('hidden_states.') ? Number(k.split('.')[1]) * 2 : k.startsWith('attentions.') ? Number(k.split('.')[1]) * 2 + 1 : 1000);
  for (const key of [...expected.keys()].sort((a, b) => order(a) - order(b))) {
    if (skipped.includes(key)) continue;
    const t = ours.get(key);
    if (!t) throw new Error(`${name}: our forward produced no "${key}"`);
    const want = expected.get(key)!;
    expect({ key, shape: t.shape }).toEqual({ key, shape: want.shape });
    const diff = maxAbsDiff(await t.data(), want.data);
    if (!(diff <= PARITY_TOLERANCE)) throw new Error(`${name}: "${key}" differs from Hugging Face by max |Δ| = ${diff}`);
    compared.push(key);
  }
  expect(compared).toContain('last_hidden_state');
  // And nothing HF does not return (multiple choice has no pooler_output, QA no logits).
  expect([...ours.keys()].filter((k) => !expected.has(k))).toEqual([]);
  expect(compared.length).toBeGreaterThanOrEqual((outputAttentions ? 2 * layers : layers) + 2);
}

async function compareWithHuggingFace(name: FixtureModel, backend: Backend, outputAttentions: boolean): Promise<void> {
  const model = await fromPretrained(fixtureDir(name), { backend });
  const inputs = fixtureInputs(name);
  const out = model.forward({ inputIds: inputs.input_ids, attentionMask: inputs.attention_mask }, { outputHiddenStates: true, outputAttentions });
  if (!outputAttentions) expect(out.attentions).toBeUndefined();
  await expectMatchesHuggingFace(name, namedOutputs(out), outputAttentions, model.config.numHiddenLayers);
  disposeOutput(out);
  model.dispose();
}

export function describeModelParity(backendName: string, getBackend: () => Promise<Backend>): void {
  describe(`${backendName}: fixture models match Hugging Face (max |Δ| ≤ ${PARITY_TOLERANCE})`, () => {
    for (const name of FIXTURE_MODELS) {
      it(`${name}: every hidden state, attention and output`, async () => {
        await compareWithHuggingFace(name, await getBackend(), true);
      });
      it(`${name}: every hidden state and output without attentions (the attention op)`, async () => {
        await compareWithHuggingFace(name, await getBackend(), false);
      });
    }
  });
}
