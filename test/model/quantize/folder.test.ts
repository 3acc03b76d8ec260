// A folder written by `roberta quantize` (cli/quantize.ts): what it stores under which names and
// types, that it reloads to exactly the outputs of converting at load, and the one-line refusals
// around precision (a q8 folder as float, training, gpu.js).

import '../../../index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnsupportedDTypeError } from '../../../engine/errors.js';
import { writeQuantizedModel } from '../../../cli/quantize.js';
import { createGpujsBackend } from '../../../kernels/gpujs/backend.js';
import { ConfigError } from '../../../model/config.js';
import { fromPretrained } from '../../../model/fromPretrained.js';
import { parseSafetensors } from '../../../model/weights/safetensors.js';
import { namedParameters } from '../../../train/parameters.js';
import { TrainingUnsupportedError } from '../../../train/trainingOps.js';
import { makeTempDir } from '../../tempDir.js';
import { FIXTURE_MODELS, fixtureDir } from '../fixtureModels.js';
import { finalOutputs } from './measure.js';

const written = new Map<string, string>();

/** The fixture quantized once per (model, dtype) into a temp folder. */
async function quantizedFolder(name: (typeof FIXTURE_MODELS)[number], dtype: 'q8' | 'fp16', int8Embeddings = false): Promise<string> {
  const key = `${name}-${dtype}${int8Embeddings ? '-embeddings' : ''}`;
  if (!written.has(key)) {
    const dir = makeTempDir(`quantized-${key}`);
    await writeQuantizedModel(fixtureDir(name), dir, dtype, { int8Embeddings });
    written.set(key, dir);
  }
  return written.get(key)!;
}

/** The dtype and shape of every tensor the folder's model.safetensors holds. */
function storedTypes(dir: string): Map<string, { dtype: string; shape: readonly number[] }> {
  const file = join(dir, 'model.safetensors');
  return new Map([...parseSafetensors(readFileSync(file), file).entries].map(([name, e]) => [name, { dtype: e.dtype, shape: e.shape }]));
}

describe.each(['q8', 'fp16'] as const)('a %s folder', (dtype) => {
  it.each(FIXTURE_MODELS)('%s: reloads to exactly the outputs of converting at load', async (name) => {
    const dir = await quantizedFolder(name, dtype);
    const reloaded = await finalOutputs(name, {}, dir); // the folder's own dtype, from config.json
    const atLoad = await finalOutputs(name, { dtype });
    expect([...reloaded.keys()]).toEqual([...atLoad.keys()]);
    for (const [key, { data }] of reloaded) expect({ key, same: Buffer.from(data.buffer).equals(Buffer.from(atLoad.get(key)!.data.buffer)) }).toEqual({ key, same: true });
  });
});

describe('a q8 folder with int8 embeddings', () => {
  it.each(['tiny-mlm', 'tiny-cls'] as const)('%s: stores the word embeddings I8 with a scale per row, and reloads to the same outputs', async (name) => {
    const dir = await quantizedFolder(name, 'q8', true);
    const prefix = 'roberta.embeddings'; // both are task models: the encoder sits under roberta.
    const types = storedTypes(dir);
    expect(types.get(`${prefix}.word_embeddings.weight`)).toEqual({ dtype: 'I8', shape: [1000, 32] });
    expect(types.get(`${prefix}.word_embeddings.weight_scale`)).toEqual({ dtype: 'F32', shape: [1000] });
    expect(types.get(`${prefix}.position_embeddings.weight`)?.dtype).toBe('F32');
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).quantization.embeddings).toBe('int8 per row, symmetric (the tied decoder too)');
    const reloaded = await finalOutputs(name, {}, dir);
    const atLoad = await finalOutputs(name, { dtype: 'q8', int8Embeddings: true });
    for (const [key, { data }] of reloaded) expect({ key, same: Buffer.from(data.buffer).equals(Buffer.from(atLoad.get(key)!.data.buffer)) }).toEqual({ key, same: true });
  });

  it('int8 embeddings without q8 are refused in one line', async () => {
    await expect(fromPretrained(fixtureDir('tiny'), { dtype: 'fp16', int8Embeddings: true })).rejects.toThrow('int8 embeddings are part of q8: load with dtype q8, not fp16');
  });
});

