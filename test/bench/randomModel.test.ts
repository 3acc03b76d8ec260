// The deterministic random benchmark model: the same seed gives the same bytes; the files are a
// Hugging Face RobertaForSequenceClassification directory (names as HF saves them, shapes from the
// config) that our loader reads; the values have the documented distribution.

import { createHash } from 'node:crypto';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../index.js';
import { ensureRandomModel, RANDOM_MODEL_PRESETS, randomModelTensors, type RandomModelShape } from '../../bench/randomModel.js';
import { Mulberry32 } from '../../bench/prng.js';
import { safetensorsF32FileSize, writeSafetensorsF32 } from '../../bench/safetensorsStream.js';
import { encodeSafetensors } from '../../model/weights/safetensorsWriter.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { makeTempDir } from '../tempDir.js';

const FIXTURES = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'fixtures');

/** The same dimensions as the tiny-cls fixture Hugging Face made, so the tensor names can be compared with it. */
const SMALL: RandomModelShape = { vocabSize: 1000, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64, maxPositionEmbeddings: 64, typeVocabSize: 1 };

interface HeaderEntry {
  readonly dtype: string;
  readonly shape: number[];
  readonly data_offsets: [number, number];
}

/** Parses a safetensors header by the format's definition (8-byte LE length, then JSON). */
function parseHeader(bytes: Buffer): { header: Record<string, HeaderEntry>; metadata: Record<string, string>; dataStart: number } {
  const length = Number(bytes.readBigUInt64LE(0));
  const { __metadata__: metadata, ...header } = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as Record<string, unknown>;
  return { header: header as Record<string, HeaderEntry>, metadata: metadata as Record<string, string>, dataStart: 8 + length };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const root = makeTempDir('random-model');

describe('mulberry32', () => {
  it('matches the published algorithm, computed here with BigInt arithmetic mod 2^32', () => {
    // mulberry32 as Tommy Ettinger published it, over exact integers instead of Math.imul.
    const M = 2n ** 32n;
    const mul = (a: bigint, b: bigint) => (a * b) % M;
    let state = 123456789n;
    const reference = () => {
      state = (state + 0x6d2b79f5n) % M;
      let t = mul(state ^ (state >> 15n), state | 1n);
      t = ((t + mul(t ^ (t >> 7n), t | 61n)) % M) ^ t;
      return Number(t ^ (t >> 14n));
    };
    const ours = new Mulberry32(123456789);
    for (let i = 0; i < 1000; i++) expect(ours.nextUint32()).toBe(reference());
  });
});

describe('ensureRandomModel', () => {
  it('makes identical bytes from the same seed and different bytes from another', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => join(root, name));
    await ensureRandomModel(a!, SMALL, { seed: 7 });
    await ensureRandomModel(b!, SMALL, { seed: 7 });
    await ensureRandomModel(c!, SMALL, { seed: 8 });
    const hash = async (dir: string) => sha256(await readFile(join(dir, 'model.safetensors')));
    expect(await hash(a!)).toBe(await hash(b!));
    expect(await hash(c!)).not.toBe(await hash(a!));
    expect(await readFile(join(a!, 'config.json'), 'utf8')).toBe(await readFile(join(b!, 'config.json'), 'utf8'));
  });

  it("names every tensor as Hugging Face saves a RobertaForSequenceClassification, with the config's shapes", async () => {
    const dir = join(root, 'names');
    await ensureRandomModel(dir, SMALL);
    const { header, metadata, dataStart } = parseHeader(await readFile(join(dir, 'model.safetensors')));
    const manifest = JSON.parse(await readFile(join(FIXTURES, 'models', 'manifest.json'), 'utf8')) as { models: { name: string; weight_keys: string[] }[] };
    const hfKeys = manifest.models.find((m) => m.name === 'tiny-cls')!.weight_keys;
    expect(Object.keys(header).sort()).toEqual([...hfKeys].sort());
    expect(metadata.format).toBe('pt');
    expect(dataStart % 8).toBe(0);

    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, number>;
    const { hidden_size: h, intermediate_size: ffn, vocab_size: vocab } = config;
    const expected: Record<string, number[]> = {
      'roberta.embeddings.word_embeddings.weight': [vocab!, h!],
      'roberta.embeddings.position_embeddings.weight': [config.max_position_embeddings!, h!],
      'roberta.embeddings.token_type_embeddings.weight': [config.type_vocab_size!, h!],
      'roberta.encoder.layer.1.attention.self.query.weight': [h!, h!],
      'roberta.encoder.layer.1.intermediate.dense.weight': [ffn!, h!],
      'roberta.encoder.layer.1.output.dense.weight': [h!, ffn!],
      'roberta.encoder.layer.0.output.LayerNorm.bias': [h!],
      'classifier.out_proj.weight': [4, h!],
    };
    for (const [name, shape] of Object.entries(expected)) expect(header[name]!.shape).toEqual(shape);
    // Tensors are contiguous in the data area, in name order, 4-byte aligned F32.
    let offset = 0;
    for (const name of Object.keys(header).sort()) {
      const entry = header[name]!;
      expect(entry.dtype).toBe('F32');
      expect(entry.data_offsets).toEqual([offset, offset + 4 * entry.shape.reduce((p, d) => p * d, 1)]);
      offset = entry.data_offsets[1];
    }
  });

  it('draws weights N(0, 0.02²), LayerNorm weights around 1, and zeros the padding rows', async () => {
    const dir = join(root, 'values');
    await ensureRandomModel(dir, SMALL);
    const bytes = await readFile(join(dir, 'model.safetensors'));
    const { header, dataStart } = parseHeader(bytes);
    const values = (name: string) => {
      const [begin, end] = header[name]!.data_offsets;
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset + dataStart + begin, bytes.byteOffset + dataStart + end));
    };
    const moments = (xs: Float32Array) => {
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      return { mean, std: Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length) };
    };
    const word = values('roberta.embeddings.word_embeddings.weight'); // 1000 × 32
    expect(word).toHaveLength(1000 * 32);
    expect(Array.from(word.subarray(32, 64))).toEqual(Array<number>(32).fill(0)); // row 1 = <pad>
    const body = moments(word.subarray(64));
    expect(Math.abs(body.mean)).toBeLessThan(0.001);
    expect(Math.abs(body.std - 0.02)).toBeLessThan(0.0005);
    expect(Math.max(...word.map(Math.abs))).toBeLessThanOrEqual(0.02 * Math.sqrt(12) + 1e-7); // Irwin–Hall(4) is bounded at ±√12 σ
    const gamma = moments(values('roberta.encoder.layer.0.output.LayerNorm.weight'));
    expect(Math.abs(gamma.mean - 1)).toBeLessThan(0.02);
    expect(gamma.std).toBeGreaterThan(0.005);
    expect(Array.from(values('roberta.embeddings.position_embeddings.weight').subarray(32, 64))).toEqual(Array<number>(32).fill(0));
  });

  it('loads with fromPretrained and classifies into the four emotion labels', async () => {
    const dir = join(root, 'load');
    await ensureRandomModel(dir, SMALL);
    const model = await fromPretrained(dir, { backend: 'cpu' });
    try {
      expect(model.architecture).toBe('RobertaForSequenceClassification');
      expect([...model.config.id2label.values()]).toEqual(['anger', 'joy', 'optimism', 'sadness']);
      const out = model.forward({ inputIds: [[0, 17, 400, 999, 2]] });
      expect(out.logits!.shape).toEqual([1, 4]);
      const logits = await out.logits!.data();
      expect(logits.every(Number.isFinite)).toBe(true);
      expect(new Set(logits).size).toBe(4);
    } finally {
      model.dispose();
    }
  });

  it('reuses a matching model and rewrites a changed or truncated one', async () => {
    const dir = join(root, 'reuse');
    expect((await ensureRandomModel(dir, SMALL)).status).toBe('created');
    expect((await ensureRandomModel(dir, SMALL)).status).toBe('reused');
    expect((await ensureRandomModel(dir, SMALL, { seed: 99 })).status).toBe('created'); // the header carries the seed
    await truncate(join(dir, 'model.safetensors'), 1000);
    expect((await ensureRandomModel(dir, SMALL, { seed: 99 })).status).toBe('created');
    await writeFile(join(dir, 'config.json'), '{}');
    expect((await ensureRandomModel(dir, SMALL, { seed: 99 })).status).toBe('created');
    expect((await ensureRandomModel(dir, SMALL, { seed: 99 })).status).toBe('reused');
  });

  it('copies the roberta-base tokenizer files only for the roberta-base vocabulary', async () => {
    const dir = join(root, 'tokenizer');
    await ensureRandomModel(dir, { ...SMALL, vocabSize: RANDOM_MODEL_PRESETS.base.vocabSize, hiddenSize: 4, numAttentionHeads: 1, intermediateSize: 4 });
    for (const file of ['vocab.json', 'merges.txt', 'tokenizer.json']) {
      expect((await readFile(join(dir, file))).equals(await readFile(join(FIXTURES, 'roberta-base-tokenizer', file)))).toBe(true);
    }
    await expect(readFile(join(root, 'names', 'vocab.json'))).rejects.toThrow(/ENOENT/);
  });
});

