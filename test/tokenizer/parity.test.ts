// Every golden case of tokenizer-cases.json (HF transformers 4.36.2's RobertaTokenizer),
// through both loading routes. Where HF's Rust tokenizer differs (`rust` field), either answer
// is accepted.

import { CASES, robertaBase } from './fixtures.js';
import type { BatchCall } from './fixtures.js';
import type { EncodeOptions, RobertaTokenizer, TokenizerSource } from '../../tokenizer/index.js';

function options(call: BatchCall): EncodeOptions {
  return { padding: call.padding, truncation: call.truncation, maxLength: call.max_length };
}

describe.each<TokenizerSource>(['tokenizer.json', 'vocab+merges'])('roberta-base loaded from %s', (source) => {
  let tokenizer: RobertaTokenizer;
  beforeAll(async () => {
    tokenizer = await robertaBase(source);
  });

  it('matches the spot checks published by Hugging Face', () => {
    expect(tokenizer.encode('This is an example', undefined, { addSpecialTokens: false }).ids).toEqual([713, 16, 41, 1246]);
    expect(tokenizer.encode('Hello world', undefined, { addSpecialTokens: false }).ids).toEqual([31414, 232]);
    expect(tokenizer.encode('The quick brown fox jumps over the lazy dog', undefined, { addSpecialTokens: false }).ids).toEqual([
      133, 2119, 6219, 23602, 13855, 81, 5, 22414, 2335,
    ]);
    expect(tokenizer.encode('Hello world! cécé herlolip').ids).toEqual([0, 31414, 232, 328, 740, 1140, 12695, 69, 46078, 1588, 2]);
  });

  it('has the special tokens of roberta-base', () => {
    for (const [content, id] of Object.entries(CASES.special_tokens)) expect(tokenizer.tokenToId(content)).toBe(id);
    expect(tokenizer.vocabSize).toBe(50265);
    const { cls, sep, pad, unk, mask } = tokenizer.specialTokens;
    expect([cls.id, pad?.id, sep.id, unk?.id, mask?.id]).toEqual([0, 1, 2, 3, 50264]);
  });

  describe('single texts', () => {
    it.each(CASES.single.map((c) => [`${c.id} ${c.category}`, c] as const))('%s', (_, c) => {
      expect(tokenizer.encode(c.text, undefined, { addSpecialTokens: false }).ids).toEqual(c.ids);
      const tokens = tokenizer.tokenize(c.text);
      if (c.rust?.tokens !== undefined && JSON.stringify(tokens) === JSON.stringify(c.rust.tokens)) {
        expect(tokens).toEqual(c.rust.tokens);
      } else {
        expect(tokens).toEqual(c.tokens);
      }
      const encoding = tokenizer.encode(c.text);
      expect(encoding.ids).toEqual(c.ids_with_special);
      expect(encoding.attentionMask).toEqual(c.ids_with_special.map(() => 1));
      expect(tokenizer.decode(c.ids_with_special)).toBe(c.decoded);
      expect(tokenizer.decode(c.ids_with_special, { skipSpecialTokens: true })).toBe(c.decoded_skip_special);
      expect(tokenizer.decode(c.ids_with_special, { cleanUpTokenizationSpaces: false })).toBe(c.decoded_raw);
    });
  });

  describe('pairs', () => {
    it.each(CASES.pairs.map((c) => [c.id, c] as const))('%s', (_, c) => {
      const encoding = tokenizer.encode(c.text, c.text_pair);
      expect(encoding.ids).toEqual(c.ids_with_special);
      expect(encoding.attentionMask).toEqual(c.attention_mask);
      expect(tokenizer.decode(encoding.ids)).toBe(c.decoded);
      expect(tokenizer.decode(encoding.ids, { skipSpecialTokens: true })).toBe(c.decoded_skip_special);
    });
  });

  describe('batches', () => {
    it.each(CASES.batches.map((c) => [`${c.id} ${JSON.stringify(c.call)}`, c] as const))('%s', (_, c) => {
      const batch = tokenizer.encodeBatch(c.texts, options(c.call));
      expect(batch.inputIds).toEqual(c.input_ids);
      expect(batch.attentionMask).toEqual(c.attention_mask);
    });
  });

  describe('pair batches', () => {
    it.each(CASES.pair_batches.map((c) => [`${c.id} ${JSON.stringify(c.call)}`, c] as const))('%s', (_, c) => {
      const batch = tokenizer.encodeBatch(c.pairs, options(c.call));
      if (c.rust !== undefined && JSON.stringify(batch.inputIds) === JSON.stringify(c.rust.input_ids)) {
        expect(batch.inputIds).toEqual(c.rust.input_ids);
      } else {
        expect(batch.inputIds).toEqual(c.input_ids);
      }
      expect(batch.attentionMask).toEqual(c.attention_mask);
    });
  });
});

describe('loading routes', () => {
  it('gives the same ids and offsets from tokenizer.json as from vocab.json + merges.txt', async () => {
    const auto = await robertaBase('auto');
    const slow = await robertaBase('vocab+merges');
    const text = CASES.single.map((c) => c.text).join(' ');
    expect(auto.encode(text).ids).toEqual(slow.encode(text).ids);
    expect(auto.encode(text).offsets).toEqual(slow.encode(text).offsets);
  });
});
