// q8 and fp16 models on the cpu backend against Hugging Face's float32 outputs for every fixture
// model, and fp16 against an independent reference: float32 on weights rounded to float16.
//
// Measured (transformers 4.36.2 golden data, cpu backend; tiny random models, hidden 32, 2 layers):
//
//   model     fp16 max|Δ| last hidden / logits     q8 max|Δ| last hidden / logits      q8 top-1
//   tiny      1.24e-3 / pooler 3.3e-4              5.45e-2 / pooler 1.28e-2            —
//   tiny-cls  1.25e-3 / 9.7e-5                     3.66e-2 / 5.3e-3                    3/3
//   tiny-mlm  1.53e-3 / 4.1e-4                     5.49e-2 / 1.25e-2                   29/36
//   tiny-tok  1.19e-3 / 5.6e-4                     5.07e-2 / 1.96e-2                   35/36
//   tiny-qa   1.54e-3 / 5.4e-4 (start), 4.9e-4     4.37e-2 / 2.29e-2 (start), 1.82e-2  6/6
//   tiny-mc   9.4e-4 / 1.3e-5                      3.79e-2 / 6.9e-3                    1/1
//
// q8 with int8 word embeddings (--q8-embeddings; the MLM decoder tied to them int8 too): last
// hidden ≤ 6.1e-2, outputs ≤ 3.7e-2 (tiny-qa start), top-1 3/3, 35/36, 35/36, 5/6, 1/1.
//
// fp16's top-1 agrees everywhere. The tiny models' logits are nearly flat (random weights), so
// q8's top-1 misses (tiny-mlm's 7 rows in 36) are ties broken differently, not large errors. The
// bounds below are about twice the measured values.

import '../../../index.js';
import { readFileSync, writeFileSync, readdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { floatToHalfBits, halfBitsToFloat } from '../../../engine/halfFloat.js';
import { parseSafetensors, safetensorsTensors } from '../../../model/weights/safetensors.js';
import { encodeSafetensors } from '../../../model/weights/safetensorsWriter.js';
import { makeTempDir } from '../../tempDir.js';
import { FIXTURE_MODELS, fixtureDir, maxAbsDiff, type FixtureModel } from '../fixtureModels.js';
import { deviationFromHuggingFace, finalOutputs } from './measure.js';

const BOUNDS = {
  fp16: { lastHidden: 4e-3, outputs: 2e-3 },
  q8: { lastHidden: 0.12, outputs: 0.05 },
} as const;

/** The fewest rows whose argmax must be HF's (of 3, 36, 36, 6, 1 rows), as measured less a margin. */
type Top1 = Readonly<Record<Exclude<FixtureModel, 'tiny'>, number>>;
const Q8_TOP1: Top1 = { 'tiny-cls': 3, 'tiny-mlm': 27, 'tiny-tok': 33, 'tiny-qa': 6, 'tiny-mc': 1 }; // measured 3, 29, 35, 6, 1
const Q8_EMBEDDINGS_TOP1: Top1 = { 'tiny-cls': 3, 'tiny-mlm': 33, 'tiny-tok': 33, 'tiny-qa': 5, 'tiny-mc': 1 }; // measured 3, 35, 35, 5, 1

const PRECISIONS = [
  { label: 'fp16', dtype: 'fp16', int8Embeddings: false },
  { label: 'q8', dtype: 'q8', int8Embeddings: false },
  { label: 'q8 with int8 embeddings', dtype: 'q8', int8Embeddings: true },
] as const;

describe.each(PRECISIONS)('$label on cpu against Hugging Face float32', ({ dtype, int8Embeddings }) => {
  it.each(FIXTURE_MODELS)('%s: every final output within the bound, the same top-1', async (name) => {
    const { maxAbs, top1 } = await deviationFromHuggingFace(name, { dtype, int8Embeddings });
    const { last_hidden_state: lastHidden, ...outputs } = maxAbs;
    expect(lastHidden).toBeLessThanOrEqual(BOUNDS[dtype].lastHidden);
    expect(lastHidden).toBeGreaterThan(1e-5); // it really ran in lower precision (fp32 is ~1e-6)
    for (const [key, diff] of Object.entries(outputs)) expect({ key, diff: diff <= BOUNDS[dtype].outputs }).toEqual({ key, diff: true });
    if (name === 'tiny') return;
    expect(top1.agree).toBeGreaterThanOrEqual(dtype === 'fp16' ? top1.rows : (int8Embeddings ? Q8_EMBEDDINGS_TOP1 : Q8_TOP1)[name]);
  });
});

/** The fixture's folder with every matrix rounded to float16 and stored back as F32: fp16's meaning, computed in float32. */
function roundedCopy(name: FixtureModel): string {
  const source = fixtureDir(name);
  const dir = makeTempDir(`fp16-${name}`);
  const file = join(source, 'model.safetensors');
  const weights = safetensorsTensors(parseSafetensors(readFileSync(file), file));
  const round = (v: number) => halfBitsToFloat(floatToHalfBits(v));
  const tensors = Object.fromEntries(
    [...weights].map(([key, t]) => [key, { dtype: 'F32' as const, shape: t.shape, data: t.shape.length === 2 ? Float32Array.from(t.data, round) : t.data }]),
  );
  writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(tensors));
  for (const f of readdirSync(source)) if (f !== 'model.safetensors') copyFileSync(join(source, f), join(dir, f));
  return dir;
}

describe('fp16 equals float32 on the rounded weights', () => {
  it.each(FIXTURE_MODELS)('%s: every final output within 1e-5', async (name) => {
    const half = await finalOutputs(name, { dtype: 'fp16' });
    const reference = await finalOutputs(name, { dtype: 'fp32' }, roundedCopy(name));
    expect([...half.keys()]).toEqual([...reference.keys()]);
    for (const [key, { data }] of half) expect({ key, diff: maxAbsDiff(data, reference.get(key)!.data) <= 1e-5 }).toEqual({ key, diff: true });
  });
});
