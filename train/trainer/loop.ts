// The training loop of Hugging Face's Trainer, over any task: per optimizer step, clear the
// gradients, accumulate them over `gradAccum` micro-batches (each loss scaled by 1/gradAccum),
// clip their global norm, step AdamW at the scheduled learning rate; evaluate every `evalEvery`
// steps and at the end; hand the state to `save` every `saveEvery` steps; stop after an evaluation
// when the task's stopping rule says so, or when the time budget `maxSeconds` is spent.
//
// Everything a step computes is a function of the step's number — its micro-batches (the task's
// data is indexed by the run's micro-batch count), its dropout masks (stepRandom.ts), its learning
// rate — and of the weights and AdamW moments before it, so a run resumed from a checkpoint's
// weights, moments and step continues exactly as the uninterrupted run did.

import type { AnyRobertaModel } from '../../model/roberta.js';
import { AdamW, type AdamWState } from '../adamw.js';
import { clipGradNorm } from '../clipping.js';
import { lossAndBackward } from '../gradients.js';
import { gradientOf, namedParameters, zeroGradients, type NamedParameter } from '../parameters.js';
import { linearWarmupDecay } from '../schedule.js';
import { dropoutStream } from './stepRandom.js';
import { taskLoss, tokensIn, type EvalMetrics, type TrainingTask } from './task.js';
import type { LogEntry, TrainerState } from './trainerState.js';

export interface TrainOptions {
  readonly steps: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly warmupSteps: number;
  /** Clip the global gradient norm to this (0: no clipping, as in the Trainer). */
  readonly maxGradNorm: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly gradAccum: number;
  /** Dropout as the model's config sets it (true), or none (false: --no-dropout). */
  readonly dropout: boolean;
  /** Seeds the dropout masks. */
  readonly seed: number;
}

export interface ScheduleOptions {
  /** Evaluate after every this many steps (and after the last); 0: only after the last. */
  readonly evalEvery?: number;
  /** Save a checkpoint after every this many steps (the last included, when it is a multiple, as the Trainer does). */
  readonly saveEvery?: number;
  /** A time budget: stop after the first step that ends this many seconds into this invocation, then evaluate. The schedule still decays towards `steps`. */
  readonly maxSeconds?: number;
}

/** What one optimizer step reports: its mean loss, the learning rate it used, the gradient norm before clipping. */
export type StepReport = {
  readonly step: number;
  readonly loss: number;
  readonly lr: number;
  readonly grad_norm: number;
};

/** An evaluation after step `step` (counted from 0, as StepReport's): `eval_<metric>` for each metric. */
export type EvalReport = LogEntry;

export interface TrainerEvents {
  /** After each step, with the run's totals so far (tokens fed, seconds spent, across resumes). */
  onStep?(report: StepReport, totals: { readonly tokens: number; readonly seconds: number }): void;
  onEval?(report: EvalReport): void;
  /** A checkpoint is due: the state after `state.globalStep` steps, the optimizer's moments, the parameters they belong to. */
  save?(state: TrainerState, optimizer: AdamWState, parameters: readonly NamedParameter[]): Promise<void>;
}

/** Where a resumed run starts: a checkpoint's trainer state and optimizer state, its weights already in the model. */
export interface ResumePoint {
  readonly state: TrainerState;
  readonly optimizer: AdamWState;
}

export interface TrainResult {
  readonly state: TrainerState;
  /** The last evaluation's metrics (undefined when the task has no evaluation). */
  readonly lastEval: EvalMetrics | undefined;
  readonly optimizer: AdamWState;
  readonly parameters: readonly NamedParameter[];
}

function evalReport(step: number, metrics: EvalMetrics): EvalReport {
  return { step, ...Object.fromEntries(Object.entries(metrics).map(([k, v]) => [`eval_${k}`, v])) };
}

/** Evaluation records nothing on the tape: the parameters stop requiring gradients until the next step clears them. */
async function evaluateWithoutTape(model: AnyRobertaModel, task: TrainingTask, parameters: readonly NamedParameter[], dropout: boolean): Promise<EvalMetrics> {
  for (const { tensor } of parameters) tensor.requiresGrad = false;
  model.train(false);
  try {
    return await task.evaluate!(model);
  } finally {
    model.train(dropout);
  }
}

export async function runTraining(
  model: AnyRobertaModel,
  task: TrainingTask,
  options: TrainOptions & ScheduleOptions,
  state: TrainerState,
  events: TrainerEvents = {},
  resume?: AdamWState,
): Promise<TrainResult> {
  const parameters = namedParameters(model);
  const optimizer = await AdamW.create(parameters, options);
  if (resume !== undefined) optimizer.importState(resume);
  const lossOf = taskLoss(task);
  const { steps, gradAccum, evalEvery = 0, saveEvery = 0, maxSeconds = Infinity } = options;
  let { tokens, seconds } = state;
  const history = [...state.logHistory];
  let lastEval: EvalMetrics | undefined;
  let clock = performance.now();
  const started = clock;
  const elapsed = () => {
    const now = performance.now();
    seconds += (now - clock) / 1000;
    clock = now;
    return seconds;
  };
  let stepsDone = state.globalStep;
  const snapshot = (globalStep: number): TrainerState => ({ ...state, globalStep, tokens, seconds: elapsed(), logHistory: [...history] });
  model.train(options.dropout);
  try {
    for (let step = state.globalStep; step < steps; step++) {
      model.mode.random = dropoutStream(options.seed, step);
      zeroGradients(parameters);
      let loss = 0;
      for (let micro = 0; micro < gradAccum; micro++) {
        const batch = await task.data.microBatch(step * gradAccum + micro);
        tokens += tokensIn(batch);
        loss += (await lossAndBackward(model, batch, 1 / gradAccum, lossOf)) / gradAccum;
      }
      const grads: Float32Array[] = [];
      for (const parameter of parameters) {
        const grad = gradientOf(parameter);
        grads.push((await grad.data()) as Float32Array);
        if (grad !== parameter.tensor.grad) grad.dispose();
      }
      const gradNorm = clipGradNorm(grads, options.maxGradNorm > 0 ? options.maxGradNorm : Infinity);
      const lr = options.lr * linearWarmupDecay(step, options.warmupSteps, steps);
      optimizer.update(grads, lr);
      const report: StepReport = { step, loss, lr, grad_norm: gradNorm };
      history.push(report);
      events.onStep?.(report, { tokens, seconds: elapsed() });

      const done = step + 1;
      stepsDone = done;
      const outOfTime = (performance.now() - started) / 1000 >= maxSeconds;
      if (task.evaluate !== undefined && ((evalEvery > 0 && done % evalEvery === 0) || done === steps || outOfTime)) {
        lastEval = await evaluateWithoutTape(model, task, parameters, options.dropout);
        const entry = evalReport(step, lastEval);
        history.push(entry);
        events.onEval?.(entry);
        if (await task.stopping?.afterEvaluation(model, lastEval, step)) break;
      }
      if (events.save !== undefined && saveEvery > 0 && done % saveEvery === 0) {
        await events.save(snapshot(done), optimizer.exportState(), parameters);
      }
      if (outOfTime) break;
    }
  } finally {
    model.train(false);
    for (const { tensor } of parameters) {
      tensor.grad?.dispose();
      tensor.grad = undefined;
      tensor.requiresGrad = false;
    }
  }
  return { state: snapshot(stepsDone), lastEval, optimizer: optimizer.exportState(), parameters };
}
