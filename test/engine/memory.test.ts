// The leak test: a model-like stream of ops inside scopes must leave no tensor and no byte behind.

import { getBackend, liveCounts, ops, tidy, type Tensor } from '../kernels/engine.js';
import { Random } from '../kernels/random.js';
import { DeviceDouble } from './deviceDouble.js';

const random = new Random(29);

/** One encoder-layer-shaped pass over every op, returning a few results (the rest are temporaries). */
function layer(ids: Tensor, table: Tensor, mask: Tensor): { hidden: Tensor; best: Tensor } {
  const [batch, seq] = ids.shape;
  const hidden = table.shape[1];
  const heads = 2;
  const x = ops.gather(table, ids);
  const w = ops.tensor(random.floats(hidden * hidden), [hidden, hidden]);
  const b = ops.tensor(random.floats(hidden), [hidden]);
  const ones = ops.tensor(new Float32Array(hidden).fill(1));
  const q = ops.permute(ops.reshape(ops.linear(x, w, b), [batch, seq, heads, hidden / heads]), [0, 2, 1, 3]);
  const scores = ops.scale(ops.matmul(q, q, { transposeB: true }), 0.5);
  const probs = ops.softmax(scores, mask);
  const context = ops.reshape(ops.transpose(ops.matmul(probs, q)), [batch, seq, hidden]);
  const ff = ops.linear(context, w, b, 'gelu');
  const y = ops.layerNorm(ff, ones, b, 1e-5, x);
  const positions = ops.cumsum(ops.notEqual(ids, 1), 1);
  const ends = ops.concat([ops.select(y, 1, 0), ops.reshape(ops.slice(y, [0, seq - 1, 0], [batch, 1, hidden]), [batch, hidden])], 1);
  const lengths = ops.cast(ops.slice(positions, [0, seq - 1], [batch, 1]), 'float32');
  ops.topk(ops.add(ops.mul(ends, 2), lengths), 2);
  return { hidden: y, best: ops.argmax(ops.sub(1, ends)) };
}

describe('memory', () => {
  it('comes back to where it started after many ops in scopes', async () => {
    const cpu = getBackend();
    const before = { live: liveCounts(), memory: cpu.memory() };
    const table = ops.tensor(random.floats(10 * 8), [10, 8]);
    const ids = ops.tensor([[0, 5, 9, 1], [3, 3, 1, 1]], undefined, 'int32');
    const mask = ops.tensor([0, 0, 0, 0, 0, 0, -1e9, -1e9], [2, 1, 1, 4]);
    for (let i = 0; i < 20; i++) {
      const { hidden, best } = tidy(() => layer(ids, table, mask));
      // Only the two results (and the three inputs) are live here: the layer's temporaries are gone.
      expect(liveCounts().tensors).toBe(before.live.tensors + 5);
      expect(cpu.memory().bytes).toBe(before.memory.bytes + (10 * 8 + 2 * 4 + 2 * 4 + 2 * 4 * 8 + 2) * 4);
      expect(await best.data()).toHaveLength(2);
      hidden.dispose();
      best.dispose();
    }
    for (const t of [table, ids, mask]) t.dispose();
    expect(liveCounts()).toEqual(before.live);
    expect(cpu.memory()).toEqual(before.memory);
  });

  it('frees the temporaries of ops that fail part-way', () => {
    const cpu = getBackend();
    const device = new DeviceDouble();
    const before = { live: liveCounts(), memory: cpu.memory() };
    const there = ops.tensor([1, 2], [2], 'float32', device);
    // The number becomes a scalar on the device; the missing kernel throws; the scalar must still go.
    expect(() => ops.add(there, 1)).toThrow('binary: the wasm backend has no kernel for this op');
    expect(() => tidy(() => ops.matmul(ops.tensor([[1, 2]]), ops.tensor([[1, 2]])))).toThrow('matmul: inner dimensions differ');
    expect(device.memory().buffers).toBe(1);
    there.dispose();
    expect(device.memory()).toEqual({ buffers: 0, bytes: 0 });
    expect(liveCounts()).toEqual(before.live);
    expect(cpu.memory()).toEqual(before.memory);
  });
});
