// `roberta train --task mlm`: RoBERTa's pretraining recipe on plain text — FULL-SENTENCES
// sequences with dynamic masking (train/data/), the LM head run at the masked tokens only, AdamW
// with the paper's β2 0.98 and ε 1e-6, evaluation on held-out text with fixed masks — from a bare
// config (HF's initialisation), a model folder, or a checkpoint of an earlier run (--resume).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRobertaConfig, parseRobertaConfig, type RobertaConfig } from '../model/config.js';
import { fromConfig, fromPretrained } from '../model/fromPretrained.js';
import type { AnyRobertaModel } from '../model/roberta.js';
import { loadTokenizer } from '../tokenizer/load.js';
import type { JsonObject, ModelFolderSource } from '../train/checkpoint.js';
import { folderSource } from '../train/checkpoint.js';
import { loadMaskedLmData } from '../train/data/maskedLmData.js';
import { modelLoss } from '../train/modelLoss.js';
import { evaluateLoss } from '../train/trainer/evaluate.js';
import type { TrainingTask } from '../train/trainer/task.js';
import { runToFolder } from '../train/trainer/trainingRun.js';
import { assertCanTrain } from '../train/trainingOps.js';
import { integerFlag, optionalString, requireString } from './args.js';
import { UsageError, type CommandIO, type ParsedArgs } from './command.js';
import { backendPreference, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';
import { hyperparameters, resumeDir, ROBERTA_PRETRAINING_ADAM, runOutput, scheduleOptions, trainOptions } from './trainOptions.js';

const ARCHITECTURE = 'RobertaForMaskedLM';

interface Start {
  /** Where the model's weights come from: a folder (a checkpoint, a model), or none for a bare config. */
  readonly weightsDir?: string;
  readonly config: RobertaConfig;
  readonly source: ModelFolderSource;
}

/** --resume, else --model, else --config: which config and weights the run starts from, and the tokenizer it writes. */
async function startingPoint(args: ParsedArgs, io: CommandIO, resume: string | undefined): Promise<Start> {
  const tokenizer = optionalString(args, 'tokenizer');
  if (resume !== undefined || args.flags.model !== undefined) {
    const dir = resume ?? (await resolveModel(args, io));
    return { weightsDir: dir, config: await loadRobertaConfig(dir), source: await folderSource(dir, tokenizer ?? dir) };
  }
  const configFile = optionalString(args, 'config');
  if (configFile === undefined) throw new UsageError('--config C.json (a new model) or --model DIR (a pretrained one) is required');
  if (tokenizer === undefined) throw new UsageError('--tokenizer DIR is required with --config: a bare config has no tokenizer files');
  let json: JsonObject;
  try {
    json = JSON.parse(await readFile(configFile, 'utf8')) as JsonObject;
  } catch (error) {
    const why = error instanceof SyntaxError ? `not valid JSON (${error.message})` : `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    throw new UsageError(`--config ${configFile}: ${why}`);
  }
  return { config: parseRobertaConfig(json, configFile), source: { config: json, tokenizerDir: tokenizer } };
}

async function buildModel(start: Start, args: ParsedArgs, io: CommandIO, seed: number): Promise<AnyRobertaModel> {
  const backend = backendPreference(args, 'cpu');
  const log = verboseLog(args, io);
  if (start.weightsDir === undefined) return fromConfig(start.config, { backend, architecture: ARCHITECTURE, seed, log });
  // A base model (RobertaModel) has no LM head: it gets HF's fresh one, as from_pretrained gives it.
  return fromPretrained(start.weightsDir, { backend, architecture: ARCHITECTURE, log, initializeMissing: { seed } });
}

/** The longest sequence the model's position table holds: positions start after the padding index. */
function checkSeqLen(seqLen: number, config: RobertaConfig): void {
  const limit = config.maxPositionEmbeddings - config.padTokenId - 1;
  if (seqLen > limit) {
    throw new UsageError(`--seq-len ${seqLen} is more than the model's ${limit} positions (max_position_embeddings ${config.maxPositionEmbeddings} − pad_token_id ${config.padTokenId} − 1)`);
  }
  if (seqLen < 3) throw new UsageError(`--seq-len ${seqLen} leaves no room for a token between <s> and </s>`);
}

export async function runMaskedLmTask(args: ParsedArgs, io: CommandIO): Promise<number> {
  const dataFile = requireString(args, 'data');
  const outDir = requireString(args, 'out');
  const evalFile = optionalString(args, 'eval-data');
  const options = { ...trainOptions(args, ROBERTA_PRETRAINING_ADAM), ...scheduleOptions(args) };
  const batchSize = integerFlag(args, 'batch-size', 8, 1)!;
  const resume = resumeDir(args);
  const start = await startingPoint(args, io, resume);
  const seqLen = integerFlag(args, 'seq-len', start.config.maxPositionEmbeddings - start.config.padTokenId - 1, 1)!;
  checkSeqLen(seqLen, start.config);
  const tokenizerDir = start.source.tokenizerDir!;
  const tokenizer = await loadTokenizer(tokenizerDir);
  if (tokenizer.vocabSize > start.config.vocabSize) {
    throw new UsageError(`the tokenizer in ${tokenizerDir} has ${tokenizer.vocabSize} ids, more than the model's vocab_size ${start.config.vocabSize}`);
  }
  const log = verboseLog(args, io);
  const cacheDir = optionalString(args, 'cache-dir') ?? join(outDir, 'token-cache');
  const common = { tokenizerDir, tokenizer, cacheDir, seqLen, batchSize, seed: options.seed, onLog: log };
  const data = await loadMaskedLmData({ ...common, textFiles: [dataFile], split: 'train' });
  const evalData = evalFile === undefined ? undefined : await loadMaskedLmData({ ...common, textFiles: [evalFile], split: 'eval' });
  const task: TrainingTask = { data, evaluate: evalData && ((model) => evaluateLoss(model, evalData, modelLoss)) };

  const model = await buildModel(start, args, io, options.seed);
  try {
    assertCanTrain(model.backend);
    await runToFolder(
      { model, task, options, hyperparameters: hyperparameters('mlm', options, { batch_size: batchSize, seq_len: seqLen }), outDir, source: start.source, resumeDir: resume },
      runOutput(args, io),
    );
    return 0;
  } finally {
    model.dispose();
  }
}
