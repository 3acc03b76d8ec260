// The same weights through every checkpoint format give the same model: safetensors F32 and a
// torch.save zip bit for bit; F16/BF16 files bit for bit like F32 files holding the same rounded
// values (and, for F16, still close to Hugging Face's outputs).

import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../index.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import { encodeSafetensors, type SafetensorsWriteDType } from '../../model/weights/safetensorsWriter.js';
import type { HostTensor } from '../../model/weights/hostTensor.js';
import { makeTempDir } from '../tempDir.js';
import { torchSaveFloat32 } from './weights/torchWriter.js';
import { fixtureDir, fixtureExpected, fixtureInputs, maxAbsDiff, type FixtureModel } from './fixtureModels.js';

function fixtureWeights(name: FixtureModel): Map<string, HostTensor> {
  const file = join(fixtureDir(name), 'model.safetensors');
  return safetensorsTensors(parseSafetensors(readFileSync(file), file));
}

function modelDir(name: FixtureModel, files: Record<string, Buffer>): string {
  const dir = makeTempDir('formats');
  copyFileSync(join(fixtureDir(name), 'config.json'), join(dir, 'config.json'));
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(dir, file), bytes);
  return dir;
}

function safetensorsOf(weights: Map<string, HostTensor>, dtype: SafetensorsWriteDType): Buffer {
  return encodeSafetensors(Object.fromEntries([...weights].map(([k, t]) => [k, { dtype, shape: t.shape, data: t.data }])));
}

async function logitsOf(dir: string, name: FixtureModel): Promise<Float32Array> {
  const model = await fromPretrained(dir);
  const inputs = fixtureInputs(name);
  const out = model.forward({ inputIds: inputs.input_ids, attentionMask: inputs.attention_mask });
  const data = (await (out.logits ?? out.lastHiddenState).data()) as Float32Array;
  model.dispose();
  return data;
}

describe('checkpoint formats give identical models', () => {
  it('pytorch_model.bin (torch.save zip, with the tied decoder aliases it includes) equals model.safetensors bit for bit', async () => {
    // torch.save keeps tied parameters as views of one storage; save_pretrained's .bin has them.
    const bin = torchSaveFloat32(fixtureWeights('tiny-mlm'), {
      'lm_head.decoder.weight': 'roberta.embeddings.word_embeddings.weight',
      'lm_head.decoder.bias': 'lm_head.bias',
    });
    const binDir = modelDir('tiny-mlm', { 'pytorch_model.bin': bin });
    const fromBin = await logitsOf(binDir, 'tiny-mlm');
    const fromSafetensors = await logitsOf(fixtureDir('tiny-mlm'), 'tiny-mlm');
    expect(maxAbsDiff(fromBin, fromSafetensors)).toBe(0);
    expect(maxAbsDiff(fromBin, fixtureExpected('tiny-mlm').get('logits')!.data)).toBeLessThanOrEqual(1e-4);
  });

  for (const dtype of ['F16', 'BF16'] as const) {
    it(`${dtype} safetensors equals an F32 file of the same rounded values bit for bit`, async () => {
      const half = safetensorsOf(fixtureWeights('tiny-cls'), dtype);
      const rounded = safetensorsTensors(parseSafetensors(half, dtype));
      const halfDir = modelDir('tiny-cls', { 'model.safetensors': half });
      const f32Dir = modelDir('tiny-cls', { 'model.safetensors': safetensorsOf(rounded, 'F32') });
      const fromHalf = await logitsOf(halfDir, 'tiny-cls');
      expect(maxAbsDiff(fromHalf, await logitsOf(f32Dir, 'tiny-cls'))).toBe(0);
      // Rounding the weights moves the outputs, but only by the format's precision.
      const drift = maxAbsDiff(fromHalf, fixtureExpected('tiny-cls').get('logits')!.data);
      expect(drift).toBeGreaterThan(0);
      expect(drift).toBeLessThan(dtype === 'F16' ? 1e-2 : 5e-2);
    });
  }
});
