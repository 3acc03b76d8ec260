// Clean shutdown: the webasm worker threads are shared by every kernel and stopped by dispose.
// Its own file, so that no other backend's threads come and go while threads are counted.

import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import '../../../index.js';
import '../../../kernels/gpujs/register.js';
import { ops } from '../../../index.js';
import { createGpujsBackend } from '../../../kernels/gpujs/backend.js';

describe('shutdown', () => {
  /** OS threads of this process (Linux). */
  const threads = () => readdirSync('/proc/self/task').length;

  it('webasm kernels share one pool of worker threads, and dispose stops it', async () => {
    const before = threads();
    const backend = await createGpujsBackend({ mode: 'webasm' });
    // Three kernels big enough (≥ 4096 outputs) for gpu.js to split them over its workers.
    const x = ops.tensor(Float32Array.from({ length: 64 * 128 }, (_, i) => i / 100), [64, 128], undefined, backend);
    const results = [ops.scale(x, 2), ops.gelu(x), ops.add(x, x)];
    await Promise.all(results.map((t) => t.data()));
    // gpu.js alone would start a pool per kernel: three pools here.
    expect(threads() - before).toBe(Math.min(availableParallelism(), 2));
    for (const t of [x, ...results]) t.dispose();
    await backend.dispose();
    for (let wait = 0; wait < 50 && threads() > before; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(threads()).toBeLessThanOrEqual(before);
    expect(() => ops.tensor([1], [1], 'float32', backend)).toThrow('upload: the gpujs backend was disposed');
  });
});
