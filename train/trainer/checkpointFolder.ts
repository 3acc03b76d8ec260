// A checkpoint of a run, OUT/checkpoint-<k> after k optimizer steps (the Trainer's naming): a
// Hugging Face model folder (config.json, model.safetensors, tokenizer files) that from_pretrained
// loads as it is, plus what resuming needs beside it — optimizer.safetensors (AdamW's moments and
// step) and trainer_state.json (steps, tokens, seconds, the log so far, the hyper-parameters). There
// is no random-generator state to save: every random draw is keyed by the step or micro-batch number.

import { join } from 'node:path';
import type { AnyRobertaModel } from '../../model/roberta.js';
import type { AdamWState } from '../adamw.js';
import { saveCheckpoint, type ModelFolderSource } from '../checkpoint.js';
import type { NamedParameter } from '../parameters.js';
import { writeOptimizerState } from './optimizerFile.js';
import { writeTrainerState, type TrainerState } from './trainerState.js';

export function checkpointDir(outDir: string, step: number): string {
  return join(outDir, `checkpoint-${step}`);
}

export async function saveTrainingCheckpoint(
  dir: string,
  model: AnyRobertaModel,
  source: ModelFolderSource,
  state: TrainerState,
  optimizer: AdamWState,
  parameters: readonly NamedParameter[],
): Promise<void> {
  await saveCheckpoint(model, source, dir);
  await writeOptimizerState(dir, parameters, optimizer);
  await writeTrainerState(dir, state);
}
