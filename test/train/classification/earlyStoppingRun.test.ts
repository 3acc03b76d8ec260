// Early stopping inside a training run: scripted eval losses (improving, then not, for `patience`
// evaluations) stop the trainer after the evaluation that runs out of patience, and the folder
// written holds the best evaluation's weights — byte for byte those of the checkpoint saved at that
// step — with its loss in the final line, as HF's load_best_model_at_end does.

import '../../../kernels/cpu/register.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPretrained } from '../../../model/fromPretrained.js';
import { parseBatch } from '../../../train/batch.js';
import { folderSource } from '../../../train/checkpoint.js';
import { EarlyStoppingRule } from '../../../train/classification/earlyStopping.js';
import { fixedBatches } from '../../../train/trainer/task.js';
import { runToFolder } from '../../../train/trainer/trainingRun.js';
import { fixtureDir } from '../../model/fixtureModels.js';
import { makeTempDir } from '../../tempDir.js';
import { trainingFile } from '../trainingFixtures.js';

const tmp = makeTempDir('early-stopping-run');
const batches = readFileSync(trainingFile('tiny-cls', 'batches.jsonl'), 'utf8').trim().split('\n').map((line, i) => parseBatch(JSON.parse(line), `line ${i}`));
const OPTIONS = { steps: 8, lr: 1e-2, weightDecay: 0, warmupSteps: 0, maxGradNorm: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8, gradAccum: 1, dropout: false, seed: 0, evalEvery: 1, saveEvery: 1 };

it('stops after `patience` evaluations without improvement and writes the best evaluation\'s model', async () => {
  const losses = [0.9, 0.5, 0.7, 0.8, 0.1, 0.05, 0.01, 0.001]; // best after step 2; 0.7 and 0.8 use up patience 2
  let evaluation = 0;
  const task = { data: fixedBatches(batches), evaluate: async () => ({ loss: losses[evaluation++] }), stopping: new EarlyStoppingRule(2) };
  const out = join(tmp, 'run');
  const lines: string[] = [];
  const model = await fromPretrained(fixtureDir('tiny-cls'), { backend: 'cpu' });
  try {
    await runToFolder({ model, task, options: OPTIONS, hyperparameters: {}, outDir: out, source: await folderSource(fixtureDir('tiny-cls')) }, { line: (l) => lines.push(l), json: true });
  } finally {
    model.dispose();
  }
  const entries = lines.map((l) => JSON.parse(l));
  expect(entries.filter((e) => 'eval_loss' in e && !('final' in e)).map((e) => [e.step, e.eval_loss])).toEqual([[0, 0.9], [1, 0.5], [2, 0.7], [3, 0.8]]);
  expect(entries[entries.length - 1]).toMatchObject({ final: true, eval_loss: 0.5, steps: 4 });
  expect(JSON.parse(readFileSync(join(out, 'trainer_state.json'), 'utf8')).global_step).toBe(4);
  const weights = (dir: string) => readFileSync(join(dir, 'model.safetensors'));
  expect(weights(out).equals(weights(join(out, 'checkpoint-2')))).toBe(true);
  expect(weights(out).equals(weights(join(out, 'checkpoint-3')))).toBe(false); // training went on past the best
  expect(existsSync(join(out, 'checkpoint-4'))).toBe(false);
}, 60_000);
