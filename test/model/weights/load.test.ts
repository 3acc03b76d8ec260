import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../../../model/weights/errors.js';
import { loadCheckpoint } from '../../../model/weights/load.js';
import { parseSafetensors, safetensorsTensors } from '../../../model/weights/safetensors.js';
import { makeTempDir } from '../../tempDir.js';
import { MODELS_DIR, manifestModel, readFixture, sameBits } from './fixtures.js';
import { torchSave } from './torchWriter.js';

const dir = makeTempDir('load');

function modelDir(name: string): string {
  const path = join(dir, name);
  mkdirSync(path);
  return path;
}

/** A pytorch_model.bin with a single tensor named `marker`, to tell which file was read. */
function writeTorchMarker(path: string): void {
  const bytes = new Uint8Array(Float32Array.from([42]).buffer);
  writeFileSync(path, torchSave([['marker', { storage: '0', offset: 0, size: [1], stride: [1] }]], { '0': { type: 'FloatStorage', bytes, numel: 1 } }));
}

describe('loadCheckpoint', () => {
  it('reads model.safetensors from a fixture directory, each tensor when asked for', async () => {
    const { tensors, format, files } = await loadCheckpoint(join(MODELS_DIR, 'tiny-mlm'));
    expect(format).toBe('safetensors');
    expect(files).toEqual([join(MODELS_DIR, 'tiny-mlm', 'model.safetensors')]);
    expect([...tensors.keys()].sort()).toEqual([...manifestModel('tiny-mlm').weight_keys].sort());
    const whole = safetensorsTensors(parseSafetensors(readFixture('tiny-mlm', 'model.safetensors'), 'tiny-mlm'));
    for (const [name, tensor] of tensors) {
      const expected = whole.get(name)!;
      expect([tensor.dtype, tensor.shape]).toEqual([expected.dtype, expected.shape]);
      expect(sameBits(tensor.read(), expected.data)).toBe(true);
    }
  });

  it('prefers model.safetensors over pytorch_model.bin, and reads pytorch_model.bin alone', async () => {
    const both = modelDir('both');
    copyFileSync(join(MODELS_DIR, 'tiny', 'model.safetensors'), join(both, 'model.safetensors'));
    writeTorchMarker(join(both, 'pytorch_model.bin'));
    const preferred = await loadCheckpoint(both);
    expect(preferred.format).toBe('safetensors');
    expect(preferred.tensors.has('marker')).toBe(false);

    const torchOnly = modelDir('torch-only');
    writeTorchMarker(join(torchOnly, 'pytorch_model.bin'));
    const loaded = await loadCheckpoint(torchOnly, { verifyCrc: true });
    expect(loaded.format).toBe('pytorch');
    expect(loaded.files).toEqual([join(torchOnly, 'pytorch_model.bin')]);
    expect(sameBits(loaded.tensors.get('marker')!.read(), Float32Array.from([42]))).toBe(true);
  });

  it('prefers the sharded safetensors index over pytorch_model.bin', async () => {
    const sharded = modelDir('sharded');
    copyFileSync(join(MODELS_DIR, 'tiny', 'model.safetensors'), join(sharded, 'model-00001-of-00001.safetensors'));
    const keys = manifestModel('tiny').weight_keys;
    const weightMap = Object.fromEntries(keys.map((key) => [key, 'model-00001-of-00001.safetensors']));
    writeFileSync(join(sharded, 'model.safetensors.index.json'), JSON.stringify({ weight_map: weightMap }));
    writeTorchMarker(join(sharded, 'pytorch_model.bin'));
    const loaded = await loadCheckpoint(sharded);
    expect(loaded.format).toBe('safetensors-sharded');
    expect([...loaded.tensors.keys()].sort()).toEqual([...keys].sort());
  });

  it('says what it looked for when a directory has no weights', async () => {
    const empty = modelDir('empty');
    await expect(loadCheckpoint(empty)).rejects.toThrow(
      new CheckpointError(`${empty}: no model weights found: looked for model.safetensors, model.safetensors.index.json and pytorch_model.bin`),
    );
    writeFileSync(join(empty, 'pytorch_model.bin.index.json'), '{}');
    await expect(loadCheckpoint(empty)).rejects.toThrow(
      'pytorch_model.bin (found pytorch_model.bin.index.json: sharded PyTorch checkpoints are not supported, convert them to safetensors)',
    );
  });
});
