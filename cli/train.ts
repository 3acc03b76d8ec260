// `roberta train`: fine-tunes a model on labelled batches with AdamW, as Hugging Face's Trainer
// does (parameter groups, linear warmup and decay, gradient clipping and accumulation), and writes
// the result as a Hugging Face model folder.

import { readFile } from 'node:fs/promises';
import { fromPretrained } from '../model/fromPretrained.js';
import { InputError } from '../model/inputs.js';
import type { Batch } from '../train/batch.js';
import { folderSource, saveCheckpoint } from '../train/checkpoint.js';
import { train, type TrainOptions } from '../train/loop.js';
import { assertCanTrain } from '../train/trainingOps.js';
import { flagIsSet, integerFlag, requireString } from './args.js';
import { UsageError, type CliCommand, type ParsedArgs } from './command.js';
import { BACKEND_FLAG, backendPreference, COMMON_FLAGS, REVISION_FLAG, verboseLog } from './common.js';
import { batchFromJson } from './grad.js';
import { resolveModel } from './resolveModel.js';

async function readBatches(file: string): Promise<Batch[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const batches = lines.flatMap((line, i) => (line.trim() === '' ? [] : [batchFromJson(line, `${file} line ${i + 1}`)]));
  if (batches.length === 0) throw new InputError(`${file} holds no batch (one JSON object per line)`);
  return batches;
}

function numberFlag(args: ParsedArgs, name: string, fallback: number, check: (v: number) => boolean, what: string): number {
  const value = args.flags[name] ?? fallback;
  if (typeof value !== 'number' || !check(value)) throw new UsageError(`--${name} must be ${what}, got ${String(value)}`);
  return value;
}

function trainOptions(args: ParsedArgs): TrainOptions {
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
    beta2: numberFlag(args, 'adam-beta2', 0.999, inUnit, 'in [0, 1)'),
    eps: numberFlag(args, 'adam-eps', 1e-8, (v) => v > 0, '> 0'),
    gradAccum: integerFlag(args, 'grad-accum', 1, 1)!,
    dropout: !flagIsSet(args, 'no-dropout'),
    seed: integerFlag(args, 'seed', 0, 0)!,
  };
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'fine-tune a model on labelled batches with AdamW (as Hugging Face Trainer) and save it as a Hugging Face model folder',
  usage: [
    'train --model DIR --batches batches.jsonl --steps N --lr LR [--weight-decay 0.0] [--warmup-steps 0] [--max-grad-norm 1.0] ' +
      '[--adam-beta1 0.9 --adam-beta2 0.999 --adam-eps 1e-8] [--grad-accum 1] [--no-dropout] [--seed 0] --out OUT [--backend B] [--json]',
  ],
  examples: [
    'roberta train --model ./tiny-cls --batches batches.jsonl --steps 100 --lr 2e-5 --weight-decay 0.01 --warmup-steps 10 --out ./tuned --json',
  ],
  flags: {
    model: { type: 'string', description: 'model directory or Hugging Face id to start from' },
    batches: { type: 'string', description: 'JSONL file, one batch per line as for `roberta grad --inputs`; step i uses line i (cycling)' },
    steps: { type: 'number', description: 'optimizer steps' },
    lr: { type: 'number', description: 'peak learning rate' },
    'weight-decay': { type: 'number', description: 'AdamW weight decay, not applied to biases and LayerNorm weights', default: 0 },
    'warmup-steps': { type: 'number', description: 'linear warmup from 0, then linear decay to 0 at the last step', default: 0 },
    'max-grad-norm': { type: 'number', description: 'clip the global gradient L2 norm to this (0: no clipping)', default: 1 },
    'adam-beta1': { type: 'number', description: 'AdamW β1', default: 0.9 },
    'adam-beta2': { type: 'number', description: 'AdamW β2', default: 0.999 },
    'adam-eps': { type: 'number', description: 'AdamW ε, added after the square root', default: 1e-8 },
    'grad-accum': { type: 'number', description: 'micro-batches (lines) per optimizer step, their gradients averaged', default: 1 },
    'no-dropout': { type: 'boolean', description: "train without dropout (else the config's hidden, attention and classifier dropout)" },
    seed: { type: 'number', description: "seed of the dropout masks (a counter-based stream: the same masks on every backend)", default: 0 },
    out: { type: 'string', description: 'folder to write: config.json, model.safetensors, the tokenizer files' },
    backend: { ...BACKEND_FLAG, default: 'cpu' },
    json: { type: 'boolean', description: 'one JSON line per optimizer step: {"step", "loss", "lr", "grad_norm"}' },
    revision: REVISION_FLAG,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    const backend = backendPreference(args, 'cpu');
    const batchesFile = requireString(args, 'batches');
    const outDir = requireString(args, 'out');
    const options = trainOptions(args);
    const dir = await resolveModel(args, io);
    const batches = await readBatches(batchesFile);
    const model = await fromPretrained(dir, { backend, log: verboseLog(args, io) });
    try {
      assertCanTrain(model.backend);
      const json = flagIsSet(args, 'json');
      await train(model, batches, options, (report) => {
        io.stdout.write(json ? `${JSON.stringify(report)}\n` : `step ${report.step}: loss ${report.loss.toFixed(6)}, lr ${report.lr.toExponential(3)}, grad norm ${report.grad_norm.toFixed(6)}\n`);
      });
      const files = await saveCheckpoint(model, await folderSource(dir), outDir);
      if (!flagIsSet(args, 'quiet')) io.stderr.write(`wrote ${files.join(', ')} to ${outDir} (backend ${model.backend.name})\n`);
      return 0;
    } finally {
      model.dispose();
    }
  },
};
