// The Kernels tab: times each kernel on this device, per backend — the three WGSL matmul versions
// on webgpu, then matmul, softmax, layerNorm and GELU on every backend that starts here — and shows
// GFLOP/s (matmul) or GB/s (the memory-bound row kernels) as bars. A time is the median of a few
// calls, each including the read-back of its result (so small sizes mostly measure that).

import { bars } from './charts.js';
import { el, fixed } from './dom.js';
import { R, type Api } from './roberta.js';

/** 'base': roberta-base's shapes at 128 tokens; 'small': a quick run (the tests). */
export type BenchSize = 'base' | 'small';

interface Workload {
  readonly kernel: string;
  readonly shapes: number[][];
  readonly run: (x: Api.Tensor[]) => Api.Tensor;
  readonly flops?: number;
  readonly bytes?: number;
}

function workloads(size: BenchSize): Workload[] {
  const [tokens, hidden, inner, heads] = size === 'base' ? [128, 768, 3072, 12] : [16, 64, 128, 2];
  const matmul = (m: number, k: number, n: number): Workload => ({ kernel: `matmul ${m}×${k}×${n}`, shapes: [[m, k], [k, n]], run: ([a, b]) => R.ops.matmul(a, b), flops: 2 * m * k * n });
  return [
    matmul(tokens, hidden, hidden),
    matmul(tokens, hidden, inner),
    { kernel: `softmax [${heads},${tokens},${tokens}] + mask`, shapes: [[1, heads, tokens, tokens], [1, 1, 1, tokens]], run: ([x, m]) => R.ops.softmax(x, m), bytes: 8 * heads * tokens * tokens },
    { kernel: `layerNorm + residual [${tokens},${hidden}]`, shapes: [[tokens, hidden], [hidden], [hidden], [tokens, hidden]], run: ([x, w, b, r]) => R.ops.layerNorm(x, w, b, 1e-5, r), bytes: 12 * tokens * hidden },
    { kernel: `gelu [${tokens},${inner}]`, shapes: [[tokens, inner]], run: ([x]) => R.ops.gelu(x), bytes: 8 * tokens * inner },
  ];
}

export interface Measurement {
  readonly backend: string;
  readonly kernel: string;
  readonly ms: number;
  readonly gflops?: number;
  readonly gbPerSecond?: number;
}

export interface BenchResult {
  readonly size: BenchSize;
  readonly userAgent: string;
  readonly crossOriginIsolated: boolean;
  readonly backends: Record<string, string>;
  /** Backends that would not start here, with the reason. */
  readonly unavailable: Record<string, string>;
  readonly measurements: Measurement[];
}

function input(shape: number[], backend: Api.Backend): Api.Tensor {
  const data = Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  return R.ops.tensor(data, shape, 'float32', backend);
}

async function time(workload: Workload, backend: Api.Backend, calls: number): Promise<number> {
  const inputs = workload.shapes.map((shape) => input(shape, backend));
  const times: number[] = [];
  try {
    for (let c = 0; c <= calls; c++) {
      const start = performance.now();
      const out = workload.run(inputs);
      await out.data();
      out.dispose();
      if (c > 0) times.push(performance.now() - start); // the first call compiles
    }
  } finally {
    for (const t of inputs) t.dispose();
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

function measurement(backend: string, workload: Workload, ms: number): Measurement {
  return { backend, kernel: workload.kernel, ms, gflops: workload.flops && workload.flops / ms / 1e6, gbPerSecond: workload.bytes && workload.bytes / ms / 1e6 };
}

async function backends(log: (line: string) => void): Promise<{ started: Map<string, Api.Backend>; unavailable: Record<string, string> }> {
  const started = new Map<string, Api.Backend>();
  const unavailable: Record<string, string> = {};
  for (const name of R.registeredBackends()) {
    try {
      started.set(name, name === 'webgpu' ? await R.createWebGpuBackend() : await R.getBackendByName(name));
    } catch (error) {
      unavailable[name] = (error as Error).message;
      log(`${name}: not available: ${(error as Error).message}`);
    }
  }
  return { started, unavailable };
}

export async function runBenchmark(size: BenchSize, log: (line: string) => void): Promise<BenchResult> {
  const calls = size === 'base' ? 5 : 2;
  const { started, unavailable } = await backends(log);
  const measurements: Measurement[] = [];
  for (const [name, backend] of started) {
    for (const workload of workloads(size)) {
      const isMatmul = workload.flops !== undefined;
      const gpu = name === 'webgpu' ? (backend as Api.WebGpuBackend) : undefined;
      for (const version of gpu && isMatmul ? R.MATMUL_VERSIONS : [undefined]) {
        if (gpu) gpu.matmulVersion = version ?? 'auto';
        const label = version ? `${name}:${version}` : name;
        log(`${label}: ${workload.kernel}…`);
        measurements.push(measurement(label, workload, await time(workload, backend, calls)));
      }
    }
    if (name === 'webgpu') await backend.dispose();
  }
  const descriptions = Object.fromEntries([...started].map(([name, b]) => [name, b.description]));
  return { size, userAgent: navigator.userAgent, crossOriginIsolated, backends: descriptions, unavailable, measurements };
}

export function benchView(result: BenchResult): HTMLElement {
  const groups = new Map<string, Measurement[]>();
  for (const m of result.measurements) groups.set(m.kernel, [...(groups.get(m.kernel) ?? []), m]);
  return el(
    'div',
    { id: 'bench-results' },
    ...[...groups].map(([kernel, ms]) =>
      el('section', { class: 'bench-kernel', 'data-kernel': kernel },
        el('h4', {}, `${kernel} — ${ms[0].gflops !== undefined ? 'GFLOP/s' : 'GB/s'}`),
        bars(ms.map((m) => {
          const rate = m.gflops ?? m.gbPerSecond ?? 0;
          return { label: m.backend, value: rate, text: `${fixed(rate, 2)} (${fixed(m.ms, 2)} ms)` };
        })),
      ),
    ),
  );
}

/** The WGSL shown beside the bars for a kernel the select names. */
export function sourceView(kernel: Api.WgslKernel): string {
  return R.wgslSource(kernel).trim();
}
