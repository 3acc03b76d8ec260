// Public API of the byte-level BPE tokenizer (RoBERTa / GPT-2 style), identical in its ids to
// Hugging Face's RobertaTokenizer:
//
//   const tokenizer = await loadTokenizer('path/to/roberta-base');
//   tokenizer.encode('Hello world!').ids;            // [0, 31414, 232, 328, 2]
//   tokenizer.encode('A question?', 'An answer.');  // <s> A </s></s> B </s>
//   tokenizer.encodeBatch(texts, { padding: true, truncation: true, maxLength: 512 });
//   tokenizer.decode(ids, { skipSpecialTokens: true });

export { RobertaTokenizer } from './robertaTokenizer.js';
export type {
  BatchEncoding,
  BatchInput,
  DecodeOptions,
  EncodeOptions,
  PaddingOption,
  SpecialTokenRefs,
  TokenizerOptions,
  TruncationOption,
} from './robertaTokenizer.js';
export type { Encoding, Offsets, TokenRef } from './encoding.js';
export { TruncationError } from './truncation.js';
export type { TruncationStrategy } from './truncation.js';
export { loadTokenizer } from './load.js';
export type { LoadOptions, TokenizerSource } from './load.js';
export { TokenizerFileError } from './tokenizerFileError.js';
export { ROBERTA_SPECIAL_TOKENS } from './definition.js';
export type { SpecialTokenNames, TokenizerDefinition } from './definition.js';
export type { AddedToken } from './specialTokens.js';
export type { MergeRule } from './bpe.js';
