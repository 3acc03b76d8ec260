// GPU memory must stay flat over many forward passes: every freed buffer goes back to the pool
// and is reused, uniform and staging buffers are recycled, and nothing is created per call that is
// not released. 1,000 small forward-like sequences (linear + bias + GELU, masked softmax,
// LayerNorm with residual, a read) must end with the same memory report — tensors, pool, and every
// buffer on the device — as after the first one, and the last result must still be right.

import '../../../kernels/wgsl/register.js';
import { getBackendByName, liveCounts, ops, tidy, type Backend, type Tensor } from '../../../index.js';
import type { WebGpuBackend } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { compareValues } from '../compare.js';
import { Random } from '../random.js';

interface Weights {
  readonly x: Tensor;
  readonly w: Tensor;
  readonly b: Tensor;
  readonly gamma: Tensor;
  readonly beta: Tensor;
  readonly mask: Tensor;
}

function upload(backend: Backend): Weights {
  const r = new Random(7);
  const t = (shape: number[], lo = -1, hi = 1) => ops.tensor(r.floats(shape.reduce((p, d) => p * d, 1), lo, hi), shape, 'float32', backend);
  return {
    x: t([2, 5, 16]),
    w: t([16, 16]),
    b: t([16]),
    gamma: t([16], 0.5, 1.5),
    beta: t([16]),
    mask: ops.tensor(Float32Array.from([0, 0, 0, 0, -3.4e38, -3.4e38, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3.4e38, -3.4e38, -3.4e38, -3.4e38]), [2, 1, 10], 'float32', backend),
  };
}

/** A miniature layer: [2, 5, 16] in, [2, 5, 16] out. */
function forward({ x, w, b, gamma, beta, mask }: Weights): Tensor {
  return tidy(() => {
    const hidden = ops.linear(x, w, b, 'gelu');
    const weights = ops.softmax(ops.reshape(hidden, [2, 8, 10]), mask);
    return ops.layerNorm(ops.reshape(weights, [2, 5, 16]), gamma, beta, 1e-5, x);
  });
}

function release(weights: Weights): void {
  for (const t of Object.values(weights)) t.dispose();
}

let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await createWebGpuBackend();
});
afterAll(async () => {
  await gpu.dispose();
});

it('stays flat over 1,000 forward passes, and the last one is still right', async () => {
  const weights = upload(gpu);
  const step = async () => {
    const out = forward(weights);
    const data = await out.data();
    out.dispose();
    return data;
  };
  await step();
  const memoryAfterFirst = gpu.memory();
  const tensorsAfterFirst = liveCounts().tensors;
  let last = await step();
  for (let i = 2; i < 1000; i++) last = await step();
  expect(gpu.memory()).toEqual(memoryAfterFirst);
  expect(liveCounts().tensors).toBe(tensorsAfterFirst);

  const cpu = await getBackendByName('cpu');
  const cpuWeights = upload(cpu);
  const cpuOut = forward(cpuWeights);
  const expected = await cpuOut.data();
  cpuOut.dispose();
  release(cpuWeights);
  expect(compareValues(expected, last, { atol: 1e-5, rtol: 1e-5 })).toBeNull();

  release(weights);
  expect(gpu.memory().buffers).toBe(0);
});
