// The wasm backend: tensors live in one WebAssembly.Memory, shared by every thread, and a tensor's
// storage is a Float32Array or Int32Array view into it. So the SIMD kernels (given byte offsets)
// and the CPU reference kernels (given the views, for the ops with no SIMD kernel) work on the
// same data without copies. The memory is shared (SharedArrayBuffer-backed), so it can grow
// without invalidating the views tensors already hold.
//
// Weights: a `linear` weight [N, K] is packed into the panel layout the matrix kernel reads
// (simd/gemm.ts) the first time it is used, and the packed copy is kept until the weight's
// storage is freed. Packing on first use rather than on upload means only tensors that really
// are linear weights get a second copy — not the embedding tables `gather` reads as they are
// (unless a head uses one as a weight too, as the masked-LM decoder does with the word
// embeddings) — and a weight used with two shapes simply gets two packings. For roberta-base
// the packed copies add 340 MB to the 500 MB of weights, and packing them all takes ~0.2 s
// of CPU, during the first forward pass.

import type { BackendMemory } from '../../engine/backend.js';
import type { DType, TypedArray } from '../../engine/dtype.js';
import type { HostBackend } from '../cpu/kernel.js';
import { Arena, BLOCK_ALIGN } from './arena.js';
import { compileKernels } from './compile.js';
import { CONTROL_BYTES } from './control.js';
import { MAX_PAGES } from './emit/module.js';
import { NR } from './simd/gemm.js';
import { buildKernelModule } from './program.js';
import { threadSupport, ThreadPool } from './threads.js';
import { WebAssemblyApi, type WasmMemory } from './webAssemblyApi.js';

export interface WasmBackendOptions {
  /** Threads to run kernels on, the calling thread included (default: one per core where workers are possible). */
  readonly threads?: number;
  /** The most memory the backend may use, in bytes (default 4 GiB, the most a 32-bit memory can address; 1 GiB without shared memory). */
  readonly maxMemoryBytes?: number;
  /** How long an idle worker spins before sleeping, in loop iterations (default 2000, a few microseconds). */
  readonly spin?: number;
}

type Export = (...args: number[]) => void;

const PAGE = 65536;
const INITIAL_PAGES = 64;
const DEFAULT_SPIN = 2000;
/** An unshared memory cannot grow (growing would detach every view), so it is made this large at once. */
const DEFAULT_UNSHARED_BYTES = 1 << 30;
/** Below this many multiply-adds (or elements), a kernel runs on the calling thread alone: waking workers costs more. */
const MIN_PARALLEL_WORK = 1 << 15;

interface PackedWeight {
  readonly n: number;
  readonly k: number;
  readonly offset: number;
}

export class WasmBackend implements HostBackend {
  readonly name = 'wasm';
  private readonly arena: Arena;
  private readonly exportIndex = new Map<string, number>();
  private readonly packed = new Map<TypedArray, PackedWeight[]>();
  /** One scratch region per thread (their offsets), grown to the largest asked for. */
  private scratch: { offsets: number[]; bytesPerThread: number } | undefined;
  /** A region for the small per-call tables kernels read (batch offsets, mask rows). */
  private table: { offset: number; bytes: number } | undefined;
  private tensors = 0;
  private tensorBytes = 0;
  private disposed = false;

  private constructor(
    readonly description: string,
    private readonly wasmMemory: WasmMemory,
    private readonly exports: Readonly<Record<string, Export>>,
    private readonly pool: ThreadPool,
    maxBytes: number,
  ) {
    this.arena = new Arena(wasmMemory, CONTROL_BYTES, maxBytes);
    Object.keys(exports).forEach((name, i) => this.exportIndex.set(name, i));
  }

  static async create(options: WasmBackendOptions = {}): Promise<WasmBackend> {
    const support = await threadSupport();
    const threads = options.threads ?? support.threads;
    if (threads > 1 && !support.sharedMemory) throw new Error(`wasm backend: ${threads} threads asked for, but ${support.reason}`);
    const maxBytes = options.maxMemoryBytes ?? (support.sharedMemory ? MAX_PAGES * PAGE : DEFAULT_UNSHARED_BYTES);
    if (!Number.isInteger(maxBytes) || maxBytes < INITIAL_PAGES * PAGE || maxBytes > MAX_PAGES * PAGE) {
      throw new Error(`wasm backend: maxMemoryBytes must be an integer in [${INITIAL_PAGES * PAGE}, ${MAX_PAGES * PAGE}], got ${maxBytes}`);
    }
    const maxPages = Math.floor(maxBytes / PAGE);
    const memory = support.sharedMemory
      ? new WebAssemblyApi.Memory({ initial: INITIAL_PAGES, maximum: maxPages, shared: true })
      : new WebAssemblyApi.Memory({ initial: maxPages });
    const module = await compileKernels(buildKernelModule(support.sharedMemory));
    const instance = await WebAssemblyApi.instantiate(module, { env: { memory } });
    const pool = await ThreadPool.start(module, memory, threads, options.spin ?? DEFAULT_SPIN);
    const where = threads > 1 ? `${threads} threads (${support.reason})` : support.sharedMemory ? 'one thread' : support.reason;
    const description = `wasm: WebAssembly SIMD-128 kernels, ${where}; other ops on the TypeScript reference kernels`;
    return new WasmBackend(description, memory, instance.exports as Readonly<Record<string, Export>>, pool, maxPages * PAGE);
  }