describe('what a quantized folder stores', () => {
  it('q8: int8 encoder, pooler and head dense weights beside F32 scales [out]; embeddings, LayerNorm, biases and the output projection F32', async () => {
    const dir = await quantizedFolder('tiny-cls', 'q8');
    const types = storedTypes(dir);
    const layer = 'roberta.encoder.layer.1';
    expect(types.get(`${layer}.attention.self.query.weight`)).toEqual({ dtype: 'I8', shape: [32, 32] });
    expect(types.get(`${layer}.attention.self.value.weight_scale`)).toEqual({ dtype: 'F32', shape: [32] });
    expect(types.get(`${layer}.intermediate.dense.weight`)).toEqual({ dtype: 'I8', shape: [64, 32] });
    expect(types.get(`${layer}.output.dense.weight_scale`)).toEqual({ dtype: 'F32', shape: [32] });
    expect(types.get('classifier.dense.weight')).toEqual({ dtype: 'I8', shape: [32, 32] });
    expect(types.get('classifier.out_proj.weight')).toEqual({ dtype: 'F32', shape: [4, 32] });
    expect(types.has('classifier.out_proj.weight_scale')).toBe(false);
    expect(types.get('roberta.embeddings.word_embeddings.weight')).toEqual({ dtype: 'F32', shape: [1000, 32] });
    expect(types.get(`${layer}.output.LayerNorm.weight`)?.dtype).toBe('F32');
    expect([...types.values()].filter((t) => t.dtype === 'I8')).toHaveLength(2 * 6 + 1); // q, k, v, attention output, intermediate, output; classifier.dense
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.quantization).toEqual({ dtype: 'q8', weights: 'int8 per output channel, symmetric', activations: 'int8 per token, dynamic, symmetric' });
    expect(config.id2label).toEqual({ 0: 'anger', 1: 'joy', 2: 'optimism', 3: 'sadness' });
  });

  it('fp16: every matrix F16 (the masked-LM decoder is the tied word embeddings), vectors F32', async () => {
    const types = storedTypes(await quantizedFolder('tiny-mlm', 'fp16'));
    for (const [name, { dtype, shape }] of types) expect({ name, dtype }).toEqual({ name, dtype: shape.length === 2 ? 'F16' : 'F32' });
    expect(types.has('lm_head.decoder.weight')).toBe(false);
    expect(types.get('lm_head.bias')).toEqual({ dtype: 'F32', shape: [1000] });
  });
});

describe('precision refusals, one line each', () => {
  it('a q8 folder does not load as fp32 or fp16: it has no float weights', async () => {
    const dir = await quantizedFolder('tiny', 'q8');
    await expect(fromPretrained(dir, { dtype: 'fp32' })).rejects.toThrow(new ConfigError(`${dir} holds q8 (int8) weights: load it with dtype q8, or convert its float original to fp32`));
    await expect(fromPretrained(dir, { dtype: 'fp8' as 'q8' })).rejects.toThrow('dtype must be one of fp32, fp16, q8, got fp8');
  });

  it.each(['q8', 'fp16'] as const)('a %s model does not train', async (dtype) => {
    const model = await fromPretrained(fixtureDir('tiny-cls'), { dtype });
    expect(() => namedParameters(model)).toThrow(new TrainingUnsupportedError(`a model loaded with dtype ${dtype} cannot train: its weights are not float32 (load it with dtype fp32)`));
    model.dispose();
  });

  it('gpu.js refuses fp16 and q8 weights, naming itself and the dtype', async () => {
    const backend = await createGpujsBackend({ mode: 'cpu' });
    try {
      await expect(fromPretrained(fixtureDir('tiny'), { backend, dtype: 'q8' })).rejects.toThrow(UnsupportedDTypeError);
      await expect(fromPretrained(fixtureDir('tiny'), { backend, dtype: 'q8' })).rejects.toThrow('the gpujs backend cannot hold int8 weights: it has no quantizedLinear kernel');
      await expect(fromPretrained(fixtureDir('tiny'), { backend, dtype: 'fp16' })).rejects.toThrow('the gpujs backend cannot hold float16 weights: its kernels read float32 only');
      expect(backend.memory().buffers).toBe(0); // nothing left behind by the failed load
    } finally {
      await backend.dispose();
    }
  });
});
