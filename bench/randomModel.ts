// A RoBERTa classifier with deterministic random weights, saved as a Hugging Face model directory
// (config.json + model.safetensors + the roberta-base tokenizer files). The benchmarks need a
// roberta-base-sized model, and a real one cannot be downloaded here; speed does not depend on
// what the weights are, so a seeded random one measures the same work — and every machine that
// runs `roberta bench --random base` gets the same bytes, so numbers stay comparable.
//
// Weights follow the spirit of Hugging Face's `_init_weights` with initializer_range 0.02:
//   - embedding and linear weights, and (unlike HF, which zeros them) biases: N(0, 0.02²);
//     non-zero biases make every bias addition visible when outputs are compared across engines
//   - LayerNorm weights 1 + N(0, 0.02²), LayerNorm biases N(0, 0.02²)
//   - the padding rows (index pad_token_id = 1) of the word and position embeddings are zero,
//     as HF's nn.Embedding(padding_idx=1) makes them
// Every tensor draws from its own mulberry32 stream seeded by (seed, tensor name): see prng.ts.

import { access, copyFile, mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SAFETENSORS_FILE } from '../model/weights/load.js';
import { fixturePath } from './fixtures.js';
import { Mulberry32, streamSeed } from './prng.js';
import { safetensorsF32FileSize, safetensorsF32Header, writeSafetensorsF32, type StreamedTensor } from './safetensorsStream.js';

export interface RandomModelShape {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly intermediateSize: number;
  readonly maxPositionEmbeddings: number;
  readonly typeVocabSize: number;
}

/** The roberta-base tokenizer's vocabulary size: with it, the copied tokenizer files fit the model. */
export const ROBERTA_VOCAB_SIZE = 50265;

export const RANDOM_MODEL_PRESETS = {
  /** roberta-base's dimensions: ≈ 125 M parameters, ≈ 499 MB of F32. */
  base: { vocabSize: ROBERTA_VOCAB_SIZE, hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072, maxPositionEmbeddings: 514, typeVocabSize: 1 },
  /** For smoke tests: the real vocabulary (so the tokenizer fits) on a 2-layer, 32-wide body, ≈ 6.5 MB. */
  tiny: { vocabSize: ROBERTA_VOCAB_SIZE, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64, maxPositionEmbeddings: 514, typeVocabSize: 1 },
} as const satisfies Record<string, RandomModelShape>;

export type RandomModelPreset = keyof typeof RANDOM_MODEL_PRESETS;

export function isRandomModelPreset(name: string): name is RandomModelPreset {
  return Object.hasOwn(RANDOM_MODEL_PRESETS, name);
}

/** The seed of `roberta bench --random`; changing it changes every benchmark model. */
export const DEFAULT_SEED = 20240917;

/** The seed model's labels (cardiffnlp/twitter-roberta-base-emotion). */
export const EMOTION_LABELS = ['anger', 'joy', 'optimism', 'sadness'] as const;

const INIT_STD = 0.02;
const PAD_TOKEN_ID = 1;
/** Bump when the way values are generated changes, so older files stop matching and are remade. */
const GENERATOR_VERSION = '1';
const TOKENIZER_FILES = ['vocab.json', 'merges.txt', 'tokenizer.json'] as const;

/** Where `roberta bench --random NAME` writes by default (relative to the working directory). */
export function defaultRandomModelDir(preset: RandomModelPreset): string {
  return join('bench', 'models', `roberta-${preset}-random`);
}

/** config.json as `save_pretrained` writes it for a RobertaForSequenceClassification. */
export function randomModelConfig(shape: RandomModelShape): Record<string, unknown> {
  return {
    architectures: ['RobertaForSequenceClassification'],
    attention_probs_dropout_prob: 0.1,
    bos_token_id: 0,
    classifier_dropout: null,
    eos_token_id: 2,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    hidden_size: shape.hiddenSize,
    id2label: Object.fromEntries(EMOTION_LABELS.map((label, i) => [String(i), label])),
    initializer_range: INIT_STD,
    intermediate_size: shape.intermediateSize,
    label2id: Object.fromEntries(EMOTION_LABELS.map((label, i) => [label, i])),
    layer_norm_eps: 1e-5,
    max_position_embeddings: shape.maxPositionEmbeddings,
    model_type: 'roberta',
    num_attention_heads: shape.numAttentionHeads,
    num_hidden_layers: shape.numHiddenLayers,
    pad_token_id: PAD_TOKEN_ID,
    position_embedding_type: 'absolute',
    torch_dtype: 'float32',
    type_vocab_size: shape.typeVocabSize,
    vocab_size: shape.vocabSize,
  };
}

type Init = 'normal' | 'layerNormWeight' | 'embedding';

function normalStream(seed: number, name: string, init: Init, rowLength: number): () => (chunk: Float32Array) => void {
  return () => {
    const random = new Mulberry32(streamSeed(seed, name));
    const mean = init === 'layerNormWeight' ? 1 : 0;
    const padStart = PAD_TOKEN_ID * rowLength;
    let index = 0;
    return (chunk) => {
      for (let i = 0; i < chunk.length; i++, index++) {
        // Drawn even for the padding row, so zeroing it does not shift the values after it.
        const value = mean + INIT_STD * random.nextNormal();
        chunk[i] = init === 'embedding' && index >= padStart && index < padStart + rowLength ? 0 : value;
      }
    };
  };
}

