// The same weights through every checkpoint format give the same model: safetensors F32 and a
// torch.save zip bit for bit; F16/BF16 files load to exactly the values of their 16-bit patterns
// (decoded here independently), so they are bit for bit the F32 models of those rounded values,
// which the F32 golden tests cover; and they stay as close to Hugging Face's float32 outputs as
// rounding the weights allows. (No F16/BF16 golden outputs from HF exist in the fixtures.)

import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../index.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { loadCheckpoint } from '../../model/weights/load.js';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import { encodeSafetensors, type SafetensorsWriteDType } from '../../model/weights/safetensorsWriter.js';
import type { HostTensor } from '../../model/weights/hostTensor.js';
import { makeTempDir } from '../tempDir.js';
import { manifestModel, rawHeader, sameBits, type RawEntry } from './weights/fixtures.js';
import { referenceBfloat16, referenceHalf } from './weights/halfReference.js';
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

/** An F16/BF16 tensor's values, decoded here from its raw bits by the formats' definitions (halfReference.ts). */
function decodedHere(bytes: Buffer, entry: RawEntry): HostTensor {
  const decode = entry.dtype === 'F16' ? referenceHalf : referenceBfloat16;
  const data = new Float32Array((entry.end - entry.begin) / 2);
  for (let i = 0; i < data.length; i++) data[i] = decode(bytes.readUInt16LE(entry.begin + 2 * i));
  return { dtype: 'float32', shape: entry.shape, data };
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
    it(`${dtype} safetensors loads to exactly the float32 values of its 16-bit patterns: the model of an F32 file holding them, bit for bit`, async () => {
      const half = safetensorsOf(fixtureWeights('tiny-cls'), dtype);
      const { entries } = rawHeader(half);
      expect([...entries.values()].map((entry) => entry.dtype)).toEqual(manifestModel('tiny-cls').weight_keys.map(() => dtype));
      const decoded = new Map([...entries].map(([key, entry]) => [key, decodedHere(half, entry)]));
      const halfDir = modelDir('tiny-cls', { 'model.safetensors': half });
      const loaded = (await loadCheckpoint(halfDir)).tensors;
      expect([...loaded.keys()]).toEqual([...decoded.keys()]);
      const differing = [...decoded].filter(([key, values]) => !sameBits(loaded.get(key)!.read() as Float32Array, values.data));
      expect(differing.map(([key]) => key)).toEqual([]);
      // The F32 golden test holds an F32 model to HF at 1e-4; this model is one, bit for bit.
      const f32Dir = modelDir('tiny-cls', { 'model.safetensors': safetensorsOf(decoded, 'F32') });
      expect(maxAbsDiff(await logitsOf(halfDir, 'tiny-cls'), await logitsOf(f32Dir, 'tiny-cls'))).toBe(0);
    });

    it(`${dtype} weights move HF's logits only by what rounding the weights to ${dtype} does`, async () => {
      // There are no F16/BF16 golden outputs from HF (the fixtures are float32 only). The test
      // above proves the conversion exact, so what remains between this model and HF's float32
      // logits is the rounding of the weights themselves, not our arithmetic: each weight moves by
      // at most one unit roundoff u (2⁻¹¹ for F16, 2⁻⁸ for BF16) of its size, and the logits (here
      // 0.06–0.43 in size) by a small multiple of u — measured 2.1e-4 ≈ 0.4u (F16) and 3.3e-3 ≈
      // 0.8u (BF16). The bound 4u allows for that, so it cannot tell small bugs apart (a wrong
      // GELU moves logits by ~5e-4): the exact-conversion test and the F32 golden test do that.
      const u = dtype === 'F16' ? 2 ** -11 : 2 ** -8;
      const halfDir = modelDir('tiny-cls', { 'model.safetensors': safetensorsOf(fixtureWeights('tiny-cls'), dtype) });
      const drift = maxAbsDiff(await logitsOf(halfDir, 'tiny-cls'), fixtureExpected('tiny-cls').get('logits')!.data);
      // Far above the F32 model's own ~1e-6 from HF: the weights were really rounded.
      expect(drift).toBeGreaterThan(1e-5);
      expect(drift).toBeLessThan(4 * u);
    });
  }
});
