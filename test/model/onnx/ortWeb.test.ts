// The same file in onnxruntime-web (its WebAssembly backend, as in a browser), run here in Node:
// proof that the export is not tied to the native runtime. It runs in Jest's own context with no
// special environment, since the wasm runtime creates its arrays there.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortWeb from 'onnxruntime-web';
import { exportOnnx } from '../../../model/onnx/export.js';
import { makeTempDir } from '../../tempDir.js';
import { fixtureDir, fixtureExpected, fixtureInputs, maxAbsDiff } from '../fixtureModels.js';

const int64 = (rows: number[][]) => new ortWeb.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0].length]);

describe('export-onnx: onnxruntime-web (wasm)', () => {
  it('runs tiny-mlm and matches Hugging Face within 1e-4, at two batch/sequence sizes', async () => {
    ortWeb.env.wasm.numThreads = 1; // no worker threads in tests
    const file = join(makeTempDir('onnx-web'), 'tiny-mlm.onnx');
    await exportOnnx(fixtureDir('tiny-mlm'), file);
    const session = await ortWeb.InferenceSession.create(readFileSync(file), { executionProviders: ['wasm'] });
    const { input_ids: ids, attention_mask: mask } = fixtureInputs('tiny-mlm');
    const expected = fixtureExpected('tiny-mlm');

    const full = await session.run({ input_ids: int64(ids), attention_mask: int64(mask) });
    expect(full.logits.dims).toEqual([3, 12, 1000]);
    expect(maxAbsDiff(full.logits.data as Float32Array, expected.get('logits')!.data)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(full.last_hidden_state.data as Float32Array, expected.get('last_hidden_state')!.data)).toBeLessThanOrEqual(1e-4);

    // The second row alone, without its padding: HF's row 1, first 9 positions.
    const row = await session.run({ input_ids: int64([ids[1].slice(0, 9)]), attention_mask: int64([mask[1].slice(0, 9)]) });
    expect(row.logits.dims).toEqual([1, 9, 1000]);
    const want = expected.get('logits')!.data.subarray(12 * 1000, 12 * 1000 + 9 * 1000);
    expect(maxAbsDiff(row.logits.data as Float32Array, want)).toBeLessThanOrEqual(1e-4);
    await session.release();
  });
});
