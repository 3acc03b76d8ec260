// `roberta grad` and `roberta train` against PyTorch (test/fixtures/training): every gradient, the
// optimizer's per-step loss, learning rate and gradient norm, the parameters after four AdamW
// steps, and the written folder's layout and names against the fixture model's own.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import { encodeSafetensors, type SafetensorsWriteDType } from '../../model/weights/safetensorsWriter.js';
import { fixtureDir, maxAbsDiff } from '../model/fixtureModels.js';
import { makeTempDir } from '../tempDir.js';
import { fixtureTensors, tensorTolerance, trainingFile, TRAINING_MODELS } from '../train/trainingFixtures.js';
import { runCli } from './runCli.js';

const tmp = makeTempDir('cli-train');

function readTensors(path: string) {
  return safetensorsTensors(parseSafetensors(readFileSync(path), path));
}

interface AdamwFixture {
  hyper: { lr: number; weight_decay: number; warmup_steps: number; steps: number; max_grad_norm: number; adam_beta1: number; adam_beta2: number; adam_eps: number };
  steps: { step: number; loss: number; lr: number; grad_norm: number }[];
}

describe.each(TRAINING_MODELS)('%s', (name) => {
  it.each(['cpu', 'wasm', 'webgpu'])('roberta grad --backend %s writes the loss and every gradient as PyTorch computes them', async (backend) => {
    const out = join(tmp, `${name}-${backend}-grads.safetensors`);
    const result = await runCli(['grad', '--model', fixtureDir(name), '--inputs', trainingFile(name, 'batch.json'), '--out', out, '--backend', backend]);
    expect(result.stderr).toMatch(new RegExp(`^loss [0-9.]+; wrote \\d+ gradients to .* \\(backend ${backend}\\)\\n$`));
    expect(result.code).toBe(0);
    const expected = fixtureTensors(name, 'grads.safetensors');
    const actual = readTensors(out);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, want] of expected) {
      const got = actual.get(key)!;
      expect([key, got.dtype, got.shape]).toEqual([key, 'float32', want.shape]);
      const error = maxAbsDiff(got.data, want.data);
      if (!(error <= tensorTolerance(want.data))) throw new Error(`${key} on ${backend}: max |Δ| = ${error}`);
    }
  });

  it.each(['cpu', 'wasm', 'webgpu'])('roberta train --backend %s follows AdamW with warmup, decay and clipping step by step, and writes a Hugging Face folder', async (backend) => {
    const { hyper, steps } = JSON.parse(readFileSync(trainingFile(name, 'adamw.json'), 'utf8')) as AdamwFixture;
    const outDir = join(tmp, `${name}-${backend}-trained`);
    const result = await runCli([
      'train', '--model', fixtureDir(name), '--batches', trainingFile(name, 'batches.jsonl'), '--steps', String(hyper.steps), '--lr', String(hyper.lr),
      '--weight-decay', String(hyper.weight_decay), '--warmup-steps', String(hyper.warmup_steps), '--max-grad-norm', String(hyper.max_grad_norm),
      '--adam-beta1', String(hyper.adam_beta1), '--adam-beta2', String(hyper.adam_beta2), '--adam-eps', String(hyper.adam_eps), '--out', outDir, '--json', '--no-dropout', '--backend', backend,
    ]);
    expect(result.stderr).toBe(`wrote model.safetensors, config.json to ${outDir} (backend ${backend})\n`);
    expect(result.code).toBe(0);
    const reports = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(reports.map((r) => Object.keys(r))).toEqual(steps.map(() => ['step', 'loss', 'lr', 'grad_norm']));
    reports.forEach((report, k) => {
      expect(report.step).toBe(steps[k].step);
      expect(report.lr).toBeCloseTo(steps[k].lr, 12);
      expect(Math.abs(report.loss - steps[k].loss)).toBeLessThan(1e-5 * Math.max(1, steps[k].loss));
      expect(Math.abs(report.grad_norm - steps[k].grad_norm)).toBeLessThan(1e-4 * Math.max(1, steps[k].grad_norm));
    });

    // The same names, shapes and dtype as the checkpoint transformers saved, and the source's config.
    const source = readTensors(join(fixtureDir(name), 'model.safetensors'));
    const written = readTensors(join(outDir, 'model.safetensors'));
    expect([...written].map(([k, t]) => [k, t.dtype, t.shape]).sort()).toEqual([...source].map(([k, t]) => [k, t.dtype, t.shape]).sort());
    expect(readFileSync(join(outDir, 'config.json'), 'utf8')).toBe(readFileSync(join(fixtureDir(name), 'config.json'), 'utf8'));

    const after = fixtureTensors(name, 'after.safetensors');
    expect([...written.keys()].sort()).toEqual([...after.keys()].sort());
    for (const [key, want] of after) {
      const error = maxAbsDiff(written.get(key)!.data, want.data);
      // key.bias's gradient is float noise that Adam turns into steps of ±lr (fixture README): it can only be held to 2·lr·steps.
      const tolerance = key.endsWith('attention.self.key.bias') ? 2 * hyper.lr * hyper.steps : tensorTolerance(want.data);
      if (!(error <= tolerance)) throw new Error(`${key} on ${backend}: max |Δ| = ${error} after ${hyper.steps} steps`);
    }
  });
});

