// Fresh weights as Hugging Face's _init_weights makes them (model/initialize.ts): their statistics,
// the exact zeros and ones, the padding rows, the tied decoder, reproducibility by seed; a model
// built from the fixtures' tiny config on every backend; and an MLM checkpoint loaded as a
// classifier whose new head is initialised and reported as HF reports it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../index.js';
import type { BackendName } from '../../engine/backend.js';
import { disposeBackends, getBackendByName } from '../../engine/select.js';
import { parseRobertaConfig, type RobertaConfig } from '../../model/config.js';
import { fromConfig, fromPretrained } from '../../model/fromPretrained.js';
import { initialValues, initialWeights } from '../../model/initialize.js';
import { MissingWeightError } from '../../model/parameters.js';
import { disposeOutput, RobertaForMaskedLM, type AnyRobertaModel } from '../../model/roberta.js';
import { stateDict } from '../../train/checkpoint.js';
import { fixtureTensors } from '../train/trainingFixtures.js';
import { fixtureDir, fixtureInputs, maxAbsDiff } from './fixtureModels.js';

afterAll(disposeBackends);

const tinyJson = JSON.parse(readFileSync(join(fixtureDir('tiny-mlm'), 'config.json'), 'utf8')) as Record<string, unknown>;
const tinyConfig = parseRobertaConfig(tinyJson, 'tiny-mlm/config.json'); // initializer_range 0.1, pad 1
const configWith = (keys: Record<string, unknown>): RobertaConfig => parseRobertaConfig({ ...tinyJson, ...keys }, 'config.json');

async function weights(model: AnyRobertaModel): Promise<Map<string, Float32Array>> {
  const named = await stateDict(model);
  return new Map(Object.entries(named).map(([name, t]) => [name, t.data as Float32Array]));
}

function meanAndStd(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    sum += v;
    squares += v * v;
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(squares / values.length - mean * mean) };
}

describe('initialValues: normal(0, initializer_range) for weights', () => {
  const config = configWith({ initializer_range: 0.02 });
  const values = initialValues('encoder.layer.0.attention.self.query.weight', [512, 512], config, 7); // 262,144 draws

  it('has mean 0 and standard deviation initializer_range within sampling error (5σ)', () => {
    const { mean, std } = meanAndStd(values);
    const n = values.length;
    expect(Math.abs(mean)).toBeLessThan((5 * 0.02) / Math.sqrt(n)); // σ/√n
    expect(Math.abs(std - 0.02)).toBeLessThan((5 * 0.02) / Math.sqrt(2 * n)); // σ/√(2n) for a normal's std
  });

  it("is normal, not merely centred: 68.27% within 1σ, 95.45% within 2σ, 99.73% within 3σ (5σ binomial bounds)", () => {
    const n = values.length;
    for (const [k, p] of [
      [1, 0.682689],
      [2, 0.954500],
      [3, 0.997300],
    ]) {
      const inside = values.filter((v) => Math.abs(v) < k * 0.02).length / n;
      expect([k, Math.abs(inside - p) < 5 * Math.sqrt((p * (1 - p)) / n)]).toEqual([k, true]);
    }
  });

  it('depends on the seed and the name, and on nothing else', () => {
    const query = (seed: number, name = 'encoder.layer.0.attention.self.query.weight') => initialValues(name, [64, 64], config, seed);
    const values = query(7);
    expect(maxAbsDiff(query(7), values)).toBe(0);
    expect(maxAbsDiff(query(7, 'roberta.encoder.layer.0.attention.self.query.weight'), values)).toBe(0); // a task model's prefix names the same module
    for (const other of [query(8), query(7, 'encoder.layer.0.attention.self.key.weight')]) expect(other.filter((v, i) => v === values[i]).length).toBe(0);
  });

  it('refuses a seed that is not an integer in [0, 2^32)', () => {
    for (const seed of [-1, 1.5, 2 ** 32]) expect(() => initialWeights(config, seed)).toThrow(new RangeError(`initialization seed must be an integer in [0, 2^32), got ${seed}`));
  });
});

