// Fresh weights as Hugging Face makes them (RobertaPreTrainedModel._init_weights, transformers
// 4.36.2): every Linear and Embedding weight drawn from normal(0, initializer_range), every bias
// zero, LayerNorm weight 1 and bias 0, the padding_idx row of the word and position embeddings zero
// (both are nn.Embedding(padding_idx=pad_token_id)). The masked-LM decoder weight is never made
// here: it is the word embeddings (the LM head ties it when the checkpoint has none).
//
// A weight is a pure function of (seed, its name, its shape): each tensor draws from its own
// counter-based stream (engine/random.ts), seeded by the name, so a head initialised beside a
// loaded encoder gets the values it would get in a model built from nothing, whatever order the
// modules ask in. Normals come from Box–Muller; Math.log/cos/sin may differ in the last bit
// between JavaScript engines, so the same seed gives the same weights on one engine (V8 here).

import { counterUniform } from '../engine/random.js';
import { sizeOf, type Shape } from '../engine/shape.js';
import type { RobertaConfig } from './config.js';
import { decodedTensor, type CheckpointTensor } from './weights/hostTensor.js';

/** Makes the parameter `name` of `shape` that a checkpoint lacks. */
export type ParameterInitializer = (name: string, shape: Shape) => CheckpointTensor;

/** The embedding tables whose padding_idx row HF zeroes (RobertaEmbeddings' nn.Embedding(padding_idx=…)). */
const PADDED_EMBEDDINGS = ['embeddings.word_embeddings.weight', 'embeddings.position_embeddings.weight'];

/** FNV-1a over the name's UTF-16 code units: which counter of the seed's stream seeds this tensor. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** `count` draws from normal(0, std²): Box–Muller on the stream `seed`, two normals per pair of uniforms. */
export function normalSamples(seed: number, count: number, std: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = std * Math.sqrt(-2 * Math.log(1 - counterUniform(seed, i))); // 1 − u ∈ (0, 1]: the log stays finite
    const angle = 2 * Math.PI * counterUniform(seed, i + 1);
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/**
 * The values HF's _init_weights gives the parameter `name` (a module's name, with or without the
 * task model's `roberta.` prefix) of `shape`.
 */
export function initialValues(name: string, shape: Shape, config: RobertaConfig, seed: number): Float32Array {
  const size = sizeOf(shape);
  const moduleName = name.replace(/^roberta\./, '');
  if (moduleName.endsWith('.bias')) return new Float32Array(size);
  if (/(^|\.)(LayerNorm|layer_norm)\.weight$/.test(moduleName)) return new Float32Array(size).fill(1);
  const tensorSeed = Math.floor(counterUniform(seed, nameHash(moduleName)) * 4294967296);
  const values = normalSamples(tensorSeed, size, config.initializerRange);
  if (PADDED_EMBEDDINGS.includes(moduleName)) {
    const width = shape[1];
    values.fill(0, config.padTokenId * width, (config.padTokenId + 1) * width);
  }
  return values;
}

/** HF's initialisation for any parameter a model asks for, from `seed` (an integer in [0, 2³²)). */
export function initialWeights(config: RobertaConfig, seed: number): ParameterInitializer {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 4294967296) throw new RangeError(`initialization seed must be an integer in [0, 2^32), got ${seed}`);
  return (name, shape) => decodedTensor({ dtype: 'float32', shape: [...shape], data: initialValues(name, shape, config, seed) });
}
