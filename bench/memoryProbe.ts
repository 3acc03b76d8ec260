// The memory suite's child process (bench/suites/memory.ts starts it with --expose-gc): a fresh
// process, so that what it measures is this one job and not what ran before it. Prints one JSON
// line on stdout.
//
//   node --expose-gc dist/bench/memoryProbe.js '{"mode":"load","dir":"…","backend":"wasm"}'
//   node --expose-gc dist/bench/memoryProbe.js '{"mode":"load","dir":"…","backend":"wasm","dtype":"q8"}'
//   node --expose-gc dist/bench/memoryProbe.js '{"mode":"steady","dir":"…","backend":"cpu","forwards":10000,"budgetS":120}'

import { pathToFileURL } from 'node:url';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import '../index.js';
import type { BackendMemory } from '../engine/backend.js';
import type { BackendName } from '../engine/backend.js';
import { disposeBackends } from '../engine/select.js';
import { fromPretrained } from '../model/fromPretrained.js';
import type { WeightPrecision } from '../model/precision.js';
import { SAFETENSORS_FILE } from '../model/weights/load.js';
import { runForward } from './forwardBench.js';
import { benchInputs } from './inputs.js';

export type ProbeRequest =
  | { readonly mode: 'load'; readonly dir: string; readonly backend: BackendName; readonly dtype?: WeightPrecision; readonly int8Embeddings?: boolean }
  | { readonly mode: 'steady'; readonly dir: string; readonly backend: BackendName; readonly forwards: number; readonly budgetS: number; readonly dtype?: WeightPrecision; readonly int8Embeddings?: boolean };

export interface LoadProbeResult {
  readonly mode: 'load';
  readonly backend: string;
  /** The weights' precision (model/precision.ts). */
  readonly dtype: WeightPrecision;
  readonly fileBytes: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  /** The process's peak resident set (maxRSS), loading included. */
  readonly peakRssBytes: number;
  readonly loadMs: number;
  readonly backendMemory: BackendMemory;
}

export interface SteadyProbeResult {
  readonly mode: 'steady';
  readonly backend: string;
  readonly dtype: WeightPrecision;
  readonly forwardsAsked: number;
  readonly forwardsDone: number;
  readonly batch: number;
  readonly seq: number;
  /** Memory after a garbage collection: after 1% of the calls (the warm reference), then every tenth, and at the end. */
  readonly rssSamples: ReadonlyArray<{ readonly forwards: number; readonly rssBytes: number; readonly heapUsedBytes: number; readonly backendMemory: BackendMemory }>;
  readonly seconds: number;
}

const BATCH = 2;
const SEQ = 16;

/** Memory after a full garbage collection (--expose-gc makes gc() exist): otherwise garbage not yet freed counts too. */
function collectedMemory(): { rssBytes: number; heapUsedBytes: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed };
}

async function probeLoad(request: Extract<ProbeRequest, { mode: 'load' }>): Promise<LoadProbeResult> {
  const fileBytes = (await stat(join(request.dir, SAFETENSORS_FILE))).size;
  const rssBeforeBytes = collectedMemory().rssBytes;
  const start = performance.now();
  const model = await fromPretrained(request.dir, { backend: request.backend, dtype: request.dtype, int8Embeddings: request.int8Embeddings });
  const loadMs = performance.now() - start;
  const rssAfterBytes = collectedMemory().rssBytes;
  const result = {
    mode: 'load' as const,
    backend: model.backend.description,
    dtype: model.params.precision,
    fileBytes,
    rssBeforeBytes,
    rssAfterBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    loadMs,
    backendMemory: model.backend.memory(),
  };
  model.dispose();
  return result;
}

async function probeSteady(request: Extract<ProbeRequest, { mode: 'steady' }>): Promise<SteadyProbeResult> {
  const model = await fromPretrained(request.dir, { backend: request.backend, dtype: request.dtype, int8Embeddings: request.int8Embeddings });
  const inputs = benchInputs(model.config, BATCH, SEQ);
  const rssSamples: Array<SteadyProbeResult['rssSamples'][number]> = [];
  const sample = (forwards: number) => rssSamples.push({ forwards, ...collectedMemory(), backendMemory: model.backend.memory() });
  // The backend's live buffers are compared from the first 1% of the calls on (every pool and
  // cache holds its steady contents by then); RSS settles later, as V8 tiers up and sizes its
  // heap, so the suite compares RSS between the two halves of the later samples.
  const warm = Math.max(1, Math.floor(request.forwards / 100));
  const every = Math.max(1, Math.floor(request.forwards / 10));
  const start = performance.now();
  let done = 0;
  while (done < request.forwards) {
    await runForward(model, inputs);
    done++;
    const overBudget = performance.now() - start > request.budgetS * 1000;
    if (done === warm || done % every === 0 || overBudget || done === request.forwards) {
      if (rssSamples.at(-1)?.forwards !== done) sample(done);
    }
    if (overBudget) break;
  }
  const result = {
    mode: 'steady' as const,
    backend: model.backend.description,
    dtype: model.params.precision,
    forwardsAsked: request.forwards,
    forwardsDone: done,
    batch: BATCH,
    seq: SEQ,
    rssSamples,
    seconds: (performance.now() - start) / 1000,
  };
  model.dispose();
  return result;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const request = JSON.parse(process.argv[2] ?? '{}') as ProbeRequest;
  try {
    const result = request.mode === 'load' ? await probeLoad(request) : await probeSteady(request);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await disposeBackends();
  }
}