describe('fromConfig: a masked LM from the tiny config', () => {
  let model: AnyRobertaModel;
  let w: Map<string, Float32Array>;
  beforeAll(async () => {
    model = await fromConfig(tinyConfig, { seed: 0 });
    w = await weights(model);
  });
  afterAll(() => model.dispose());

  it("has exactly the parameters of HF's RobertaForMaskedLM (tiny-mlm's named_parameters), the decoder tied to the word embeddings", () => {
    expect(model).toBeInstanceOf(RobertaForMaskedLM);
    const hfNames = [...fixtureTensors('tiny-mlm', 'grads.safetensors').keys()].filter((k) => k !== 'loss').map((k) => k.slice('grad.'.length));
    expect([...w.keys()].sort()).toEqual(hfNames.sort());
    const mlm = model as RobertaForMaskedLM;
    expect(mlm.lmHead.decoderWeight).toBe(mlm.roberta.embeddings.wordEmbeddings);
  });

  it('zero biases, LayerNorm 1 and 0, and zero padding rows of the word and position embeddings (only those)', () => {
    const h = tinyConfig.hiddenSize;
    for (const [name, values] of w) {
      if (name.endsWith('.bias')) expect([name, values.every((v) => v === 0)]).toEqual([name, true]);
      else if (/LayerNorm\.weight$|layer_norm\.weight$/.test(name)) expect([name, values.every((v) => v === 1)]).toEqual([name, true]);
      else expect([name, values.filter((v) => v === 0).length]).toEqual([name, /(word|position)_embeddings/.test(name) ? h : 0]);
    }
    for (const table of ['roberta.embeddings.word_embeddings.weight', 'roberta.embeddings.position_embeddings.weight']) {
      const padRow = w.get(table)!.subarray(tinyConfig.padTokenId * h, (tinyConfig.padTokenId + 1) * h);
      expect([table, padRow.every((v) => v === 0)]).toEqual([table, true]);
    }
  });

  it('draws the word embeddings from normal(0, initializer_range = 0.1), padding row aside', () => {
    const h = tinyConfig.hiddenSize;
    const table = w.get('roberta.embeddings.word_embeddings.weight')!;
    const rows = new Float32Array([...table.subarray(0, h), ...table.subarray(2 * h)]); // 999 · 32 draws
    const { mean, std } = meanAndStd(rows);
    expect(Math.abs(mean)).toBeLessThan((5 * 0.1) / Math.sqrt(rows.length));
    expect(Math.abs(std - 0.1)).toBeLessThan((5 * 0.1) / Math.sqrt(2 * rows.length));
  });

  it('the same seed builds the same weights; another seed, other weights', async () => {
    const same = await fromConfig(tinyConfig, { seed: 0 });
    const other = await fromConfig(tinyConfig, { seed: 1 });
    const [sameW, otherW] = [await weights(same), await weights(other)];
    for (const [name, values] of w) {
      expect([name, maxAbsDiff(sameW.get(name)!, values)]).toEqual([name, 0]);
      const random = !name.endsWith('.bias') && !/LayerNorm\.weight$|layer_norm\.weight$/.test(name);
      if (random) expect([name, maxAbsDiff(otherW.get(name)!, values) > 0.01]).toEqual([name, true]);
    }
    same.dispose();
    other.dispose();
  });
});

