// WebAssembly SIMD kernel throughput: GFLOP/s of the matrix products RoBERTa-base runs for 128
// tokens — the four linear shapes (as x[128, in]·Wᵀ) and attention's two batched products over
// 12 heads — on 1 and on 2 threads, as a fraction of 50 GFLOP/s (the nominal WASM SIMD-128
// peak of two cores without FMA); plus the time of the row kernels (softmax, layerNorm).
// Each number is the median of several warm calls through the public ops (so it includes the
// engine's per-call work). On a shared machine wall time also measures the neighbours, so the
// best call is shown too, and the CPU time per call (all threads): on one thread it is what the
// call costs on an idle core; on two, half of it is what an idle two-core machine would take.
//
// Run: npx tsc -p tsconfig.build.json && node dist/bench/kernelsWasm.js [--runs N] [--threads 1,2]

import { pathToFileURL } from 'node:url';

import { ops, type Tensor } from '../engine/index.js';
import '../kernels/wasm/register.js';
import { WasmBackend } from '../kernels/wasm/backend.js';

/** The nominal peak the fractions are relative to: 2 cores × 25 GFLOP/s. */
export const NOMINAL_PEAK_GFLOPS = 50;

export interface WasmBenchOptions {
  /** Timed warm calls per measurement (default 15). */
  readonly runs?: number;
  /** Thread counts to measure (default 1 and 2). */
  readonly threads?: readonly number[];
  readonly log?: (line: string) => void;
}

export interface WasmMeasurement {
  readonly kernel: string;
  readonly shape: string;
  readonly threads: number;
  readonly medianMs: number;
  readonly bestMs: number;
  /** Median CPU time per call, summed over all threads. */
  readonly cpuMs: number;
  /** For matrix products: at the median, and at the best call. */
  readonly gflops?: number;
  readonly bestGflops?: number;
  readonly fractionOfPeak?: number;
}

interface Workload {
  readonly kernel: string;
  readonly shape: string;
  readonly inputs: (backend: WasmBackend) => Tensor[];
  readonly run: (inputs: Tensor[]) => Tensor;
  readonly flops?: number;
}

