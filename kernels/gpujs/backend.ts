// The gpujs backend: the engine's ops as gpu.js kernels, in whichever gpu.js mode is asked for.
//
// Ops return at once, but gpu.js kernels are asynchronous (webgpu always; webasm when it splits
// work over threads), so a tensor's storage is a promise of its values (storage.ts) and every
// kernel call, host computation, read and free is a job on one queue, in program order
// (queue.ts). Nothing waits for the device between kernels: on webgpu a kernel's result stays in
// a GPUBuffer that the next kernel binds, and only `read` copies values back.

import type { Backend, BackendMemory } from '../../engine/backend.js';
import { isWeightDType, type DType, type TypedArray } from '../../engine/dtype.js';
import { UnsupportedDTypeError } from '../../engine/errors.js';
import type { DegradedBackend } from '../../engine/select.js';
import { gpujsVersion } from '../../platform/gpujsPackage.js';
import { CpuBackend } from '../cpu/backend.js';
import type { DeviceArray, KernelArgument as DeviceArgument, DeviceMemory } from './deviceMemory.js';
import { destroyWebGpuContext, type GpuInstance } from './gpujs.js';
import { KernelCache } from './kernelCache.js';
import { setUpMode, type GpujsMode, type ModeSetup } from './modes.js';
import { MAX_EXACT_INDEX, type ArrayArgument, type Constants, type KernelArgument, type Program } from './program.js';
import { SerialQueue } from './queue.js';
import { GpujsStorage, type StoredValues, type ValueSpec } from './storage.js';
import { SharedWorkerPool } from './workerPool.js';

export interface GpujsBackendOptions {
  /** The gpu.js mode; default `auto` (gpu.js's own choice). */
  readonly mode?: GpujsMode;
}


/** WebGPU backends alive in this process: gpu.js shares one device between them. */
let webGpuBackends = 0;

export async function createGpujsBackend(options: GpujsBackendOptions = {}): Promise<GpujsBackend> {
  const requested = options.mode ?? 'auto';
  return new GpujsBackend(requested, await setUpMode(requested));
}

export class GpujsBackend implements Backend<GpujsStorage>, DegradedBackend {
  readonly name = 'gpujs';
  readonly description: string;
  readonly degraded?: string;
  /** The gpu.js mode kernels run in ('webasm', 'webgpu', 'cpu', …), never 'auto'. */
  readonly mode: string;
  /** Allocates the outputs of the CPU reference kernels that int32 ops run on the host. */
  readonly host = new CpuBackend();
  private readonly gpu: GpuInstance;
  private readonly memoryOf: DeviceMemory;
  private readonly pool?: SharedWorkerPool;
  private readonly kernels: KernelCache;
  private readonly queue = new SerialQueue();
  private buffers = 0;
  private bytes = 0;
  private disposed = false;

  constructor(
    readonly requestedMode: GpujsMode,
    setup: ModeSetup,
  ) {
    this.mode = setup.mode;
    this.gpu = setup.gpu;
    this.memoryOf = setup.memory;
    this.degraded = setup.degraded;
    const chosen = requestedMode === 'auto' ? `${setup.mode} mode, chosen by gpu.js` : `${setup.mode} mode`;
    this.description = `gpujs: gpu.js ${gpujsVersion()} kernels, ${chosen} (${setup.detail})`;
    if (setup.mode === 'webasm') this.pool = new SharedWorkerPool(setup.memory.threads);
    if (setup.mode === 'webgpu') webGpuBackends++;
    this.kernels = new KernelCache({ gpu: setup.gpu, mode: setup.mode, pipeline: setup.memory.pipeline, pool: this.pool });
  }

  /** How many kernels were compiled so far. */
  get compiledKernels(): number {
    return this.kernels.compiledCount;
  }

  // ---- the Backend interface ------------------------------------------------------------------

  upload(data: TypedArray, dtype: DType): GpujsStorage {
    this.assertLive('upload');
    if (isWeightDType(dtype)) throw new UnsupportedDTypeError('gpujs', dtype, 'its kernels read float32 only (use --backend cpu, wasm or webgpu for --dtype fp16 or q8)');
    if (dtype === 'int32') return this.track('int32', data.length, Promise.resolve(data as Int32Array));
    return this.track('float32', data.length, Promise.resolve(this.memoryOf.upload(data as Float32Array)));
  }

  read(storage: GpujsStorage, _dtype: DType, size: number): Promise<TypedArray> {
    this.assertLive('read');
    return this.queue.enqueue(async () => {
      const values = await storage.values;
      return values instanceof Int32Array ? values.slice(0, size) : this.memoryOf.read(values, size);
    });
  }

