// A RoBERTa model's `config.json`, as Hugging Face's `save_pretrained` writes it, parsed into a
// typed and validated object.
//
// Everything that changes the numbers the model computes is checked here, once, with an error that
// names the file and the key; the model code can then trust the config. Keys we do not need
// (dropout rates, initializer_range, torch_dtype, ...) are ignored, since HF configs carry many.
// Where HF's RobertaConfig has a default that `save_pretrained` may leave out of the file (token
// ids, labels, position_embedding_type), the same default applies here so we compute what HF does.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeJson, isJsonObject } from './weights/json.js';

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
  /** Label name of each class index: HF's `id2label` with its string keys turned into indices. */
  readonly id2label: readonly string[];
  readonly label2id: ReadonlyMap<string, number>;
  readonly numLabels: number;
  readonly problemType: ProblemType | undefined;
  readonly positionEmbeddingType: 'absolute';
  /** Whether the masked-LM decoder shares the word embedding matrix (HF's default: true). */
  readonly tieWordEmbeddings: boolean;
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

export async function loadRobertaConfig(dir: string): Promise<RobertaConfig> {
  const path = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read the model config (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseRobertaConfig(json, path);
}

/** Validates a parsed config.json; `source` names it in errors. */
export function parseRobertaConfig(json: unknown, source: string): RobertaConfig {
  if (!isJsonObject(json)) throw new ConfigError(`${source}: expected a JSON object, got ${describeJson(json)}`);
  const keys = new ConfigReader(json, source);

  const modelType = keys.optional('model_type', isString, 'a string');
  if (modelType !== undefined && modelType !== 'roberta') {
    keys.fail(
      'model_type',
      `${describeJson(modelType)} is not supported: only "roberta" is ` +
        '(XLM-RoBERTa, CamemBERT and other RoBERTa variants are not accepted)',
    );
  }
  const positionEmbeddingType = keys.optional('position_embedding_type', isString, 'a string') ?? 'absolute';
  if (positionEmbeddingType !== 'absolute') {
    keys.fail('position_embedding_type', `${describeJson(positionEmbeddingType)} is not supported: only "absolute" is`);
  }
  // A decoder configuration changes the attention mask (causal) and adds cross-attention.
  for (const key of ['is_decoder', 'add_cross_attention']) {
    if (keys.optional(key, isBoolean, 'a boolean') === true) {
      keys.fail(key, 'true is not supported: this is an encoder-only implementation');
    }
  }

  const vocabSize = keys.required('vocab_size', isPositiveInteger, 'a positive integer');
  const hiddenSize = keys.required('hidden_size', isPositiveInteger, 'a positive integer');
  const numHiddenLayers = keys.required('num_hidden_layers', isPositiveInteger, 'a positive integer');
  const numAttentionHeads = keys.required('num_attention_heads', isPositiveInteger, 'a positive integer');
  if (hiddenSize % numAttentionHeads !== 0) {
    keys.fail('num_attention_heads', `${numAttentionHeads} does not divide hidden_size ${hiddenSize}`);
  }
  const intermediateSize = keys.required('intermediate_size', isPositiveInteger, 'a positive integer');
  const actName = keys.required('hidden_act', isString, 'a string');
  const hiddenAct = HIDDEN_ACTS.get(actName);
  if (hiddenAct === undefined) {
    const supported = [...HIDDEN_ACTS.keys()].join(', ');
    return keys.fail('hidden_act', `${describeJson(actName)} is not supported (supported: ${supported})`);
  }
  const maxPositionEmbeddings = keys.required('max_position_embeddings', isPositiveInteger, 'a positive integer');
  const typeVocabSize = keys.required('type_vocab_size', isPositiveInteger, 'a positive integer');
  const layerNormEps = keys.required('layer_norm_eps', isPositiveNumber, 'a positive number');

  const tokenId = (key: string, fallback: number): number | undefined => {
    const id = keys.optional(key, isNullOrNonNegativeInteger, 'a non-negative integer or null');
    if (id === null) return undefined;
    if (id !== undefined && id >= vocabSize) keys.fail(key, `${id} is not below vocab_size ${vocabSize}`);
    return id ?? fallback;
  };
  const padTokenId = tokenId('pad_token_id', 1);
  if (padTokenId === undefined) return keys.fail('pad_token_id', 'must be set: RoBERTa numbers positions from it');
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
    bosTokenId: tokenId('bos_token_id', 0),
    eosTokenId: tokenId('eos_token_id', 2),
    architectures: keys.optional('architectures', isNullOrStringArray, 'an array of strings') ?? [],
    id2label,
    label2id,
    numLabels: id2label.length,
    problemType: problemType as ProblemType | undefined,
    positionEmbeddingType: 'absolute',
    tieWordEmbeddings: keys.optional('tie_word_embeddings', isBoolean, 'a boolean') ?? true,
  };
}

