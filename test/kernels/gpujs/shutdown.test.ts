// Clean shutdown: the webasm worker threads are shared by every kernel and stopped by dispose.
// Worker threads are counted as they are constructed and exit, not as OS threads of the process,
// which libuv and V8 also start whenever they like. (Node announces each new worker on `process`,
// but jest hands tests a copy of `process` that never hears it; so the constructor is wrapped.)

import { availableParallelism } from 'node:os';
import workerThreads from 'node:worker_threads';
import '../../../index.js';
import '../../../kernels/gpujs/register.js';
import { ops } from '../../../index.js';
import { createGpujsBackend } from '../../../kernels/gpujs/backend.js';

/** Runs `body` with every worker thread it starts watched: one promise per worker, settled at its exit. */
async function watchingWorkers(body: () => Promise<void>): Promise<Promise<number>[]> {
  const exits: Promise<number>[] = [];
  const RealWorker = workerThreads.Worker;
  workerThreads.Worker = class extends RealWorker {
    constructor(...args: ConstructorParameters<typeof RealWorker>) {
      super(...args);
      exits.push(new Promise((resolve) => this.once('exit', resolve)));
    }
  };
  try {
    await body();
  } finally {
    workerThreads.Worker = RealWorker;
  }
  return exits;
}

describe('shutdown', () => {
  it('webasm kernels share one pool of worker threads, and dispose stops it', async () => {
    const backend = await createGpujsBackend({ mode: 'webasm' });
    const exits = await watchingWorkers(async () => {
      // Three kernels big enough (≥ 4096 outputs) for gpu.js to split them over its workers.
      const x = ops.tensor(Float32Array.from({ length: 64 * 128 }, (_, i) => i / 100), [64, 128], undefined, backend);
      const results = [ops.scale(x, 2), ops.gelu(x), ops.add(x, x)];
      await Promise.all(results.map((t) => t.data()));
      for (const t of [x, ...results]) t.dispose();
      await backend.dispose();
    });
    // gpu.js alone would start a pool per kernel: three pools here.
    expect(exits).toHaveLength(Math.min(availableParallelism(), 2));
    // Each of them has stopped (one left running would hold the test until jest's timeout).
    expect(await Promise.all(exits)).toHaveLength(exits.length);
    expect(() => ops.tensor([1], [1], 'float32', backend)).toThrow('upload: the gpujs backend was disposed');
  });
});