  get threads(): number {
    return this.pool.threads;
  }

  upload(data: TypedArray, dtype: DType): TypedArray {
    const storage = this.allocate(dtype, data.length);
    storage.set(data);
    return storage;
  }

  uploadFrom(dtype: DType, size: number, fill: (write: (bytes: Uint8Array, byteOffset: number) => void) => void): TypedArray {
    const storage = this.allocate(dtype, size);
    // The storage's bytes, so each piece lands with a byte copy; `set` refuses a piece past the end.
    const bytes = new Uint8Array(storage.buffer, storage.byteOffset, storage.byteLength);
    try {
      fill((piece, byteOffset) => bytes.set(piece, byteOffset));
    } catch (error) {
      this.free(storage);
      throw error;
    }
    return storage;
  }

  /** A new tensor storage of `size` elements in the shared memory (contents undefined). */
  allocate(dtype: DType, size: number): TypedArray {
    this.assertLive();
    const offset = this.arena.alloc(size * 4);
    this.tensors++;
    this.tensorBytes += size * 4;
    return this.view(dtype, offset, size);
  }

  async read(storage: TypedArray, dtype: DType, size: number): Promise<TypedArray> {
    return this.readSync(storage, dtype, size);
  }

  /** A copy in ordinary (unshared) memory. */
  readSync(storage: TypedArray, _dtype: DType, size: number): TypedArray {
    return storage.slice(0, size);
  }

  free(storage: TypedArray): void {
    if (this.disposed) return;
    this.arena.free(storage.byteOffset);
    this.tensors--;
    this.tensorBytes -= storage.byteLength;
    for (const p of this.packed.get(storage) ?? []) this.arena.free(p.offset);
    this.packed.delete(storage);
  }

  memory(): BackendMemory {
    return { buffers: this.tensors, bytes: this.tensorBytes, pooledBytes: this.arena.stats().pooledBytes };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.pool.dispose();
  }

  /**
   * Runs kernel export `name` as name(...args, begin, end, scratch) over work items [0, items),
   * split between the threads when there is enough `work` to be worth it. Each thread gets
   * `scratchFloats` floats of scratch memory of its own.
   */
  run(name: string, args: readonly number[], items: number, work: number, scratchFloats = 0): void {
    this.assertLive();
    const index = this.exportIndex.get(name);
    if (index === undefined) throw new Error(`wasm backend: the module has no kernel named ${name}`);
    const local = this.exports[name];
    const scratch = this.scratchRegions(scratchFloats);
    if (work < MIN_PARALLEL_WORK || this.pool.threads === 1) {
      if (items > 0) local(...args, 0, items, scratch[0]);
      return;
    }
    this.pool.run(index, local, name, args, items, scratch);
  }

  /**
   * The byte offset of the packed panels of `weight` [n, k] (see simd/gemm.ts), packing them
   * on first use (in parallel, as the packing kernel splits by panel).
   */
  packedWeight(weight: TypedArray, n: number, k: number): number {
    const known = this.packed.get(weight)?.find((p) => p.n === n && p.k === k);
    if (known) return known.offset;
    const panels = Math.ceil(n / NR);
    const offset = this.arena.alloc(panels * NR * k * 4);
    this.run('packWeight', [weight.byteOffset, k, n, offset], panels, n * k);
    const list = this.packed.get(weight) ?? [];
    list.push({ n, k, offset });
    this.packed.set(weight, list);
    return offset;
  }

  /** An Int32Array of `length` entries in the shared memory, valid until the next call (kernels fill it with tables). */
  tableOf(length: number): Int32Array {
    const bytes = Math.max(length * 4, BLOCK_ALIGN);
    if (!this.table || this.table.bytes < bytes) {
      if (this.table) this.arena.free(this.table.offset);
      this.table = { offset: this.arena.alloc(bytes), bytes };
    }
    return new Int32Array(this.wasmMemory.buffer, this.table.offset, length);
  }

  /** The whole memory as 32-bit words, for copies between tensors (valid until the memory grows). */
  wordsView(): Int32Array {
    return new Int32Array(this.wasmMemory.buffer);
  }

  private scratchRegions(floats: number): readonly number[] {
    const bytesPerThread = Math.max(BLOCK_ALIGN, Math.ceil((floats * 4) / BLOCK_ALIGN) * BLOCK_ALIGN);
    if (!this.scratch || this.scratch.bytesPerThread < bytesPerThread) {
      if (this.scratch) this.arena.free(this.scratch.offsets[0]);
      const offset = this.arena.alloc(bytesPerThread * this.pool.threads);
      this.scratch = { offsets: Array.from({ length: this.pool.threads }, (_, t) => offset + t * bytesPerThread), bytesPerThread };
    }
    return this.scratch.offsets;
  }

  private view(dtype: DType, offset: number, size: number): TypedArray {
    return dtype === 'float32' ? new Float32Array(this.wasmMemory.buffer, offset, size) : new Int32Array(this.wasmMemory.buffer, offset, size);
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('wasm backend: used after dispose()');
  }
}
