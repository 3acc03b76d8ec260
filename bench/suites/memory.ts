// Memory: (1) loading the roberta-base-sized model must peak below 1.3 × the weight file's size
// in resident memory — a loader that copies the weights once more than needed fails it; (2) 10,000
// forward passes of the tiny fixture model must leave RSS flat and the backend's live buffers
// (device memory for GPU backends) exactly where they were once warm — a per-call leak fails it.
// Each measurement runs in a fresh child process (memoryProbe.ts), per backend.

import { spawn } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registeredBackends } from '../../engine/select.js';
import type { BackendName } from '../../engine/backend.js';
import { fixturePath } from '../fixtures.js';
import type { LoadProbeResult, ProbeRequest, SteadyProbeResult } from '../memoryProbe.js';
import { markdownTable, sig, type SuiteReport } from '../report.js';
import { median } from '../stats.js';
import type { SuiteContext } from './context.js';

export const LOAD_PEAK_LIMIT = 1.3;
/** RSS moves by allocator noise; a leak of even 2 KiB per call grows ≈ 10 MiB between the halves of 10,000 calls. */
export const STEADY_GROWTH_LIMIT_BYTES = 8 * 2 ** 20;

const MiB = 2 ** 20;
const mib = (bytes: number) => sig(bytes / MiB, 4);

async function runProbe<T>(request: ProbeRequest, timeoutS: number): Promise<T> {
  const script = fileURLToPath(new URL('../memoryProbe.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, JSON.stringify(request)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill(), timeoutS * 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as T);
      else reject(new Error(`memory probe (${request.mode}, ${request.backend}) ${signal ? `killed by ${signal} after ${timeoutS} s` : `exited ${code}`}: ${stderr.trim().split('\n').slice(-3).join(' / ') || 'no output'}`));
    });
  });
}

interface LoadRow {
  readonly backend: BackendName;
  readonly result?: LoadProbeResult;
  readonly error?: string;
}

interface SteadyRow {
  readonly backend: BackendName;
  readonly result?: SteadyProbeResult;
  readonly error?: string;
}

interface SteadyVerdict {
  /** Median RSS of the first and second half of the samples after the warm one. */
  readonly firstHalfRss: number;
  readonly secondHalfRss: number;
  readonly buffersSame: boolean;
  readonly pass: boolean;
}

/**
 * A leak grows with the number of calls; warm-up growth (JIT code, heap sizing) stops. So RSS is
 * compared as the median of the second half of the samples against the median of the first half,
 * which a single noisy sample cannot swing; the backend's live buffers must match exactly.
 */
function steadyVerdict(result: SteadyProbeResult): SteadyVerdict | undefined {
  const [warm, ...later] = result.rssSamples;
  if (warm === undefined || later.length < 2) return undefined;
  const half = Math.floor(later.length / 2);
  const firstHalfRss = median(later.slice(0, half).map((s) => s.rssBytes));
  const secondHalfRss = median(later.slice(half).map((s) => s.rssBytes));
  const last = later.at(-1)!;
  const buffersSame = warm.backendMemory.buffers === last.backendMemory.buffers && warm.backendMemory.bytes === last.backendMemory.bytes;
  return { firstHalfRss, secondHalfRss, buffersSame, pass: secondHalfRss - firstHalfRss < STEADY_GROWTH_LIMIT_BYTES && buffersSame };
}

