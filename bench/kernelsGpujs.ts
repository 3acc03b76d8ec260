// gpu.js kernel throughput, per gpu.js mode: GFLOP/s of the matrix products RoBERTa-base runs for
// 128 tokens — the three linear shapes (x[128, in] · W[out, in]ᵀ, and the same product as a plain
// matmul) and attention's batched 12×128×64×128 — and GB/s of the memory-bound row kernels
// (softmax + mask, layerNorm + residual) and GELU, counting each tensor read or written once.
// "Cold" is the first call, including gpu.js's compile of the kernel for that shape; "warm" is
// the median of later calls, timed until the device has finished. Rates are from wall-clock
// time; the CPU time the process spent (all its threads: webasm workers, SwiftShader's) is
// recorded too, because on a shared machine the wall clock also measures the neighbours.
//
// Run: npx tsc -p tsconfig.build.json && node dist/bench/kernelsGpujs.js [--modes webasm,cpu,webgpu] [--runs N]
// webgpu runs wherever an adapter is found (SwiftShader here, where one call takes seconds).

import { pathToFileURL } from 'node:url';

import '../kernels/gpujs/register.js';
import { ops, type Tensor } from '../engine/index.js';
import { createGpujsBackend, type GpujsBackend } from '../kernels/gpujs/backend.js';
import { GPUJS_MODES, parseGpujsMode, type GpujsMode } from '../kernels/gpujs/modes.js';

export interface GpujsBenchOptions {
  readonly modes?: readonly GpujsMode[];
  /** Timed warm calls per measurement; the median is reported (default 3, 1 on a software WebGPU adapter). */
  readonly runs?: number;
  readonly log?: (line: string) => void;
}

export interface GpujsMeasurement {
  readonly mode: string;
  readonly kernel: string;
  readonly shape: string;
  readonly coldMs: number;
  readonly warmMs: number;
  readonly runsMs: number[];
  /** CPU time of the median call, over all threads of the process. */
  readonly warmCpuMs: number;
  readonly gflops?: number;
  /** GFLOP per second of CPU time: throughput per busy core, whatever the neighbours take. */
  readonly gflopsPerCpuSecond?: number;
  readonly gbPerSecond?: number;
}

export interface GpujsModeResult {
  readonly mode: GpujsMode;
  readonly description?: string;
  /** Why the mode did not run here. */
  readonly unavailable?: string;
  readonly measurements: GpujsMeasurement[];
}

