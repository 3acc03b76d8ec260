// Loading streams each weight from disk into a backend's storage a chunk at a time where the
// backend can take it so (Backend.uploadFrom). Checked on each such backend (wasm, webgpu): every
// weight of the fixture models, streamed in chunks small enough that most tensors span several,
// must come out bit-identical to the file's bytes, read here independently of model/weights.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../../engine/backend.js';
import { ParameterStore } from '../../model/parameters.js';
import type { CheckpointTensor } from '../../model/weights/hostTensor.js';
import { lazySafetensorsTensor, openSafetensorsFile } from '../../model/weights/safetensors.js';
import { FIXTURE_MODELS, fixtureDir } from './fixtureModels.js';
import { rawHeader, sameBits } from './weights/fixtures.js';

const CHUNK_BYTES = 4096;

export function describeStreamedWeights(backendName: string, getBackend: () => Promise<Backend>): void {
  describe(`${backendName}: weights streamed from disk into backend storage`, () => {
    for (const name of FIXTURE_MODELS) {
      it(`${name}: every weight, in ${CHUNK_BYTES}-byte chunks, is bit-identical to the file's bytes`, async () => {
        const backend = await getBackend();
        const path = join(fixtureDir(name), 'model.safetensors');
        const file = openSafetensorsFile(path, CHUNK_BYTES);
        const calls = { read: 0, chunks: 0 };
        const tensors = new Map<string, CheckpointTensor>();
        for (const key of file.entries.keys()) {
          const tensor = lazySafetensorsTensor(file, key);
          tensors.set(key, {
            dtype: tensor.dtype,
            shape: tensor.shape,
            read: () => (calls.read++, tensor.read()),
            readInto: (write) => tensor.readInto!((bytes, byteOffset) => (calls.chunks++, write(bytes, byteOffset))),
          });
        }
        const store = new ParameterStore(tensors, backend, path);
        const raw = readFileSync(path);
        const entries = rawHeader(raw).entries;
        let chunksNeeded = 0;
        for (const [key, entry] of entries) {
          const uploaded = store.get(key, entry.shape);
          const expected = new Float32Array(Uint8Array.from(raw.subarray(entry.begin, entry.end)).buffer);
          expect({ key, same: sameBits((await uploaded.data()) as Float32Array, expected) }).toEqual({ key, same: true });
          // Asked for again (a tied weight): the same tensor, not read again.
          expect(store.get(key, entry.shape)).toBe(uploaded);
          chunksNeeded += Math.ceil((entry.end - entry.begin) / CHUNK_BYTES);
        }
        expect(calls).toEqual({ read: 0, chunks: chunksNeeded });
        expect(chunksNeeded).toBeGreaterThan(entries.size); // so some tensors crossed chunk boundaries
        store.dispose();
      });
    }
  });
}
