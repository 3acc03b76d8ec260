// A RoBERTa model's `config.json`, as Hugging Face's `save_pretrained` writes it, parsed into a
// typed and validated object.
//
// Everything that changes the numbers the model computes is checked here, once, with an error that
// names the file and the key; the model code can then trust the config. Keys we do not need
// (torch_dtype, use_cache, ...) are ignored, since HF configs carry many
// (HF keeps them as attributes nobody reads at inference).
// A key missing from the file takes RobertaConfig's default, as in transformers, so we compute what
// HF computes from the same file; where HF only logs a warning (num_labels disagreeing with
// id2label), so do we, through `warn`.

import { joinPath, readTextFile } from '../platform/files.js';
import type { QuantizedPrecision } from './precision.js';
import { describeJson, isJsonObject, jsonSyntaxDetail } from './weights/json.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Activations we can compute, by HF name; aliases map onto these (see HIDDEN_ACTS). */
export type HiddenAct = 'gelu' | 'gelu_new' | 'relu' | 'silu' | 'tanh';

export type ProblemType = 'single_label_classification' | 'multi_label_classification' | 'regression';

export interface RobertaConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly intermediateSize: number;
  /** `gelu` is the exact erf form; `gelu_new` the tanh approximation. */
  readonly hiddenAct: HiddenAct;
  readonly maxPositionEmbeddings: number;
  readonly typeVocabSize: number;
  readonly layerNormEps: number;
  /** Also RoBERTa's position padding index: real tokens get positions padTokenId+1, +2, ... */
  readonly padTokenId: number;
  readonly bosTokenId: number | undefined;
  readonly eosTokenId: number | undefined;
  readonly architectures: readonly string[];
  /**
   * Label name by class index: HF's `id2label` with its string keys turned into ints. The indices
   * need not be 0…n−1 (HF accepts any), so a class may have no name.
   */
  readonly id2label: ReadonlyMap<number, string>;
  readonly label2id: ReadonlyMap<string, number>;
  readonly numLabels: number;
  readonly problemType: ProblemType | undefined;
  readonly positionEmbeddingType: 'absolute';
  /** Whether the masked-LM decoder shares the word embedding matrix (HF's default: true). */
  readonly tieWordEmbeddings: boolean;
  /** Dropout in training: on hidden states (embeddings, attention and feed-forward outputs), and on attention probabilities. */
  readonly hiddenDropoutProb: number;
  readonly attentionProbsDropoutProb: number;
  /** The classification head's dropout; HF falls back to hidden_dropout_prob when it is null. */
  readonly classifierDropout: number | undefined;
  /** The precision a folder `roberta quantize` wrote stores its weights in (config.json's `quantization.dtype`); absent for float checkpoints. */
  readonly quantization?: QuantizedPrecision;
  /** The standard deviation of fresh weights (model/initialize.ts), as HF's _init_weights uses it. */
  readonly initializerRange: number;
}

/** HF `ACT2FN` names we compute. gelu_pytorch_tanh is the same tanh formula as gelu_new; swish is silu. */
const HIDDEN_ACTS: ReadonlyMap<string, HiddenAct> = new Map<string, HiddenAct>([
  ['gelu', 'gelu'],
  ['gelu_new', 'gelu_new'],
  ['gelu_pytorch_tanh', 'gelu_new'],
  ['relu', 'relu'],
  ['silu', 'silu'],
  ['swish', 'silu'],
  ['tanh', 'tanh'],
]);

const PROBLEM_TYPES: readonly ProblemType[] = ['single_label_classification', 'multi_label_classification', 'regression'];

/**
 * RobertaConfig.__init__'s arguments and defaults (transformers 4.36.2, configuration_roberta.py):
 * what a parse takes for a key the file leaves out, and what a saved folder's config.json spells
 * out in full (train/checkpoint.ts).
 */
