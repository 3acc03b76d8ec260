import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadRobertaConfig, parseRobertaConfig } from '../../model/config.js';
import { makeTempDir } from '../tempDir.js';
import { MODELS_DIR } from './weights/fixtures.js';

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
    hiddenDropoutProb: 0.1,
    attentionProbsDropoutProb: 0.1,
    classifierDropout: undefined,
    initializerRange: 0.1,
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
      id2label: new Map([[0, 'LABEL_0'], [1, 'LABEL_1']]),
      label2id: new Map([['LABEL_0', 0], ['LABEL_1', 1]]),
      numLabels: 2,
    });
  });

  it('tiny-cls, with its four labels', async () => {
    const config = await loadRobertaConfig(join(MODELS_DIR, 'tiny-cls'));
    expect(config).toEqual({
      ...shared,
      architectures: ['RobertaForSequenceClassification'],
      id2label: new Map([[0, 'anger'], [1, 'joy'], [2, 'optimism'], [3, 'sadness']]),
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
    expect([...config.id2label]).toEqual([[0, 'LABEL_0'], [1, 'LABEL_1'], [2, 'LABEL_2']]);
    expect(config.problemType).toBe('multi_label_classification');
    expect(config.eosTokenId).toBeUndefined();
    expect(config.tieWordEmbeddings).toBe(false);
    expect(parseRobertaConfig(without('model_type'), 'c').vocabSize).toBe(1000);
  });

  it('rejects a mistyped key, naming the file and the key', () => {
    expect(configError(withKeys({ vocab_size: '1000' }))).toBe('config.json: key "vocab_size": expected a positive integer, got "1000"');
    expect(configError(withKeys({ intermediate_size: 0 }))).toBe('config.json: key "intermediate_size": expected a positive integer, got 0');
    expect(configError(withKeys({ num_hidden_layers: 2.5 }))).toBe('config.json: key "num_hidden_layers": expected a positive integer, got 2.5');
    expect(configError([1])).toBe('config.json: expected a JSON object, got [1]');
  });

  it('rejects inconsistent values', () => {
    expect(configError(withKeys({ num_attention_heads: 5 }))).toBe('config.json: key "num_attention_heads": 5 does not divide hidden_size 32');
    expect(configError(withKeys({ max_position_embeddings: 2 }))).toBe(
      'config.json: key "max_position_embeddings": 2 leaves no position for a token: positions start at pad_token_id + 1 = 2',
    );
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
    const dir = makeTempDir('config');
    writeFileSync(join(dir, 'config.json'), '{"hidden_size": 32,');
    await expect(loadRobertaConfig(dir)).rejects.toThrow(new RegExp(`^${join(dir, 'config.json').replace(/[.\\/]/g, '\\$&')}: not valid JSON \\(`));
    mkdirSync(join(dir, 'empty'));
    await expect(loadRobertaConfig(join(dir, 'empty'))).rejects.toThrow(/empty\/config\.json: cannot read the model config \(ENOENT/);
  });
});

// Valid configs that transformers 4.36.2 reads, read the same way here. Each case cites the HF code
// that decides it.
describe('parseRobertaConfig reads what transformers reads', () => {
  it('a key left out takes RobertaConfig.__init__ default (configuration_roberta.py)', () => {
    const warnings: string[] = [];
    expect(parseRobertaConfig({}, 'c', (line) => warnings.push(line))).toEqual({
      vocabSize: 50265,
      hiddenSize: 768,
      numHiddenLayers: 12,
      numAttentionHeads: 12,
      intermediateSize: 3072,
      hiddenAct: 'gelu',
      maxPositionEmbeddings: 512,
      typeVocabSize: 2,
      layerNormEps: 1e-12,
      padTokenId: 1,
      bosTokenId: 0,
      eosTokenId: 2,
      architectures: [],
      id2label: new Map([[0, 'LABEL_0'], [1, 'LABEL_1']]),
      label2id: new Map([['LABEL_0', 0], ['LABEL_1', 1]]),
      numLabels: 2,
      problemType: undefined,
      positionEmbeddingType: 'absolute',
      tieWordEmbeddings: true,
      hiddenDropoutProb: 0.1,
      attentionProbsDropoutProb: 0.1,
      classifierDropout: undefined,
      initializerRange: 0.02,
    });
    expect(warnings).toEqual([]);
  });

  it('dropout probabilities are read for training; classifier_dropout null falls back to hidden_dropout_prob in the heads', () => {
    const config = parseRobertaConfig(withKeys({ hidden_dropout_prob: 0.2, attention_probs_dropout_prob: 0, classifier_dropout: 0.3 }), 'c');
    expect([config.hiddenDropoutProb, config.attentionProbsDropoutProb, config.classifierDropout]).toEqual([0.2, 0, 0.3]);
    expect(configError(withKeys({ hidden_dropout_prob: 1 }))).toBe('config.json: key "hidden_dropout_prob": expected a probability in [0, 1) or null, got 1');
  });

  it('unknown keys are accepted: PretrainedConfig.__init__ sets leftover kwargs as attributes', () => {
    const extra = { my_custom_setting: { nested: [1, 2] }, output_past: true, transformers_version: '4.36.2', gradient_checkpointing: false, use_cache: true };
    expect(parseRobertaConfig(withKeys(extra), 'c')).toEqual(parseRobertaConfig(tinyJson, 'c'));
  });

  it("id2label keys go through Python's int(), as PretrainedConfig.__init__ does ({int(key): value ...})", () => {
    const config = parseRobertaConfig(withKeys({ id2label: { '00': 'a', ' 1 ': 'b', '+2': 'c', '1_0': 'd' } }), 'c');
    expect([...config.id2label]).toEqual([[0, 'a'], [1, 'b'], [2, 'c'], [10, 'd']]);
    expect(config.numLabels).toBe(4);
    // int('LABEL_0') and int('1.0') raise ValueError in HF: the config does not load there either.
    expect(configError(withKeys({ id2label: { LABEL_0: 'a' } }))).toBe('config.json: key "id2label": key "LABEL_0" is not an integer (HF converts the keys with int())');
    expect(configError(withKeys({ id2label: { '1.0': 'a' } }))).toBe('config.json: key "id2label": key "1.0" is not an integer (HF converts the keys with int())');
  });

  it('non-contiguous id2label loads: num_labels is len(id2label) (PretrainedConfig.num_labels), the gap has no name', () => {
    const config = parseRobertaConfig(withKeys({ id2label: { 0: 'a', 2: 'b' } }), 'c');
    expect(config.numLabels).toBe(2);
    expect(config.id2label.get(1)).toBeUndefined();
    expect(config.id2label.get(2)).toBe('b');
  });

  it('num_labels disagreeing with id2label is a warning and id2label wins (PretrainedConfig.__init__ logs "You passed along `num_labels=...`")', () => {
    const warnings: string[] = [];
    const config = parseRobertaConfig(withKeys({ id2label: { 0: 'a', 1: 'b' }, num_labels: 3 }), 'config.json', (line) => warnings.push(line));
    expect(config.numLabels).toBe(2);
    expect(warnings).toEqual(['config.json: key "num_labels": 3 but id2label has 2 labels; using 2, as transformers does']);
  });

  it('label2id is kept as written: HF never checks it against id2label, nor reads it at inference', () => {
    const config = parseRobertaConfig(withKeys({ id2label: { 0: 'a' }, label2id: { a: 1, LABEL_7: 7 } }), 'c');
    expect(config.label2id).toEqual(new Map([['a', 1], ['LABEL_7', 7]]));
    expect(configError(withKeys({ label2id: { a: 'zero' } }))).toBe('config.json: key "label2id": "a" must map to an integer, got "zero"');
  });

  it('problem_type: the three HF values and null load, anything else is an error as in PretrainedConfig.__init__ (ValueError)', () => {
    for (const problemType of ['single_label_classification', 'multi_label_classification', 'regression']) {
      expect(parseRobertaConfig(withKeys({ problem_type: problemType }), 'c').problemType).toBe(problemType);
    }
    expect(parseRobertaConfig(withKeys({ problem_type: null }), 'c').problemType).toBeUndefined();
    expect(configError(withKeys({ problem_type: 'ranking' }))).toBe(
      'config.json: key "problem_type": "ranking" is not one of single_label_classification, multi_label_classification, regression',
    );
  });

  it('bos/eos ids are not checked against vocab_size (HF stores them unchecked); pad_token_id is (nn.Embedding asserts padding_idx < num_embeddings)', () => {
    const config = parseRobertaConfig(withKeys({ bos_token_id: 5000, eos_token_id: 5001 }), 'c');
    expect([config.bosTokenId, config.eosTokenId]).toEqual([5000, 5001]);
    expect(configError(withKeys({ pad_token_id: 1000 }))).toBe('config.json: key "pad_token_id": 1000 is not below vocab_size 1000');
  });

  it('loadRobertaConfig passes its warnings on, naming the file', async () => {
    const dir = makeTempDir('config');
    writeFileSync(join(dir, 'config.json'), JSON.stringify(withKeys({ id2label: { 0: 'a' }, num_labels: 4 })));
    const warnings: string[] = [];
    expect((await loadRobertaConfig(dir, (line) => warnings.push(line))).numLabels).toBe(1);
    expect(warnings).toEqual([`${join(dir, 'config.json')}: key "num_labels": 4 but id2label has 1 label; using 1, as transformers does`]);
  });
});
