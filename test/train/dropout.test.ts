// Dropout: a counter-based mask (the same for a seed on every backend), survivors scaled by
// 1/(1 − p), its gradient the mask; in the model, only in training mode, at HF's places.

import '../../kernels/cpu/register.js';
import '../../kernels/wasm/register.js';
import { backward } from '../../engine/backward.js';
import * as ops from '../../engine/ops/index.js';
import { counterUniform, RandomStream } from '../../engine/random.js';
import { getBackendByName } from '../../engine/select.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { modelLoss } from '../../train/modelLoss.js';
import { fixtureDir } from '../model/fixtureModels.js';
import { fixtureBatch } from './trainingFixtures.js';

describe('the counter-based stream', () => {
  it('is a pure function of (seed, counter), continuing where the last take ended', () => {
    const stream = new RandomStream(42);
    const first = stream.take(3);
    const next = stream.take(2);
    expect([...first, ...next]).toEqual([0, 1, 2, 3, 4].map((k) => counterUniform(42, k)));
    expect(counterUniform(43, 0)).not.toBe(counterUniform(42, 0));
    expect(counterUniform(42, 2 ** 40)).not.toBe(counterUniform(42, 0)); // the counter's high word counts too
  });

  it('is uniform enough: mean ≈ 1/2, and each tenth of [0, 1) gets ≈ 10%', () => {
    const u = new RandomStream(1).take(100_000);
    const mean = u.reduce((s, v) => s + v, 0) / u.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    const bins = new Array<number>(10).fill(0);
    for (const v of u) bins[Math.floor(v * 10)]++;
    for (const count of bins) expect(Math.abs(count / u.length - 0.1)).toBeLessThan(0.005);
  });
});

describe('ops.dropout', () => {
  it('zeroes about p of the elements, scales the rest by 1/(1 − p), and gives the same mask for a seed on cpu and wasm', async () => {
    const size = 20_000;
    const values = Float32Array.from({ length: size }, (_, i) => 1 + (i % 7));
    const results: Float32Array[] = [];
    for (const name of ['cpu', 'wasm'] as const) {
      const backend = await getBackendByName(name);
      const x = ops.tensor(values.slice(), [100, 200], 'float32', backend);
      const y = ops.dropout(x, 0.3, new RandomStream(5));
      results.push((await y.data()) as Float32Array);
      x.dispose();
      y.dispose();
    }
    expect(Array.from(results[1])).toEqual(Array.from(results[0]));
    const dropped = results[0].filter((v) => v === 0).length;
    expect(Math.abs(dropped / size - 0.3)).toBeLessThan(0.015);
    results[0].forEach((v, i) => {
      if (v !== 0) expect(v).toBe(Math.fround(values[i] * Math.fround(1 / 0.7)));
    });
  });

  it('passes gradients through the kept elements only, scaled the same', async () => {
    const x = ops.tensor(new Float32Array(1000).fill(2));
    x.requiresGrad = true;
    const y = ops.dropout(x, 0.5, new RandomStream(9));
    const out = await y.data();
    backward(ops.sumTo(y, []));
    const grad = await x.grad!.data();
    grad.forEach((g, i) => expect(g).toBe(out[i] / 2));
    for (const t of [x.grad!, y, x]) t.dispose();
  });
});

describe('a model in training mode', () => {
  it('drops out only after train(): eval losses agree, training losses depend on the seed alone', async () => {
    const model = await fromPretrained(fixtureDir('tiny-cls'), { backend: 'cpu' });
    const batch = fixtureBatch('tiny-cls');
    const lossOf = async () => {
      const loss = modelLoss(model, batch);
      const value = (await loss.data())[0];
      loss.dispose();
      return value;
    };
    const evalLoss = await lossOf();
    model.train();
    model.mode.random = new RandomStream(3);
    const first = await lossOf();
    const second = await lossOf(); // the stream moved on: other masks
    model.mode.random = new RandomStream(3);
    const again = await lossOf();
    model.train(false);
    expect(await lossOf()).toBe(evalLoss);
    expect(first).not.toBe(evalLoss);
    expect(second).not.toBe(first);
    expect(again).toBe(first);
    model.dispose();
  });
});
