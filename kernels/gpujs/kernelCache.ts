// Compiled kernels, one per (program, output size, argument sizes, constants). gpu.js compiles a
// kernel for fixed sizes and constants — webasm bakes every dimension into the bytecode, webgpu
// builds a pipeline per shader — so a new shape means a new kernel. The cache is bounded: past
// `limit` kernels the least recently used one is destroyed (its results stay valid).

import { fallbackReasonOf, modeOf, type CompiledKernel, type GpuInstance, type KernelSettings } from './gpujs.js';
import type { Constants, Program } from './program.js';
import type { SharedWorkerPool } from './workerPool.js';

export interface KernelCacheOptions {
  readonly gpu: GpuInstance;
  /** The gpu.js mode every kernel must run in; a kernel gpu.js moved elsewhere is an error. */
  readonly mode: string;
  /** Device-resident results (`pipeline: true`), where the mode has a device. */
  readonly pipeline: boolean;
  readonly pool?: SharedWorkerPool;
  readonly limit?: number;
}

export class KernelCache {
  private readonly kernels = new Map<string, CompiledKernel>();
  private readonly verified = new WeakSet<CompiledKernel>();
  private compiled = 0;

  constructor(private readonly options: KernelCacheOptions) {}

  /** How many kernels were compiled so far (for tests and reports). */
  get compiledCount(): number {
    return this.compiled;
  }

  get<C extends Constants>(program: Program<C>, output: readonly number[], argumentDims: readonly (readonly number[] | null)[]): CompiledKernel {
    const key = [program.name, output.join('x'), argumentDims.map((d) => (d ? d.join('x') : 's')).join(','), JSON.stringify(program.constants)].join('|');
    const cached = this.kernels.get(key);
    if (cached) {
      // Map order is the LRU order.
      this.kernels.delete(key);
      this.kernels.set(key, cached);
      return cached;
    }
    const settings: KernelSettings = {
      output: [...output],
      constants: program.constants,
      functions: (program.functions ?? []) as unknown as Function[],
      // Each call gets a fresh result (never the previous call's buffer), returned as a Promise;
      // under that contract webasm splits large kernels over its worker threads.
      pipeline: this.options.pipeline,
      immutable: true,
      asyncMode: true,
      precision: 'single',
      tactic: 'precision',
    };
    const kernel = this.options.gpu.createKernel(program.source as never, settings);
    this.options.pool?.lend(kernel.kernel);
    this.compiled++;
    this.kernels.set(key, kernel);
    while (this.kernels.size > (this.options.limit ?? 64)) {
      const [oldestKey, oldest] = this.kernels.entries().next().value as [string, CompiledKernel];
      this.kernels.delete(oldestKey);
      oldest.destroy();
    }
    return kernel;
  }

  /** After a kernel's first call: gpu.js degrades unsupported kernels to its cpu backend with only a console warning. */
  verify<C extends Constants>(program: Program<C>, kernel: CompiledKernel): void {
    if (this.verified.has(kernel)) return;
    const mode = modeOf(kernel);
    if (mode !== this.options.mode) {
      const reason = fallbackReasonOf(kernel);
      throw new Error(`gpujs: kernel "${program.name}" ran in gpu.js's ${mode} mode instead of ${this.options.mode}${reason ? `: ${reason}` : ''}`);
    }
    this.verified.add(kernel);
  }

  destroyAll(): void {
    for (const kernel of this.kernels.values()) kernel.destroy();
    this.kernels.clear();
  }
}
