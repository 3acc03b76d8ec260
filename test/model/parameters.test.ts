// ParameterStore hands each weight to the backend once: streamed (CheckpointTensor.readInto into
// Backend.uploadFrom) where both sides can, read whole otherwise. The streamed path on the
// backends that have it is checked in test/kernels/{wasm,wgsl}/streamedWeights.test.ts.

import { join } from 'node:path';
import '../../index.js';
import { getBackendByName } from '../../index.js';
import { ParameterStore } from '../../model/parameters.js';
import type { CheckpointTensor } from '../../model/weights/hostTensor.js';
import { lazySafetensorsTensor, openSafetensorsFile } from '../../model/weights/safetensors.js';
import { fixtureDir } from './fixtureModels.js';
import { sameBits } from './weights/fixtures.js';

it('reads a weight whole, once even when asked for twice, for a backend that keeps host arrays (no uploadFrom)', async () => {
  const cpu = await getBackendByName('cpu');
  expect(cpu.uploadFrom).toBeUndefined();
  const path = join(fixtureDir('tiny'), 'model.safetensors');
  const key = 'embeddings.word_embeddings.weight';
  const tensor = lazySafetensorsTensor(openSafetensorsFile(path), key);
  const calls = { read: 0, readInto: 0 };
  const counted: CheckpointTensor = {
    dtype: tensor.dtype,
    shape: tensor.shape,
    read: () => (calls.read++, tensor.read()),
    readInto: (write) => (calls.readInto++, tensor.readInto!(write)),
  };
  const store = new ParameterStore(new Map([[key, counted]]), cpu, path);
  const weight = store.get(key, tensor.shape);
  expect(store.get(key, tensor.shape)).toBe(weight);
  expect(calls).toEqual({ read: 1, readInto: 0 });
  expect(sameBits((await weight.data()) as Float32Array, tensor.read())).toBe(true);
  store.dispose();
});
