// GPU memory must stay flat over many forward passes of a real model: the tiny fixture model,
// loaded with fromPretrained, run again and again on the fixture inputs (the fused attention
// path, since no attention probabilities are asked for), its output read and disposed each time.
// After a warm-up pass, the memory report — live tensors, the pool, every buffer on the device —
// must be the same after the last pass as after the first, and the last pass's outputs (the last
// hidden state and the pooler output) still Hugging Face's.
// The last pass must also find all its bind groups in the backend's cache (bindingCache.ts).

import '../../../index.js';
import '../../../kernels/wgsl/register.js';
import { liveCounts } from '../../../engine/tensor.js';
import type { WebGpuBackend } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { fromPretrained } from '../../../model/fromPretrained.js';
import { fixtureDir, fixtureExpected, fixtureInputs, maxAbsDiff } from '../../model/fixtureModels.js';
import { PARITY_TOLERANCE } from '../../model/modelParity.js';

/**
 * On SwiftShader (2 cores) a pass — 3 sequences of 12 tokens through 2 layers, then the reads —
 * takes 40–65 ms (65 on a machine busy with other work), so 1,000 passes take about a minute:
 * the most this test may take.
 */
const PASSES = 1000;

let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await createWebGpuBackend();
});
afterAll(async () => {
  await gpu.dispose();
});

it(`stays flat over ${PASSES} forward passes of the tiny model, and the last one is still right`, async () => {
  const model = await fromPretrained(fixtureDir('tiny'), { backend: gpu });
  const inputs = fixtureInputs('tiny');
  const pass = async (): Promise<{ hidden: Float32Array; pooled: Float32Array }> => {
    const out = model.forward({ inputIds: inputs.input_ids, attentionMask: inputs.attention_mask });
    if (!out.poolerOutput) throw new Error('the tiny model (RobertaModel with a pooler) returned no pooler output');
    const [hidden, pooled] = (await Promise.all([out.lastHiddenState.data(), out.poolerOutput.data()])) as Float32Array[];
    out.lastHiddenState.dispose();
    out.poolerOutput.dispose();
    return { hidden, pooled };
  };
  await pass();
  const memoryAfterFirst = gpu.memory();
  const tensorsAfterFirst = liveCounts().tensors;
  let last = await pass();
  for (let i = 2; i < PASSES - 1; i++) last = await pass();
  // Once warm, a pass like the last one binds the same buffers in the same way: no new bind groups.
  const createBindGroup = gpu.device.createBindGroup.bind(gpu.device);
  let bindGroupsMade = 0;
  gpu.device.createBindGroup = (descriptor) => (bindGroupsMade++, createBindGroup(descriptor));
  last = await pass();
  expect(bindGroupsMade).toBe(0);
  expect(gpu.memory()).toEqual(memoryAfterFirst);
  expect(liveCounts().tensors).toBe(tensorsAfterFirst);

  expect(gpu.compiledKernels().some((key) => key.startsWith('attention('))).toBe(true);
  const expected = fixtureExpected('tiny');
  expect(maxAbsDiff(last.hidden, expected.get('last_hidden_state')!.data)).toBeLessThanOrEqual(PARITY_TOLERANCE);
  expect(maxAbsDiff(last.pooled, expected.get('pooler_output')!.data)).toBeLessThanOrEqual(PARITY_TOLERANCE);
  model.dispose();
  expect(gpu.memory().buffers).toBe(0);
});
