// Every fixture model loaded with dtype q8 and fp16 on WebGPU gives what the same dtype gives on
// the CPU (the spec), every hidden state and output within 1e-4: the int8 and float16 kernels
// carry a whole forward, through the model code that runs on every backend. (How far q8 and fp16
// are from float32 and from Hugging Face is test/model/quantize's business.) Measured on
// SwiftShader: q8 ≤ 8.4e-7, fp16 ≤ 1.4e-6 (float32 rounding in the other ops).

import '../../../kernels/wgsl/register.js';
import { liveCounts, type Backend } from '../../../index.js';
import { ForwardReplay } from '../../../model/forwardReplay.js';
import { fromPretrained } from '../../../model/fromPretrained.js';
import { disposeOutput, namedOutputs } from '../../../model/roberta.js';
import type { WeightPrecision } from '../../../model/precision.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { compareValues, EXACT } from '../compare.js';
import { fileBackends } from '../fileBackends.js';
import { FIXTURE_MODELS, fixtureDir, fixtureInputs, maxAbsDiff, type FixtureModel } from '../../model/fixtureModels.js';

const TOLERANCE = 1e-4;

/** Every output of fixture `name` loaded as `dtype` on `backend`, by HF's names. */
async function forward(name: FixtureModel, dtype: WeightPrecision, backend: Backend): Promise<Map<string, Float32Array>> {
  const model = await fromPretrained(fixtureDir(name), { backend, dtype });
  const inputs = fixtureInputs(name);
  const out = model.forward({ inputIds: inputs.input_ids, attentionMask: inputs.attention_mask }, { outputHiddenStates: true });
  const values = new Map<string, Float32Array>();
  for (const [key, t] of namedOutputs(out)) values.set(key, (await t.data()) as Float32Array);
  disposeOutput(out);
  model.dispose();
  return values;
}

const backends = fileBackends({ gpu: () => createWebGpuBackend() });

for (const dtype of ['q8', 'fp16'] as const) {
  describe(`dtype ${dtype}: webgpu equals cpu (max |Δ| ≤ ${TOLERANCE})`, () => {
    for (const name of FIXTURE_MODELS) {
      it(name, async () => {
        const tensorsBefore = liveCounts().tensors;
        const bytesBefore = backends.gpu.memory().bytes;
        const want = await forward(name, dtype, backends.cpu);
        const got = await forward(name, dtype, backends.gpu);
        expect([...got.keys()]).toEqual([...want.keys()]);
        const worst = [...want].map(([key, values]) => ({ key, diff: maxAbsDiff(values, got.get(key)!) })).sort((a, b) => b.diff - a.diff)[0];
        expect(worst.diff).toBeLessThanOrEqual(TOLERANCE);
        // The forward ran the int8 / float16 kernels (by their pipelines' names).
        const kernels = backends.gpu.compiledKernels();
        const half = backends.gpu.weightPaths.shaderF16 ? 'f16' : 'packed';
        if (dtype === 'q8') expect(kernels.some((key) => key.startsWith('int8Product('))).toBe(true);
        else expect([kernels.some((key) => key.includes(`b${half}`)), kernels.includes(`gather(float16 ${half})`)]).toEqual([true, true]);
        // The model's weights, activations and the kernels' scratch buffers all went back.
        expect(liveCounts().tensors).toBe(tensorsBefore);
        expect(backends.gpu.memory().bytes).toBe(bytesBefore);
      });
    }
  });
}

describe('a recorded forward replays the int8 and float16 kernels', () => {
  for (const dtype of ['q8', 'fp16'] as const) {
    it(`${dtype}: a replay on other inputs equals a fresh forward bit for bit (scratch buffers included)`, async () => {
      const model = await fromPretrained(fixtureDir('tiny-cls'), { backend: backends.gpu, dtype });
      const { input_ids: ids, attention_mask: mask } = fixtureInputs('tiny-cls');
      const replay = new ForwardReplay(model);
      const recorded = replay.forward({ inputIds: ids, attentionMask: mask });
      const recordedLogits = await recorded.logits!.data();
      disposeOutput(recorded);
      const other = { inputIds: [...ids].reverse(), attentionMask: [...mask].reverse() };
      const replayed = replay.forward(other);
      const fresh = model.forward(other);
      const replayedLogits = await replayed.logits!.data();
      expect(compareValues(await fresh.logits!.data(), replayedLogits, EXACT)).toBeNull();
      expect(compareValues(recordedLogits, replayedLogits, EXACT)).not.toBeNull(); // the new inputs took effect
      disposeOutput(replayed);
      disposeOutput(fresh);
      replay.dispose();
      model.dispose();
    });
  }
});
