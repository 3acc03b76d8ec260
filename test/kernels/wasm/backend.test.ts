// The wasm backend's storage: tensors are views into one shared memory, freed blocks are reused,
// a linear weight's packed copy lives exactly as long as the weight, and misuse is an error that
// says what went wrong.

import '../../../index.js';
import '../../../kernels/wasm/register.js';
import { ops } from '../../../index.js';
import { sizeClass } from '../../../kernels/wasm/arena.js';
import { WasmBackend } from '../../../kernels/wasm/backend.js';
import { describeUploadFrom } from '../../engine/uploadFrom.js';
import { compareValues } from '../compare.js';
import { fileBackends } from '../fileBackends.js';
import { Random } from '../random.js';

const backends = fileBackends({ wasm: () => WasmBackend.create({ threads: 2 }) });

describe('WasmBackend storage', () => {
  it('keeps tensors as views into its shared memory, and copies on upload and read', async () => {
    const data = Float32Array.of(1, 2, 3);
    const t = ops.tensor(data, [3], 'float32', backends.wasm);
    const storage = t.info().storage as Float32Array;
    expect(storage.buffer.constructor.name).toBe('SharedArrayBuffer');
    expect(storage).not.toBe(data);
    const read = await t.data();
    expect(read.buffer.constructor.name).toBe('ArrayBuffer'); // a plain copy, safe to keep
    expect([...read]).toEqual([1, 2, 3]);
    t.dispose();
  });

  it('counts live tensor storage and reuses freed blocks', () => {
    const before = backends.wasm.memory();
    const a = ops.tensor(new Float32Array(1000), [1000], 'float32', backends.wasm);
    expect(backends.wasm.memory().buffers).toBe(before.buffers + 1);
    expect(backends.wasm.memory().bytes).toBe(before.bytes + 4000);
    const offset = (a.info().storage as Float32Array).byteOffset;
    a.dispose();
    expect(backends.wasm.memory().buffers).toBe(before.buffers);
    const b = ops.tensor(new Float32Array(990), [990], 'float32', backends.wasm); // same size class
    expect((b.info().storage as Float32Array).byteOffset).toBe(offset);
    b.dispose();
  });

  it('packs a linear weight once, for each shape it is used with, and frees the packing with the weight', async () => {
    const random = new Random(11);
    const wData = random.floats(24);
    const xData = random.floats(12);
    const w = ops.tensor(wData.slice(), [6, 4], 'float32', backends.wasm);
    const x = ops.tensor(xData.slice(), [3, 4], 'float32', backends.wasm);
    const wAsSquare = ops.reshape(w, [4, 6]); // the same storage as another weight shape
    const xWide = ops.reshape(x, [2, 6]);
    const first = await ops.linear(x, w).data();
    const again = await ops.linear(x, w).data();
    const other = await ops.linear(xWide, wAsSquare).data();
    const wCpu = ops.tensor(wData.slice(), [6, 4], 'float32', backends.cpu);
    const xCpu = ops.tensor(xData.slice(), [3, 4], 'float32', backends.cpu);
    expect(compareValues(await ops.linear(xCpu, wCpu).data(), first)).toBeNull();
    expect(compareValues(await ops.linear(ops.reshape(xCpu, [2, 6]), ops.reshape(wCpu, [4, 6])).data(), other)).toBeNull();
    expect([...again]).toEqual([...first]);
    const pooled = backends.wasm.memory().pooledBytes ?? 0;
    wAsSquare.dispose();
    w.dispose();
    // The weight's block and its two packings (6×4 and 4×6 into 8-column panels) return to the pool.
    expect((backends.wasm.memory().pooledBytes ?? 0) - pooled).toBe(sizeClass(24 * 4) + sizeClass(8 * 4 * 4) + sizeClass(8 * 6 * 4));
    for (const t of [x, xWide]) t.dispose();
  });

  it('describes itself with its thread count', () => {
    const simd = backends.wasm.features.relaxed ? 'relaxed SIMD' : 'SIMD-128'; // relaxed where the engine has it (test/kernels/wasm/relaxed)
    expect(backends.wasm.description).toBe(`wasm: WebAssembly ${simd} kernels, 2 threads (Node worker_threads); other ops on the TypeScript reference kernels`);
    expect(backends.wasm.threads).toBe(2);
  });
});

describeUploadFrom('wasm', async () => backends.wasm);

describe('WasmBackend errors', () => {
  it('refuses bad options', async () => {
    await expect(WasmBackend.create({ threads: 0 })).rejects.toThrow('wasm backend: threads must be an integer in [1, 64], got 0');
    await expect(WasmBackend.create({ maxMemoryBytes: 1000 })).rejects.toThrow('wasm backend: maxMemoryBytes must be an integer in [4194304, 4294967296], got 1000');
  });

  it('says when a tensor would not fit in its memory', async () => {
    const small = await WasmBackend.create({ threads: 1, maxMemoryBytes: 8 << 20 });
    try {
      expect(() => ops.tensor(new Float32Array(4 << 20), [4 << 20], 'float32', small)).toThrow(/^wasm backend: out of memory: 16777216 more bytes would need \d+ bytes, over the maximum of 8388608$/);
    } finally {
      await small.dispose();
    }
  });

  it('refuses work after dispose, and lets tensors be disposed after it', async () => {
    const backend = await WasmBackend.create({ threads: 2 });
    const t = ops.tensor([1, 2, 3], [3], 'float32', backend);
    await backend.dispose();
    expect(() => ops.scale(t, 2)).toThrow('wasm backend: used after dispose()');
    expect(() => t.dispose()).not.toThrow();
  });
});