describe('a model from the tiny config runs forward on every backend', () => {
  const { input_ids: inputIds, attention_mask: attentionMask } = fixtureInputs('tiny-mlm');
  const logitsOn = async (name: BackendName) => {
    const model = await fromConfig(tinyConfig, { seed: 3, backend: await getBackendByName(name) });
    const out = model.forward({ inputIds, attentionMask });
    expect(out.logits!.shape).toEqual([inputIds.length, inputIds[0].length, tinyConfig.vocabSize]);
    const data = Float32Array.from(await out.logits!.data());
    disposeOutput(out);
    model.dispose();
    return data;
  };
  let reference: Float32Array;
  beforeAll(async () => {
    reference = await logitsOn('cpu');
  });

  it('cpu: logits [batch, seq, vocab], finite and not constant', () => {
    expect(reference.every(Number.isFinite)).toBe(true);
    expect(Math.max(...reference) - Math.min(...reference)).toBeGreaterThan(0.1);
  });

  it.each(['wasm', 'webgpu', 'gpujs'] satisfies BackendName[])('%s: the same logits as cpu (max |Δ| < 1e-4)', async (backend) => {
    expect(maxAbsDiff(await logitsOn(backend), reference)).toBeLessThan(1e-4);
  });
});

describe('an MLM checkpoint as a classifier', () => {
  it('is refused without initializeMissing: the head is missing', async () => {
    const loading = fromPretrained(fixtureDir('tiny-mlm'), { architecture: 'RobertaForSequenceClassification' });
    await expect(loading).rejects.toThrow(MissingWeightError);
    await expect(loading).rejects.toThrow('model.safetensors: missing tensor "classifier.dense.weight" (expected shape [32,32], float32)');
  });

  it('with initializeMissing: the encoder from the checkpoint, the head initialised and exactly its names reported as HF does', async () => {
    const dir = fixtureDir('tiny-mlm');
    const lines: string[] = [];
    const config = configWith({ id2label: { 0: 'neg', 1: 'neutral', 2: 'pos' }, architectures: ['RobertaForSequenceClassification'] });
    const classifier = await fromPretrained(dir, { config, initializeMissing: { seed: 5 }, log: (line) => lines.push(line) });
    expect(classifier.architecture).toBe('RobertaForSequenceClassification');
    const head = ['classifier.dense.bias', 'classifier.dense.weight', 'classifier.out_proj.bias', 'classifier.out_proj.weight'];
    expect(lines.filter((l) => l.startsWith('Some weights'))).toEqual([
      `Some weights of RobertaForSequenceClassification were not initialized from the model checkpoint at ${dir} and are newly initialized: ` +
        `['${head.join("', '")}']. You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.`,
    ]);
    expect(lines).toContain('unused checkpoint tensors (5): lm_head.bias, lm_head.dense.bias, lm_head.dense.weight, lm_head.layer_norm.bias, lm_head.layer_norm.weight');

    const loaded = await weights(classifier);
    const mlmModel = await fromPretrained(dir);
    const mlm = await weights(mlmModel);
    mlmModel.dispose();
    for (const [name, values] of loaded) {
      if (head.includes(name)) continue;
      expect([name, maxAbsDiff(values, mlm.get(name)!)]).toEqual([name, 0]);
    }
    // The head is what a classifier built from nothing with the same seed has, and out_proj has the config's 3 labels.
    const fresh = await fromConfig(config, { seed: 5 });
    const freshW = await weights(fresh);
    for (const name of head) expect([name, maxAbsDiff(loaded.get(name)!, freshW.get(name)!)]).toEqual([name, 0]);
    expect(loaded.get('classifier.out_proj.weight')!.length).toBe(3 * tinyConfig.hiddenSize);
    expect(loaded.get('classifier.dense.weight')!.some((v) => v !== 0)).toBe(true);
    classifier.dispose();
    fresh.dispose();
  });

  it('a checkpoint that has every weight logs nothing as newly initialized', async () => {
    const lines: string[] = [];
    const model = await fromPretrained(fixtureDir('tiny-mlm'), { initializeMissing: { seed: 0 }, log: (line) => lines.push(line) });
    expect(lines.filter((l) => l.startsWith('Some weights'))).toEqual([]);
    model.dispose();
  });
});
