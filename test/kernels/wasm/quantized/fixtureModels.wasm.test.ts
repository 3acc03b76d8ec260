// The fixture models loaded with dtype q8 and fp16 on the wasm backend, against the same models
// on the CPU reference and against Hugging Face's float32 outputs. fp16: the same float32
// products on the same widened weights. q8: the integer sums are exact; what differs is GELU
// (SIMD, within 2e-7 of the CPU's), softmax and LayerNorm, as in float32. A GELU output at an
// int8 rounding tie could step the next layer's sum by one level; none does on these inputs.
// Measured max |wasm − cpu| over every final output: fp16 1.3e-6, q8 7.1e-7; against HF, as on
// the CPU (test/model/quantize/accuracy.test.ts, whose bounds these are): fp16 1.5e-3, q8 5.5e-2.

import '../../../../index.js';
import '../../../../kernels/wasm/register.js';
import type { Backend } from '../../../../index.js';
import { fromPretrained } from '../../../../model/fromPretrained.js';
import type { WeightPrecision } from '../../../../model/precision.js';
import { disposeOutput, namedOutputs } from '../../../../model/roberta.js';
import { WasmBackend } from '../../../../kernels/wasm/backend.js';
import { FIXTURE_MODELS, fixtureDir, fixtureExpected, fixtureInputs, maxAbsDiff, type FixtureModel } from '../../../model/fixtureModels.js';
import { fileBackends } from '../../fileBackends.js';

const FINAL = ['last_hidden_state', 'pooler_output', 'logits', 'start_logits', 'end_logits'];
/** max |wasm − cpu| per dtype, and max |wasm − HF float32| (the cpu bounds of test/model/quantize/accuracy.test.ts). */
const BOUNDS = {
  fp16: { cpu: 1e-5, hf: 4e-3 },
  q8: { cpu: 1e-5, hf: 0.12 },
} as const;

const backends = fileBackends({ wasm: () => WasmBackend.create({ threads: 2 }) });

async function outputs(name: FixtureModel, dtype: WeightPrecision, backend: Backend): Promise<Map<string, Float32Array>> {
  const model = await fromPretrained(fixtureDir(name), { backend, dtype });
  const inputs = fixtureInputs(name);
  const out = model.forward({ inputIds: inputs.input_ids, attentionMask: inputs.attention_mask });
  const result = new Map<string, Float32Array>();
  for (const [key, t] of namedOutputs(out)) if (FINAL.includes(key)) result.set(key, (await t.data()) as Float32Array);
  disposeOutput(out);
  model.dispose();
  return result;
}

describe.each(['fp16', 'q8'] as const)('%s on wasm', (dtype) => {
  it.each(FIXTURE_MODELS)('%s: every final output near the CPU reference and Hugging Face', async (name) => {
    const reference = await outputs(name, dtype, backends.cpu);
    const ours = await outputs(name, dtype, backends.wasm);
    const expected = fixtureExpected(name);
    expect([...ours.keys()].sort()).toEqual([...reference.keys()].sort());
    const deviations = [...ours].map(([key, data]) => ({ key, cpu: maxAbsDiff(data, reference.get(key)!), hf: maxAbsDiff(data, expected.get(key)!.data) }));
    for (const d of deviations) {
      expect(d.cpu).toBeLessThanOrEqual(BOUNDS[dtype].cpu);
      expect(d.hf).toBeLessThanOrEqual(BOUNDS[dtype].hf);
    }
  });
});
