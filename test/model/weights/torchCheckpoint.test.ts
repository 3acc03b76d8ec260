import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../../../model/weights/errors.js';
import type { HostTensor } from '../../../model/weights/hostTensor.js';
import { parseSafetensors, safetensorsTensors } from '../../../model/weights/safetensors.js';
import { decodeTorchCheckpoint, readTorchCheckpoint } from '../../../model/weights/torchCheckpoint.js';
import { makeTempDir } from '../../tempDir.js';
import { MODEL_NAMES, readFixture, sameBits } from './fixtures.js';
import { orderedDict, pickle, rebuildTensor, torchSave, zip, type Storage, type TensorView } from './torchWriter.js';

function fixtureWeights(model: string): Map<string, HostTensor> {
  return safetensorsTensors(parseSafetensors(readFixture(model, 'model.safetensors'), model));
}

function floatBytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

const contiguous = (storage: string, shape: readonly number[], offset = 0): TensorView => ({
  storage,
  offset,
  size: shape,
  stride: shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1)),
});

/** One FloatStorage per tensor, in state-dict order: what torch.save does for a fresh model. */
function saveEachInOwnStorage(weights: Map<string, HostTensor>, options?: Parameters<typeof torchSave>[2]): Buffer {
  const storages: Record<string, Storage> = {};
  const views: [string, TensorView][] = [];
  [...weights].forEach(([name, tensor], i) => {
    storages[`${i}`] = { type: 'FloatStorage', bytes: floatBytes(tensor.data), numel: tensor.data.length };
    views.push([name, contiguous(`${i}`, tensor.shape)]);
  });
  return torchSave(views, storages, options);
}

function torchError(bytes: Uint8Array): string {
  try {
    decodeTorchCheckpoint(bytes, 'pytorch_model.bin');
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as Error).message;
  }
  throw new Error('expected the checkpoint to be rejected');
}

