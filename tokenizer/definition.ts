// Everything a RobertaTokenizer is built from, independent of the files it came from
// (vocab.json + merges.txt, or tokenizer.json): load.ts produces it, the tokenizer consumes it.

import type { MergeRule } from './bpe.js';
import type { AddedToken } from './specialTokens.js';

/** The strings of the special tokens by role. `cls` and `sep` frame every encoding. */
export interface SpecialTokenNames {
  readonly cls: string;
  readonly sep: string;
  readonly pad?: string;
  readonly unk?: string;
  readonly mask?: string;
  readonly bos?: string;
  readonly eos?: string;
}

/** RoBERTa's defaults (roberta-base ships no tokenizer_config.json). */
export const ROBERTA_SPECIAL_TOKENS: Required<SpecialTokenNames> = {
  cls: '<s>',
  sep: '</s>',
  pad: '<pad>',
  unk: '<unk>',
  mask: '<mask>',
  bos: '<s>',
  eos: '</s>',
};

export interface TokenizerDefinition {
  /** BPE vocabulary: token string (byte-level alphabet) → id. */
  readonly vocab: ReadonlyMap<string, number>;
  /** Merge rules, highest priority first. */
  readonly merges: readonly MergeRule[];
  /** Tokens matched verbatim in the text; ids may repeat vocabulary ids (`<s>` is both). */
  readonly addedTokens: readonly AddedToken[];
  readonly specialTokens: SpecialTokenNames;
  /**
   * Prefix a space to a text that does not start with whitespace ("Hello" → 'ĠHello'), once per
   * text, as transformers' slow tokenizer does. (HF's fast tokenizer differs in two corners: it
   * prefixes every segment between added tokens such as `<mask>`, and it skips only segments
   * that start with a plain space.)
   */
  readonly addPrefixSpace: boolean;
  /** Leave spaces out of token offsets (HF `trim_offsets`). */
  readonly trimOffsets: boolean;
  /** Default of `decode`'s `cleanUpTokenizationSpaces`. */
  readonly cleanUpTokenizationSpaces: boolean;
  /** Used when truncation or `max_length` padding is asked for without a `maxLength`. */
  readonly modelMaxLength?: number;
}
