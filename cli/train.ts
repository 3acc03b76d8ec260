// `roberta train`: one command, three tasks. `--task mlm` pretrains on plain text (cli/trainMaskedLm.ts),
// `--task classification` fine-tunes a classifier on labelled examples, `--task batches` (the
// default when --batches is given) runs Hugging Face's Trainer loop on fixed labelled batches — the
// mode whose every step is checked against PyTorch. Each writes a Hugging Face model folder.

import { readFile } from 'node:fs/promises';
import { fromPretrained } from '../model/fromPretrained.js';
import { InputError } from '../model/inputs.js';
import type { Batch } from '../train/batch.js';
import { folderSource, saveCheckpoint } from '../train/checkpoint.js';
import { train } from '../train/loop.js';
import { stepLine } from '../train/trainer/trainingRun.js';
import { assertCanTrain } from '../train/trainingOps.js';
import { CLASSIFICATION_DATA_FORMAT } from '../train/classification/examples.js';
import { TEXT_DATA_FORMAT } from '../train/data/documents.js';
import { flagIsSet, optionalString, requireString } from './args.js';
import { UsageError, type CliCommand, type CommandIO, type ParsedArgs } from './command.js';
import { BACKEND_FLAG, backendPreference, COMMON_FLAGS, REVISION_FLAG, verboseLog } from './common.js';
import { batchFromJson } from './grad.js';
import { resolveModel } from './resolveModel.js';
import { runClassificationTask } from './trainClassifier.js';
import { runMaskedLmTask } from './trainMaskedLm.js';
import { TORCH_ADAM, trainOptions } from './trainOptions.js';

const TASKS = ['mlm', 'classification', 'batches'] as const;
type Task = (typeof TASKS)[number];

async function readBatches(file: string): Promise<Batch[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const batches = lines.flatMap((line, i) => (line.trim() === '' ? [] : [batchFromJson(line, `${file} line ${i + 1}`)]));
  if (batches.length === 0) throw new InputError(`${file} holds no batch (one JSON object per line)`);
  return batches;
}

function taskOf(args: ParsedArgs): Task {
  const task = optionalString(args, 'task') ?? (args.flags.batches !== undefined ? 'batches' : undefined);
  if (task === undefined) throw new UsageError(`--task is required: ${TASKS.join(', ')} (batches is the default when --batches is given)`);
  if (!(TASKS as readonly string[]).includes(task)) throw new UsageError(`--task must be one of ${TASKS.join(', ')}, got ${JSON.stringify(task)}`);
  return task as Task;
}

