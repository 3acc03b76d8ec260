// How many kernels one encoder layer records on the WebGPU backend. Each dispatch costs host time
// to record (bind group, pipeline, the op's own bookkeeping) and, on a GPU, a launch; a layer
// needs seven: the stacked q·k·v projection, attention reading its heads in place from it, the
// attention output projection, add & norm, the feed-forward's two products, add & norm. No copies.
// With the attention probabilities asked for, the unfused path runs instead and records more.

import '../../../index.js';
import '../../../kernels/wgsl/register.js';
import { ops, tidy } from '../../../engine/index.js';
import type { Tensor } from '../../../engine/tensor.js';
import type { WebGpuBackend } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { fromPretrained } from '../../../model/fromPretrained.js';
import type { RobertaModel } from '../../../model/roberta.js';
import { fixtureDir } from '../../model/fixtureModels.js';

let gpu: WebGpuBackend;
let model: RobertaModel;
beforeAll(async () => {
  gpu = await createWebGpuBackend();
  model = (await fromPretrained(fixtureDir('tiny'), { backend: gpu })) as RobertaModel;
});
afterAll(async () => {
  model.dispose();
  await gpu.dispose();
});

/** Dispatches `run` records on hidden states [2, 7, hidden], the second sequence's last 3 tokens padded. */
function dispatchesOf(run: (hidden: Tensor, mask: Tensor) => unknown): number {
  const { hiddenSize } = model.config;
  return tidy(() => {
    const hidden = ops.tensor(Float32Array.from({ length: 2 * 7 * hiddenSize }, (_, i) => Math.sin(i)), [2, 7, hiddenSize], 'float32', gpu);
    const mask = ops.tensor([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3.4e38, -3.4e38, -3.4e38], [2, 1, 1, 7], 'float32', gpu);
    const before = gpu.dispatchCount;
    run(hidden, mask);
    return gpu.dispatchCount - before;
  });
}

it('records at most 7 dispatches per encoder layer, and the encoder no more than its layers', async () => {
  const perLayer = dispatchesOf((hidden, mask) => model.encoder.layer[0].forward(hidden, mask));
  expect(perLayer).toBeLessThanOrEqual(7);
  expect(dispatchesOf((hidden, mask) => model.encoder.forward(hidden, mask))).toBe(model.config.numHiddenLayers * perLayer);
  // The count is of real kernels: the path with attention probabilities records the split heads,
  // scores, softmax and products on top.
  expect(dispatchesOf((hidden, mask) => model.encoder.layer[0].forward(hidden, mask, true))).toBeGreaterThan(perLayer);
  await gpu.flush();
});
