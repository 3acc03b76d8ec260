// WebGPU kernel throughput: GFLOP/s of every matmul version (naive, tiled, register-blocked) on
// RoBERTa-base's shapes for 128 tokens and of attention (fused, and as separate kernels), and GB/s
// of the memory-bound row kernels (softmax, layerNorm) and GELU. "Cold" is the first call,
// including the pipeline compile when the kernel variant is new to the backend; "warm" is the
// median of later runs. A run records `repeat` calls and waits for the GPU once, so on fast
// hardware the submit-and-wait round trip is amortised — but "warm" is still wall-clock time and
// includes the host's recording and submit. Where the adapter offers 'timestamp-query', further
// runs record the `repeat` calls in one timestamped pass (backend.gpuTime), and "gpu" is the
// median of their per-call GPU time; GFLOP/s and GB/s then come from it, else from "warm".
//
// Run: npx tsc -p tsconfig.build.json && node dist/bench/kernelsWebgpu.js [--runs N] [--repeat N] [--no-robustness]
// On a software adapter (SwiftShader) the defaults drop to one warm run of one call.

import { pathToFileURL } from 'node:url';

import '../kernels/cpu/register.js';
import '../kernels/wgsl/register.js';
import { ops, tidy, type Tensor } from '../engine/index.js';
import type { AdapterReport } from '../kernels/wgsl/adapterReport.js';
import { ATTENTION_VERSIONS, type AttentionVersion } from '../kernels/wgsl/attention.js';
import type { WebGpuBackend } from '../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../kernels/wgsl/create.js';
import { MATMUL_VERSIONS, type MatmulVersion } from '../kernels/wgsl/matmulVersions.js';
import { median } from './stats.js';

export interface WebGpuBenchOptions {
  /** Timed warm runs per measurement; the median is reported (default 5, or 1 on a software adapter). */
  readonly runs?: number;
  /** Calls per run (default 10, or 1 on a software adapter). */
  readonly repeat?: number;
  /** Dawn's bounds checks (default on; off is faster, see kernels/wgsl/gpu.ts). */
  readonly robustness?: boolean;
  readonly log?: (line: string) => void;
}

export interface KernelMeasurement {
  readonly kernel: string;
  readonly shape: string;
  /** The matmul version, for matmul measurements; fused or separate, for attention. */
  readonly version?: MatmulVersion | 'auto' | AttentionVersion;
  readonly coldMs: number;
  /** Whether the cold call compiled a pipeline. */
  readonly coldCompiled: boolean;
  readonly warmMs: number;
  readonly runsMs: number[];
  /** Median per-call GPU time (timestamp-query), where the adapter offers it. */
  readonly gpuMs?: number;
  readonly gpuRunsMs?: number[];
  /** From `gpuMs` where measured, else from `warmMs` (see the result's `ratesFrom`). */
  readonly gflops?: number;
  readonly gbPerSecond?: number;
}

export interface WebGpuBenchResult {
  readonly adapter: AdapterReport;
  readonly robustness: boolean;
  readonly runs: number;
  readonly repeat: number;
  /** Which time GFLOP/s and GB/s are computed from: GPU time (timestamp-query) or wall time. */
  readonly ratesFrom: 'gpu' | 'wall';
  readonly measurements: KernelMeasurement[];
}

interface Workload {
  readonly kernel: string;
  readonly shape: string;
  readonly version?: MatmulVersion | 'auto';
  readonly attention?: AttentionVersion;
  readonly inputs: () => Tensor[];
  readonly run: (inputs: Tensor[]) => Tensor;
  readonly flops?: number;
  readonly bytes?: number;
}

function randomTensor(shape: number[], backend: WebGpuBackend): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = Math.sin(i * 12.9898) * 0.5; // deterministic, in [−0.5, 0.5]
  return ops.tensor(data, shape, 'float32', backend);
}

