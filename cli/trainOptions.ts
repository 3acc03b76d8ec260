// What every `roberta train` task reads from its flags the same way: the optimizer and schedule
// (with the task's AdamW defaults), the evaluation and checkpoint cadence, the hyper-parameters a
// resumed run must repeat, and where the run's lines and progress bar go.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ScheduleOptions, TrainOptions } from '../train/trainer/loop.js';
import type { RunOutput } from '../train/trainer/trainingRun.js';
import { TRAINER_STATE_FILE, type Hyperparameters } from '../train/trainer/trainerState.js';
import { flagIsSet, integerFlag, optionalString } from './args.js';
import { UsageError, type CommandIO, type ParsedArgs } from './command.js';

/** AdamW's β2 and ε: PyTorch's defaults, or the RoBERTa paper's for pretraining (β2 0.98, ε 1e-6). */
export interface AdamDefaults {
  readonly beta2: number;
  readonly eps: number;
}

export const TORCH_ADAM: AdamDefaults = { beta2: 0.999, eps: 1e-8 };
export const ROBERTA_PRETRAINING_ADAM: AdamDefaults = { beta2: 0.98, eps: 1e-6 };

export function numberFlag(args: ParsedArgs, name: string, fallback: number, check: (v: number) => boolean, what: string): number {
  const value = args.flags[name] ?? fallback;
  if (typeof value !== 'number' || !check(value)) throw new UsageError(`--${name} must be ${what}, got ${String(value)}`);
  return value;
}

export function trainOptions(args: ParsedArgs, adam: AdamDefaults): TrainOptions {
  const nonNegative = (v: number) => v >= 0;
  const inUnit = (v: number) => v >= 0 && v < 1;
  const steps = integerFlag(args, 'steps', undefined, 1);
  if (steps === undefined) throw new UsageError('--steps is required');
  if (args.flags.lr === undefined) throw new UsageError('--lr is required');
  return {
    steps,
    lr: numberFlag(args, 'lr', 0, nonNegative, '≥ 0'),
    weightDecay: numberFlag(args, 'weight-decay', 0, nonNegative, '≥ 0'),
    warmupSteps: integerFlag(args, 'warmup-steps', 0, 0)!,
    maxGradNorm: numberFlag(args, 'max-grad-norm', 1, nonNegative, '≥ 0 (0: no clipping)'),
    beta1: numberFlag(args, 'adam-beta1', 0.9, inUnit, 'in [0, 1)'),
    beta2: numberFlag(args, 'adam-beta2', adam.beta2, inUnit, 'in [0, 1)'),
    eps: numberFlag(args, 'adam-eps', adam.eps, (v) => v > 0, '> 0'),
    gradAccum: integerFlag(args, 'grad-accum', 1, 1)!,
    dropout: !flagIsSet(args, 'no-dropout'),
    seed: integerFlag(args, 'seed', 0, 0)!,
  };
}

export function scheduleOptions(args: ParsedArgs): ScheduleOptions {
  const maxSeconds = args.flags['max-seconds'] === undefined ? undefined : numberFlag(args, 'max-seconds', 0, (v) => v > 0, '> 0 seconds');
  return { evalEvery: integerFlag(args, 'eval-every', 0, 0)!, saveEvery: integerFlag(args, 'save-every', 0, 0)!, maxSeconds };
}

/** The settings that decide a run's numbers, as trainer_state.json records them (the cadence of evaluations and checkpoints does not). */
export function hyperparameters(task: string, options: TrainOptions, data: Readonly<Record<string, number | string>>): Hyperparameters {
  const { steps, lr, weightDecay, warmupSteps, maxGradNorm, beta1, beta2, eps, gradAccum, dropout, seed } = options;
  return {
    task,
    steps,
    lr,
    weight_decay: weightDecay,
    warmup_steps: warmupSteps,
    max_grad_norm: maxGradNorm,
    adam_beta1: beta1,
    adam_beta2: beta2,
    adam_epsilon: eps,
    grad_accum: gradAccum,
    dropout,
    seed,
    ...data,
  };
}

/** --resume's folder, refused up front unless it is a checkpoint of this command. */
export function resumeDir(args: ParsedArgs): string | undefined {
  const dir = optionalString(args, 'resume');
  if (dir !== undefined && !existsSync(join(dir, TRAINER_STATE_FILE))) {
    throw new UsageError(`--resume ${dir}: no ${TRAINER_STATE_FILE} there; resume from a checkpoint folder OUT/checkpoint-<step> that roberta train wrote`);
  }
  return dir;
}

/** JSON lines (--json) or text on stdout; the progress bar on stderr when it is a terminal, unless --quiet. */
export function runOutput(args: ParsedArgs, io: CommandIO): RunOutput {
  const quiet = flagIsSet(args, 'quiet');
  const stderr = io.stderr as NodeJS.WritableStream & { columns?: number };
  return {
    line: (text) => io.stdout.write(`${text}\n`),
    json: flagIsSet(args, 'json'),
    terminal: io.stderrIsTTY && !quiet ? { columns: stderr.columns, write: (text) => stderr.write(text) } : undefined,
    quiet,
  };
}
