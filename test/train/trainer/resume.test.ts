// A run stopped at a checkpoint and resumed from it ends exactly where the uninterrupted run ends:
// the same model.safetensors and optimizer.safetensors bytes, the same log lines after the
// checkpoint. Dropout is on, so the resumed steps must draw the uninterrupted run's masks; the
// data is indexed by the run's micro-batch count (the fixture's four masked-LM batches, cycling).

import '../../../kernels/cpu/register.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPretrained } from '../../../model/fromPretrained.js';
import { folderSource } from '../../../train/checkpoint.js';
import { evaluateLoss } from '../../../train/trainer/evaluate.js';
import { fixedBatches, type TrainingTask } from '../../../train/trainer/task.js';
import { runToFolder, type TrainingRun } from '../../../train/trainer/trainingRun.js';
import { fixtureDir } from '../../model/fixtureModels.js';
import { makeTempDir } from '../../tempDir.js';
import { fixtureBatch, fixtureTensors, trainingFile } from '../trainingFixtures.js';
import { parseBatch } from '../../../train/batch.js';
import { modelLoss } from '../../../train/modelLoss.js';
import { parseSafetensors } from '../../../model/weights/safetensors.js';

const tmp = makeTempDir('trainer-resume');
const TOKENIZER_DIR = join(fixtureDir('tiny-mlm'), '../../roberta-base-tokenizer');
const STEPS = 6;
const OPTIONS = { steps: STEPS, lr: 1e-3, weightDecay: 0.01, warmupSteps: 2, maxGradNorm: 1, beta1: 0.9, beta2: 0.98, eps: 1e-6, gradAccum: 2, dropout: true, seed: 3, evalEvery: 2, saveEvery: 3 };
const HYPER = { task: 'test', steps: STEPS, seed: 3 };

const batches = readFileSync(trainingFile('tiny-mlm', 'batches.jsonl'), 'utf8').trim().split('\n').map((line, i) => parseBatch(JSON.parse(line), `line ${i}`));
const evalData = fixedBatches([fixtureBatch('tiny-mlm')]);
const task: TrainingTask = { data: fixedBatches(batches), evaluate: (model) => evaluateLoss(model, evalData, modelLoss) };

async function run(outDir: string, from: string, resumeDir?: string, hyperparameters: TrainingRun['hyperparameters'] = HYPER): Promise<string[]> {
  const model = await fromPretrained(from, { backend: 'cpu' });
  const lines: string[] = [];
  try {
    await runToFolder({ model, task, options: OPTIONS, hyperparameters, outDir, source: await folderSource(from, TOKENIZER_DIR), resumeDir }, { line: (l) => lines.push(l), json: true });
  } finally {
    model.dispose();
  }
  return lines;
}

const bytes = (...path: string[]) => readFileSync(join(...path));

describe('a run resumed from checkpoint-3', () => {
  const whole = join(tmp, 'whole');
  const resumed = join(tmp, 'resumed');
  let wholeLines: string[];
  let resumedLines: string[];
  beforeAll(async () => {
    wholeLines = await run(whole, fixtureDir('tiny-mlm'));
    resumedLines = await run(resumed, join(whole, 'checkpoint-3'), join(whole, 'checkpoint-3'));
  }, 60_000);

  it('ends with the same weights and optimizer state, byte for byte', () => {
    for (const file of ['model.safetensors', 'optimizer.safetensors']) expect(bytes(resumed, 'checkpoint-6', file).equals(bytes(whole, 'checkpoint-6', file))).toBe(true);
    expect(bytes(resumed, 'model.safetensors').equals(bytes(whole, 'model.safetensors'))).toBe(true);
    // And training moved the weights: the comparison is not between two copies of the start.
    expect(bytes(whole, 'model.safetensors').equals(bytes(whole, 'checkpoint-3', 'model.safetensors'))).toBe(false);
  });

  it('logs the same lines after step 3, and the whole history in trainer_state.json', () => {
    const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, number | boolean>);
    const after = parsed(wholeLines).filter((e) => e.final === undefined && (e.step as number) >= 3);
    expect(parsed(resumedLines).filter((e) => e.final === undefined)).toEqual(after);
    expect(after.map((e) => Object.keys(e).join(','))).toEqual(['step,loss,lr,grad_norm', 'step,eval_loss,eval_perplexity', 'step,loss,lr,grad_norm', 'step,loss,lr,grad_norm', 'step,eval_loss,eval_perplexity']);
    const history = (dir: string) => JSON.parse(readFileSync(join(dir, 'trainer_state.json'), 'utf8')).log_history;
    expect(history(resumed)).toEqual(history(whole));
    expect(history(whole)).toHaveLength(STEPS + 3);
    const finals = [wholeLines, resumedLines].map((lines) => parsed(lines).at(-1)!);
    for (const final of finals) expect(Object.keys(final)).toEqual(['final', 'eval_loss', 'steps', 'tokens', 'seconds']);
    expect(finals[1].eval_loss).toBe(finals[0].eval_loss);
    expect([finals[1].steps, finals[1].tokens]).toEqual([finals[0].steps, finals[0].tokens]);
  });

  it('writes checkpoint folders that from_pretrained loads: HF names, config and tokenizer files, optimizer and trainer state', () => {
    const dir = join(whole, 'checkpoint-3');
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'merges.txt', 'model.safetensors', 'optimizer.safetensors', 'tokenizer.json', 'trainer_state.json', 'vocab.json']);
    const hfNames = [...fixtureTensors('tiny-mlm', 'grads.safetensors').keys()].filter((k) => k.startsWith('grad.')).map((k) => k.slice('grad.'.length));
    const written = (file: string) => [...parseSafetensors(bytes(dir, file), file).entries.keys()].sort();
    expect(written('model.safetensors')).toEqual([...hfNames].sort());
    expect(written('optimizer.safetensors')).toEqual(hfNames.flatMap((n) => [`exp_avg.${n}`, `exp_avg_sq.${n}`]).sort());
    expect(bytes(dir, 'config.json').equals(bytes(fixtureDir('tiny-mlm'), 'config.json'))).toBe(true);
    const state = JSON.parse(readFileSync(join(dir, 'trainer_state.json'), 'utf8'));
    expect([state.global_step, state.hyperparameters, state.log_history.length]).toEqual([3, HYPER, 4]);
  });

  it('refuses a resume with other settings, or of a run already done, in one line', async () => {
    await expect(run(join(tmp, 'other'), join(whole, 'checkpoint-3'), join(whole, 'checkpoint-3'), { ...HYPER, seed: 4 })).rejects.toThrow(
      `${join(whole, 'checkpoint-3')} was trained with seed 3, this run has 4: a resumed run continues with the same settings`,
    );
    await expect(run(join(tmp, 'done'), join(whole, 'checkpoint-6'), join(whole, 'checkpoint-6'))).rejects.toThrow(`${join(whole, 'checkpoint-6')} is already 6 steps into a run of 6: nothing to resume`);
  });
});
