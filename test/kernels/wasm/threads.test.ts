// The thread pool on a probe module: every work item runs exactly once, the workers really take
// part, and a kernel that fails on a worker thread becomes an error on the calling thread (never
// a hang), after which the pool keeps working.

import { f32, f64, i32 } from '../../../kernels/wasm/emit/expr.js';
import { ModuleBuilder } from '../../../kernels/wasm/emit/module.js';
import { CONTROL_BYTES } from '../../../kernels/wasm/control.js';
import { ThreadPool } from '../../../kernels/wasm/threads.js';
import { WebAssemblyApi, type WasmMemory } from '../../../kernels/wasm/webAssemblyApi.js';

type Export = (...args: number[]) => void;

/**
 * mark(spin, sink, begin, end, scratch): for each item, busy-wait `spin` steps (their result goes
 * to sink, so the loop is not optimised away), then store 1 at scratch + 4·item.
 */
function probeModule(): Uint8Array {
  const m = new ModuleBuilder();
  const f = m.function('mark', { spin: 'i32', sink: 'i32', begin: 'i32', end: 'i32', scratch: 'i32' });
  const { spin, sink, begin, end, scratch } = f.params;
  const item = f.local('i32', 'item');
  const step = f.local('i32', 'step');
  const busy = f.local('i32', 'busy');
  f.forRange(item, begin, end, 1, () => {
    f.forRange(step, 0, spin, 1, () => f.set(busy, i32.add(i32.mul(busy, 3), step)));
    f.storeF32(sink, f32.demoteF64(f64.convertI32(busy)));
    f.storeF32(i32.add(scratch, i32.shl(item, 2)), 1);
  });
  return m.encode(true);
}

const ITEMS = 16;
let memory: WasmMemory;
let pool: ThreadPool;
let mark: Export;
/** Each thread's marks: thread t's region holds a 1 for every item it ran. */
const regions = [CONTROL_BYTES, CONTROL_BYTES + 4 * ITEMS];
const SINK = CONTROL_BYTES + 8 * ITEMS;

beforeAll(async () => {
  memory = new WebAssemblyApi.Memory({ initial: 1, maximum: 16, shared: true });
  const module = await WebAssemblyApi.compile(probeModule());
  mark = (await WebAssemblyApi.instantiate(module, { env: { memory } })).exports.mark as Export;
  pool = await ThreadPool.start(module, memory, 2, 1000);
});

afterAll(async () => {
  await pool.dispose();
});

function marks(thread: number): number[] {
  return [...new Float32Array(memory.buffer, regions[thread], ITEMS)];
}

describe('ThreadPool', () => {
  it('runs every item exactly once, on both threads', () => {
    // Slow items (some milliseconds each), so the worker wakes before the main thread is done.
    // On a busy machine it may wake too late for one run, so each thread must take part in one
    // of a few runs; every run must still run every item exactly once.
    const ran = { main: 0, worker: 0 };
    for (let run = 0; run < 20 && (ran.main === 0 || ran.worker === 0); run++) {
      new Float32Array(memory.buffer, regions[0], 2 * ITEMS).fill(0);
      pool.run(0, mark, 'mark', [2_000_000, SINK], ITEMS, regions);
      const [main, worker] = [marks(0), marks(1)];
      expect(main.map((m, i) => m + worker[i])).toEqual(Array<number>(ITEMS).fill(1));
      ran.main += main.filter((m) => m === 1).length;
      ran.worker += worker.filter((m) => m === 1).length;
    }
    expect(ran.main).toBeGreaterThan(0);
    expect(ran.worker).toBeGreaterThan(0);
  });

  it('turns a trap on a worker thread into an error on the caller, and keeps working', () => {
    const outOfBounds = 0x7ffffff0; // the worker's scratch, far beyond the memory
    expect(() => pool.run(0, mark, 'mark', [2_000_000, SINK], ITEMS, [regions[0], outOfBounds])).toThrow(
      /^wasm backend: mark failed on worker thread 1: RuntimeError: memory access out of bounds/,
    );
    new Float32Array(memory.buffer, regions[0], 2 * ITEMS).fill(0);
    pool.run(0, mark, 'mark', [1000, SINK], ITEMS, regions);
    expect(marks(0).map((m, i) => m + marks(1)[i])).toEqual(Array<number>(ITEMS).fill(1));
  });

  it('checks its arguments', async () => {
    await expect(ThreadPool.start(await WebAssemblyApi.compile(probeModule()), memory, 0, 0)).rejects.toThrow('wasm backend: threads must be an integer in [1, 64], got 0');
    expect(() => pool.run(0, mark, 'mark', Array<number>(25).fill(0), 1, regions)).toThrow('wasm backend: mark has 25 arguments, more than the 24 a job can carry');
  });
});