describe('the base preset', () => {
  it("has roberta-base's parameter count with a 4-label classifier head instead of the pooler", () => {
    // roberta-base (RobertaModel, with pooler) has 124,645,632 parameters; the classifier drops
    // the pooler (768² + 768) and adds dense (768² + 768) and out_proj (4 × 768 + 4).
    const parameters = randomModelTensors(RANDOM_MODEL_PRESETS.base).reduce((sum, t) => sum + t.shape.reduce((p, d) => p * d, 1), 0);
    expect(parameters).toBe(124_645_632 + 4 * 768 + 4);
    expect(safetensorsF32FileSize(randomModelTensors(RANDOM_MODEL_PRESETS.base), {})).toBeGreaterThan(4 * parameters);
  });
});

describe('writeSafetensorsF32', () => {
  it('writes, chunk by chunk, the bytes encodeSafetensors writes for the same tensors', async () => {
    const tensors = randomModelTensors(SMALL, 3);
    const metadata = { format: 'pt' };
    const path = join(root, 'streamed.safetensors');
    await writeSafetensorsF32(path, tensors, metadata, 1000); // chunks smaller than most tensors
    const whole = Object.fromEntries(
      tensors.map((t) => {
        const data = new Float32Array(t.shape.reduce((p, d) => p * d, 1));
        t.open()(data);
        return [t.name, { dtype: 'F32' as const, shape: t.shape, data }];
      }),
    );
    expect(sha256(await readFile(path))).toBe(sha256(encodeSafetensors(whole, metadata)));
  });
});