function workloads(backend: WebGpuBackend): Workload[] {
  const t = (shape: number[]) => () => [randomTensor(shape, backend)];
  const list: Workload[] = [];
  const products: [string, number[], number[]][] = [
    ['128×768×768 (attention projections)', [128, 768], [768, 768]],
    ['128×768×3072 (feed-forward up)', [128, 768], [768, 3072]],
    ['128×3072×768 (feed-forward down)', [128, 3072], [3072, 768]],
    ['12×128×64×128 (batched: attention scores)', [12, 128, 64], [12, 64, 128]],
  ];
  // 8×512 tokens fill a large GPU where 128 leave most of it idle; on a software adapter they
  // would take minutes.
  if (!backend.adapterReport().software) {
    products.push(
      ['4096×768×768 (8×512 tokens: projections)', [4096, 768], [768, 768]],
      ['4096×768×3072 (8×512 tokens: feed-forward up)', [4096, 768], [768, 3072]],
      ['4096×3072×768 (8×512 tokens: feed-forward down)', [4096, 3072], [3072, 768]],
    );
  }
  for (const version of MATMUL_VERSIONS) {
    for (const [shape, a, b] of products) {
      const batches = a.length === 3 ? a[0] : 1;
      const [m, k] = a.slice(-2);
      const n = b[b.length - 1];
      list.push({ kernel: 'matmul', shape, version, inputs: () => [randomTensor(a, backend), randomTensor(b, backend)], run: ([x, y]) => ops.matmul(x, y), flops: 2 * batches * m * n * k });
    }
  }
  list.push({
    kernel: 'linear + bias + gelu',
    shape: '128×768 · [3072,768]ᵀ',
    version: 'auto',
    inputs: () => [randomTensor([128, 768], backend), randomTensor([3072, 768], backend), randomTensor([3072], backend)],
    run: ([x, w, b]) => ops.linear(x, w, b, 'gelu'),
    flops: 2 * 128 * 768 * 3072,
  });
  // softmax(q·kᵀ/8 + mask)·v over 12 heads of 64 for 128 tokens: 2·128·128·64 multiply-adds per
  // head for the scores and as many for the weighted sum.
  const heads = [1, 12, 128, 64];
  for (const attention of ATTENTION_VERSIONS) {
    list.push({
      kernel: 'attention + mask',
      shape: '[1,12,128,64] ×3 + [1,1,1,128]',
      attention,
      inputs: () => [randomTensor(heads, backend), randomTensor(heads, backend), randomTensor(heads, backend), randomTensor([1, 1, 1, 128], backend)],
      run: ([q, k, v, mask]) => ops.attention(q, k, v, mask, 1 / 8),
      flops: 2 * 2 * 12 * 128 * 128 * 64,
    });
  }
  const scores = [1, 12, 128, 128];
  const scoreBytes = 4 * scores.reduce((p, d) => p * d, 1);
  list.push({
    kernel: 'softmax + mask',
    shape: '[1,12,128,128] + [1,1,1,128]',
    inputs: () => [randomTensor(scores, backend), randomTensor([1, 1, 1, 128], backend)],
    run: ([x, mask]) => ops.softmax(x, mask),
    bytes: 2 * scoreBytes,
  });
  list.push({
    kernel: 'layerNorm + residual',
    shape: '[128,768]',
    inputs: () => [randomTensor([128, 768], backend), randomTensor([768], backend), randomTensor([768], backend), randomTensor([128, 768], backend)],
    run: ([x, w, b, r]) => ops.layerNorm(x, w, b, 1e-5, r),
    bytes: 3 * 4 * 128 * 768,
  });
  list.push({ kernel: 'gelu', shape: '[128,3072]', inputs: t([128, 3072]), run: ([x]) => ops.gelu(x), bytes: 2 * 4 * 128 * 3072 });
  return list;
}

/** Records `repeat` calls back to back; their outputs survive the scope, for the caller to dispose. */
function recordCalls(workload: Workload, inputs: Tensor[], repeat: number): Tensor[] {
  return tidy(() => Array.from({ length: repeat }, () => workload.run(inputs)));
}

/** Milliseconds for `repeat` calls recorded back to back and one wait for the GPU. */
async function timeCalls(backend: WebGpuBackend, workload: Workload, inputs: Tensor[], repeat: number): Promise<number> {
  const start = performance.now();
  const outputs = recordCalls(workload, inputs, repeat);
  await backend.flush();
  const ms = performance.now() - start;
  for (const out of outputs) out.dispose();
  return ms;
}

/** GPU milliseconds (timestamp-query) for `repeat` calls recorded back to back in one timed pass. */
async function gpuTimeCalls(backend: WebGpuBackend, workload: Workload, inputs: Tensor[], repeat: number): Promise<number> {
  const { result, gpuMs } = await backend.gpuTime(() => recordCalls(workload, inputs, repeat));
  for (const out of result) out.dispose();
  return gpuMs;
}

