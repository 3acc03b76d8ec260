// trainer_state.json: where a run stands after a checkpoint's step — the steps done, the tokens
// and seconds spent, every line logged so far, and the hyper-parameters the run was started with
// (a resumed run must use the same, or it would not continue the same run). Beside it in a
// checkpoint folder: optimizer.safetensors (the AdamW moments) and the model folder itself.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const TRAINER_STATE_FILE = 'trainer_state.json';
const FORMAT = 'roberta-ts trainer state';
const VERSION = 1;

/** One logged line: a training step's report, or an evaluation's (eval_loss and the task's metrics). */
export type LogEntry = Readonly<Record<string, number>> & { readonly step: number };

/** The numbers that decide what a run computes; a resume must be given the same. */
export type Hyperparameters = Readonly<Record<string, number | string | boolean>>;

export interface TrainerState {
  /** Optimizer steps done. */
  readonly globalStep: number;
  readonly tokens: number;
  readonly seconds: number;
  readonly logHistory: readonly LogEntry[];
  readonly hyperparameters: Hyperparameters;
}

export class TrainerStateError extends Error {
  override readonly name = 'TrainerStateError';
}

export function initialTrainerState(hyperparameters: Hyperparameters): TrainerState {
  return { globalStep: 0, tokens: 0, seconds: 0, logHistory: [], hyperparameters };
}

export async function writeTrainerState(dir: string, state: TrainerState): Promise<void> {
  const json = {
    format: FORMAT,
    version: VERSION,
    global_step: state.globalStep,
    tokens: state.tokens,
    seconds: state.seconds,
    hyperparameters: state.hyperparameters,
    log_history: state.logHistory,
  };
  await writeFile(join(dir, TRAINER_STATE_FILE), `${JSON.stringify(json, null, 2)}\n`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export async function readTrainerState(dir: string): Promise<TrainerState> {
  const path = join(dir, TRAINER_STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new TrainerStateError(`${dir} has no ${TRAINER_STATE_FILE}: not a checkpoint folder of \`roberta train\` (resume from OUT/checkpoint-<step>)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TrainerStateError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const fail = (detail: string): never => {
    throw new TrainerStateError(`${path}: ${detail}`);
  };
  if (!isRecord(json) || json.format !== FORMAT) return fail(`not a ${FORMAT} file`);
  if (json.version !== VERSION) return fail(`version ${String(json.version)}; this build reads version ${VERSION}`);
  const count = (key: string): number => {
    const value = json[key];
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fail(`"${key}" must be a non-negative number`);
  };
  const history = json.log_history;
  if (!Array.isArray(history) || !history.every((e) => isRecord(e) && Object.values(e).every((v) => typeof v === 'number'))) {
    return fail('"log_history" must be a list of objects of numbers');
  }
  if (!isRecord(json.hyperparameters)) return fail('"hyperparameters" must be an object');
  return {
    globalStep: count('global_step'),
    tokens: count('tokens'),
    seconds: count('seconds'),
    logHistory: history as LogEntry[],
    hyperparameters: json.hyperparameters as Hyperparameters,
  };
}

/** Throws unless `given` sets every hyper-parameter as the checkpoint's run did, naming the first that differs. */
export function checkSameHyperparameters(saved: Hyperparameters, given: Hyperparameters, checkpoint: string): void {
  for (const key of new Set([...Object.keys(saved), ...Object.keys(given)])) {
    if (saved[key] !== given[key]) {
      throw new TrainerStateError(
        `${checkpoint} was trained with ${key} ${JSON.stringify(saved[key])}, this run has ${JSON.stringify(given[key])}: a resumed run continues with the same settings`,
      );
    }
  }
}
