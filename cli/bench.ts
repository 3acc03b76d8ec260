// `roberta bench`: time the forward pass of a model on one backend and one input shape, or create
// the deterministic roberta-base-sized benchmark model (`--random base`).
//
// With --json it prints exactly one JSON line, a contract external performance checks parse:
//   {"backend", "batch", "seq", "runs", "median_ms", "min_ms", "tokens_per_s", "peak_rss_mb", ...}
// peak_rss_mb is the process's peak resident set in MiB (loading included), from
// process.resourceUsage().maxRSS. On webgpu the line also says what one forward costs the host:
// `dispatches` (kernels recorded) and `record_ms` (median time `forward` takes to return, i.e. to
// record them, in the timed runs; `record_min_ms` its minimum), and `replay`: whether --replay
// recorded the forward once and replayed it (model/forwardReplay.ts), so that `record_ms` is a replay's.

import '../index.js';
import { loadOrtEngine } from '../bench/engines/onnxruntime.js';
import { benchForward, timeCalls } from '../bench/forwardBench.js';
import { ensureOnnx, ORT_WEB_THREADS } from '../bench/suites/peers.js';
import { benchInputs } from '../bench/inputs.js';
import { describeMachine, machineInfo } from '../bench/machine.js';
import { defaultRandomModelDir, ensureRandomModel, isRandomModelPreset, RANDOM_MODEL_PRESETS } from '../bench/randomModel.js';
import { WebGpuBackend } from '../kernels/wgsl/backend.js';
import { ForwardReplay } from '../model/forwardReplay.js';
import { fromPretrained } from '../model/fromPretrained.js';
import { flagIsSet, optionalString } from './args.js';
import { UsageError, type CliCommand, type CommandIO, type ParsedArgs } from './command.js';
import { BACKEND_FLAG, backendPreference, COMMON_FLAGS, DTYPE_FLAG, Q8_EMBEDDINGS_FLAG, REVISION_FLAG, precisionOptions, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';

const DEFAULTS = { batch: 1, seq: 128, runs: 10, warmup: 1 } as const;

function integerFlag(args: ParsedArgs, name: keyof typeof DEFAULTS, min: number): number {
  const value = args.flags[name] ?? DEFAULTS[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

function peakRssMb(): number {
  // maxRSS is in kibibytes.
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/** Runs `check`, turning its Error into a UsageError (bad flags for this model, e.g. --seq too long). */
function usageChecked<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

interface PeerTiming {
  readonly engine: string;
  readonly description: string;
  readonly median_ms: number;
  readonly min_ms: number;
  /** Our median ÷ theirs: below 1 means we are faster. */
  readonly ours_over_peer: number;
}

/**
 * --peers: the same model (exported to ONNX once), the same ids and the same run count on
 * onnxruntime-web (WebAssembly SIMD, 2 threads — what transformers.js runs on a CPU) and
 * onnxruntime-node (native). With --dtype q8, each also on the q8 export (the identical int8
 * weights; names end in " q8") after the float one. Those packages are devDependencies: a clear
 * error without them.
 */
async function timePeers(dir: string, inputs: ReturnType<typeof benchInputs>, options: { runs: number; warmup: number }, oursMs: number, q8: boolean, log: (line: string) => void): Promise<PeerTiming[]> {
  const peers: PeerTiming[] = [];
  for (const dtype of q8 ? (['fp32', 'q8'] as const) : (['fp32'] as const)) {
    const onnxPath = await ensureOnnx(dir, log, dtype);
    for (const [flavor, threads] of [['onnxruntime-web', ORT_WEB_THREADS], ['onnxruntime-node', machineInfo().cores]] as const) {
      const engine = await loadOrtEngine(flavor, onnxPath, threads).catch((error: Error) => {
        throw new Error(`--peers needs ${flavor} (a devDependency: npm install in the repository): ${error.message.split('\n')[0]}`);
      });
      try {
        const timing = await timeCalls(engine.bind(inputs), options);
        // The ratio of the medians as printed (rounded), so a reader can check it from the line itself.
        const median = round(timing.medianMs);
        const name = dtype === 'fp32' ? engine.name : `${engine.name} ${dtype}`;
        peers.push({ engine: name, description: engine.description, median_ms: median, min_ms: round(timing.minMs), ours_over_peer: round(round(oursMs) / median) });
      } finally {
        await engine.dispose();
      }
    }
  }
  return peers;
}

async function createRandomModel(preset: string, args: ParsedArgs, io: CommandIO): Promise<number> {
  if (!isRandomModelPreset(preset)) {
    throw new UsageError(`--random must be one of ${Object.keys(RANDOM_MODEL_PRESETS).join(', ')}, got "${preset}"`);
  }
  if (args.flags.model !== undefined) throw new UsageError('--random creates a model; bench it afterwards with --model DIR (not both at once)');
  const json = flagIsSet(args, 'json');
  const log = flagIsSet(args, 'quiet') || json ? undefined : (line: string) => io.stderr.write(`${line}\n`);
  const dir = optionalString(args, 'out') ?? defaultRandomModelDir(preset);
  const result = await ensureRandomModel(dir, RANDOM_MODEL_PRESETS[preset], { log });
  if (json) {
    io.stdout.write(`${JSON.stringify({ model_dir: result.dir, status: result.status, weight_bytes: result.weightBytes, parameters: result.parameters })}\n`);
  } else {
    io.stdout.write(`${result.status} ${result.dir}: ${result.parameters.toLocaleString('en-US')} parameters, model.safetensors ${(result.weightBytes / 1e6).toFixed(1)} MB\n`);
  }
  return 0;
}

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'time the forward pass (median, min, tokens/s, peak memory), or create the random benchmark model',
  usage: [
    'bench --model DIR [--batch B] [--seq S] [--runs N] [--warmup W] [--backend B] [--json]',
    'bench --random base|tiny [--out DIR] [--json]',
  ],
  examples: [
    'roberta bench --random base',
    'roberta bench --model bench/models/roberta-base-random --batch 1 --seq 128 --runs 10 --backend auto --json',
    'roberta bench --model ./my-model --batch 8 --seq 512 --runs 3 --backend wasm',
    'roberta bench --model bench/models/roberta-base-random --backend wasm --peers   (beside onnxruntime-web and -node)',
  ],
  flags: {
    model: { type: 'string', description: 'model directory or Hugging Face id to time' },
    batch: { type: 'number', description: 'sequences per forward pass', default: DEFAULTS.batch },
    seq: { type: 'number', description: 'tokens per sequence, <s> and </s> included', default: DEFAULTS.seq },
    runs: { type: 'number', description: 'timed forward passes', default: DEFAULTS.runs },
    warmup: { type: 'number', description: 'untimed passes after the first (cold) one', default: DEFAULTS.warmup },
    backend: BACKEND_FLAG,
    dtype: DTYPE_FLAG,
    'q8-embeddings': Q8_EMBEDDINGS_FLAG,
    json: { type: 'boolean', description: 'print one JSON line (the contract performance checks parse)' },
    peers: { type: 'boolean', description: 'also time onnxruntime-web and onnxruntime-node on the same weights and ids' },
    replay: { type: 'boolean', description: 'webgpu: record the forward on its first call and replay it after (no ops run on the host)' },
    random: { type: 'string', description: 'create (or reuse) a deterministic random model: base (roberta-base size) or tiny' },
    out: { type: 'string', description: 'directory for --random (default bench/models/roberta-<preset>-random)' },
    revision: REVISION_FLAG,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    const preset = optionalString(args, 'random');
    if (preset !== undefined) return createRandomModel(preset, args, io);

    const batch = integerFlag(args, 'batch', 1);
    const seq = integerFlag(args, 'seq', 2);
    const runs = integerFlag(args, 'runs', 1);
    const warmup = integerFlag(args, 'warmup', 0);
    const preference = backendPreference(args, 'auto');
    const json = flagIsSet(args, 'json');
    const dir = await resolveModel(args, io);

    const loadStart = performance.now();
    const model = await fromPretrained(dir, { backend: preference, log: verboseLog(args, io), ...precisionOptions(args) });
    const loadMs = performance.now() - loadStart;
    try {
      const inputs = usageChecked(() => benchInputs(model.config, batch, seq));
      const gpu = model.backend instanceof WebGpuBackend ? model.backend : undefined;
      const replay = flagIsSet(args, 'replay');
      if (replay && !gpu) throw new UsageError(`--replay needs the webgpu backend (this run uses ${model.backend.name})`);
      const dispatchesBefore = gpu?.dispatchCount ?? 0;
      const replayer = replay ? new ForwardReplay(model) : undefined;
      const result = await benchForward(replayer ?? model, inputs, { runs, warmup }).finally(() => replayer?.dispose());
      // Every call records the same kernels: the cold one, the warm-ups and the timed runs.
      const recording = gpu && {
        dispatches: (gpu.dispatchCount - dispatchesBefore) / (1 + warmup + result.runs),
        record_ms: round(result.record.medianMs),
        record_min_ms: round(result.record.minMs),
        replay,
      };
      const machine = machineInfo();
      const selection = model.selection?.lines ?? [`${model.backend.name}: given`];
      const quietLog = json || flagIsSet(args, 'quiet') ? () => {} : (line: string) => io.stderr.write(`${line}\n`);
      const peers = flagIsSet(args, 'peers') ? await timePeers(dir, inputs, { runs, warmup }, result.medianMs, model.params.precision === 'q8', quietLog) : undefined;
      if (json) {
        const line = {
          backend: model.backend.name,
          batch,
          seq,
          runs,
          median_ms: round(result.medianMs),
          min_ms: round(result.minMs),
          tokens_per_s: round(result.tokensPerSecond, 1),
          peak_rss_mb: peakRssMb(),
          cold_ms: round(result.coldMs),
          p90_ms: round(result.p90Ms),
          max_ms: round(result.maxMs),
          mean_ms: round(result.meanMs),
          warmup,
          load_ms: round(loadMs, 1),
          ...recording,
          backend_requested: preference,
          backend_description: model.backend.description,
          backend_selection: selection,
          model: dir,
          architecture: model.architecture,
          machine,
          peers,
        };
        io.stdout.write(`${JSON.stringify(line)}\n`);
      } else {
        const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
        io.stdout.write(
          [
            `roberta bench: ${dir} (${model.architecture}), batch ${batch} × seq ${seq}`,
            `backend: ${model.backend.description}`,
            ...(preference === 'auto' ? selection.map((l) => `  auto: ${l}`) : []),
            `load ${ms(loadMs)}; cold first call (compilation included) ${ms(result.coldMs)}`,
            `warm, ${runs} runs after ${warmup} warm-up: median ${ms(result.medianMs)}, min ${ms(result.minMs)}, p90 ${ms(result.p90Ms)}, max ${ms(result.maxMs)}`,
            `throughput ${result.tokensPerSecond.toFixed(1)} tokens/s at the median; peak RSS ${peakRssMb()} MiB`,
            ...(recording ? [`${replay ? 'replaying a recorded forward' : 'recording a forward'}: ${recording.dispatches} dispatches, median ${ms(recording.record_ms)} of host time (min ${ms(recording.record_min_ms)})`] : []),
            ...(peers ?? []).map((p) => `${p.engine}: median ${ms(p.median_ms)}, min ${ms(p.min_ms)} — ours ÷ theirs ${p.ours_over_peer.toFixed(2)}× (${p.description})`),
            `machine: ${describeMachine(machine)}`,
            '',
          ].join('\n'),
        );
      }
      return 0;
    } finally {
      model.dispose();
    }
  },
};
