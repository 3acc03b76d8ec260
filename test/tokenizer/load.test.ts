import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { TokenizerFileError, loadTokenizer } from '../../tokenizer/index.js';
import type { LoadOptions } from '../../tokenizer/index.js';
import { makeTempDir } from '../tempDir.js';
import { REFERENCE_BYTE_TO_CHAR } from './byteLevelReference.js';
import { ROBERTA_DIR } from './fixtures.js';

const root = makeTempDir('tokenizer');
let counter = 0;

/** A fresh model directory holding `files` (name → content). */
async function modelDir(files: Record<string, string>): Promise<string> {
  const dir = join(root, `model-${counter++}`);
  await mkdir(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

/** A tiny but complete byte-level vocabulary: the 256 byte symbols, two merges' results, specials. */
function tinyVocab(extra: Record<string, number> = {}): Record<string, number> {
  const vocab: Record<string, number> = {};
  REFERENCE_BYTE_TO_CHAR.forEach((char, byte) => (vocab[char] = byte));
  return { ...vocab, he: 256, 'Ġt': 257, '<s>': 258, '</s>': 259, '<pad>': 260, '<unk>': 261, '<mask>': 262, ...extra };
}

const TINY_MERGES = '#version: 0.2\nh e\nĠ t\n';

async function loadError(dir: string, options?: LoadOptions): Promise<TokenizerFileError> {
  const error = await loadTokenizer(dir, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenizerFileError);
  return error as TokenizerFileError;
}

describe('loadTokenizer with good files', () => {
  it('loads a minimal vocab.json + merges.txt (CRLF, no header) with RoBERTa special tokens', async () => {
    const dir = await modelDir({ 'vocab.json': JSON.stringify(tinyVocab()), 'merges.txt': 'h e\r\nĠ t\r\n' });
    const tokenizer = await loadTokenizer(dir);
    expect(tokenizer.tokenize('he the')).toEqual(['he', 'Ġt', 'he']);
    expect(tokenizer.encode('he <mask>').ids).toEqual([258, 256, 262, 259]);
  });

  it('prefers tokenizer.json over vocab.json + merges.txt', async () => {
    const dir = await modelDir({ 'vocab.json': 'not json', 'merges.txt': 'bad merges' });
    await copyFile(join(ROBERTA_DIR, 'tokenizer.json'), join(dir, 'tokenizer.json'));
    const tokenizer = await loadTokenizer(dir);
    expect(tokenizer.encode('This is an example', undefined, { addSpecialTokens: false }).ids).toEqual([713, 16, 41, 1246]);
    expect((await loadError(dir, { source: 'vocab+merges' })).file).toBe(join(dir, 'vocab.json'));
  });

  it('applies tokenizer_config.json and added_tokens.json', async () => {
    const dir = await modelDir({
      'vocab.json': await readFile(join(ROBERTA_DIR, 'vocab.json'), 'utf8'),
      'merges.txt': await readFile(join(ROBERTA_DIR, 'merges.txt'), 'utf8'),
      'tokenizer_config.json': JSON.stringify({ add_prefix_space: true, model_max_length: 6, clean_up_tokenization_spaces: false }),
      'added_tokens.json': JSON.stringify({ '<new>': 50265 }),
    });
    const tokenizer = await loadTokenizer(dir);
    expect(tokenizer.tokenize('Hello world')).toEqual(['ĠHello', 'Ġworld']);
    // model_max_length stands in for maxLength.
    expect(tokenizer.encode('Hello world, this is long', undefined, { truncation: true }).ids).toHaveLength(6);
    expect(tokenizer.encode('Hi', undefined, { padding: 'max_length' }).attentionMask).toEqual([1, 1, 1, 0, 0, 0]);
    expect(tokenizer.encode('a<new>b', undefined, { addSpecialTokens: false }).tokens).toEqual(['Ġa', '<new>', 'b']);
    expect(tokenizer.decode([tokenizer.tokenToId('<new>')!], { skipSpecialTokens: true })).toBe('<new>');
    expect(tokenizer.decode(tokenizer.encode('Hi !').ids)).toBe('<s> Hi !</s>');
  });
});

describe('loadTokenizer with bad files names the file and the problem', () => {
  it('a directory without tokenizer files', async () => {
    const error = await loadError(join(root, 'does-not-exist'));
    expect(error.file).toBe(join(root, 'does-not-exist', 'vocab.json'));
    expect(error.message).toMatch(/vocab\.json: file not found \(and there is no tokenizer\.json\)/);
  });

  it('an unreadable file', async () => {
    const dir = await modelDir({ 'merges.txt': TINY_MERGES });
    await mkdir(join(dir, 'vocab.json')); // a directory where the file should be
    expect((await loadError(dir)).message).toMatch(/vocab\.json: cannot read the file \(EISDIR/);
  });

  it.each([
    ['invalid JSON', '{"a": 1,', /vocab\.json: invalid JSON/],
    ['not an object', '[1, 2]', /vocab\.json: expected a JSON object at the top level, got an array/],
    ['an id that is not an integer', JSON.stringify({ a: '1' }), /vocab\.json: token "a" has id string "1", expected a non-negative integer/],
    ['a negative id', JSON.stringify({ a: -3 }), /token "a" has id number -3/],
    ['an id given twice', JSON.stringify({ a: 1, b: 1 }), /vocab\.json: id 1 is given to both "a" and "b"/],
    ['an empty vocabulary', '{}', /vocab\.json: the vocabulary is empty/],
  ])('vocab.json with %s', async (_, vocab, message) => {
    const dir = await modelDir({ 'vocab.json': vocab, 'merges.txt': TINY_MERGES });
    expect((await loadError(dir)).message).toMatch(message);
  });

  it('vocab.json without a symbol for every byte', async () => {
    const vocab = tinyVocab();
    delete vocab['A'];
    const dir = await modelDir({ 'vocab.json': JSON.stringify(vocab), 'merges.txt': TINY_MERGES });
    expect((await loadError(dir)).message).toMatch(/vocab\.json: the vocabulary has no token for byte 0x41 \('A'\)/);
  });

  it.each([
    ['three symbols', '#version: 0.2\nh e\nh e x\n', /merges\.txt: line 3: expected two symbols separated by one space, got "h e x"/],
    ['two spaces', '#version: 0.2\nh  e\n', /merges\.txt: line 2: expected two symbols/],
    ['one symbol', 'he\n', /merges\.txt: line 1: expected two symbols/],
    ['an unknown symbol', '#version: 0.2\nh e\nq zz\n', /merges\.txt: line 3: right symbol "zz" is not in the vocabulary/],
    ['a result missing from the vocabulary', '#version: 0.2\nh e\nx y\n', /merges\.txt: line 3: merged token "xy" is not in the vocabulary/],
  ])('merges.txt with %s', async (_, merges, message) => {
    const dir = await modelDir({ 'vocab.json': JSON.stringify(tinyVocab()), 'merges.txt': merges });
    expect((await loadError(dir)).message).toMatch(message);
  });

  it('merges.txt missing', async () => {
    const dir = await modelDir({ 'vocab.json': JSON.stringify(tinyVocab()) });
    expect((await loadError(dir)).message).toMatch(/merges\.txt: file not found/);
  });

  describe('tokenizer.json', () => {
    let good: Record<string, unknown>;
    beforeAll(async () => {
      good = JSON.parse(await readFile(join(ROBERTA_DIR, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
    });

    // `any`: these tests reach into the JSON freely to corrupt one field at a time.
    type Json = Record<string, any>;

    async function withChange(change: (json: Json) => void): Promise<TokenizerFileError> {
      const json = structuredClone(good);
      change(json);
      return loadError(await modelDir({ 'tokenizer.json': JSON.stringify(json) }));
    }

    it('invalid JSON', async () => {
      const dir = await modelDir({ 'tokenizer.json': '{"model": ' });
      expect((await loadError(dir)).message).toMatch(/tokenizer\.json: invalid JSON/);
    });

    it('missing when asked for explicitly', async () => {
      const dir = await modelDir({ 'vocab.json': JSON.stringify(tinyVocab()), 'merges.txt': TINY_MERGES });
      expect((await loadError(dir, { source: 'tokenizer.json' })).message).toMatch(/tokenizer\.json: file not found$/);
    });

    it.each<[string, (json: Json) => void, RegExp]>([
      ['another model type', (j) => (j.model.type = 'WordPiece'), /model\.type: model type "WordPiece" is not supported/],
      ['no model', (j) => delete j.model, /model must be an object, got nothing/],
      ['a normalizer', (j) => (j.normalizer = { type: 'NFC' }), /normalizer: a normalizer is not supported/],
      ['another pre-tokenizer', (j) => (j.pre_tokenizer = { type: 'Whitespace' }), /pre_tokenizer\.type: pre-tokenizer string "Whitespace" is not supported/],
      ['another post-processor', (j) => (j.post_processor = { type: 'BertProcessing' }), /post_processor\.type: post-processor string "BertProcessing"/],
      ['no post-processor', (j) => (j.post_processor = null), /post_processor must be a RobertaProcessing post-processor, got null/],
      ['BPE dropout', (j) => (j.model.dropout = 0.1), /model\.dropout: BPE dropout is not supported/],
      ['a bad merge', (j) => (j.model.merges[3] = 'a b c'), /model\.merges\[3\] must be "left right" or \["left", "right"\], got string "a b c"/],
      ['an unknown merge symbol', (j) => (j.model.merges[5] = ['Ġt', 'nope']), /model\.merges\[5\]: right symbol "nope" is not in the vocabulary/],
      ['a bad vocabulary id', (j) => (j.model.vocab['Ġt'] = null), /model\.vocab: token "Ġt" has id null/],
      ['a bad added token', (j) => (j.added_tokens[1] = { id: 1 }), /added_tokens\[1\]\.content must be a string, got nothing/],
      ['a single_word added token', (j) => (j.added_tokens[0].single_word = true), /added_tokens\[0\]: single_word added tokens are not supported/],
      ['a boolean of the wrong type', (j) => (j.pre_tokenizer.add_prefix_space = 'yes'), /pre_tokenizer\.add_prefix_space must be a boolean, got string "yes"/],
    ])('with %s', async (_, change, message) => {
      expect((await withChange(change)).message).toMatch(message);
    });

    it('accepts merges written as pairs', async () => {
      const json = structuredClone(good) as { model: { merges: string[] } };
      const pairs = json.model.merges.map((merge) => merge.split(' '));
      const dir = await modelDir({ 'tokenizer.json': JSON.stringify({ ...json, model: { ...json.model, merges: pairs } }) });
      const tokenizer = await loadTokenizer(dir);
      expect(tokenizer.encode('Hello world! cécé herlolip').ids).toEqual([0, 31414, 232, 328, 740, 1140, 12695, 69, 46078, 1588, 2]);
    });
  });

  it('tokenizer_config.json with a field of the wrong type', async () => {
    const dir = await modelDir({
      'vocab.json': JSON.stringify(tinyVocab()),
      'merges.txt': TINY_MERGES,
      'tokenizer_config.json': JSON.stringify({ add_prefix_space: 'yes' }),
    });
    expect((await loadError(dir)).message).toMatch(/tokenizer_config\.json: add_prefix_space must be a boolean, got string "yes"/);
  });
});