export async function runMemorySuite(context: SuiteContext): Promise<SuiteReport> {
  const dir = await context.modelDir();
  const tiny = relative(process.cwd(), fixturePath('models', 'tiny'));
  const forwards = context.quick ? 500 : 10_000;
  const steadyBudgetS = context.quick ? 20 : 180;
  const loads: LoadRow[] = [];
  const steady: SteadyRow[] = [];
  for (const backend of registeredBackends()) {
    context.log(`memory: loading ${dir} on ${backend} in a fresh process`);
    try {
      loads.push({ backend, result: await runProbe<LoadProbeResult>({ mode: 'load', dir, backend }, 600) });
    } catch (error) {
      loads.push({ backend, error: (error as Error).message });
    }
    context.log(`memory: ${forwards} forwards of ${tiny} on ${backend} in a fresh process`);
    try {
      steady.push({ backend, result: await runProbe<SteadyProbeResult>({ mode: 'steady', dir: tiny, backend, forwards, budgetS: steadyBudgetS }, steadyBudgetS + 120) });
    } catch (error) {
      steady.push({ backend, error: (error as Error).message });
    }
  }

  const loadTable = markdownTable(
    ['backend', 'file MiB', 'RSS before MiB', 'RSS after MiB', 'peak RSS MiB', 'peak ÷ file', 'peak − before ÷ file', 'load ms', 'backend buffers', `peak < ${LOAD_PEAK_LIMIT}× file`],
    loads.map(({ backend, result: r, error }) =>
      r === undefined
        ? [backend, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, `error: ${error}`]
        : [
            backend,
            mib(r.fileBytes),
            mib(r.rssBeforeBytes),
            mib(r.rssAfterBytes),
            mib(r.peakRssBytes),
            sig(r.peakRssBytes / r.fileBytes, 3),
            sig((r.peakRssBytes - r.rssBeforeBytes) / r.fileBytes, 3),
            sig(r.loadMs, 4),
            `${r.backendMemory.buffers} (${mib(r.backendMemory.bytes)} MiB)`,
            r.peakRssBytes < LOAD_PEAK_LIMIT * r.fileBytes ? 'pass' : 'FAIL',
          ],
    ),
  );
  const steadyTable = markdownTable(
    ['backend', 'forwards', 'seconds', 'RSS warm MiB', 'RSS 1st half MiB', 'RSS 2nd half MiB', 'growth MiB', 'JS heap warm → end MiB', 'live buffers warm → end', 'live bytes warm → end', 'pooled bytes end', 'flat'],
    steady.map(({ backend, result: r, error }) => {
      const verdict = r === undefined ? undefined : steadyVerdict(r);
      if (r === undefined || verdict === undefined) return [backend, r?.forwardsDone, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, error === undefined ? 'too few samples' : `error: ${error}`];
      const warm = r.rssSamples[0]!;
      const last = r.rssSamples.at(-1)!;
      return [
        backend,
        `${r.forwardsDone}${r.forwardsDone < r.forwardsAsked ? ` of ${r.forwardsAsked} (time budget ${steadyBudgetS} s)` : ''}`,
        sig(r.seconds, 3),
        mib(warm.rssBytes),
        mib(verdict.firstHalfRss),
        mib(verdict.secondHalfRss),
        mib(verdict.secondHalfRss - verdict.firstHalfRss),
        `${mib(warm.heapUsedBytes)} → ${mib(last.heapUsedBytes)}`,
        `${warm.backendMemory.buffers} → ${last.backendMemory.buffers}`,
        `${warm.backendMemory.bytes} → ${last.backendMemory.bytes}`,
        last.backendMemory.pooledBytes,
        verdict.pass ? 'pass' : 'FAIL',
      ];
    }),
  );
  const markdown = [
    `load: ${dir} in a fresh process per backend; RSS after a forced GC; peak = maxRSS of the process`,
    '',
    loadTable,
    '',
    `steady state: ${forwards} forwards (batch 2 × seq 16) of ${tiny}, sampled after a GC at 1% of the calls (warm) and at every tenth; ` +
      `flat = the median RSS of the later samples' second half is < ${STEADY_GROWTH_LIMIT_BYTES / MiB} MiB above their first half's, and the backend's live buffers and bytes end where they were when warm`,
    '',
    steadyTable,
  ].join('\n');
  return { suite: 'memory', title: 'Memory: load peak and steady state', markdown, data: { model: dir, tiny, limits: { loadPeak: LOAD_PEAK_LIMIT, steadyGrowthBytes: STEADY_GROWTH_LIMIT_BYTES }, loads, steady } };
}