  free(storage: GpujsStorage): void {
    this.buffers--;
    this.bytes -= storage.size * 4;
    if (this.disposed) return;
    // Queued, so every kernel issued before the free has read the values first.
    void this.queue.enqueue(async () => {
      const values = await storage.values.catch(() => undefined);
      if (values !== undefined && !(values instanceof Int32Array)) this.memoryOf.release(values);
    });
  }

  memory(): BackendMemory {
    return { buffers: this.buffers, bytes: this.bytes };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue.drain();
    this.kernels.destroyAll();
    this.pool?.destroy();
    await this.gpu.destroy();
    if (this.mode === 'webgpu' && --webGpuBackends === 0) await destroyWebGpuContext();
  }

  /** Resolves when every op issued so far has finished on the device (for timing). */
  async flush(): Promise<void> {
    this.assertLive('flush');
    await this.queue.enqueue(() => this.memoryOf.settle());
  }

  // ---- what kernels use -----------------------------------------------------------------------

  /** Runs a gpu.js kernel over `output` ([x], [x, y] or [x, y, z], x fastest): float32 storage of its values. */
  run<C extends Constants>(program: Program<C>, output: readonly number[], args: readonly KernelArgument[]): GpujsStorage {
    this.assertLive(program.name);
    const size = output.reduce((p, d) => p * d, 1);
    const tooLarge = output.find((d) => d >= MAX_EXACT_INDEX);
    if (tooLarge !== undefined) {
      throw new Error(`${program.name}: an output dimension of ${tooLarge} is beyond what gpu.js's float32 thread ids count exactly (2^24)`);
    }
    return this.produce('float32', size, async () => {
      if (size === 0) return this.memoryOf.upload(new Float32Array(0));
      const prepared: DeviceArgument[] = [];
      try {
        for (const arg of args) prepared.push(typeof arg === 'number' ? { value: arg, release: () => {} } : await this.argument(program.name, arg));
        const dims = args.map((arg) => (typeof arg === 'number' ? null : arg.dims));
        const kernel = this.kernels.get(program, output, dims);
        const result: unknown = await (kernel as unknown as (...values: unknown[]) => unknown)(...prepared.map((p) => p.value));
        this.kernels.verify(program, kernel);
        return this.memoryOf.adopt(result, size);
      } finally {
        for (const p of prepared) p.release();
      }
    });
  }

  /**
   * Computes on the host, in queue order: `compute` gets every input as a host typed array
   * (float32 values are read back from the device) and returns one array per output spec;
   * float32 outputs go back to the device.
   */
  onHost(inputs: readonly GpujsStorage[], outputs: readonly ValueSpec[], compute: (values: TypedArray[]) => TypedArray[]): GpujsStorage[] {
    this.assertLive('host computation');
    const job = this.queue.enqueue(async () => {
      const values: TypedArray[] = [];
      for (const input of inputs) values.push(await this.hostValues(input));
      return compute(values).map((result, i): StoredValues => (outputs[i].dtype === 'int32' ? (result as Int32Array) : this.memoryOf.upload(result as Float32Array)));
    });
    return outputs.map((spec, i) => this.track(spec.dtype, spec.size, job.then((results) => results[i])));
  }

  // ---- internals ------------------------------------------------------------------------------

  private async argument(kernelName: string, arg: ArrayArgument): Promise<DeviceArgument> {
    const { storage, dims } = arg;
    if (storage.dtype !== 'float32') throw new Error(`${kernelName}: kernels read float32 storage only (internal error)`);
    const values = (await storage.values) as DeviceArray;
    if (storage.size === 0) {
      // gpu.js cannot bind an empty array; kernels never index an empty one (their loops run 0 times).
      const stand = this.memoryOf.upload(new Float32Array(1));
      const view = this.memoryOf.argument(stand, [1]);
      const release = () => {
        view.release();
        this.memoryOf.release(stand);
      };
      return { value: view.value, release };
    }
    if (dims.reduce((p, d) => p * d, 1) !== storage.size) {
      throw new Error(`${kernelName}: argument dims [${dims}] do not cover its ${storage.size} values (internal error)`);
    }
    return this.memoryOf.argument(values, dims);
  }

  private async hostValues(storage: GpujsStorage): Promise<TypedArray> {
    const values = await storage.values;
    return values instanceof Int32Array ? values : this.memoryOf.read(values, storage.size);
  }

  private produce(dtype: DType, size: number, job: () => Promise<StoredValues>): GpujsStorage {
    return this.track(dtype, size, this.queue.enqueue(job));
  }

  private track(dtype: DType, size: number, values: Promise<StoredValues>): GpujsStorage {
    // A failure surfaces where the values are read; a storage nobody reads must not raise an
    // unhandled rejection.
    values.catch(() => undefined);
    this.buffers++;
    this.bytes += size * 4;
    return new GpujsStorage(dtype, size, values);
  }

  private assertLive(what: string): void {
    if (this.disposed) throw new Error(`${what}: the gpujs backend was disposed`);
  }
}