function uniform(size: number, seed: number): Float32Array {
  // A small LCG: the values do not matter for timing, only that they are ordinary numbers.
  let state = seed;
  return Float32Array.from({ length: size }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

function floats(backend: WasmBackend, shape: number[], seed: number): Tensor {
  return ops.tensor(uniform(shape.reduce((p, d) => p * d, 1), seed), shape, 'float32', backend);
}

function linearWorkload(tokens: number, inFeatures: number, outFeatures: number, activation: 'gelu' | null = null): Workload {
  return {
    kernel: activation ? `linear+${activation}` : 'linear',
    shape: `x[${tokens},${inFeatures}]·W[${outFeatures},${inFeatures}]ᵀ + b`,
    inputs: (backend) => [floats(backend, [tokens, inFeatures], 1), floats(backend, [outFeatures, inFeatures], 2), floats(backend, [outFeatures], 3)],
    run: ([x, w, b]) => ops.linear(x, w, b, activation),
    flops: 2 * tokens * inFeatures * outFeatures,
  };
}

const HEADS = 12;
const TOKENS = 128;
const HEAD_SIZE = 64;

const WORKLOADS: readonly Workload[] = [
  linearWorkload(TOKENS, 768, 768),
  linearWorkload(TOKENS, 768, 3072, 'gelu'),
  linearWorkload(TOKENS, 3072, 768),
  {
    kernel: 'matmul q·kᵀ',
    shape: `[${HEADS},${TOKENS},${HEAD_SIZE}]·[${HEADS},${TOKENS},${HEAD_SIZE}]ᵀ`,
    inputs: (backend) => [floats(backend, [HEADS, TOKENS, HEAD_SIZE], 4), floats(backend, [HEADS, TOKENS, HEAD_SIZE], 5)],
    run: ([q, k]) => ops.matmul(q, k, { transposeB: true }),
    flops: 2 * HEADS * TOKENS * TOKENS * HEAD_SIZE,
  },
  {
    kernel: 'matmul probs·v',
    shape: `[${HEADS},${TOKENS},${TOKENS}]·[${HEADS},${TOKENS},${HEAD_SIZE}]`,
    inputs: (backend) => [floats(backend, [HEADS, TOKENS, TOKENS], 6), floats(backend, [HEADS, TOKENS, HEAD_SIZE], 7)],
    run: ([p, v]) => ops.matmul(p, v),
    flops: 2 * HEADS * TOKENS * TOKENS * HEAD_SIZE,
  },
  {
    kernel: 'softmax',
    shape: `[1,${HEADS},${TOKENS},${TOKENS}] + mask [1,1,1,${TOKENS}]`,
    inputs: (backend) => [floats(backend, [1, HEADS, TOKENS, TOKENS], 8), ops.tensor(new Float32Array(TOKENS), [1, 1, 1, TOKENS], 'float32', backend)],
    run: ([x, mask]) => ops.softmax(x, mask),
  },
  {
    kernel: 'layerNorm',
    shape: `[${TOKENS},768] + residual`,
    inputs: (backend) => [floats(backend, [TOKENS, 768], 9), floats(backend, [768], 10), floats(backend, [768], 11), floats(backend, [TOKENS, 768], 12)],
    run: ([x, g, b, r]) => ops.layerNorm(x, g, b, 1e-5, r),
  },
];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Wall and CPU milliseconds of one call. */
function time(workload: Workload, inputs: Tensor[]): { wall: number; cpu: number } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  workload.run(inputs).dispose();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

export async function runWasmKernelBench(options: WasmBenchOptions = {}): Promise<WasmMeasurement[]> {
  const runs = options.runs ?? 15;
  const log = options.log ?? (() => {});
  const measurements: WasmMeasurement[] = [];
  for (const threads of options.threads ?? [1, 2]) {
    const backend = await WasmBackend.create({ threads });
    log(backend.description);
    try {
      for (const workload of WORKLOADS) {
        const inputs = workload.inputs(backend);
        try {
          for (let i = 0; i < 3; i++) time(workload, inputs); // compile tiers, pack weights, fill the arena's free lists
          const calls = Array.from({ length: runs }, () => time(workload, inputs));
          const runsMs = calls.map((c) => c.wall);
          const medianMs = median(runsMs);
          const bestMs = Math.min(...runsMs);
          const cpuMs = median(calls.map((c) => c.cpu));
          const rate = (ms: number) => (workload.flops === undefined ? undefined : workload.flops / 1e9 / (ms / 1000));
          const m: WasmMeasurement = {
            kernel: workload.kernel,
            shape: workload.shape,
            threads,
            medianMs,
            bestMs,
            cpuMs,
            gflops: rate(medianMs),
            bestGflops: rate(bestMs),
            fractionOfPeak: workload.flops === undefined ? undefined : (rate(medianMs) ?? 0) / NOMINAL_PEAK_GFLOPS,
          };
          measurements.push(m);
          const gflops = m.gflops === undefined ? ''.padEnd(44) : `${m.gflops.toFixed(1).padStart(6)} GFLOP/s (${((m.fractionOfPeak ?? 0) * 100).toFixed(0).padStart(3)}% of ${NOMINAL_PEAK_GFLOPS}; best ${(m.bestGflops ?? 0).toFixed(1)})`;
          log(`${threads}T ${m.kernel.padEnd(15)} ${m.shape.padEnd(36)} ${medianMs.toFixed(2).padStart(8)} ms (cpu ${cpuMs.toFixed(2).padStart(6)})  ${gflops}`);
        } finally {
          for (const t of inputs) t.dispose();
        }
      }
    } finally {
      await backend.dispose();
    }
  }
  return measurements;
}

function parseArgs(argv: readonly string[]): WasmBenchOptions {
  const options: { runs?: number; threads?: number[] } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[++i];
    if (arg === '--runs' && Number.isInteger(Number(value)) && Number(value) > 0) options.runs = Number(value);
    else if (arg === '--threads' && value !== undefined && value.split(',').every((t) => Number.isInteger(Number(t)) && Number(t) > 0)) options.threads = value.split(',').map(Number);
    else throw new Error(`bad argument ${arg} ${value ?? ''} (expected --runs N, --threads 1,2)`);
  }
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const measurements = await runWasmKernelBench({ ...parseArgs(process.argv.slice(2)), log: (line) => console.log(line) });
  console.log(JSON.stringify(measurements, null, 2));
}
