// Kernel throughput per backend, through the per-backend kernel benches (bench/kernels*.ts),
// with matrix products as a fraction of what this CPU can do:
//   - WebAssembly SIMD-128: ≈ 25 GFLOP/s per core (4-wide f32, no fused multiply-add in SIMD-128)
//   - native AVX-512, as ONNX Runtime's MLAS kernels reach it: ≈ 269 GFLOP/s
// Both are nominal figures for this class of machine, not measured here. Software GPU adapters
// (SwiftShader) and gpu.js run on the same CPU cores, so the same yardsticks apply to them; for a
// hardware GPU adapter no peak is known here and the fraction is left out.

import { runGpujsKernelBench } from '../kernelsGpujs.js';
import { runWasmKernelBench } from '../kernelsWasm.js';
import { runWebGpuKernelBench } from '../kernelsWebgpu.js';
import { markdownTable, percent, sig, type SuiteReport } from '../report.js';
import type { SuiteContext } from './context.js';

export const WASM_SIMD_GFLOPS_PER_CORE = 25;
export const NATIVE_AVX512_GFLOPS = 269;

const PEAK_HEADERS = [`% of WASM SIMD peak`, `% of native ${NATIVE_AVX512_GFLOPS}`] as const;

function fractions(gflops: number | undefined, wasmCores: number | undefined): [string | undefined, string | undefined] {
  if (gflops === undefined) return [undefined, undefined];
  return [wasmCores === undefined ? undefined : percent(gflops / (WASM_SIMD_GFLOPS_PER_CORE * wasmCores)), percent(gflops / NATIVE_AVX512_GFLOPS)];
}

/**
 * webasm mode is SIMD WebAssembly on every core, cpu mode plain JavaScript: both measure against
 * the CPU's yardsticks. webgpu mode may be a real GPU, whose peak is not known here.
 */
function gpujsFractions(mode: string, gflops: number | undefined, cores: number): [string | undefined, string | undefined] {
  if (mode === 'webasm') return fractions(gflops, cores);
  if (mode === 'cpu') return fractions(gflops, undefined);
  return [undefined, undefined];
}

/** Runs one sub-bench; a failure becomes a line in the report instead of ending the suite. */
async function attempt<T>(name: string, context: SuiteContext, run: () => Promise<T>): Promise<{ result?: T; error?: string }> {
  try {
    return { result: await run() };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? String(error);
    context.log(`kernels: ${name} failed: ${message}`);
    return { error: message };
  }
}

export async function runKernelsSuite(context: SuiteContext): Promise<SuiteReport> {
  const cores = context.machine.cores;
  const sections: string[] = [];

  const wasm = await attempt('wasm', context, () => runWasmKernelBench({ runs: context.quick ? 3 : 15, threads: [...new Set([1, cores])], log: context.log }));
  sections.push(
    `### wasm (WebAssembly SIMD-128; peak ${WASM_SIMD_GFLOPS_PER_CORE} GFLOP/s per thread)`,
    '',
    wasm.error !== undefined
      ? `failed: ${wasm.error}`
      : markdownTable(
          ['threads', 'kernel', 'shape', 'median ms', 'best ms', 'GFLOP/s', ...PEAK_HEADERS],
          wasm.result!.map((m) => [m.threads, m.kernel, m.shape, sig(m.medianMs, 4), sig(m.bestMs, 4), sig(m.gflops, 3), ...fractions(m.gflops, m.threads)]),
        ),
  );

  const gpujs = await attempt('gpujs', context, () => runGpujsKernelBench({ modes: context.quick ? ['webasm'] : undefined, runs: context.quick ? 1 : undefined, log: context.log }));
  sections.push('', '### gpujs (per gpu.js mode)', '');
  if (gpujs.error !== undefined) sections.push(`failed: ${gpujs.error}`);
  else {
    const unavailable = gpujs.result!.filter((mode) => mode.unavailable !== undefined);
    if (unavailable.length > 0) sections.push(...unavailable.map((mode) => `- ${mode.mode}: unavailable: ${mode.unavailable}`), '');
    sections.push(
      markdownTable(
        ['mode', 'kernel', 'shape', 'cold ms', 'warm ms', 'GFLOP/s', 'GB/s', ...PEAK_HEADERS],
        gpujs.result!.flatMap((mode) =>
          mode.measurements.map((m) => [m.mode, m.kernel, m.shape, sig(m.coldMs, 4), sig(m.warmMs, 4), sig(m.gflops, 3), sig(m.gbPerSecond, 3), ...gpujsFractions(m.mode, m.gflops, cores)]),
        ),
      ),
    );
  }

  const webgpu = await attempt('webgpu', context, () => runWebGpuKernelBench({ runs: context.quick ? 1 : undefined, repeat: context.quick ? 1 : undefined, log: context.log }));
  sections.push('', '### webgpu (WGSL)', '');
  if (webgpu.error !== undefined) sections.push(`unavailable: ${webgpu.error}`);
  else {
    const { adapter, measurements, runs, repeat, ratesFrom } = webgpu.result!;
    const software = adapter.software;
    sections.push(
      `adapter: ${adapter.description || adapter.architecture} (${adapter.vendor}${software ? ', software: runs on the CPU' : ''}); ${runs} warm run(s) of ${repeat} call(s); ` +
        (ratesFrom === 'gpu' ? 'gpu ms is GPU time per call (timestamp-query), GFLOP/s and GB/s from it; cold and warm ms are wall time' : 'no timestamp-query: GFLOP/s and GB/s from warm wall time'),
      '',
      markdownTable(
        ['kernel', 'version', 'shape', 'cold ms', 'warm ms', 'gpu ms', 'GFLOP/s', 'GB/s', ...PEAK_HEADERS],
        measurements.map((m) => [
          m.kernel,
          m.version,
          m.shape,
          `${sig(m.coldMs, 4)}${m.coldCompiled ? ' (compile)' : ''}`,
          sig(m.warmMs, 4),
          sig(m.gpuMs, 4),
          sig(m.gflops, 3),
          sig(m.gbPerSecond, 3),
          ...(software ? fractions(m.gflops, cores) : [undefined, undefined]),
        ]),
      ),
    );
  }

  return {
    suite: 'kernels',
    title: 'Kernel throughput',
    markdown: [`yardsticks: WebAssembly SIMD-128 ≈ ${WASM_SIMD_GFLOPS_PER_CORE} GFLOP/s per core, native AVX-512 (ONNX Runtime) ≈ ${NATIVE_AVX512_GFLOPS} GFLOP/s (nominal)`, '', ...sections].join('\n'),
    data: { peaks: { wasmSimdGflopsPerCore: WASM_SIMD_GFLOPS_PER_CORE, nativeAvx512Gflops: NATIVE_AVX512_GFLOPS }, wasm, gpujs, webgpu },
  };
}
