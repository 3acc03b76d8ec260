// Which input shapes an engine is timed on, within a time budget.
//
// The reference CPU backend and software GPU adapters run at 1–2 GFLOP/s, where one
// batch 8 × 512 forward of roberta-base (≈ 0.8 TFLOP) takes minutes. So shapes are run from the
// cheapest up; after each, the engine's measured rate (GFLOP/s at the median) predicts the next
// shape's call time, and a shape whose cold call, warm-up and minimum runs would not fit in what
// is left of the engine's budget is skipped — with the prediction in the table, so a reader sees
// what was left out and why. The number of timed runs also shrinks to fit, down to `minRuns`.

import { forwardFlops, timeCalls } from './forwardBench.js';
import type { RobertaConfig } from '../model/config.js';
import type { BenchEngine } from './engines/engine.js';
import { benchInputs, type BenchInputs } from './inputs.js';

export interface Shape {
  readonly batch: number;
  readonly seq: number;
}

/** batch × seq ∈ {1, 8} × {16, 128, 512}. */
export const FULL_SHAPES: readonly Shape[] = [1, 8].flatMap((batch) => [16, 128, 512].map((seq) => ({ batch, seq })));
export const QUICK_SHAPES: readonly Shape[] = [
  { batch: 1, seq: 16 },
  { batch: 1, seq: 128 },
];

export const shapeLabel = (shape: Shape) => `${shape.batch}×${shape.seq}`;

export interface BudgetOptions {
  /** Seconds of calls allowed for one engine over all its shapes. */
  readonly budgetS: number;
  readonly warmup: number;
  readonly minRuns: number;
  readonly maxRuns: number;
}

export interface ShapeMeasurement {
  readonly engine: string;
  readonly batch: number;
  readonly seq: number;
  readonly status: 'ran' | 'skipped' | 'failed';
  /** Why it was skipped or how it failed. */
  readonly note?: string;
  readonly coldMs?: number;
  readonly runs?: number;
  readonly runsMs?: readonly number[];
  readonly medianMs?: number;
  readonly minMs?: number;
  readonly p90Ms?: number;
  readonly maxMs?: number;
  readonly tokensPerSecond?: number;
  readonly gflops?: number;
}

export interface MeasuredShape {
  readonly row: ShapeMeasurement;
  /** The last call's result, for cross-engine checks (see the peers suite). */
  readonly output?: ArrayLike<number>;
}

/** Tracks one engine's budget and measured rate across its shapes (run in the order given). */
export class EngineBudget {
  private spentMs = 0;
  private planned = 0;
  private gflops: number | undefined;
  private rateFrom = '';

  constructor(
    private readonly options: BudgetOptions,
    private readonly config: RobertaConfig,
    private readonly shapeCount: number,
  ) {}

  get minRuns(): number {
    return this.options.minRuns;
  }

  get remainingMs(): number {
    return this.options.budgetS * 1000 - this.spentMs;
  }

  /**
   * How many timed runs to do at the next shape, or why to skip it; and how long its calls may
   * take before the runs stop early (at `minRuns`): an even share of what is left, so the larger
   * shapes still to come keep their part.
   */
  plan(shape: Shape): { runs: number; allowanceMs: number } | { skip: string } {
    const { warmup, minRuns, maxRuns } = this.options;
    const allowanceMs = Math.max(0, this.remainingMs / Math.max(1, this.shapeCount - this.planned));
    this.planned++;
    if (this.gflops === undefined) return { runs: maxRuns, allowanceMs }; // the cheapest shape: nothing to predict from yet
    const predictedMs = (forwardFlops(this.config, shape.batch, shape.seq) / 1e9 / this.gflops) * 1000;
    const fits = Math.floor((this.remainingMs - predictedMs * (1 + warmup)) / predictedMs); // after the cold and warm-up calls
    if (fits < minRuns) {
      const left = this.remainingMs > 0 ? `the ${(this.remainingMs / 1000).toFixed(0)} s left of its ${this.options.budgetS} s budget` : `its ${this.options.budgetS} s budget, already spent`;
      return {
        skip: `predicted ${(predictedMs / 1000).toFixed(1)} s per call at ${this.gflops.toFixed(2)} GFLOP/s (measured at ${this.rateFrom}): ${1 + warmup + minRuns} calls would not fit in ${left}`,
      };
    }
    return { runs: Math.min(maxRuns, fits), allowanceMs };
  }

  /** Charges the time a shape took; its median time (when it ran) becomes the rate for predictions. */
  record(shape: Shape, spentMs: number, medianMs?: number): void {
    this.spentMs += spentMs;
    if (medianMs === undefined) return;
    this.gflops = forwardFlops(this.config, shape.batch, shape.seq) / 1e9 / (medianMs / 1000);
    this.rateFrom = shapeLabel(shape);
  }
}

/** Times `engine` at one shape within its budget. Errors become a `failed` row, not an abort. */
export async function measureShape(
  engine: BenchEngine,
  config: RobertaConfig,
  shape: Shape,
  budget: EngineBudget,
  warmup: number,
  log: (line: string) => void,
  inputs: BenchInputs = benchInputs(config, shape.batch, shape.seq),
): Promise<MeasuredShape> {
  const base = { engine: engine.name, batch: shape.batch, seq: shape.seq };
  const plan = budget.plan(shape);
  if ('skip' in plan) {
    log(`${engine.name} ${shapeLabel(shape)}: skipped: ${plan.skip}`);
    return { row: { ...base, status: 'skipped', note: plan.skip } };
  }
  const call = engine.bind(inputs);
  let output: ArrayLike<number> = [];
  const started = performance.now();
  try {
    const timings = await timeCalls(
      async () => {
        output = await call();
      },
      { runs: plan.runs, warmup, minRuns: budget.minRuns, budgetMs: plan.allowanceMs, onCall: (kind, ms) => log(`${engine.name} ${shapeLabel(shape)}: ${kind} ${ms.toFixed(1)} ms`) },
    );
    budget.record(shape, performance.now() - started, timings.medianMs);
    const tokens = shape.batch * shape.seq;
    const row: ShapeMeasurement = {
      ...base,
      status: 'ran',
      coldMs: timings.coldMs,
      runs: timings.runs,
      runsMs: timings.runsMs,
      medianMs: timings.medianMs,
      minMs: timings.minMs,
      p90Ms: timings.p90Ms,
      maxMs: timings.maxMs,
      tokensPerSecond: tokens / (timings.medianMs / 1000),
      gflops: forwardFlops(config, shape.batch, shape.seq) / 1e9 / (timings.medianMs / 1000),
    };
    return { row, output };
  } catch (error) {
    budget.record(shape, performance.now() - started);
    const note = (error as Error).message.split('\n')[0] ?? String(error);
    log(`${engine.name} ${shapeLabel(shape)}: failed: ${note}`);
    return { row: { ...base, status: 'failed', note } };
  }
}
