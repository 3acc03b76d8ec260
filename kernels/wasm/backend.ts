// The wasm backend: tensors live in one WebAssembly.Memory, shared by every thread, and a tensor's
// storage is a Float32Array or Int32Array view into it. So the SIMD kernels (given byte offsets)
// and the CPU reference kernels (given the views, for the ops with no SIMD kernel) work on the
// same data without copies. The memory is shared (SharedArrayBuffer-backed), so it can grow
// without invalidating the views tensors already hold.
//
// Weights: a `linear` weight [N, K] is packed into the panel layout the matrix kernel reads
// (simd/gemm.ts) the first time it is used. Packing on first use rather than on upload means only
// tensors that really are linear weights are packed — not the embedding tables `gather` reads.
// When the panels take exactly the weight's own floats (N a multiple of NR, the storage exactly
// N·K elements — every encoder weight of RoBERTa), the weight is packed IN PLACE: its storage
// then holds the panels, and the backend remembers that. Everything else still sees the
// row-major values: `read` unpacks into the copy it returns, and every other kernel input
// (register.ts wraps every kernel so) is unpacked in place first — for good: such a weight is
// marked shared and `linear` packs a separate copy of it from then on, so a weight two ops read
// every forward (the masked-LM decoder tied to the word embeddings) settles after one forward
// instead of being repacked each time. A weight with N not a multiple of NR, or used by `linear`
// with two shapes, gets a separate packed copy per shape, kept until the weight is freed.
//
// Packing in place reads every row of the weight for each panel, so it packs from a temporary
// copy in the arena, one weight at a time; the arena keeps those blocks pooled for reuse (for
// roberta-base one of each weight size's class: 2.6 + 10.5 MB). Unpacking in place copies the
// panels to a temporary host array (the weight's size, garbage once done). For roberta-base
// (475 MiB of weights) only the classifier's 4×768 output weight gets a copy (24 KiB), where
// separate copies of every weight added 340 MB: after loading and one forward of 128 tokens the
// process holds ~577 MB instead of ~892 MB. Packing still happens during the first forward pass.
// A `memory()` report counts the separate copies in `bytes`.
//
// int8 and float16 weights are stored at 1 and 2 bytes per element. An int8 weight
// (quantizedLinear's) is packed the same way, in place, into the k-pair panels of
// simd/int8Gemm.ts; a float16 weight is never packed: linear widens each panel as it goes.

import type { BackendMemory } from '../../engine/backend.js';
import { bytesPerElement, viewOf, type DType, type TypedArray } from '../../engine/dtype.js';
import type { HostBackend } from '../cpu/kernel.js';
import { Arena, BLOCK_ALIGN } from './arena.js';
import { compileKernels, relaxedSimdOverride } from '../../platform/wasmHost.js';
import { CONTROL_BYTES } from './control.js';
import { chooseSimdFeatures, type SimdFeatures } from './features.js';
import { MAX_PAGES } from './emit/module.js';
import { packInt8Panels, unpackInt8Panels, unpackPanels } from './panels.js';
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
  /**
   * Build the kernels with relaxed SIMD (features.ts): default where the engine has it, or as the
   * host's override says (in Node, ROBERTA_WASM_RELAXED=0 or 1). `true` where the engine lacks it is an error.
   */
  readonly relaxedSimd?: boolean;
}

type Export = (...args: number[]) => void;

const PAGE = 65536;
const INITIAL_PAGES = 64;
const DEFAULT_SPIN = 2000;
/** An unshared memory cannot grow (growing would detach every view), so it is made this large at once. */
const DEFAULT_UNSHARED_BYTES = 1 << 30;
/** Below this many multiply-adds (or elements), a kernel runs on the calling thread alone: waking workers costs more. */
const MIN_PARALLEL_WORK = 1 << 15;

interface WeightShape {
  readonly n: number;
  readonly k: number;
}

interface PackedWeight extends WeightShape {
  readonly offset: number;
  readonly bytes: number;
}

export class WasmBackend implements HostBackend {
  readonly name = 'wasm';
  private readonly arena: Arena;
  private readonly exportIndex = new Map<string, number>();
  /** Separate packed copies of linear weights, per weight storage. */
  private readonly packed = new Map<TypedArray, PackedWeight[]>();
  /** Weight storages holding their own panels (packed in place), as the shape they were packed for. */
  private readonly packedInPlace = new Map<TypedArray, WeightShape>();
  /** Weights once packed in place that another op read since: linear uses separate copies of them. */
  private readonly shared = new Set<TypedArray>();
  private packedBytes = 0;
  /** One scratch region per thread (their offsets), grown to the largest asked for. */
  private scratch: { offsets: number[]; bytesPerThread: number } | undefined;
  /** A region for the small per-call tables kernels read (batch offsets, mask rows). */
  private table: { offset: number; bytes: number } | undefined;
  private tensors = 0;
  private tensorBytes = 0;
  private disposed = false;

