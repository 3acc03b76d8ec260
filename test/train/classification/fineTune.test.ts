// `roberta train --task classification` end to end: a tiny RoBERTa built from a bare config (HF's
// initialisation) learns a synthetic task — the label says which of two sets of sentiment words a
// sentence of random filler words holds — from chance (a majority guess scores 1/2) to high eval
// accuracy in two epochs (40 steps; 0.9875 here); the folder it writes is a Hugging Face classifier
// (HF's parameter names, id2label) that `roberta classify` and the text-classification pipeline load
// and agree with.
//
// The tokenizer is made for the task's words (syntheticTask.ts): with roberta-base's 50k vocabulary,
// AdamW over the embedding table alone would take most of the test's time.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensors } from '../../../model/weights/safetensors.js';
import { pipeline } from '../../../pipelines/pipeline.js';
import { runCli } from '../../cli/runCli.js';
import { makeTempDir } from '../../tempDir.js';
import { fixtureTensors } from '../trainingFixtures.js';
import { example, writeTokenizer } from './syntheticTask.js';

const tmp = makeTempDir('fine-tune');

const tokenizerDir = join(tmp, 'tokenizer');
const vocabSize = writeTokenizer(tokenizerDir);
const CONFIG = {
  vocab_size: vocabSize,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 64,
  max_position_embeddings: 34,
  type_vocab_size: 1,
  layer_norm_eps: 1e-5,
  initializer_range: 0.02,
};
const train = Array.from({ length: 320 }, (_, i) => example(1, i));
const held = Array.from({ length: 80 }, (_, i) => example(2, i));
const configFile = join(tmp, 'config.json');
const trainFile = join(tmp, 'train.jsonl');
const evalFile = join(tmp, 'eval.csv');
writeFileSync(configFile, JSON.stringify(CONFIG));
writeFileSync(trainFile, train.map((e) => JSON.stringify(e)).join('\n'));
writeFileSync(evalFile, ['text,label', ...held.map((e) => `${e.text},${e.label}`)].join('\n'));

it('the synthetic task is balanced: a majority guess scores about 1/2', () => {
  const share = (rows: typeof train) => rows.filter((e) => e.label === 'positive').length / rows.length;
  expect(share(train)).toBeGreaterThan(0.4);
  expect(share(train)).toBeLessThan(0.6);
  expect(share(held)).toBeGreaterThan(0.35);
  expect(share(held)).toBeLessThan(0.65);
});

describe('fine-tuning a classifier from a bare config', () => {
  const out = join(tmp, 'classifier');
  let lines: Record<string, number | boolean>[];

  beforeAll(async () => {
    const result = await runCli([
      'train', '--task', 'classification', '--config', configFile, '--tokenizer', tokenizerDir, '--data', trainFile, '--eval-data', evalFile,
      '--epochs', '2', '--batch-size', '16', '--lr', '5e-3', '--warmup-steps', '6', '--weight-decay', '0.01', '--seed', '0', '--out', out, '--json',
    ]);
    if (result.code !== 0) throw new Error(`roberta train failed: ${result.stderr}`);
    lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
  }, 120_000);

  it('evaluates after every epoch and reaches high eval accuracy and macro-F1', () => {
    const evals = lines.filter((l) => 'eval_loss' in l && !('final' in l));
    expect(evals.map((e) => e.step)).toEqual(Array.from({ length: 2 }, (_, k) => 20 * (k + 1) - 1)); // 320 / 16 = 20 steps an epoch
    expect(evals.every((e) => Object.keys(e).join() === 'step,eval_loss,eval_accuracy,eval_macro_f1')).toBe(true);
    const last = evals[evals.length - 1];
    expect(last.eval_accuracy).toBeGreaterThanOrEqual(0.9);
    expect(last.eval_macro_f1).toBeGreaterThanOrEqual(0.9);
    expect(last.eval_loss).toBeLessThan(evals[0].eval_loss as number);
    expect(lines[lines.length - 1]).toMatchObject({ final: true, eval_loss: last.eval_loss, steps: 40 });
  });

  it('writes a Hugging Face classifier folder: the names transformers uses, the classes in id2label', () => {
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      architectures: ['RobertaForSequenceClassification'],
      model_type: 'roberta',
      num_labels: 2,
      id2label: { 0: 'negative', 1: 'positive' },
      label2id: { negative: 0, positive: 1 },
      problem_type: 'single_label_classification',
      vocab_size: vocabSize,
    });
    const file = join(out, 'model.safetensors');
    const names = [...parseSafetensors(readFileSync(file), file).entries.keys()];
    const hfNames = [...fixtureTensors('tiny-cls', 'grads.safetensors').keys()].filter((k) => k.startsWith('grad.')).map((k) => k.slice('grad.'.length));
    expect(names.sort()).toEqual(hfNames.sort());
    for (const tokenizerFile of ['vocab.json', 'merges.txt']) expect(readFileSync(join(out, tokenizerFile)).length).toBeGreaterThan(0);
  });

  it('loads in the text-classification pipeline and in `roberta classify`, which agree', async () => {
    const texts = ['the movie was great', 'it was awful', 'my friend felt sad', 'a lovely day'];
    const classify = await pipeline('text-classification', out);
    try {
      const answers = await classify.run(texts);
      expect(answers.map((a) => a[0].label)).toEqual(['positive', 'negative', 'negative', 'positive']);
      const cli = await runCli(['classify', '--model', out, '--json', ...texts]);
      expect(cli.code).toBe(0);
      const rows = cli.stdout.trim().split('\n').map((line) => JSON.parse(line));
      expect(rows.map((r) => r[0].label)).toEqual(answers.map((a) => a[0].label));
    } finally {
      classify.dispose();
    }
  });
});