/** Every weight of the model, by its Hugging Face name, with how its values are drawn. */
export function randomModelTensors(shape: RandomModelShape, seed: number = DEFAULT_SEED): StreamedTensor[] {
  const { hiddenSize: h, intermediateSize: ffn } = shape;
  const tensors: StreamedTensor[] = [];
  const add = (name: string, dims: readonly number[], init: Init = 'normal') =>
    tensors.push({ name, shape: dims, open: normalStream(seed, name, init, dims[dims.length - 1] ?? 1) });
  const layerNorm = (prefix: string) => {
    add(`${prefix}.weight`, [h], 'layerNormWeight');
    add(`${prefix}.bias`, [h]);
  };
  const linear = (prefix: string, out: number, inp: number) => {
    add(`${prefix}.weight`, [out, inp]);
    add(`${prefix}.bias`, [out]);
  };

  add('roberta.embeddings.word_embeddings.weight', [shape.vocabSize, h], 'embedding');
  add('roberta.embeddings.position_embeddings.weight', [shape.maxPositionEmbeddings, h], 'embedding');
  add('roberta.embeddings.token_type_embeddings.weight', [shape.typeVocabSize, h]);
  layerNorm('roberta.embeddings.LayerNorm');
  for (let layer = 0; layer < shape.numHiddenLayers; layer++) {
    const p = `roberta.encoder.layer.${layer}`;
    for (const projection of ['query', 'key', 'value']) linear(`${p}.attention.self.${projection}`, h, h);
    linear(`${p}.attention.output.dense`, h, h);
    layerNorm(`${p}.attention.output.LayerNorm`);
    linear(`${p}.intermediate.dense`, ffn, h);
    linear(`${p}.output.dense`, h, ffn);
    layerNorm(`${p}.output.LayerNorm`);
  }
  linear('classifier.dense', h, h);
  linear('classifier.out_proj', EMOTION_LABELS.length, h);
  return tensors;
}

function safetensorsMetadata(shape: RandomModelShape, seed: number): Record<string, string> {
  return {
    format: 'pt',
    generator: 'roberta-ts bench/randomModel.ts',
    generator_version: GENERATOR_VERSION,
    seed: String(seed),
    init: `mulberry32 streams per tensor, Irwin-Hall(4) normal, std ${INIT_STD}`,
    shape: JSON.stringify(shape),
  };
}

async function sameBytesAtStart(path: string, expected: Buffer, expectedSize: number): Promise<boolean> {
  try {
    if ((await stat(path)).size !== expectedSize) return false;
    const file = await open(path, 'r');
    try {
      const actual = Buffer.alloc(expected.byteLength);
      const { bytesRead } = await file.read(actual, 0, actual.byteLength, 0);
      return bytesRead === actual.byteLength && actual.equals(expected);
    } finally {
      await file.close();
    }
  } catch {
    return false;
  }
}

async function sameText(path: string, expected: string): Promise<boolean> {
  try {
    return (await readFile(path, 'utf8')) === expected;
  } catch {
    return false;
  }
}

async function allExist(paths: readonly string[]): Promise<boolean> {
  try {
    await Promise.all(paths.map((path) => access(path)));
    return true;
  } catch {
    return false;
  }
}

export interface EnsureRandomModelOptions {
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

export interface RandomModelResult {
  readonly dir: string;
  /** `reused`: a matching model was already there (same header, size, config, tokenizer files). */
  readonly status: 'created' | 'reused';
  /** Size of model.safetensors. */
  readonly weightBytes: number;
  readonly parameters: number;
}

/**
 * Writes the model into `dir`, or reuses what is there when its safetensors header and size, its
 * config.json and the tokenizer files match what would be written. The values themselves are not
 * re-read: the header carries the seed and generator version, which determine them.
 */
export async function ensureRandomModel(dir: string, shape: RandomModelShape, options: EnsureRandomModelOptions = {}): Promise<RandomModelResult> {
  const seed = options.seed ?? DEFAULT_SEED;
  const log = options.log ?? (() => {});
  const tensors = randomModelTensors(shape, seed);
  const metadata = safetensorsMetadata(shape, seed);
  const header = safetensorsF32Header(tensors, metadata);
  const weightBytes = safetensorsF32FileSize(tensors, metadata);
  const parameters = tensors.reduce((sum, t) => sum + t.shape.reduce((p, d) => p * d, 1), 0);
  const configText = `${JSON.stringify(randomModelConfig(shape), null, 2)}\n`;
  const weightsPath = join(dir, SAFETENSORS_FILE);
  const configPath = join(dir, 'config.json');
  // The roberta-base tokenizer emits ids up to 50264: only a model with that vocabulary can take them.
  const withTokenizer = shape.vocabSize === ROBERTA_VOCAB_SIZE;
  const tokenizerPaths = withTokenizer ? TOKENIZER_FILES.map((file) => join(dir, file)) : [];

  if ((await sameBytesAtStart(weightsPath, header, weightBytes)) && (await sameText(configPath, configText)) && (await allExist(tokenizerPaths))) {
    log(`reusing ${dir} (${parameters.toLocaleString('en-US')} parameters, seed ${seed})`);
    return { dir, status: 'reused', weightBytes, parameters };
  }

  log(`writing ${dir}: ${parameters.toLocaleString('en-US')} parameters, ${(weightBytes / 1e6).toFixed(1)} MB of F32, seed ${seed}`);
  await mkdir(dir, { recursive: true });
  await writeSafetensorsF32(weightsPath, tensors, metadata);
  await writeFile(configPath, configText);
  if (withTokenizer) {
    const source = fixturePath('roberta-base-tokenizer');
    for (const file of TOKENIZER_FILES) await copyFile(join(source, file), join(dir, file));
  } else {
    log(`no tokenizer files: vocab_size ${shape.vocabSize} is not roberta-base's ${ROBERTA_VOCAB_SIZE}`);
  }
  return { dir, status: 'created', weightBytes, parameters };
}