/** `--task batches`: step i takes line i of --batches (cycling); one line per step on stdout. */
async function runBatchesTask(args: ParsedArgs, io: CommandIO): Promise<number> {
  const backend = backendPreference(args, 'cpu');
  const batchesFile = requireString(args, 'batches');
  const outDir = requireString(args, 'out');
  const options = trainOptions(args, TORCH_ADAM);
  const dir = await resolveModel(args, io);
  const batches = await readBatches(batchesFile);
  const model = await fromPretrained(dir, { backend, log: verboseLog(args, io) });
  try {
    assertCanTrain(model.backend);
    const json = flagIsSet(args, 'json');
    await train(model, batches, options, (report) => io.stdout.write(`${json ? JSON.stringify(report) : stepLine(report)}\n`));
    const files = await saveCheckpoint(model, await folderSource(dir), outDir);
    if (!flagIsSet(args, 'quiet')) io.stderr.write(`wrote ${files.join(', ')} to ${outDir} (backend ${model.backend.name})\n`);
    return 0;
  } finally {
    model.dispose();
  }
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'pretrain a masked LM on text, fine-tune a classifier, or train on fixed batches (AdamW as Hugging Face Trainer); writes Hugging Face model folders',
  usage: [
    'train --task mlm (--config C.json --tokenizer TOKDIR | --model DIR) --data train.txt [--eval-data eval.txt] --steps N --batch-size B --seq-len S ' +
      '--lr LR [--warmup-steps W] [--weight-decay WD] [--max-grad-norm G] [--grad-accum K] [--eval-every E] [--save-every V] [--max-seconds T] [--resume OUT/checkpoint-k] [--seed 0] --out OUT [--json] [--backend B]',
    'train --task classification (--model DIR | --config C.json --tokenizer TOKDIR) --data train.jsonl|csv [--eval-data eval.jsonl|csv] [--epochs 3] [--early-stopping-patience P] ' +
      '[--max-length L] [--batch-size 8] --lr LR [--warmup-steps W] [--weight-decay WD] [--grad-accum K] [--seed 0] --out OUT [--json] [--backend B]',
    'train [--task batches] --model DIR --batches batches.jsonl --steps N --lr LR [--weight-decay 0.0] [--warmup-steps 0] [--max-grad-norm 1.0] ' +
      '[--adam-beta1 0.9 --adam-beta2 0.999 --adam-eps 1e-8] [--grad-accum 1] [--no-dropout] [--seed 0] --out OUT [--backend B] [--json]',
  ],
  examples: [
    'roberta train --task mlm --config tiny.json --tokenizer ./roberta-base --data train.txt --eval-data eval.txt --steps 1000 --batch-size 16 --seq-len 128 --lr 5e-4 --warmup-steps 60 --weight-decay 0.01 --eval-every 100 --save-every 500 --out ./pretrained --json',
    'roberta train --task classification --model ./pretrained --data train.jsonl --eval-data eval.jsonl --epochs 3 --batch-size 16 --lr 2e-5 --warmup-steps 50 --weight-decay 0.01 --early-stopping-patience 2 --out ./classifier --json',
    'roberta train --model ./tiny-cls --batches batches.jsonl --steps 100 --lr 2e-5 --weight-decay 0.01 --warmup-steps 10 --out ./tuned --json',
  ],
  flags: {
    task: { type: 'string', description: 'mlm (pretraining on text) | classification | batches (fixed batches; the default with --batches)' },
    model: { type: 'string', description: 'model directory or Hugging Face id to start from' },
    config: { type: 'string', description: "--task mlm, classification: a config.json to build a new model from, initialised as Hugging Face's _init_weights does (seeded by --seed)" },
    tokenizer: { type: 'string', description: "folder of the tokenizer files (default: the model's own); copied into every folder written" },
    data: { type: 'string', description: `--task mlm: the training text, ${TEXT_DATA_FORMAT}. --task classification: ${CLASSIFICATION_DATA_FORMAT}` },
    'eval-data': { type: 'string', description: '--task mlm: held-out text, same format; MLM loss and perplexity with fixed masks. --task classification: labelled examples, same format; loss, accuracy and macro-F1' },
    'cache-dir': { type: 'string', description: '--task mlm: where the tokenized text is cached (default: OUT/token-cache)' },
    'batch-size': { type: 'number', description: 'sequences per micro-batch', default: 8 },
    epochs: { type: 'number', description: '--task classification: passes over the data, an evaluation after each (--steps, when given, overrides it)', default: 3 },
    'max-length': { type: 'number', description: "--task classification: cut each input to this many tokens, <s> and </s> included (default: the model's limit)" },
    'early-stopping-patience': { type: 'number', description: '--task classification: stop after this many evaluations without a lower eval loss, and keep the best model' },
    'seq-len': { type: 'number', description: "--task mlm: tokens per sequence, <s> and </s> included (default: the model's max_position_embeddings − 2)" },
    batches: { type: 'string', description: '--task batches: JSONL file, one batch per line as for `roberta grad --inputs`; step i uses line i (cycling)' },
    steps: { type: 'number', description: 'optimizer steps' },
    lr: { type: 'number', description: 'peak learning rate' },
    'weight-decay': { type: 'number', description: 'AdamW weight decay, not applied to biases and LayerNorm weights', default: 0 },
    'warmup-steps': { type: 'number', description: 'linear warmup from 0, then linear decay to 0 at the last step', default: 0 },
    'max-grad-norm': { type: 'number', description: 'clip the global gradient L2 norm to this (0: no clipping)', default: 1 },
    'adam-beta1': { type: 'number', description: 'AdamW β1', default: 0.9 },
    'adam-beta2': { type: 'number', description: 'AdamW β2 (default 0.98 for --task mlm, as in the RoBERTa paper; 0.999 otherwise)' },
    'adam-eps': { type: 'number', description: 'AdamW ε, added after the square root (default 1e-6 for --task mlm; 1e-8 otherwise)' },
    'grad-accum': { type: 'number', description: 'micro-batches per optimizer step, their gradients averaged', default: 1 },
    'eval-every': { type: 'number', description: 'evaluate after every this many steps (and after the last); 0: only after the last (default: 0; one epoch for --task classification)' },
    'save-every': { type: 'number', description: 'write OUT/checkpoint-<step> (model folder + optimizer and trainer state) every this many steps; 0: never', default: 0 },
    'max-seconds': { type: 'number', description: 'a time budget: stop after the step that ends this many seconds into the run (this invocation), evaluate and save; the learning rate still follows --steps' },
    resume: { type: 'string', description: 'continue the run saved in this checkpoint folder (give the same flags): the result is as if it had not stopped' },
    'no-dropout': { type: 'boolean', description: "train without dropout (else the config's hidden, attention and classifier dropout)" },
    seed: { type: 'number', description: 'seed of the initialisation, the data order, the masks and the dropout (counter-based streams: the same on every backend)', default: 0 },
    out: { type: 'string', description: 'folder to write: config.json, model.safetensors, the tokenizer files (and trainer_state.json, loss_curve.svg, checkpoint-<step>/)' },
    backend: { ...BACKEND_FLAG, default: 'cpu' },
    json: { type: 'boolean', description: 'one JSON line per optimizer step {"step", "loss", "lr", "grad_norm"} and per evaluation; --task mlm ends with {"final": true, "eval_loss", "steps", "tokens", "seconds"}' },
    revision: REVISION_FLAG,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    switch (taskOf(args)) {
      case 'batches':
        return runBatchesTask(args, io);
      case 'mlm':
        return runMaskedLmTask(args, io);
      case 'classification':
        return runClassificationTask(args, io);
    }
  },
};