export async function runWebGpuKernelBench(options: WebGpuBenchOptions = {}): Promise<WebGpuBenchResult> {
  const log = options.log ?? (() => {});
  const robustness = options.robustness ?? true;
  const backend = await createWebGpuBackend({ robustness, timestamps: 'if-available' });
  try {
    const adapter = backend.adapterReport();
    const runs = options.runs ?? (adapter.software ? 1 : 5);
    const repeat = options.repeat ?? (adapter.software ? 1 : 10);
    const ratesFrom: WebGpuBenchResult['ratesFrom'] = backend.canTimeGpu ? 'gpu' : 'wall';
    log(`adapter: ${backend.description}${adapter.software ? ' (software)' : ''}; robustness ${robustness ? 'on' : 'off'}; ${runs} warm run(s) of ${repeat} call(s)`);
    log(
      ratesFrom === 'gpu'
        ? 'GFLOP/s and GB/s from gpu time (timestamp-query, per call); warm and cold are wall time'
        : 'GFLOP/s and GB/s from warm wall time (this adapter has no timestamp-query)',
    );
    const measurements: KernelMeasurement[] = [];
    for (const workload of workloads(backend)) {
      backend.matmulVersion = workload.version ?? 'auto';
      backend.attentionVersion = workload.attention ?? 'fused';
      const inputs = workload.inputs();
      try {
        const compiledBefore = backend.compiledKernels().length;
        const coldMs = await timeCalls(backend, workload, inputs, 1);
        const coldCompiled = backend.compiledKernels().length > compiledBefore;
        const runsMs: number[] = [];
        for (let r = 0; r < runs; r++) runsMs.push((await timeCalls(backend, workload, inputs, repeat)) / repeat);
        const warmMs = median(runsMs);
        const gpuRunsMs: number[] = [];
        if (ratesFrom === 'gpu') for (let r = 0; r < runs; r++) gpuRunsMs.push((await gpuTimeCalls(backend, workload, inputs, repeat)) / repeat);
        const gpuMs = gpuRunsMs.length > 0 ? median(gpuRunsMs) : undefined;
        const rateMs = gpuMs ?? warmMs;
        const m: KernelMeasurement = {
          kernel: workload.kernel,
          shape: workload.shape,
          version: workload.attention ?? workload.version,
          coldMs,
          coldCompiled,
          warmMs,
          runsMs,
          ...(gpuMs === undefined ? {} : { gpuMs, gpuRunsMs }),
          gflops: workload.flops === undefined ? undefined : workload.flops / 1e9 / (rateMs / 1000),
          gbPerSecond: workload.bytes === undefined ? undefined : workload.bytes / 1e9 / (rateMs / 1000),
        };
        measurements.push(m);
        const rate = m.gflops !== undefined ? `${m.gflops.toFixed(2).padStart(8)} GFLOP/s` : `${(m.gbPerSecond ?? 0).toFixed(2).padStart(8)} GB/s    `;
        log(
          `${`${m.kernel}${m.version ? ` (${m.version})` : ''}`.padEnd(28)} ${m.shape.padEnd(44)} ${rate}  ${gpuMs === undefined ? '' : `gpu ${gpuMs.toFixed(3).padStart(9)} ms  `}warm ${warmMs.toFixed(2).padStart(9)} ms  cold ${coldMs.toFixed(1).padStart(8)} ms${coldCompiled ? ' (incl. compile)' : ''}`,
        );
      } finally {
        for (const t of inputs) t.dispose();
      }
    }
    return { adapter, robustness, runs, repeat, ratesFrom, measurements };
  } finally {
    await backend.dispose();
  }
}

function parseArgs(argv: readonly string[]): WebGpuBenchOptions {
  const options: { runs?: number; repeat?: number; robustness?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-robustness') options.robustness = false;
    else if (arg === '--runs' || arg === '--repeat') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`${arg} needs a positive integer, got ${argv[i]}`);
      options[arg === '--runs' ? 'runs' : 'repeat'] = value;
    } else throw new Error(`unknown argument ${arg} (expected --runs N, --repeat N, --no-robustness)`);
  }
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runWebGpuKernelBench({ ...parseArgs(process.argv.slice(2)), log: (line) => console.log(line) });
  console.log(JSON.stringify(result, null, 2));
}
