// Timing forward passes. A timed call starts when the engine is called and ends when the result
// is on the host: device backends return tensors at once and finish their queued work later, so
// only the read-back (`await tensor.data()`) proves the work is done.
//
// The first call is reported separately as "cold": it includes what happens once per shape or
// per process (WGSL pipeline and gpu.js kernel compilation, WebAssembly tier-up, weight packing,
// buffer pool growth). Then `warmup` more untimed calls, then `runs` timed ones.

import type { RobertaConfig } from '../model/config.js';
import type { ModelInputs } from '../model/inputs.js';
import { disposeOutput, type RobertaOutput } from '../model/roberta.js';
import { summarize, type TimingSummary } from './stats.js';

export interface CallTimingOptions {
  readonly runs: number;
  readonly warmup: number;
  /**
   * Stop before `runs` once this much time has passed since the cold call began and at least
   * `minRuns` runs are done (for suites with a time budget; the CLI times exactly `runs`).
   */
  readonly budgetMs?: number;
  readonly minRuns?: number;
  /** Called after each call with its kind and time (progress for slow backends). */
  readonly onCall?: (kind: 'cold' | 'warmup' | 'run', ms: number) => void;
}

export interface CallTimings extends TimingSummary {
  readonly warmup: number;
  readonly coldMs: number;
  readonly runsMs: readonly number[];
}

/** Times `call`: once cold, `warmup` times untimed, then `runs` times (fewer if over budget). */
export async function timeCalls(call: () => Promise<unknown>, options: CallTimingOptions): Promise<CallTimings> {
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error(`runs must be a positive integer, got ${options.runs}`);
  if (!Number.isInteger(options.warmup) || options.warmup < 0) throw new Error(`warmup must be a non-negative integer, got ${options.warmup}`);
  const report = options.onCall ?? (() => {});
  const timed = async () => {
    const start = performance.now();
    await call();
    return performance.now() - start;
  };
  const started = performance.now();
  const overBudget = (done: number) =>
    options.budgetMs !== undefined && done >= (options.minRuns ?? 1) && performance.now() - started > options.budgetMs;
  const coldMs = await timed();
  report('cold', coldMs);
  for (let i = 0; i < options.warmup; i++) report('warmup', await timed());
  const runsMs: number[] = [];
  for (let i = 0; i < options.runs && !overBudget(i); i++) {
    runsMs.push(await timed());
    report('run', runsMs[i]!);
  }
  return { ...summarize(runsMs), warmup: options.warmup, coldMs, runsMs };
}

/** The output a caller would use: logits for task models (start logits for QA), else the pooled or last hidden state. */
function resultTensor(out: RobertaOutput) {
  return out.logits ?? out.startLogits ?? out.poolerOutput ?? out.lastHiddenState;
}

/** What runs a forward: a model, or a ForwardReplay of one (model/forwardReplay.ts). */
export interface ForwardRunner {
  forward(inputs: ModelInputs): RobertaOutput;
}

/**
 * One forward pass, its result read back to the host; every output tensor is released.
 * `onRecorded` gets how long `forward` itself took to return: on a device backend that is the host
 * time of recording the work (ops return at once; only the read waits for the device).
 */
export async function runForward(model: ForwardRunner, inputs: ModelInputs, onRecorded?: (ms: number) => void): Promise<ArrayLike<number>> {
  const start = performance.now();
  const out = model.forward(inputs);
  onRecorded?.(performance.now() - start);
  try {
    return await resultTensor(out).data();
  } finally {
    disposeOutput(out);
  }
}

export interface ForwardBenchResult extends CallTimings {
  readonly batch: number;
  readonly seq: number;
  /** batch × seq tokens per second at the median time. */
  readonly tokensPerSecond: number;
  /** How long `forward` took to return in the timed runs, before the read (runForward's `onRecorded`). */
  readonly record: TimingSummary;
}

export async function benchForward(model: ForwardRunner, inputs: ModelInputs, options: CallTimingOptions): Promise<ForwardBenchResult> {
  const recordMs: number[] = [];
  const timings = await timeCalls(() => runForward(model, inputs, (ms) => recordMs.push(ms)), options);
  const batch = inputs.inputIds.length;
  const seq = inputs.inputIds[0]!.length;
  // The first calls were the cold one and the warm-ups.
  const record = summarize(recordMs.slice(1 + timings.warmup));
  return { ...timings, batch, seq, tokensPerSecond: (batch * seq) / (timings.medianMs / 1000), record };
}

/**
 * Floating-point operations of one forward pass (a multiply-add counts 2): the encoder's matrix
 * products, which are nearly all of the work. Used to turn times into GFLOP/s and to predict how
 * long a larger shape will take on a backend.
 */
export function forwardFlops(config: Pick<RobertaConfig, 'hiddenSize' | 'intermediateSize' | 'numHiddenLayers'>, batch: number, seq: number): number {
  const tokens = batch * seq;
  const h = config.hiddenSize;
  const projections = 2 * tokens * h * (4 * h + 2 * config.intermediateSize); // q, k, v, attention output, and the two FFN layers
  const attention = 2 * 2 * batch * seq * seq * h; // q·kᵀ and probs·v over all heads
  return config.numHiddenLayers * (projections + attention);
}