export const ROBERTA_CONFIG_DEFAULTS = {
  vocab_size: 50265,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  pad_token_id: 1,
  bos_token_id: 0,
  eos_token_id: 2,
  position_embedding_type: 'absolute',
  use_cache: true,
  classifier_dropout: null,
} as const;

/** Where a parse reports what HF would log as a warning (a one-line message). */
export type ConfigWarn = (line: string) => void;

export async function loadRobertaConfig(dir: string, warn?: ConfigWarn): Promise<RobertaConfig> {
  const path = joinPath(dir, 'config.json');
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (error) {
    throw new ConfigError(`${path}: cannot read the model config (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${jsonSyntaxDetail(error)})`);
  }
  return parseRobertaConfig(json, path, warn);
}

/** Validates a parsed config.json; `source` names it in errors and warnings. */
export function parseRobertaConfig(json: unknown, source: string, warn: ConfigWarn = () => {}): RobertaConfig {
  if (!isJsonObject(json)) throw new ConfigError(`${source}: expected a JSON object, got ${describeJson(json)}`);
  const keys = new ConfigReader(json, source, warn);

  const modelType = keys.optional('model_type', isString, 'a string');
  if (modelType !== undefined && modelType !== 'roberta') {
    keys.fail(
      'model_type',
      `${describeJson(modelType)} is not supported: only "roberta" is ` +
        '(XLM-RoBERTa, CamemBERT and other RoBERTa variants are not accepted)',
    );
  }
  const positionEmbeddingType = keys.optional('position_embedding_type', isString, 'a string') ?? ROBERTA_CONFIG_DEFAULTS.position_embedding_type;
  if (positionEmbeddingType !== 'absolute') {
    keys.fail('position_embedding_type', `${describeJson(positionEmbeddingType)} is not supported: only "absolute" is`);
  }
  // A decoder configuration changes the attention mask (causal) and adds cross-attention.
  for (const key of ['is_decoder', 'add_cross_attention']) {
    if (keys.optional(key, isBoolean, 'a boolean') === true) {
      keys.fail(key, 'true is not supported: this is an encoder-only implementation');
    }
  }

  const vocabSize = keys.optional('vocab_size', isPositiveInteger, 'a positive integer') ?? ROBERTA_CONFIG_DEFAULTS.vocab_size;
  const hiddenSize = keys.optional('hidden_size', isPositiveInteger, 'a positive integer') ?? ROBERTA_CONFIG_DEFAULTS.hidden_size;
  const numHiddenLayers = keys.optional('num_hidden_layers', isPositiveInteger, 'a positive integer') ?? ROBERTA_CONFIG_DEFAULTS.num_hidden_layers;
  const numAttentionHeads = keys.optional('num_attention_heads', isPositiveInteger, 'a positive integer') ?? ROBERTA_CONFIG_DEFAULTS.num_attention_heads;
  if (hiddenSize % numAttentionHeads !== 0) {
    keys.fail('num_attention_heads', `${numAttentionHeads} does not divide hidden_size ${hiddenSize}`);
  }
  const intermediateSize = keys.optional('intermediate_size', isPositiveInteger, 'a positive integer') ?? ROBERTA_CONFIG_DEFAULTS.intermediate_size;
  const actName = keys.optional('hidden_act', isString, 'a string') ?? ROBERTA_CONFIG_DEFAULTS.hidden_act;
  const hiddenAct = HIDDEN_ACTS.get(actName);
  if (hiddenAct === undefined) {
    const supported = [...HIDDEN_ACTS.keys()].join(', ');
    return keys.fail('hidden_act', `${describeJson(actName)} is not supported (supported: ${supported})`);
  }
  const maxPositionEmbeddings = keys.optional('max_position_embeddings', isPositiveInteger, 'a positive integer') ?? ROBERTA_CONFIG_DEFAULTS.max_position_embeddings;
  const typeVocabSize = keys.optional('type_vocab_size', isPositiveInteger, 'a positive integer') ?? ROBERTA_CONFIG_DEFAULTS.type_vocab_size;
  const layerNormEps = keys.optional('layer_norm_eps', isPositiveNumber, 'a positive number') ?? ROBERTA_CONFIG_DEFAULTS.layer_norm_eps;

  // HF reads bos/eos ids without checking them against the vocabulary; only the padding index
  // must lie inside the embedding table (nn.Embedding asserts padding_idx < num_embeddings).
  const tokenId = (key: string, fallback: number): number | undefined => {
    const id = keys.optional(key, isNullOrNonNegativeInteger, 'a non-negative integer or null');
    return id === null ? undefined : (id ?? fallback);
  };
  const padTokenId = tokenId('pad_token_id', ROBERTA_CONFIG_DEFAULTS.pad_token_id);
  if (padTokenId === undefined) return keys.fail('pad_token_id', 'must be set: RoBERTa numbers positions from it');
  if (padTokenId >= vocabSize) keys.fail('pad_token_id', `${padTokenId} is not below vocab_size ${vocabSize}`);
  if (maxPositionEmbeddings <= padTokenId + 1) {
    keys.fail(
      'max_position_embeddings',
      `${maxPositionEmbeddings} leaves no position for a token: positions start at pad_token_id + 1 = ${padTokenId + 1}`,
    );
  }

  const { id2label, label2id } = readLabels(keys);
  const problemType = keys.optional('problem_type', isNullOrString, 'a string or null') ?? undefined;
  if (problemType !== undefined && !(PROBLEM_TYPES as readonly string[]).includes(problemType)) {
    keys.fail('problem_type', `${describeJson(problemType)} is not one of ${PROBLEM_TYPES.join(', ')}`);
  }

  const probability = (key: string) => keys.optional(key, isNullOrProbability, 'a probability in [0, 1) or null') ?? undefined;

  return {
    vocabSize,
    hiddenSize,
    numHiddenLayers,
    numAttentionHeads,
    intermediateSize,
    hiddenAct,
    maxPositionEmbeddings,
    typeVocabSize,
    layerNormEps,
    padTokenId,
    bosTokenId: tokenId('bos_token_id', ROBERTA_CONFIG_DEFAULTS.bos_token_id),
    eosTokenId: tokenId('eos_token_id', ROBERTA_CONFIG_DEFAULTS.eos_token_id),
    architectures: keys.optional('architectures', isNullOrStringArray, 'an array of strings') ?? [],
    id2label,
    label2id,
    numLabels: id2label.size,
    problemType: problemType as ProblemType | undefined,
    positionEmbeddingType: 'absolute',
    tieWordEmbeddings: keys.optional('tie_word_embeddings', isBoolean, 'a boolean') ?? true,
    hiddenDropoutProb: probability('hidden_dropout_prob') ?? ROBERTA_CONFIG_DEFAULTS.hidden_dropout_prob,
    attentionProbsDropoutProb: probability('attention_probs_dropout_prob') ?? ROBERTA_CONFIG_DEFAULTS.attention_probs_dropout_prob,
    classifierDropout: probability('classifier_dropout'),
    quantization: keys.optional('quantization', isQuantizationRecord, 'an object whose "dtype" is "q8" or "fp16"')?.dtype,
    initializerRange: keys.optional('initializer_range', isPositiveNumber, 'a positive number') ?? ROBERTA_CONFIG_DEFAULTS.initializer_range,
  };
}