  private constructor(
    readonly description: string,
    /** The optional instructions the kernels were built with. */
    readonly features: SimdFeatures,
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
    const features = chooseSimdFeatures(options.relaxedSimd ?? relaxedSimdOverride());
    const module = await compileKernels(buildKernelModule(support.sharedMemory, features));
    const instance = await WebAssemblyApi.instantiate(module, { env: { memory } });
    const pool = await ThreadPool.start(module, memory, threads, options.spin ?? DEFAULT_SPIN);
    const where = threads > 1 ? `${threads} threads (${support.reason})` : support.sharedMemory ? 'one thread' : support.reason;
    const simd = features.relaxed ? 'relaxed SIMD' : 'SIMD-128';
    const description = `wasm: WebAssembly ${simd} kernels, ${where}; other ops on the TypeScript reference kernels`;
    return new WasmBackend(description, features, memory, instance.exports as Readonly<Record<string, Export>>, pool, maxPages * PAGE);
  }

  get threads(): number {
    return this.pool.threads;
  }

  /** Which code paths run here, for `roberta info`. */
  kernelPaths(): Readonly<Record<string, string | number>> {
    return {
      simd: this.features.relaxed ? 'relaxed-simd' : 'simd128',
      threads: this.threads,
      f32: this.features.relaxed ? 'f32x4.relaxed_madd' : 'f32x4.mul + f32x4.add',
      int8: 'i32x4.dot_i16x8_s',
      fp16: 'widened to f32 per panel',
    };
  }

  upload(data: TypedArray, dtype: DType): TypedArray {
    const storage = this.allocate(dtype, data.length);
    storage.set(data);
    return storage;
  }

  uploadFrom(dtype: DType, size: number, fill: (write: (bytes: Uint8Array, byteOffset: number) => void) => void): TypedArray {
    const storage = this.allocate(dtype, size);
    // The storage's bytes, so each piece lands with a byte copy.
    const bytes = new Uint8Array(storage.buffer, storage.byteOffset, storage.byteLength);
    try {
      fill((piece, byteOffset) => {
        // `set` would refuse too, but with a bare "offset is out of bounds".
        if (byteOffset < 0 || byteOffset + piece.byteLength > bytes.byteLength) {
          throw new RangeError(`wasm: uploadFrom: a piece of ${piece.byteLength} bytes at byte ${byteOffset} is not within the tensor's ${bytes.byteLength} bytes`);
        }
        bytes.set(piece, byteOffset);
      });
    } catch (error) {
      this.free(storage);
      throw error;
    }
    return storage;
  }

  /** A new tensor storage of `size` elements in the shared memory (contents undefined). */
  allocate(dtype: DType, size: number): TypedArray {
    this.assertLive();
    const bytes = size * bytesPerElement(dtype);
    const offset = this.arena.alloc(bytes);
    this.tensors++;
    this.tensorBytes += bytes;
    return viewOf(dtype, this.wasmMemory.buffer, offset, size);
  }

  async read(storage: TypedArray, dtype: DType, size: number): Promise<TypedArray> {
    return this.readSync(storage, dtype, size);
  }

  /** A copy in ordinary (unshared) memory, in row-major layout even when the storage holds packed panels. */
  readSync(storage: TypedArray, _dtype: DType, size: number): TypedArray {
    const shape = this.packedInPlace.get(storage);
    if (!shape) return storage.slice(0, size);
    const values = storage instanceof Int8Array ? new Int8Array(shape.n * shape.k) : new Float32Array(shape.n * shape.k);
    unpackInto(storage, shape, values);
    return size === values.length ? values : values.slice(0, size);
  }

  free(storage: TypedArray): void {
    if (this.disposed) return;
    this.arena.free(storage.byteOffset);
    this.tensors--;
    this.tensorBytes -= storage.byteLength;
    this.freePackedCopies(storage);
    this.packedInPlace.delete(storage);
    this.shared.delete(storage);
  }