it('trains an F16 checkpoint in float32: the same steps as from an F32 file of its values, written as F32', async () => {
  const weights = readTensors(join(fixtureDir('tiny-cls'), 'model.safetensors'));
  const dirOf = (dtype: SafetensorsWriteDType, source: Map<string, { shape: readonly number[]; data: ArrayLike<number> }>) => {
    const dir = join(tmp, `tiny-cls-${dtype}`);
    mkdirSync(dir);
    copyFileSync(join(fixtureDir('tiny-cls'), 'config.json'), join(dir, 'config.json'));
    writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(Object.fromEntries([...source].map(([k, t]) => [k, { dtype, shape: t.shape, data: t.data }]))));
    return dir;
  };
  const halfDir = dirOf('F16', weights);
  const decodedDir = dirOf('F32', readTensors(join(halfDir, 'model.safetensors'))); // the F16 values, exactly, in float32
  const trained: { log: string; weights: ReturnType<typeof readTensors> }[] = [];
  for (const dir of [halfDir, decodedDir]) {
    const out = `${dir}-trained`;
    const result = await runCli(['train', '--model', dir, '--batches', trainingFile('tiny-cls', 'batches.jsonl'), '--steps', '2', '--lr', '1e-3', '--no-dropout', '--out', out, '--quiet', '--json']);
    expect(result.code).toBe(0);
    trained.push({ log: result.stdout, weights: readTensors(join(out, 'model.safetensors')) });
  }
  expect(trained[0].log).toBe(trained[1].log);
  for (const [key, t] of trained[0].weights) {
    expect([key, t.dtype]).toEqual([key, 'float32']);
    expect([key, maxAbsDiff(t.data, trained[1].weights.get(key)!.data)]).toEqual([key, 0]);
  }
});

it('refuses to train on gpujs with one line before any work', async () => {
  const result = await runCli(['grad', '--model', fixtureDir('tiny-cls'), '--inputs', trainingFile('tiny-cls', 'batch.json'), '--out', join(tmp, 'never.safetensors'), '--backend', 'gpujs']);
  expect(result.code).toBe(1);
  expect(result.stderr).toBe('roberta grad: the gpujs backend cannot train: it has no kernels for sumTo, logSoftmax, unaryBackward, softmaxBackward, layerNormBackward, scatterAdd (train on cpu, wasm or webgpu)\n');
});

it('names the line of a bad batch', async () => {
  const file = join(tmp, 'bad.jsonl');
  writeFileSync(file, '{"input_ids": [[0, 5, 2]], "labels": [1]}\n{"input_ids": [[0, 5, 2]]}\n');
  const result = await runCli(['train', '--model', fixtureDir('tiny-cls'), '--batches', file, '--steps', '1', '--lr', '1e-3', '--out', join(tmp, 'bad-out')]);
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`roberta train: ${file} line 2: "labels" must be a list with one label per sequence, or a list of numbers per sequence (per token, or per class)\n`);
});