/** More classes than any classifier has: its head alone would be 3 GB of float32 at roberta-base's hidden size. */
const MAX_NUM_LABELS = 1_000_000;

/**
 * Labels as PretrainedConfig.__init__ (transformers 4.36.2) reads them: `id2label` wins, its keys
 * turned into ints with Python's int(), whatever indices they name; a `num_labels` that disagrees
 * is only warned about. Without `id2label`, `num_labels` (default 2) labels are named LABEL_0,
 * LABEL_1, ... `label2id` defaults to the inverse of `id2label`; HF never reads it at inference,
 * so its values are not checked against the classes.
 */
function readLabels(keys: ConfigReader): { id2label: Map<number, string>; label2id: Map<string, number> } {
  const numLabels = keys.optional('num_labels', isPositiveInteger, 'a positive integer');
  // Naming the labels costs memory before any weight can contradict the count: bound it.
  if (numLabels !== undefined && numLabels > MAX_NUM_LABELS) {
    keys.fail('num_labels', `${numLabels} is more classes than a model here may have (at most ${MAX_NUM_LABELS})`);
  }
  const idMap = keys.optional('id2label', isJsonObject, 'an object');
  const id2label = new Map<number, string>();
  if (idMap === undefined) {
    for (let i = 0; i < (numLabels ?? 2); i++) id2label.set(i, `LABEL_${i}`);
  } else {
    for (const [key, label] of Object.entries(idMap)) {
      const id = pythonInt(key);
      if (id === undefined) keys.fail('id2label', `key ${JSON.stringify(key)} is not an integer (HF converts the keys with int())`);
      if (typeof label !== 'string') keys.fail('id2label', `label of class ${key} must be a string, got ${describeJson(label)}`);
      id2label.set(id, label);
    }
    if (id2label.size === 0) keys.fail('id2label', 'is empty: a classifier needs at least one class');
    if (numLabels !== undefined && numLabels !== id2label.size) {
      const count = `${id2label.size} label${id2label.size === 1 ? '' : 's'}`;
      keys.warn(`key "num_labels": ${numLabels} but id2label has ${count}; using ${id2label.size}, as transformers does`);
    }
  }

  const labelMap = keys.optional('label2id', isJsonObject, 'an object');
  const label2id = new Map<string, number>();
  if (labelMap === undefined) {
    id2label.forEach((label, id) => label2id.set(label, id));
  } else {
    for (const [label, id] of Object.entries(labelMap)) {
      if (!isSafeInteger(id)) keys.fail('label2id', `"${label}" must map to an integer, got ${describeJson(id)}`);
      label2id.set(label, id);
    }
  }
  return { id2label, label2id };
}