/**
 * Labels follow PretrainedConfig: `id2label` wins; without it `num_labels` (default 2) labels are
 * named LABEL_0, LABEL_1, ...; `label2id` defaults to the inverse of `id2label`.
 */
function readLabels(keys: ConfigReader): { id2label: string[]; label2id: Map<string, number> } {
  const numLabels = keys.optional('num_labels', isPositiveInteger, 'a positive integer');
  const idMap = keys.optional('id2label', isJsonObject, 'an object');
  let id2label: string[];
  if (idMap === undefined) {
    id2label = Array.from({ length: numLabels ?? 2 }, (_, i) => `LABEL_${i}`);
  } else {
    id2label = [];
    for (const [id, label] of Object.entries(idMap)) {
      // JSON object keys are strings; HF turns them into ints.
      if (!/^(0|[1-9]\d*)$/.test(id)) keys.fail('id2label', `key ${JSON.stringify(id)} is not a class index`);
      if (typeof label !== 'string') keys.fail('id2label', `label of class ${id} must be a string, got ${describeJson(label)}`);
      id2label[Number(id)] = label;
    }
    const size = Object.keys(idMap).length;
    if (size === 0 || id2label.length !== size) {
      keys.fail('id2label', `class indices must be exactly 0…${size - 1}, got ${Object.keys(idMap).join(', ') || 'none'}`);
    }
    if (numLabels !== undefined && numLabels !== size) keys.fail('num_labels', `${numLabels} but id2label has ${size} labels`);
  }

  const labelMap = keys.optional('label2id', isJsonObject, 'an object');
  const label2id = new Map<string, number>();
  if (labelMap === undefined) {
    id2label.forEach((label, id) => label2id.set(label, id));
  } else {
    for (const [label, id] of Object.entries(labelMap)) {
      if (!isNonNegativeInteger(id) || id >= id2label.length) {
        keys.fail('label2id', `"${label}" must map to a class index below ${id2label.length}, got ${describeJson(id)}`);
      }
      label2id.set(label, id);
    }
  }
  return { id2label, label2id };
}

/** Typed access to config keys with errors that name the file and the key. */
class ConfigReader {
  constructor(
    private readonly json: Record<string, unknown>,
    private readonly source: string,
  ) {}

  required<T>(key: string, check: (value: unknown) => value is T, expected: string): T {
    if (!Object.hasOwn(this.json, key)) this.fail(key, `is missing (expected ${expected})`);
    return this.optional(key, check, expected) as T;
  }

  optional<T>(key: string, check: (value: unknown) => value is T, expected: string): T | undefined {
    if (!Object.hasOwn(this.json, key)) return undefined;
    const value = this.json[key];
    if (!check(value)) this.fail(key, `expected ${expected}, got ${describeJson(value)}`);
    return value;
  }

  fail(key: string, detail: string): never {
    throw new ConfigError(`${this.source}: key "${key}": ${detail}`);
  }
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
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

function isNullOrString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isNullOrStringArray(value: unknown): value is string[] | null {
  return value === null || (Array.isArray(value) && value.every(isString));
}
