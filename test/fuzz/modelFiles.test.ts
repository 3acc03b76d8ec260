// Fuzzing the small files of a model directory with random mutations of real ones: config.json
// (the fixture models' and roberta-base's), and the tokenizer files (tokenizer.json, vocab.json,
// merges.txt, tokenizer_config.json, special_tokens_map.json, added_tokens.json). Each case must
// load (and then tokenize, or run the tiny model), or fail with the typed error of the file that is
// wrong; see fuzz.ts.

import '../../index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError } from '../../model/config.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { MissingWeightError } from '../../model/hostParameters.js';
import { InputError } from '../../model/inputs.js';
import { CheckpointError } from '../../model/weights/errors.js';
import { loadTokenizer } from '../../tokenizer/load.js';
import { TokenizerFileError } from '../../tokenizer/tokenizerFileError.js';
import { fixtureDir } from '../model/fixtureModels.js';
import { ROBERTA_DIR } from '../tokenizer/fixtures.js';
import { FUZZ_TEST_TIMEOUT_MS, caseDirs, fuzz } from './fuzz.js';
import { damagedText, mutatedJsonText } from './mutations.js';

const caseDir = caseDirs('model-files');
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

describe('fuzz: config.json', () => {
  /** Each fixture model's config with its own weights; roberta-base's config with the tiny weights, which it does not fit. */
  const models = (['tiny', 'tiny-cls', 'tiny-mlm'] as const).map((name) => ({
    config: readJson(join(fixtureDir(name), 'config.json')) as Record<string, unknown>,
    weights: readFileSync(join(fixtureDir(name), 'model.safetensors')),
  }));
  models.push({ config: readJson(join(ROBERTA_DIR, 'config.json')) as Record<string, unknown>, weights: models[0]!.weights });
  /** Keys a mutation may add: the ones whose values size what the model allocates. */
  const sizingKeys = ['num_labels', 'vocab_size', 'hidden_size', 'num_hidden_layers', 'max_position_embeddings', 'id2label', 'architectures'];

  it(
    'mutated configs next to the tiny models: the model loads and runs, or a typed error names the problem',
    async () => {
      const summary = await fuzz({
        name: 'config.json',
        runs: 150,
        arbitrary: fc.constantFrom(...models).chain(({ config, weights }) => mutatedJsonText(config, sizingKeys).map((text) => ({ text, weights }))),
        // A label count that would take gigabytes to name, and more layers than an array can hold.
        examples: [
          { text: JSON.stringify({ ...models[0]!.config, num_labels: 2 ** 31 - 1 }), weights: models[0]!.weights },
          { text: JSON.stringify({ ...models[0]!.config, num_hidden_layers: 2 ** 32 }), weights: models[0]!.weights },
        ],
        expected: [ConfigError, CheckpointError, MissingWeightError, InputError],
        limitMs: 2000,
        run: async ({ text, weights }) => {
          const dir = caseDir({ 'config.json': text, 'model.safetensors': weights });
          const model = await fromPretrained(dir, { backend: 'cpu' });
          try {
            const out = model.forward({ inputIds: [[0, 5, 6, 2]] });
            await out.lastHiddenState.data();
          } finally {
            model.dispose();
          }
        },
      });
      expect(summary.crashes).toBe(0);
      expect(summary.succeeded).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});

describe('fuzz: tokenizer files', () => {
  // roberta-base's files are too large to parse a few hundred times in seconds, so the cases
  // mutate their real beginning: the first 300 merges and the vocabulary those merges (and every
  // byte and special token) need, with their real ids.
  const MERGES = 300;
  const fullVocab = readJson(join(ROBERTA_DIR, 'vocab.json')) as Record<string, number>;
  const mergeLines = readFileSync(join(ROBERTA_DIR, 'merges.txt'), 'utf8').split('\n').slice(1, MERGES + 1);
  const needed = new Set(['<s>', '<pad>', '</s>', '<unk>', '<mask>', ...Object.keys(fullVocab).filter((token) => [...token].length === 1)]);
  for (const line of mergeLines) {
    const [left, right] = line.split(' ') as [string, string];
    for (const token of [left, right, left + right]) needed.add(token);
  }
  const vocab = Object.fromEntries(Object.entries(fullVocab).filter(([token]) => needed.has(token)));
  const mergesTxt = ['#version: 0.2', ...mergeLines, ''].join('\n');
  const tokenizerJson = readJson(join(ROBERTA_DIR, 'tokenizer.json')) as { model: Record<string, unknown> };
  const smallTokenizerJson = { ...tokenizerJson, model: { ...tokenizerJson.model, vocab, merges: (tokenizerJson.model.merges as unknown[]).slice(0, MERGES) } };
  /** Side files as transformers writes them (roberta-base ships none). */
  const tokenizerConfig = {
    add_prefix_space: false,
    bos_token: '<s>',
    clean_up_tokenization_spaces: true,
    mask_token: { __type: 'AddedToken', content: '<mask>', lstrip: true, normalized: false, rstrip: false, single_word: false },
    model_max_length: 512,
    tokenizer_class: 'RobertaTokenizer',
  };
  const specialTokensMap = { bos_token: '<s>', cls_token: '<s>', eos_token: '</s>', pad_token: '<pad>', sep_token: '</s>', unk_token: '<unk>' };

  /** Loads the directory and tokenizes a text with the result, as a pipeline would. */
  async function loadAndEncode(dir: string): Promise<void> {
    const tokenizer = await loadTokenizer(dir);
    const encoding = tokenizer.encode('Hello <mask> world, héllo\u0000!', 'a pair');
    tokenizer.decode(encoding.ids);
  }

  const expected = [TokenizerFileError];

  it(
    'a mutated tokenizer.json (with mutated side files): loads and tokenizes, or a TokenizerFileError names the file',
    async () => {
      const summary = await fuzz({
        name: 'tokenizer.json',
        runs: 120,
        arbitrary: fc.record({
          tokenizer: mutatedJsonText(smallTokenizerJson),
          config: fc.option(fc.oneof(fc.constant(JSON.stringify(tokenizerConfig)), mutatedJsonText(tokenizerConfig)), { nil: undefined }),
        }),
        expected,
        limitMs: 2000,
        run: ({ tokenizer, config }) =>
          loadAndEncode(caseDir({ 'tokenizer.json': tokenizer, ...(config === undefined ? {} : { 'tokenizer_config.json': config }) })),
      });
      expect(summary.crashes).toBe(0);
      expect(summary.succeeded).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'mutated vocab.json, merges.txt and side files: loads and tokenizes, or a TokenizerFileError names the file',
    async () => {
      const vocabJson = JSON.stringify(vocab);
      const summary = await fuzz({
        name: 'vocab.json + merges.txt',
        runs: 150,
        arbitrary: fc.record({
          vocab: fc.oneof(fc.constant(vocabJson), mutatedJsonText(vocab)),
          merges: fc.oneof(fc.constant(mergesTxt), damagedText(mergesTxt)),
          side: fc.constantFrom('tokenizer_config.json', 'special_tokens_map.json', 'added_tokens.json'),
          sideText: fc.oneof(
            mutatedJsonText(tokenizerConfig, ['added_tokens_decoder', 'model_max_length', 'pad_token']),
            mutatedJsonText(specialTokensMap),
            mutatedJsonText({ '<new>': 50265, '<newer>': 50266 }),
          ),
        }),
        expected,
        limitMs: 2000,
        run: ({ vocab, merges, side, sideText }) => loadAndEncode(caseDir({ 'vocab.json': vocab, 'merges.txt': merges, [side]: sideText })),
      });
      expect(summary.crashes).toBe(0);
      expect(summary.succeeded).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'the full roberta-base tokenizer.json, damaged: loads, or a TokenizerFileError names the file',
    async () => {
      const text = readFileSync(join(ROBERTA_DIR, 'tokenizer.json'), 'utf8');
      const summary = await fuzz({
        name: 'tokenizer.json (full size)',
        runs: 4,
        maxRuns: 100,
        arbitrary: damagedText(text),
        expected,
        limitMs: 5000,
        run: (damaged) => loadAndEncode(caseDir({ 'tokenizer.json': damaged })),
      });
      expect(summary.crashes).toBe(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