  /** `bytes` counts the tensors' storage and the separate packed copies of linear weights. */
  memory(): BackendMemory {
    return { buffers: this.tensors, bytes: this.tensorBytes + this.packedBytes, pooledBytes: this.arena.stats().pooledBytes };
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
   * The byte offset of the packed panels of `weight` [n, k] (see simd/gemm.ts), packing them on
   * first use (in parallel, as the packing kernel splits by panel): into the weight's own storage
   * where they fit exactly and nothing else has read it packed, else into a separate copy.
   */
  packedWeight(weight: TypedArray, n: number, k: number): number {
    if (weight instanceof Int8Array) return this.packedInt8Weight(weight, n, k);
    const inPlace = this.packedInPlace.get(weight);
    if (inPlace?.n === n && inPlace.k === k) return weight.byteOffset;
    // Packed in place for another shape: back to row-major, and a copy for each shape.
    if (inPlace) this.unpackForGood(weight);
    const known = this.packed.get(weight)?.find((p) => p.n === n && p.k === k);
    if (known) return known.offset;
    if (n % NR === 0 && weight.length === n * k && !this.shared.has(weight) && !this.packed.has(weight)) {
      this.packInPlace(weight, n, k);
      return weight.byteOffset;
    }
    const panels = Math.ceil(n / NR);
    const bytes = panels * NR * k * 4;
    const offset = this.arena.alloc(bytes);
    this.run('packWeight', [weight.byteOffset, k, n, offset], panels, n * k);
    const list = this.packed.get(weight) ?? [];
    list.push({ n, k, offset, bytes });
    this.packed.set(weight, list);
    this.packedBytes += bytes;
    return offset;
  }

  /**
   * Makes `storage` hold its row-major values before a kernel other than linear (as its weight)
   * reads it. A weight packed in place is unpacked for good: it is marked shared, and linear packs
   * a separate copy of it from then on.
   */
  unpackForGood(storage: TypedArray): void {
    const shape = this.packedInPlace.get(storage);
    if (!shape) return;
    const values = storage instanceof Int8Array ? storage : floatsOf(storage);
    unpackInto(values.slice(), shape, values);
    this.packedInPlace.delete(storage);
    this.shared.add(storage);
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

  /**
   * The byte offset of an int8 weight's panels (simd/int8Gemm.ts), packed on first use: in place
   * where they take exactly its bytes (n a multiple of NR, k even: every RoBERTa weight) and
   * nothing else has read it packed, else into a separate copy per shape, as for float32 weights.
   */
  private packedInt8Weight(weight: Int8Array, n: number, k: number): number {
    const inPlace = this.packedInPlace.get(weight);
    if (inPlace?.n === n && inPlace.k === k) return weight.byteOffset;
    if (inPlace) this.unpackForGood(weight);
    const known = this.packed.get(weight)?.find((p) => p.n === n && p.k === k);
    if (known) return known.offset;
    const bytes = Math.ceil(n / NR) * NR * Math.ceil(k / 2) * 2;
    if (bytes === n * k && weight.length === n * k && !this.shared.has(weight) && !this.packed.has(weight)) {
      packInt8Panels(weight.slice(), n, k, weight);
      this.packedInPlace.set(weight, { n, k });
      return weight.byteOffset;
    }
    const offset = this.arena.alloc(bytes);
    packInt8Panels(weight, n, k, new Int8Array(this.wasmMemory.buffer, offset, bytes));
    const list = this.packed.get(weight) ?? [];
    list.push({ n, k, offset, bytes });
    this.packed.set(weight, list);
    this.packedBytes += bytes;
    return offset;
  }

  /** Packs `weight` into its own storage, reading from a temporary copy in the arena (the panels overwrite rows still to be read). */
  private packInPlace(weight: TypedArray, n: number, k: number): void {
    const copy = this.arena.alloc(n * k * 4);
    const at = weight.byteOffset / 4;
    this.wordsView().copyWithin(copy / 4, at, at + n * k);
    this.run('packWeight', [copy, k, n, weight.byteOffset], n / NR, n * k);
    this.arena.free(copy);
    this.packedInPlace.set(weight, { n, k });
  }

  private freePackedCopies(storage: TypedArray): void {
    for (const p of this.packed.get(storage) ?? []) {
      this.arena.free(p.offset);
      this.packedBytes -= p.bytes;
    }
    this.packed.delete(storage);
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

  private assertLive(): void {
    if (this.disposed) throw new Error('wasm backend: used after dispose()');
  }
}

/** A linear weight's storage as the Float32Array it is (the TypedArray type does not say which). */
function floatsOf(storage: TypedArray): Float32Array {
  return new Float32Array(storage.buffer, storage.byteOffset, storage.length);
}

/** Writes the row-major weight held as packed panels (float32, or int8) into `out`. */
function unpackInto(panels: TypedArray, { n, k }: WeightShape, out: TypedArray): void {
  if (panels instanceof Int8Array) unpackInt8Panels(panels, n, k, out as Int8Array);
  else unpackPanels(floatsOf(panels), n, k, out as Float32Array);
}
