// `roberta train --task classification`: fine-tuning a sequence classifier on labelled examples
// (JSONL or CSV) — from a pretrained folder (a masked-LM or base checkpoint gets a new head,
// initialised as HF does), a bare config, or a checkpoint of an earlier run (--resume) — for
// --epochs passes over the data, evaluating accuracy, macro-F1 and loss after each, with early
// stopping on the eval loss if asked. Writes a RobertaForSequenceClassification folder whose
// config names the classes.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, parseRobertaConfig } from '../model/config.js';
import { fromConfig, fromPretrained } from '../model/fromPretrained.js';
import type { AnyRobertaModel } from '../model/roberta.js';
import { loadTokenizer } from '../tokenizer/load.js';
import type { JsonObject, ModelFolderSource } from '../train/checkpoint.js';
import { classificationTask, classifierConfig, loadClassificationData } from '../train/classification/classificationTask.js';
import { modelMaxLength } from '../train/classification/encodeExamples.js';
import type { LabelSet } from '../train/classification/labels.js';
import { runToFolder } from '../train/trainer/trainingRun.js';
import { assertCanTrain } from '../train/trainingOps.js';
import { integerFlag, optionalString, requireString } from './args.js';
import { UsageError, type CommandIO, type ParsedArgs } from './command.js';
import { backendPreference, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';
import { hyperparameters, resumeDir, runOutput, TORCH_ADAM, trainOptions } from './trainOptions.js';

const ARCHITECTURE = 'RobertaForSequenceClassification';

/** Where the run starts: a folder with weights (--resume, --model) or a bare config (--config), and where the tokenizer is. */
interface Start {
  readonly weightsDir?: string;
  readonly config: JsonObject;
  readonly configPath: string;
  readonly tokenizerDir: string;
  /** A checkpoint of this task: its classes are already in its config. */
  readonly resumed: boolean;
}

async function readJson(path: string): Promise<JsonObject> {
  const text = await readFile(path, 'utf8').catch((error: Error) => {
    throw new ConfigError(`${path}: cannot read the model config (${error.message})`);
  });
  try {
    return JSON.parse(text) as JsonObject;
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

async function startingPoint(args: ParsedArgs, io: CommandIO, resume: string | undefined): Promise<Start> {
  const tokenizer = optionalString(args, 'tokenizer');
  if (resume !== undefined || args.flags.model !== undefined) {
    const dir = resume ?? (await resolveModel(args, io));
    const configPath = join(dir, 'config.json');
    return { weightsDir: dir, config: await readJson(configPath), configPath, tokenizerDir: tokenizer ?? dir, resumed: resume !== undefined };
  }
  const configPath = optionalString(args, 'config');
  if (configPath === undefined) throw new UsageError('--model DIR (a pretrained model) or --config C.json (a new one) is required');
  if (tokenizer === undefined) throw new UsageError('--tokenizer DIR is required with --config: a bare config has no tokenizer files');
  return { config: await readJson(configPath), configPath, tokenizerDir: tokenizer, resumed: false };
}

/** A source that is already a classifier keeps its head only for the same classes; another head would not fit (HF refuses it too, unless told to ignore mismatched sizes). */
function checkSourceLabels(start: Start, labels: LabelSet): void {
  const architectures = start.config.architectures;
  if (!Array.isArray(architectures) || !architectures.includes(ARCHITECTURE)) return;
  const own = JSON.stringify(classifierConfig({}, labels).id2label);
  const theirs = JSON.stringify(start.config.id2label ?? null);
  if (own !== theirs) {
    const what = start.resumed ? 'the checkpoint to resume was trained on' : 'it classifies into';
    throw new UsageError(`${start.configPath}: a classifier whose classes ${what} (id2label ${theirs}) are not the data's (${own}); start from its base or masked-LM checkpoint`);
  }
}

async function buildModel(start: Start, config: JsonObject, args: ParsedArgs, io: CommandIO, seed: number): Promise<AnyRobertaModel> {
  const backend = backendPreference(args, 'cpu');
  const log = verboseLog(args, io);
  const parsed = parseRobertaConfig(config, start.configPath);
  if (start.weightsDir === undefined) return fromConfig(parsed, { backend, architecture: ARCHITECTURE, seed, log });
  return fromPretrained(start.weightsDir, { backend, architecture: ARCHITECTURE, config: parsed, initializeMissing: { seed }, log });
}

export async function runClassificationTask(args: ParsedArgs, io: CommandIO): Promise<number> {
  const trainFile = requireString(args, 'data');
  const outDir = requireString(args, 'out');
  const evalFile = optionalString(args, 'eval-data');
  const batchSize = integerFlag(args, 'batch-size', 8, 1)!;
  const epochs = integerFlag(args, 'epochs', 3, 1)!;
  const patience = integerFlag(args, 'early-stopping-patience', undefined, 1);
  if (patience !== undefined && evalFile === undefined) throw new UsageError('--early-stopping-patience watches the eval loss: give --eval-data');
  if (args.flags.resume !== undefined && patience !== undefined) {
    throw new UsageError('--resume cannot continue early stopping: the best model so far is not in a checkpoint; run again without --resume');
  }
  const resume = resumeDir(args);
  const seed = integerFlag(args, 'seed', 0, 0)!;
  const start = await startingPoint(args, io, resume);
  const tokenizer = await loadTokenizer(start.tokenizerDir);
  const modelConfig = parseRobertaConfig(start.config, start.configPath);
  if (tokenizer.vocabSize > modelConfig.vocabSize) {
    throw new UsageError(`the tokenizer in ${start.tokenizerDir} has ${tokenizer.vocabSize} ids, more than the model's vocab_size ${modelConfig.vocabSize}`);
  }
  const dataset = await loadClassificationData({
    trainFile,
    evalFile,
    tokenizer,
    modelLimit: modelMaxLength(modelConfig, tokenizer),
    maxLength: integerFlag(args, 'max-length', undefined, 1),
    batchSize,
    seed,
  });
  checkSourceLabels(start, dataset.labels);

  // As the Trainer counts: an epoch is ⌊batches / grad-accum⌋ optimizer steps (at least one); --steps, when given, overrides --epochs.
  const gradAccum = integerFlag(args, 'grad-accum', 1, 1)!;
  const stepsPerEpoch = Math.max(1, Math.floor(dataset.train.batchesPerEpoch / gradAccum));
  const steps = args.flags.steps ?? epochs * stepsPerEpoch;
  const options = {
    ...trainOptions({ ...args, flags: { ...args.flags, steps } }, TORCH_ADAM),
    evalEvery: integerFlag(args, 'eval-every', stepsPerEpoch, 0)!,
    saveEvery: integerFlag(args, 'save-every', 0, 0)!,
  };
  const config = classifierConfig(start.config, dataset.labels);
  const source: ModelFolderSource = { config, tokenizerDir: start.tokenizerDir };
  const model = await buildModel(start, config, args, io, seed);
  try {
    assertCanTrain(model.backend);
    const data = { batch_size: batchSize, max_length: dataset.maxLength, examples: dataset.trainExamples, classes: dataset.labels.id2label.join(',') };
    await runToFolder(
      { model, task: classificationTask(dataset, patience), options, hyperparameters: hyperparameters('classification', options, data), outDir, source, resumeDir: resume },
      runOutput(args, io),
    );
    return 0;
  } finally {
    model.dispose();
  }
}