/** Python's int() on a string: optional sign and surrounding whitespace, digits with single underscores between them. */
function pythonInt(text: string): number | undefined {
  const match = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1] + match[2].replaceAll('_', ''));
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Typed access to config keys with errors that name the file and the key. */
class ConfigReader {
  constructor(
    private readonly json: Record<string, unknown>,
    private readonly source: string,
    private readonly warnLine: ConfigWarn,
  ) {}

  optional<T>(key: string, check: (value: unknown) => value is T, expected: string): T | undefined {
    if (!Object.hasOwn(this.json, key)) return undefined;
    const value = this.json[key];
    if (!check(value)) this.fail(key, `expected ${expected}, got ${describeJson(value)}`);
    return value;
  }

  fail(key: string, detail: string): never {
    throw new ConfigError(`${this.source}: key "${key}": ${detail}`);
  }

  warn(detail: string): void {
    this.warnLine(`${this.source}: ${detail}`);
  }
}

function isQuantizationRecord(value: unknown): value is { dtype: QuantizedPrecision } {
  return typeof value === 'object' && value !== null && ['q8', 'fp16'].includes((value as { dtype?: unknown }).dtype as string);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return isSafeInteger(value) && value >= 0;
}

function isPositiveInteger(value: unknown): value is number {
  return isNonNegativeInteger(value) && value > 0;
}

function isPositiveNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function isNullOrNonNegativeInteger(value: unknown): value is number | null {
  return value === null || isNonNegativeInteger(value);
}

function isNullOrProbability(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && value >= 0 && value < 1);
}

function isNullOrString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isNullOrStringArray(value: unknown): value is string[] | null {
  return value === null || (Array.isArray(value) && value.every(isString));
}
