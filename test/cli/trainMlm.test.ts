// `roberta train --task mlm` from the command line: a tiny RoBERTa built from a bare config and the
// real roberta-base tokenizer, pretrained on a slice of tinyshakespeare — the folder it writes (HF
// names, a config transformers reads, the tokenizer), the JSON lines and the final line, the loss
// curve, a checkpoint resumed to the same bytes — and the bad flags refused in one line.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../cli/command.js';
import { trainCommand } from '../../cli/train.js';
import { parseSafetensors } from '../../model/weights/safetensors.js';
import { fixtureDir } from '../model/fixtureModels.js';
import { makeTempDir } from '../tempDir.js';
import { fixtureTensors } from '../train/trainingFixtures.js';
import { runCliProcess } from './cliProcess.js';
import { runCli, runCommand } from './runCli.js';

const tmp = makeTempDir('cli-train-mlm');
const TOKENIZER = fileURLToPath(new URL('../fixtures/roberta-base-tokenizer/', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../bench/corpus/tinyshakespeare.txt', import.meta.url));

/** The shape of test/fixtures' tiny models, with the real vocabulary so the roberta-base tokenizer fits. */
const CONFIG = {
  vocab_size: 50265,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 64,
  max_position_embeddings: 66,
  type_vocab_size: 1,
  layer_norm_eps: 1e-5,
  initializer_range: 0.02,
};
const configFile = join(tmp, 'tiny-config.json');
writeFileSync(configFile, JSON.stringify(CONFIG));

// Blank-line-separated speeches: the first 60k characters for training (≈ 17k tokens, more than the
// run feeds: no sequence is seen twice), the next 3k held out.
const corpus = readFileSync(CORPUS, 'utf8');
const trainFile = join(tmp, 'train.txt');
const evalFile = join(tmp, 'eval.txt');
writeFileSync(trainFile, corpus.slice(0, 60_000));
writeFileSync(evalFile, corpus.slice(60_000, 63_000));

async function usageError(argv: string[]): Promise<string> {
  try {
    await runCommand(trainCommand, argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`roberta train ${argv.join(' ')} succeeded`);
}

describe('bad flags are one-line usage errors, before any work', () => {
  const base = ['--task', 'mlm', '--config', configFile, '--tokenizer', TOKENIZER, '--steps', '2', '--lr', '1e-3', '--out', join(tmp, 'never')];

  it('names the missing or unknown task', async () => {
    expect(await usageError(['--steps', '2'])).toBe('--task is required: mlm, classification, batches (batches is the default when --batches is given)');
    expect(await usageError(['--task', 'clm'])).toBe('--task must be one of mlm, classification, batches, got "clm"');
  });

  it('names a missing --data, --config or --tokenizer', async () => {
    expect(await usageError(base)).toBe('--data is required');
    expect(await usageError(['--task', 'mlm', '--data', trainFile, '--steps', '2', '--lr', '1e-3', '--out', join(tmp, 'never')])).toBe(
      '--config C.json (a new model) or --model DIR (a pretrained one) is required',
    );
    expect(await usageError(['--task', 'mlm', '--config', configFile, '--data', trainFile, '--steps', '2', '--lr', '1e-3', '--out', join(tmp, 'never')])).toBe(
      '--tokenizer DIR is required with --config: a bare config has no tokenizer files',
    );
  });

  it('names a --config it cannot read', async () => {
    const missing = join(tmp, 'missing.json');
    expect(await usageError(['--task', 'mlm', '--config', missing, '--tokenizer', TOKENIZER, '--data', trainFile, '--steps', '2', '--lr', '1e-3', '--out', join(tmp, 'never')])).toBe(
      `--config ${missing}: cannot read it (ENOENT)`,
    );
  });

  it('refuses a --seq-len the position table cannot hold', async () => {
    expect(await usageError([...base, '--data', trainFile, '--seq-len', '65'])).toBe(
      '--seq-len 65 is more than the model\'s 64 positions (max_position_embeddings 66 − pad_token_id 1 − 1)',
    );
    expect(await usageError([...base, '--data', trainFile, '--seq-len', '2'])).toBe('--seq-len 2 leaves no room for a token between <s> and </s>');
  });

  it('refuses a tokenizer with more ids than the model has embeddings', async () => {
    const tinyMlm = fixtureDir('tiny-mlm'); // vocab_size 1000
    expect(await usageError(['--task', 'mlm', '--model', tinyMlm, '--tokenizer', TOKENIZER, '--data', trainFile, '--steps', '2', '--lr', '1e-3', '--out', join(tmp, 'never')])).toBe(
      `the tokenizer in ${TOKENIZER} has 50265 ids, more than the model's vocab_size 1000`,
    );
  });

  it('refuses to resume from a folder that is not a checkpoint', async () => {
    const notCheckpoint = join(tmp, 'not-a-checkpoint');
    mkdirSync(notCheckpoint);
    expect(await usageError([...base, '--data', trainFile, '--resume', notCheckpoint])).toBe(
      `--resume ${notCheckpoint}: no trainer_state.json there; resume from a checkpoint folder OUT/checkpoint-<step> that roberta train wrote`,
    );
  });

  it('names bad numbers', async () => {
    expect(await usageError([...base, '--data', trainFile, '--eval-every', '-1'])).toBe('--eval-every must be a non-negative integer, got -1');
    expect(await usageError([...base, '--data', trainFile, '--adam-beta2', '1'])).toBe('--adam-beta2 must be in [0, 1), got 1');
  });

  it('exits 2 with the usage through main', async () => {
    const result = await runCli(['train', '--task', 'mlm', '--config', configFile, '--tokenizer', TOKENIZER, '--steps', '2', '--lr', '1e-3', '--out', join(tmp, 'never')]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('roberta train: --data is required');
  });
});

describe('pretraining a tiny RoBERTa from a bare config', () => {
  const STEPS = 30;
  const [BATCH, SEQ] = [8, 32];
  const flags = (out: string) => [
    'train', '--task', 'mlm', '--config', configFile, '--tokenizer', TOKENIZER, '--data', trainFile, '--eval-data', evalFile,
    '--steps', String(STEPS), '--batch-size', String(BATCH), '--seq-len', String(SEQ), '--lr', '2e-2', '--warmup-steps', '3',
    '--weight-decay', '0.01', '--max-grad-norm', '1', '--eval-every', '10', '--save-every', '25', '--backend', 'wasm', '--seed', '0', '--out', out, '--json', '--quiet',
  ];
  const out = join(tmp, 'pretrained');
  const resumedOut = join(tmp, 'resumed');
  type Line = Record<string, number | boolean | null>;
  let lines: Line[];
  let resumedLines: Line[];
  // The built command in a process of its own (npm test builds first): jest's module sandbox runs
  // the reference kernels' loops several times slower than node does.
  beforeAll(async () => {
    const run = async (argv: string[]) => {
      const result = await runCliProcess(argv);
      if (result.code !== 0) throw new Error(result.stderr);
      return result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    };
    lines = await run(flags(out));
    resumedLines = await run([...flags(resumedOut), '--resume', join(out, 'checkpoint-25')]);
  }, 120_000);

  const evals = (all: Line[]) => all.filter((l) => 'eval_loss' in l && l.final === undefined);

  it('lowers the eval MLM loss well below ln(vocab), and below its first evaluation', () => {
    const losses = evals(lines).map((l) => l.eval_loss as number);
    expect(evals(lines).map((l) => l.step)).toEqual([9, 19, 29]);
    expect(losses[2]).toBeLessThan(0.7 * Math.log(CONFIG.vocab_size));
    expect(losses[2]).toBeLessThan(losses[0]);
    expect(evals(lines)[2].eval_perplexity).toBeCloseTo(Math.exp(losses[2]), 6);
  });

  it('prints a line per step and per evaluation, and the final line', () => {
    expect(lines.filter((l) => 'loss' in l).map((l) => l.step)).toEqual([...Array(STEPS).keys()]);
    const final = lines.at(-1)!;
    expect(Object.keys(final)).toEqual(['final', 'eval_loss', 'steps', 'tokens', 'seconds']);
    expect(final).toEqual({ final: true, eval_loss: evals(lines)[2].eval_loss, steps: STEPS, tokens: STEPS * BATCH * SEQ, seconds: expect.any(Number) });
    expect(final.seconds).toBeGreaterThan(0);
  });

  it('writes a folder transformers loads as RobertaForMaskedLM: HF names, a complete config, the tokenizer, and the loss curve', () => {
    expect(readdirSync(out).sort()).toEqual(
      ['checkpoint-25', 'config.json', 'loss_curve.svg', 'merges.txt', 'model.safetensors', 'token-cache', 'tokenizer.json', 'trainer_state.json', 'vocab.json'],
    );
    const hfNames = [...fixtureTensors('tiny-mlm', 'grads.safetensors').keys()].filter((k) => k.startsWith('grad.')).map((k) => k.slice('grad.'.length));
    const file = join(out, 'model.safetensors');
    const entries = parseSafetensors(readFileSync(file), file).entries;
    expect([...entries.keys()].sort()).toEqual(hfNames.sort());
    expect(entries.get('roberta.embeddings.word_embeddings.weight')!.shape).toEqual([CONFIG.vocab_size, CONFIG.hidden_size]);
    // The tiny-mlm fixture's config.json, as HF's save_pretrained wrote it, names every RobertaConfig
    // argument (its own ones in the fixture differ only in the sizes CONFIG sets): so must ours.
    const { torch_dtype: _dtype, transformers_version: _version, ...saved } = JSON.parse(readFileSync(join(fixtureDir('tiny-mlm'), 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toEqual({ ...saved, ...CONFIG });
    for (const name of ['vocab.json', 'merges.txt', 'tokenizer.json']) expect(readFileSync(join(out, name)).equals(readFileSync(join(TOKENIZER, name)))).toBe(true);
    const svg = readFileSync(join(out, 'loss_curve.svg'), 'utf8');
    expect(svg.match(/<path class="train" d="M/g)).toHaveLength(1);
    expect(svg.match(/<circle class="eval"/g)).toHaveLength(3);
  });

  // The optimizer's bytes are compared in test/train/trainer/resume.test.ts; here the whole command line.
  it('resumed from checkpoint-25, ends with the same weights and the same lines', () => {
    expect(readFileSync(join(resumedOut, 'model.safetensors')).equals(readFileSync(join(out, 'model.safetensors')))).toBe(true);
    const after = (all: Line[]) => all.filter((l) => l.final === undefined && (l.step as number) >= 25);
    expect(after(resumedLines)).toEqual(after(lines));
    expect(resumedLines.filter((l) => l.final === undefined)).toHaveLength(after(lines).length);
    expect(resumedLines.at(-1)!.tokens).toBe(STEPS * BATCH * SEQ);
  });
});