interface Workload {
  readonly kernel: string;
  readonly shape: string;
  readonly inputs: number[][];
  readonly run: (inputs: Tensor[]) => Tensor;
  readonly flops?: number;
  readonly bytes?: number;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sizeOf = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

function deterministic(shape: readonly number[], backend: GpujsBackend): Tensor {
  const data = Float32Array.from({ length: sizeOf(shape) }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  return ops.tensor(data, shape, 'float32', backend);
}

function workloads(): Workload[] {
  const list: Workload[] = [];
  const shapes: [string, number, number, number][] = [
    ['attention projections', 128, 768, 768],
    ['feed-forward up', 128, 768, 3072],
    ['feed-forward down', 128, 3072, 768],
  ];
  for (const [role, m, k, n] of shapes) {
    const shape = `${m}×${k}×${n} (${role})`;
    const flops = 2 * m * k * n;
    list.push({ kernel: 'linear + bias', shape, inputs: [[m, k], [n, k], [n]], run: ([x, w, b]) => ops.linear(x, w, b), flops });
    list.push({ kernel: 'matmul', shape, inputs: [[m, k], [k, n]], run: ([a, b]) => ops.matmul(a, b), flops });
  }
  list.push({
    kernel: 'matmul',
    shape: '12×128×64×128 (batched: attention scores)',
    inputs: [[12, 128, 64], [12, 64, 128]],
    run: ([a, b]) => ops.matmul(a, b),
    flops: 2 * 12 * 128 * 64 * 128,
  });
  const scores = [1, 12, 128, 128];
  list.push({
    kernel: 'softmax + mask',
    shape: '[1,12,128,128] + [1,1,1,128]',
    inputs: [scores, [1, 1, 1, 128]],
    run: ([x, mask]) => ops.softmax(x, mask),
    bytes: 4 * (2 * sizeOf(scores) + 128),
  });
  list.push({
    kernel: 'layerNorm + residual',
    shape: '[128,768]',
    inputs: [[128, 768], [768], [768], [128, 768]],
    run: ([x, w, b, r]) => ops.layerNorm(x, w, b, 1e-5, r),
    bytes: 4 * (3 * 128 * 768 + 2 * 768),
  });
  list.push({ kernel: 'gelu', shape: '[128,3072]', inputs: [[128, 3072]], run: ([x]) => ops.gelu(x), bytes: 4 * 2 * 128 * 3072 });
  return list;
}

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function timeCall(backend: GpujsBackend, workload: Workload, inputs: Tensor[]): Promise<Timing> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const out = workload.run(inputs);
  await backend.flush();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  out.dispose();
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function benchMode(mode: GpujsMode, options: GpujsBenchOptions, log: (line: string) => void): Promise<GpujsModeResult> {
  let backend: GpujsBackend;
  try {
    backend = await createGpujsBackend({ mode });
  } catch (error) {
    log(`${mode}: unavailable: ${(error as Error).message}`);
    return { mode, unavailable: (error as Error).message, measurements: [] };
  }
  try {
    const runs = options.runs ?? (backend.mode === 'webgpu' && backend.degraded ? 1 : 3);
    log(`${backend.description}; ${runs} warm run(s)`);
    const measurements: GpujsMeasurement[] = [];
    for (const workload of workloads()) {
      const inputs = workload.inputs.map((shape) => deterministic(shape, backend));
      try {
        const coldMs = (await timeCall(backend, workload, inputs)).wallMs;
        const timings: Timing[] = [];
        for (let r = 0; r < runs; r++) timings.push(await timeCall(backend, workload, inputs));
        const runsMs = timings.map((t) => t.wallMs);
        const warmMs = median(runsMs);
        const warmCpuMs = (timings.find((t) => t.wallMs === warmMs) as Timing).cpuMs;
        const m: GpujsMeasurement = {
          mode: backend.mode,
          kernel: workload.kernel,
          shape: workload.shape,
          coldMs,
          warmMs,
          runsMs,
          warmCpuMs,
          gflops: workload.flops === undefined ? undefined : workload.flops / 1e6 / warmMs,
          gflopsPerCpuSecond: workload.flops === undefined ? undefined : workload.flops / 1e6 / warmCpuMs,
          gbPerSecond: workload.bytes === undefined ? undefined : workload.bytes / 1e6 / warmMs,
        };
        measurements.push(m);
        const rate =
          m.gflops !== undefined
            ? `${m.gflops.toFixed(3).padStart(7)} GFLOP/s (${(m.gflopsPerCpuSecond ?? 0).toFixed(2)} per CPU-s)`
            : `${(m.gbPerSecond ?? 0).toFixed(3).padStart(7)} GB/s`.padEnd(37);
        const times = `warm ${warmMs.toFixed(1).padStart(8)} ms (cpu ${warmCpuMs.toFixed(0).padStart(6)} ms)  cold ${coldMs.toFixed(1).padStart(8)} ms`;
        log(`  ${m.kernel.padEnd(22)} ${m.shape.padEnd(42)} ${rate}  ${times}`);
      } finally {
        for (const t of inputs) t.dispose();
      }
    }
    return { mode, description: backend.description, measurements };
  } finally {
    await backend.dispose();
  }
}

export async function runGpujsKernelBench(options: GpujsBenchOptions = {}): Promise<GpujsModeResult[]> {
  const log = options.log ?? (() => {});
  const results: GpujsModeResult[] = [];
  for (const mode of options.modes ?? (['webasm', 'cpu', 'webgpu'] as const)) results.push(await benchMode(mode, options, log));
  return results;
}

function parseArgs(argv: readonly string[]): GpujsBenchOptions {
  const options: { modes?: GpujsMode[]; runs?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--modes') {
      options.modes = (argv[++i] ?? '').split(',').map((m) => parseGpujsMode(m, '--modes'));
    } else if (arg === '--runs') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`--runs needs a positive integer, got ${argv[i]}`);
      options.runs = value;
    } else {
      throw new Error(`unknown argument ${arg} (expected --modes ${GPUJS_MODES.join('|')},… or --runs N)`);
    }
  }
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await runGpujsKernelBench({ ...parseArgs(process.argv.slice(2)), log: (line) => console.log(line) });
  console.log(JSON.stringify(results, null, 2));
}
