// Full-model parity against Hugging Face, shared by every backend: each fixture model's every
// output (embeddings, each layer's hidden state and attention probabilities, pooler, logits)
// must be within 1e-4 of what HF computed. Comparing layer by layer means a failure names the
// first layer that drifts.

import type { Backend } from '../../engine/backend.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import type { Tensor } from '../../engine/tensor.js';
import { FIXTURE_MODELS, fixtureDir, fixtureExpected, fixtureInputs, maxAbsDiff } from './fixtureModels.js';

export const PARITY_TOLERANCE = 1e-4;

export function describeModelParity(backendName: string, getBackend: () => Promise<Backend>): void {
  describe(`${backendName}: fixture models match Hugging Face (max |Δ| ≤ ${PARITY_TOLERANCE})`, () => {
    for (const name of FIXTURE_MODELS) {
      it(`${name}: every hidden state, attention and output`, async () => {
        const backend = await getBackend();
        const model = await fromPretrained(fixtureDir(name), { backend });
        const expected = fixtureExpected(name);
        const inputs = fixtureInputs(name);
        const out = model.forward({ inputIds: inputs.input_ids, attentionMask: inputs.attention_mask }, { outputHiddenStates: true, outputAttentions: true });
        const ours = new Map<string, Tensor>([['last_hidden_state', out.lastHiddenState]]);
        out.hiddenStates?.forEach((t, i) => ours.set(`hidden_states.${i}`, t));
        out.attentions?.forEach((t, i) => ours.set(`attentions.${i}`, t));
        if (out.poolerOutput) ours.set('pooler_output', out.poolerOutput);
        if (out.logits) ours.set('logits', out.logits);
        const compared: string[] = [];
        // Expected keys in forward order, so the first failure is the first layer that drifts.
        const order = (k: string) => (k.startsWith('hidden_states.') ? Number(k.split('.')[1]) * 2 : k.startsWith('attentions.') ? Number(k.split('.')[1]) * 2 + 1 : 1000);
        for (const key of [...expected.keys()].sort((a, b) => order(a) - order(b))) {
          if (['input_ids', 'attention_mask', 'position_ids'].includes(key)) continue;
          const t = ours.get(key);
          if (!t) throw new Error(`${name}: our forward produced no "${key}"`);
          const want = expected.get(key)!;
          expect({ key, shape: t.shape }).toEqual({ key, shape: want.shape });
          const diff = maxAbsDiff(await t.data(), want.data);
          if (!(diff <= PARITY_TOLERANCE)) throw new Error(`${name}: "${key}" differs from Hugging Face by max |Δ| = ${diff}`);
          compared.push(key);
        }
        expect(compared).toContain('last_hidden_state');
        expect(compared.length).toBeGreaterThanOrEqual(2 * model.config.numHiddenLayers + 2);
        for (const t of new Set(ours.values())) t.dispose();
        model.dispose();
      });
    }
  });
}
