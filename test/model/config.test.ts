import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadRobertaConfig, parseRobertaConfig } from '../../model/config.js';
import { MODELS_DIR, makeTempDir } from './weights/fixtures.js';

const tinyJson = JSON.parse(readFileSync(join(MODELS_DIR, 'tiny', 'config.json'), 'utf8')) as Record<string, unknown>;

function configError(json: unknown): string {
  try {
    parseRobertaConfig(json, 'config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

const withKeys = (changes: Record<string, unknown>) => ({ ...tinyJson, ...changes });
const without = (key: string) => Object.fromEntries(Object.entries(tinyJson).filter(([k]) => k !== key));

describe('loadRobertaConfig on the fixtures', () => {
  // Values from the fixture README's table (all: type_vocab_size 1, pad 1, bos 0, eos 2).
  const shared = {
    vocabSize: 1000,
    hiddenSize: 32,
    numHiddenLayers: 2,
    numAttentionHeads: 4,
    intermediateSize: 64,
    hiddenAct: 'gelu',
    maxPositionEmbeddings: 64,
    typeVocabSize: 1,
    layerNormEps: 1e-5,
    padTokenId: 1,
    bosTokenId: 0,
    eosTokenId: 2,
    problemType: undefined,
    positionEmbeddingType: 'absolute',
    tieWordEmbeddings: true,
  };

  it.each([
    ['tiny', 'RobertaModel'],
    ['tiny-mlm', 'RobertaForMaskedLM'],
  ])('%s', async (model, architecture) => {
    const config = await loadRobertaConfig(join(MODELS_DIR, model));
    // No id2label in the file: HF's default of two labels applies.
    expect(config).toEqual({
      ...shared,
      architectures: [architecture],
      id2label: ['LABEL_0', 'LABEL_1'],
      label2id: new Map([['LABEL_0', 0], ['LABEL_1', 1]]),
      numLabels: 2,
    });
  });

  it('tiny-cls, with its four labels', async () => {
    const config = await loadRobertaConfig(join(MODELS_DIR, 'tiny-cls'));
    expect(config).toEqual({
      ...shared,
      architectures: ['RobertaForSequenceClassification'],
      id2label: ['anger', 'joy', 'optimism', 'sadness'],
      label2id: new Map([['anger', 0], ['joy', 1], ['optimism', 2], ['sadness', 3]]),
      numLabels: 4,
    });
  });

  it('roberta-base (an older config without position_embedding_type)', async () => {
    const config = await loadRobertaConfig(join(MODELS_DIR, '..', 'roberta-base-tokenizer'));
    expect(config).toMatchObject({
      vocabSize: 50265,
      hiddenSize: 768,
      numHiddenLayers: 12,
      numAttentionHeads: 12,
      intermediateSize: 3072,
      maxPositionEmbeddings: 514,
      typeVocabSize: 1,
      layerNormEps: 1e-5,
      positionEmbeddingType: 'absolute',
    });
  });
});

describe('parseRobertaConfig', () => {
  it('maps activation aliases and reads optional keys', () => {
    expect(parseRobertaConfig(withKeys({ hidden_act: 'gelu_pytorch_tanh' }), 'c').hiddenAct).toBe('gelu_new');
    expect(parseRobertaConfig(withKeys({ hidden_act: 'swish' }), 'c').hiddenAct).toBe('silu');
    const config = parseRobertaConfig(
      withKeys({
        num_labels: 3,
        problem_type: 'multi_label_classification',
        eos_token_id: null,
        tie_word_embeddings: false,
      }),
      'c',
    );
    expect(config.id2label).toEqual(['LABEL_0', 'LABEL_1', 'LABEL_2']);
    expect(config.problemType).toBe('multi_label_classification');
    expect(config.eosTokenId).toBeUndefined();
    expect(config.tieWordEmbeddings).toBe(false);
    expect(parseRobertaConfig(without('model_type'), 'c').vocabSize).toBe(1000);
  });

  it('rejects a missing or mistyped key, naming the file and the key', () => {
    expect(configError(without('hidden_size'))).toBe('config.json: key "hidden_size": is missing (expected a positive integer)');
    expect(configError(without('layer_norm_eps'))).toBe('config.json: key "layer_norm_eps": is missing (expected a positive number)');
    expect(configError(withKeys({ vocab_size: '1000' }))).toBe('config.json: key "vocab_size": expected a positive integer, got "1000"');
    expect(configError(withKeys({ intermediate_size: 0 }))).toBe('config.json: key "intermediate_size": expected a positive integer, got 0');
    expect(configError(withKeys({ num_hidden_layers: 2.5 }))).toBe('config.json: key "num_hidden_layers": expected a positive integer, got 2.5');
    expect(configError([1])).toBe('config.json: expected a JSON object, got [1]');
  });

  it('rejects inconsistent values', () => {
    expect(configError(withKeys({ num_attention_heads: 5 }))).toBe('config.json: key "num_attention_heads": 5 does not divide hidden_size 32');
    expect(configError(withKeys({ pad_token_id: 1000 }))).toBe('config.json: key "pad_token_id": 1000 is not below vocab_size 1000');
    expect(configError(withKeys({ max_position_embeddings: 2 }))).toBe(
      'config.json: key "max_position_embeddings": 2 leaves no position for a token: positions start at pad_token_id + 1 = 2',
    );
    expect(configError(withKeys({ id2label: { 0: 'a', 2: 'b' } }))).toBe('config.json: key "id2label": class indices must be exactly 0…1, got 0, 2');
    expect(configError(withKeys({ id2label: { 0: 'a', 1: 'b' }, num_labels: 3 }))).toBe('config.json: key "num_labels": 3 but id2label has 2 labels');
    expect(configError(withKeys({ id2label: { 0: 'a' }, label2id: { a: 1 } }))).toBe(
      'config.json: key "label2id": "a" must map to a class index below 1, got 1',
    );
    expect(configError(withKeys({ problem_type: 'ranking' }))).toMatch(/^config\.json: key "problem_type": "ranking" is not one of single_label_classification/);
  });

  it('rejects what this implementation cannot compute', () => {
    expect(configError(withKeys({ hidden_act: 'quick_gelu' }))).toBe(
      'config.json: key "hidden_act": "quick_gelu" is not supported (supported: gelu, gelu_new, gelu_pytorch_tanh, relu, silu, swish, tanh)',
    );
    expect(configError(withKeys({ model_type: 'xlm-roberta' }))).toBe(
      'config.json: key "model_type": "xlm-roberta" is not supported: only "roberta" is (XLM-RoBERTa, CamemBERT and other RoBERTa variants are not accepted)',
    );
    expect(configError(withKeys({ position_embedding_type: 'relative_key' }))).toBe(
      'config.json: key "position_embedding_type": "relative_key" is not supported: only "absolute" is',
    );
    expect(configError(withKeys({ is_decoder: true }))).toBe('config.json: key "is_decoder": true is not supported: this is an encoder-only implementation');
  });

  it('reports a config.json that is not JSON, naming the file', async () => {
    const dir = makeTempDir();
    try {
      writeFileSync(join(dir, 'config.json'), '{"hidden_size": 32,');
      await expect(loadRobertaConfig(dir)).rejects.toThrow(new RegExp(`^${join(dir, 'config.json').replace(/[.\\/]/g, '\\$&')}: not valid JSON \\(`));
      mkdirSync(join(dir, 'empty'));
      await expect(loadRobertaConfig(join(dir, 'empty'))).rejects.toThrow(/empty\/config\.json: cannot read the model config \(ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
