// A whole run as `roberta train --task mlm | classification` makes it: train (from scratch, or
// resumed from a checkpoint folder), report each step and evaluation (JSON lines or text on stdout,
// a progress bar on a terminal), save checkpoint-<k> folders, and finish with the model folder,
// trainer_state.json and loss_curve.svg in OUT and a final summary line.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnyRobertaModel } from '../../model/roberta.js';
import { saveCheckpoint, type ModelFolderSource } from '../checkpoint.js';
import { namedParameters } from '../parameters.js';
import { checkpointDir, saveTrainingCheckpoint } from './checkpointFolder.js';
import { runTraining, type ResumePoint, type ScheduleOptions, type StepReport, type TrainOptions } from './loop.js';
import { lossCurveSvg } from './lossCurve.js';
import { readOptimizerState } from './optimizerFile.js';
import { TrainingProgress, type TerminalStream } from './progress.js';
import type { TrainingTask } from './task.js';
import { checkSameHyperparameters, initialTrainerState, readTrainerState, TrainerStateError, writeTrainerState, type Hyperparameters, type LogEntry } from './trainerState.js';

export const LOSS_CURVE_FILE = 'loss_curve.svg';

export interface TrainingRun {
  readonly model: AnyRobertaModel;
  readonly task: TrainingTask;
  readonly options: TrainOptions & ScheduleOptions;
  /** Saved in trainer_state.json; a resumed run must be given the same. */
  readonly hyperparameters: Hyperparameters;
  readonly outDir: string;
  /** The config and tokenizer the written folders get. */
  readonly source: ModelFolderSource;
  /** A checkpoint folder the model was loaded from, to continue its run. */
  readonly resumeDir?: string;
}

export interface RunOutput {
  /** Writes one line (without its newline) to stdout. */
  readonly line: (text: string) => void;
  /** One JSON object per line, else text. */
  readonly json: boolean;
  /** A terminal for the progress bar; none: each step is a line of its own (unless `quiet`). */
  readonly terminal?: TerminalStream;
  /** No step lines (evaluations and the summary still print). */
  readonly quiet?: boolean;
}

/** The summary line of a run: the last evaluation's loss (the best's, with early stopping; null without eval data), steps done, tokens fed, seconds spent, across resumes. */
export interface FinalReport {
  readonly final: true;
  readonly eval_loss: number | null;
  readonly steps: number;
  readonly tokens: number;
  readonly seconds: number;
}

export function stepLine({ step, loss, lr, grad_norm }: StepReport): string {
  return `step ${step}: loss ${loss.toFixed(6)}, lr ${lr.toExponential(3)}, grad norm ${grad_norm.toFixed(6)}`;
}

function evalLine({ step, ...metrics }: LogEntry): string {
  return `step ${step}: ${Object.entries(metrics).map(([k, v]) => `${k.replace(/_/g, ' ')} ${v.toFixed(4)}`).join(', ')}`;
}

async function resumePoint(run: TrainingRun): Promise<ResumePoint | undefined> {
  if (run.resumeDir === undefined) return undefined;
  const state = await readTrainerState(run.resumeDir);
  checkSameHyperparameters(state.hyperparameters, run.hyperparameters, run.resumeDir);
  if (state.globalStep >= run.options.steps) {
    throw new TrainerStateError(`${run.resumeDir} is already ${state.globalStep} steps into a run of ${run.options.steps}: nothing to resume`);
  }
  return { state, optimizer: await readOptimizerState(run.resumeDir, namedParameters(run.model)) };
}

export async function runToFolder(run: TrainingRun, output: RunOutput): Promise<FinalReport> {
  const { model, options, outDir, source } = run;
  const resume = await resumePoint(run);
  const state = resume?.state ?? initialTrainerState(run.hyperparameters);
  const print = (entry: object, text: string) => output.line(output.json ? JSON.stringify(entry) : text);
  const progress = output.terminal === undefined ? undefined : new TrainingProgress(output.terminal, options.steps, state.globalStep);
  const start = { tokens: state.tokens, seconds: state.seconds };
  let result;
  try {
    result = await runTraining(
      model,
      run.task,
      options,
      state,
      {
        onStep: (report, totals) => {
          const tokensPerSecond = (totals.tokens - start.tokens) / Math.max(1e-9, totals.seconds - start.seconds);
          progress?.update(report.step + 1, { loss: report.loss, lr: report.lr, tokensPerSecond });
          if (output.json) output.line(JSON.stringify(report));
          else if (progress === undefined && output.quiet !== true) output.line(stepLine(report));
        },
        onEval: (entry) => print(entry, evalLine(entry)),
        save: async (snapshot, optimizer, parameters) => {
          await saveTrainingCheckpoint(checkpointDir(outDir, snapshot.globalStep), model, source, snapshot, optimizer, parameters);
        },
      },
      resume?.optimizer,
    );
  } finally {
    progress?.stop();
  }
  // With early stopping, the folder holds the best evaluation's weights, and the summary its loss.
  const kept = run.task.stopping?.finalWeights(model) ?? result.lastEval;
  await mkdir(outDir, { recursive: true });
  await saveCheckpoint(model, source, outDir);
  await writeTrainerState(outDir, result.state);
  await writeFile(join(outDir, LOSS_CURVE_FILE), lossCurveSvg(result.state.logHistory, `${model.architecture}: loss against step`));
  const final: FinalReport = {
    final: true,
    eval_loss: kept?.loss ?? null,
    steps: result.state.globalStep,
    tokens: result.state.tokens,
    seconds: result.state.seconds,
  };
  const evalText = final.eval_loss === null ? '' : `; eval loss ${final.eval_loss.toFixed(4)}`;
  print(final, `done: ${final.steps} steps, ${final.tokens} tokens in ${final.seconds.toFixed(1)} s${evalText}`);
  return final;
}