describe('PyTorch zip checkpoints', () => {
  it.each(MODEL_NAMES)('%s: equal to the safetensors weights bit for bit', (model) => {
    const weights = fixtureWeights(model);
    const bytes = saveEachInOwnStorage(weights);
    const loaded = decodeTorchCheckpoint(bytes, 'pytorch_model.bin', { verifyCrc: true });
    expect([...loaded.keys()]).toEqual([...weights.keys()]);
    for (const [name, tensor] of weights) {
      const back = loaded.get(name)!;
      expect([name, back.dtype, back.shape]).toEqual([name, 'float32', tensor.shape]);
      expect(sameBits(back.data, tensor.data)).toBe(true);
      expect(back.data.buffer).toBe(bytes.buffer); // storages are 64-byte aligned: views, no copy
    }
  });

  it('reads zip64 archives named after the file, as torch.save("pytorch_model.bin") writes them', () => {
    const weights = fixtureWeights('tiny-cls');
    const loaded = decodeTorchCheckpoint(saveEachInOwnStorage(weights, { zip64: true, archive: 'pytorch_model' }), 'x');
    expect(sameBits(loaded.get('classifier.out_proj.weight')!.data, weights.get('classifier.out_proj.weight')!.data)).toBe(true);
  });

  it('rebuilds shared, offset, transposed, tied, half-precision and int64 tensors', () => {
    const weights = fixtureWeights('tiny');
    const lnWeight = weights.get('embeddings.LayerNorm.weight')!.data;
    const lnBias = weights.get('embeddings.LayerNorm.bias')!.data;
    const ffn = weights.get('encoder.layer.0.intermediate.dense.weight')!; // [64, 32]
    const [rows, cols] = ffn.shape as [number, number];
    const transposed = Array.from({ length: rows * cols }, (_, i) => ffn.data[(i % rows) * cols + Math.floor(i / rows)]!);
    const embeddings = weights.get('embeddings.word_embeddings.weight')!;
    const pooler = weights.get('pooler.dense.weight')!;
    // F16 bits written by hand: 1, -2, 0.5, 65504, 2^-24 (subnormal), -0 for a [2, 3] tensor.
    const halfBits = [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x8000];
    const positionIds = Array.from({ length: 64 }, (_, i) => BigInt(i));

    const storages: Record<string, Storage> = {
      // One storage holding LayerNorm weight, LayerNorm bias and Wᵀ of the FFN, back to back.
      shared: { type: 'FloatStorage', bytes: floatBytes([...lnWeight, ...lnBias, ...transposed]), numel: 64 + rows * cols },
      embeddings: { type: 'FloatStorage', bytes: floatBytes(embeddings.data), numel: embeddings.data.length },
      half: { type: 'HalfStorage', bytes: new Uint8Array(Uint16Array.from(halfBits).buffer), numel: 6 },
      positions: { type: 'LongStorage', bytes: new Uint8Array(BigInt64Array.from(positionIds).buffer), numel: 64 },
      pooler: { type: 'FloatStorage', bytes: floatBytes(pooler.data), numel: pooler.data.length },
    };
    const bytes = torchSave(
      [
        ['embeddings.LayerNorm.weight', contiguous('shared', [32])],
        ['embeddings.LayerNorm.bias', contiguous('shared', [32], 32)],
        // Wᵀ is stored [32, 64] row-major; the tensor is its transpose: size [64, 32], stride [1, 64].
        ['encoder.layer.0.intermediate.dense.weight', { storage: 'shared', offset: 64, size: [rows, cols], stride: [1, rows] }],
        ['embeddings.word_embeddings.weight', contiguous('embeddings', embeddings.shape)],
        ['lm_head.decoder.weight', contiguous('embeddings', embeddings.shape)], // tied: same storage
        ['embeddings.word_embeddings.weight.row5', contiguous('embeddings', [32], 5 * 32)],
        ['half', contiguous('half', [2, 3])],
        ['half.T', { storage: 'half', offset: 0, size: [3, 2], stride: [1, 3] }],
        ['embeddings.position_ids', contiguous('positions', [1, 64])],
        ['pooler.dense.weight', contiguous('pooler', pooler.shape)],
        ['empty', contiguous('pooler', [0, 32])],
      ],
      storages,
    );
    const loaded = decodeTorchCheckpoint(bytes, 'pytorch_model.bin');
    const bitsEqual = (name: string, expected: Float32Array | Int32Array) => expect(sameBits(loaded.get(name)!.data, expected)).toBe(true);

    bitsEqual('embeddings.LayerNorm.weight', lnWeight);
    bitsEqual('embeddings.LayerNorm.bias', lnBias);
    expect(loaded.get('encoder.layer.0.intermediate.dense.weight')!.shape).toEqual([64, 32]);
    bitsEqual('encoder.layer.0.intermediate.dense.weight', ffn.data);
    bitsEqual('embeddings.word_embeddings.weight', embeddings.data);
    bitsEqual('lm_head.decoder.weight', embeddings.data);
    bitsEqual('embeddings.word_embeddings.weight.row5', embeddings.data.subarray(160, 192));
    bitsEqual('pooler.dense.weight', pooler.data);
    expect(loaded.get('half')).toEqual({ dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, -2, 0.5, 65504, 2 ** -24, -0]) });
    expect(Object.is(loaded.get('half')!.data[5], -0)).toBe(true);
    expect(Array.from(loaded.get('half.T')!.data)).toEqual([1, 65504, -2, 2 ** -24, 0.5, -0]);
    expect(loaded.get('embeddings.position_ids')).toEqual({ dtype: 'int32', shape: [1, 64], data: Int32Array.from(positionIds, Number) });
    expect(loaded.get('empty')).toEqual({ dtype: 'float32', shape: [0, 32], data: new Float32Array(0) });
  });

  describe('malicious checkpoints', () => {
    const dir = makeTempDir('torch-checkpoint');

    it.each([
      ['os', 'system', false],
      ['builtins', 'eval', false],
      ['posix', 'system', true],
    ])('a data.pkl calling %s.%s is refused before anything runs', async (module, name, stack) => {
      const marker = join(dir, `pwned-${module}-${name}`);
      const command = name === 'eval' ? `open(${JSON.stringify(marker)}, 'w').close()` : `touch ${marker}`;
      const evil = pickle(
        orderedDict([
          ['embeddings.LayerNorm.weight', { reduce: { global: [module, name], stack }, args: [command] }],
        ]),
      );
      const path = join(dir, `pytorch_model-${module}.bin`);
      writeFileSync(path, zip([
        { name: 'archive/data.pkl', data: evil },
        { name: 'archive/byteorder', data: Buffer.from('little') },
      ]));
      await expect(readTorchCheckpoint(path)).rejects.toThrow(
        new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(archive/data\\.pkl\\): pickle offset \\d+: global "${module}\\.${name}" is not allowed`),
      );
      expect(existsSync(marker)).toBe(false);
    });
  });

  it('rejects the legacy (non-zip) format with advice', () => {
    const legacy = pickle(orderedDict([['w', 1]]));
    expect(torchError(legacy)).toBe(
      'pytorch_model.bin: this is a legacy PyTorch checkpoint (a bare pickle, written by torch < 1.6 or with ' +
        '_use_new_zipfile_serialization=False), which is not supported: re-save it with torch >= 1.6 ' +
        '(torch.save(torch.load(path), path)) or convert it to safetensors',
    );
    expect(torchError(Buffer.from('<html>not found</html>'))).toBe('pytorch_model.bin: not a PyTorch checkpoint: it is not a zip archive');
  });

  it('rejects truncated archives', () => {
    const bytes = saveEachInOwnStorage(fixtureWeights('tiny'));
    expect(torchError(bytes.subarray(0, Math.floor(bytes.length / 2)))).toBe(
      'pytorch_model.bin: zip archive has no end-of-central-directory record: the file is truncated or not a zip archive',
    );
  });

  it('rejects archives that do not hold one consistent state dict', () => {
    const storage: Storage = { type: 'FloatStorage', bytes: floatBytes([1, 2, 3, 4]), numel: 4 };
    expect(torchError(zip([{ name: 'archive/version', data: Buffer.from('3\n') }]))).toBe(
      'pytorch_model.bin: expected exactly one <archive>/data.pkl entry, found 0 (entries: "archive/version"): not a torch.save checkpoint',
    );
    expect(torchError(torchSave([['w', contiguous('0', [4])]], { '0': storage }, { byteorder: 'big' }))).toBe(
      'pytorch_model.bin: byte order is "big"; only little-endian checkpoints are supported',
    );
    expect(torchError(torchSave([['w', { storage: '0', offset: 1, size: [2, 2], stride: [2, 1] }]], { '0': storage }))).toBe(
      'pytorch_model.bin: tensor "w": offset 1, size [2, 2], stride [2, 1] reach element 4, past the end of storage "0" (4 elements)',
    );
    expect(torchError(torchSave([['w', contiguous('0', [4])]], { '0': { ...storage, numel: 5 } }))).toBe(
      'pytorch_model.bin: storage "0": 5 F32 elements need 20 bytes, "archive/data/0" has 16',
    );
    const missingData = zip([{ name: 'archive/data.pkl', data: pickle(orderedDict([['w', rebuildTensor(contiguous('0', [4]), { '0': storage })]])) }]);
    expect(torchError(missingData)).toBe('pytorch_model.bin: storage "0" has no zip entry "archive/data/0"');
    const notTensors = zip([{ name: 'archive/data.pkl', data: pickle(orderedDict([['step', 7]])) }]);
    expect(torchError(notTensors)).toBe('pytorch_model.bin: state dict entry "step" is 7, not a tensor');
    const badStorageId = zip([{ name: 'archive/data.pkl', data: pickle({ persistentId: { tuple: ['storage', 'x'] } }) }]);
    expect(torchError(badStorageId)).toMatch(
      /^pytorch_model\.bin \(archive\/data\.pkl\): pickle offset \d+: expected a storage id \('storage', <torch storage type>, key, location, numel\), got \(str "storage", str "x"\)$/,
    );
  });
});
