// RoBERTa's byte-level BPE tokenizer, the pipeline of HF's RobertaTokenizer:
//   added tokens → GPT-2 pre-tokenizer → UTF-8 bytes → BPE → <s> A </s>(</s> B </s>)
// → truncation → padding.

import { BYTE_TO_CHAR } from './byteLevel.js';
import { MergeTable } from './bpe.js';
import { ByteLevelBpe } from './byteLevelBpe.js';
import { isWhitespaceUnit } from './charClass.js';
import { cleanUpTokenizationSpaces, decodePieces } from './decode.js';
import { describeValue } from './describeValue.js';
import type { DecodePiece } from './decode.js';
import type { SpecialTokenNames, TokenizerDefinition } from './definition.js';
import { frameSequences, padEncoding, specialTokenCount, truncateSequence } from './encoding.js';
import type { Encoding, Offsets, TokenRef, TokenSequence } from './encoding.js';
import { preTokenize } from './preTokenize.js';
import { AddedTokenMatcher, TEXT_SEGMENT } from './specialTokens.js';
import type { AddedToken } from './specialTokens.js';
import { truncatedLengths } from './truncation.js';
import type { TruncationStrategy } from './truncation.js';

/** Pad to the longest row of the batch (`true`, `'longest'`) or to `maxLength` (`'max_length'`). */
export type PaddingOption = boolean | 'longest' | 'max_length' | 'do_not_pad';
/** `true` means `'longest_first'`. */
export type TruncationOption = boolean | TruncationStrategy | 'do_not_truncate';

export interface EncodeOptions {
  /** Add `<s>`/`</s>` (default true). */
  readonly addSpecialTokens?: boolean;
  readonly padding?: PaddingOption;
  /** Default: off, except `'longest_first'` when `maxLength` is given without padding (as in transformers). */
  readonly truncation?: TruncationOption;
  /**
   * Length limit for truncation and `'max_length'` padding, special tokens included. Default: the
   * tokenizer's model_max_length; without one, neither truncates nor pads (transformers warns and does the same).
   */
  readonly maxLength?: number;
}

export interface DecodeOptions {
  /** Drop special tokens (`<s>`, `</s>`, `<pad>`, `<mask>`, …). Default false. */
  readonly skipSpecialTokens?: boolean;
  /** Apply transformers' `clean_up_tokenization` (" ." → "."). Default: the tokenizer's setting (true for RoBERTa). */
  readonly cleanUpTokenizationSpaces?: boolean;
}

export interface TokenizerOptions {
  /** Overrides the files' `add_prefix_space`. */
  readonly addPrefixSpace?: boolean;
  /** Maximum number of words whose BPE result is cached (default 30 000; 0 disables the cache). */
  readonly cacheCapacity?: number;
}

/** A batch, rows in input order. */
export interface BatchEncoding {
  readonly inputIds: number[][];
  readonly attentionMask: number[][];
  readonly encodings: Encoding[];
}

/** A batch input: one text or a `[text, textPair]`. */
export type BatchInput = string | readonly [string, string];

/** Special tokens by role, resolved to ids. */
export interface SpecialTokenRefs {
  readonly cls: TokenRef;
  readonly sep: TokenRef;
  readonly pad?: TokenRef;
  readonly unk?: TokenRef;
  readonly mask?: TokenRef;
  readonly bos?: TokenRef;
  readonly eos?: TokenRef;
}

const DEFAULT_CACHE_CAPACITY = 30_000;

type Padding = 'none' | 'longest' | 'max_length';

interface ResolvedOptions {
  readonly addSpecialTokens: boolean;
  readonly padding: Padding;
  readonly truncation: TruncationStrategy | undefined;
  readonly maxLength: number | undefined;
}

/**
 * RoBERTa's tokenizer, built by {@link loadTokenizer} (or from a {@link TokenizerDefinition}).
 * Ids equal those of transformers' RobertaTokenizer and of HF's fast tokenizer. Every byte
 * has a token, so no input is ever unknown; a lone UTF-16 surrogate (which has no UTF-8 form)
 * is encoded as U+FFFD's bytes, as TextEncoder does. Non-string input throws a TypeError.
 */
export class RobertaTokenizer {
  readonly addPrefixSpace: boolean;
  readonly modelMaxLength: number | undefined;
  readonly specialTokens: SpecialTokenRefs;
  private readonly cleanUpByDefault: boolean;
  private readonly bpe: ByteLevelBpe;
  private readonly matcher: AddedTokenMatcher;
  private readonly tokenToIdMap = new Map<string, number>();
  /** id → token string; added tokens show their content. Sparse if ids have gaps. */
  private readonly tokenById: string[] = [];
  private readonly addedById = new Map<number, AddedToken>();

  constructor(definition: TokenizerDefinition, options: TokenizerOptions = {}) {
    for (const [token, id] of definition.vocab) {
      this.tokenToIdMap.set(token, id);
      this.tokenById[id] = token;
    }
    for (const token of definition.addedTokens) {
      this.tokenToIdMap.set(token.content, token.id);
      this.tokenById[token.id] = token.content;
      this.addedById.set(token.id, token);
    }
    const byteIds = new Int32Array(256);
    BYTE_TO_CHAR.forEach((char, byte) => {
      const id = definition.vocab.get(char);
      if (id === undefined) {
        throw new Error(`the vocabulary has no token for byte 0x${byte.toString(16).padStart(2, '0')} ('${char}')`);
      }
      byteIds[byte] = id;
    });
    this.bpe = new ByteLevelBpe(
      new MergeTable(definition.merges),
      byteIds,
      definition.trimOffsets,
      options.cacheCapacity ?? DEFAULT_CACHE_CAPACITY,
    );
    this.matcher = new AddedTokenMatcher(definition.addedTokens);
    this.addPrefixSpace = options.addPrefixSpace ?? definition.addPrefixSpace;
    this.cleanUpByDefault = definition.cleanUpTokenizationSpaces;
    this.modelMaxLength = definition.modelMaxLength;
    this.specialTokens = this.resolveSpecialTokens(definition.specialTokens);
  }

  private resolveSpecialTokens(names: SpecialTokenNames): SpecialTokenRefs {
    const ref = (role: string, content: string): TokenRef => {
      const id = this.tokenToIdMap.get(content);
      if (id === undefined) throw new Error(`the ${role} token '${content}' is not in the vocabulary`);
      return { id, content };
    };
    const optional = (role: keyof SpecialTokenNames): TokenRef | undefined => {
      const content = names[role];
      return content === undefined ? undefined : ref(role, content);
    };
    return {
      cls: ref('cls', names.cls),
      sep: ref('sep', names.sep),
      pad: optional('pad'),
      unk: optional('unk'),
      mask: optional('mask'),
      bos: optional('bos'),
      eos: optional('eos'),
    };
  }

  /** Number of ids, added tokens included (HF's `len(tokenizer)`). */
  get vocabSize(): number {
    return this.tokenToIdMap.size;
  }

  /** Number of words in the BPE cache (it never exceeds the configured capacity). */
  get cacheSize(): number {
    return this.bpe.cacheSize;
  }

  /** Id of a token string ('Ġworld', '<mask>'), or undefined. */
  tokenToId(token: string): number | undefined {
    return this.tokenToIdMap.get(token);
  }

  /** Token string of an id (for an added token, its text), or undefined. */
  idToToken(id: number): string | undefined {
    return this.tokenById[id];
  }

  /** The BPE token strings of `text`, without special tokens: "Hello world" → ['Hello', 'Ġworld']. */
  tokenize(text: string): string[] {
    return this.encodeSequence(text).tokens;
  }

  /**
   * Encode a text, or a pair of texts, into ids with tokens, offsets and attention mask:
   * `<s> A </s>` or `<s> A </s></s> B </s>` unless `addSpecialTokens` is false.
   */
  encode(text: string, pair?: string, options: EncodeOptions = {}): Encoding {
    const resolved = this.resolveOptions(options);
    const encoding = this.encodeOne(text, pair, resolved);
    return resolved.padding === 'max_length' ? this.pad(encoding, resolved.maxLength!) : encoding;
  }

  /** Encode several texts or pairs with shared padding and truncation settings. */
  encodeBatch(inputs: readonly BatchInput[], options: EncodeOptions = {}): BatchEncoding {
    if (!Array.isArray(inputs)) throw new TypeError(`encodeBatch expects an array of inputs, got ${describeValue(inputs)}`);
    const resolved = this.resolveOptions(options);
    let encodings = inputs.map((input: BatchInput, row) => {
      if (typeof input === 'string') return this.encodeOne(input, undefined, resolved);
      if (Array.isArray(input) && input.length === 2) return this.encodeOne(input[0], input[1], resolved);
      throw new TypeError(`batch input ${row} must be a string or a [text, textPair] array, got ${describeValue(input)}`);
    });
    if (resolved.padding !== 'none') {
      const longest = encodings.reduce((length, encoding) => Math.max(length, encoding.ids.length), 0);
      const length = resolved.padding === 'max_length' ? resolved.maxLength! : longest;
      encodings = encodings.map((encoding) => this.pad(encoding, length));
    }
    return {
      inputIds: encodings.map((e) => e.ids),
      attentionMask: encodings.map((e) => e.attentionMask),
      encodings,
    };
  }

  /**
   * Turn ids back into text (an array or a typed array of ids). Ids that cut a character in
   * two decode to U+FFFD, as with Python's errors='replace'.
   */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    if (!Array.isArray(ids) && !(ArrayBuffer.isView(ids) && 'length' in ids)) {
      throw new TypeError(`decode expects an array of token ids, got ${describeValue(ids)}`);
    }
    const pieces: DecodePiece[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id: unknown = ids[i];
      if (typeof id !== 'number' || !Number.isInteger(id)) throw new TypeError(`token id must be an integer, got ${describeValue(id)}`);
      const token = this.tokenById[id];
      if (token === undefined) throw new RangeError(`token id ${id} is not in the vocabulary`);
      const added = this.addedById.get(id);
      if (added === undefined) pieces.push({ text: token, byteLevel: true });
      else if (!(added.special && options.skipSpecialTokens)) pieces.push({ text: added.content, byteLevel: false });
    }
    const text = decodePieces(pieces);
    return (options.cleanUpTokenizationSpaces ?? this.cleanUpByDefault) ? cleanUpTokenizationSpaces(text) : text;
  }

  private resolveOptions(options: EncodeOptions): ResolvedOptions {
    // transformers (_get_padding_truncation_strategies): a max_length given with neither padding
    // nor truncation named turns truncation on, longest first.
    const lengthOnly = options.maxLength !== undefined && options.truncation === undefined && (options.padding ?? false) === false;
    const { addSpecialTokens = true, padding = false, truncation = lengthOnly ? 'longest_first' : false } = options;
    if (typeof addSpecialTokens !== 'boolean') {
      throw new TypeError(`addSpecialTokens must be a boolean, got ${describeValue(addSpecialTokens)}`);
    }
    let maxLength = options.maxLength;
    if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 0)) {
      throw new RangeError(`maxLength must be a non-negative integer, got ${describeValue(maxLength)}`);
    }
    let resolvedPadding: Padding;
    if (padding === false || padding === 'do_not_pad') resolvedPadding = 'none';
    else if (padding === true || padding === 'longest') resolvedPadding = 'longest';
    else if (padding === 'max_length') resolvedPadding = 'max_length';
    else throw new RangeError(`unknown padding ${describeValue(padding)} (expected true, false, 'longest', 'max_length' or 'do_not_pad')`);
    let resolvedTruncation: TruncationStrategy | undefined;
    if (truncation === false || truncation === 'do_not_truncate') resolvedTruncation = undefined;
    else if (truncation === true || truncation === 'longest_first') resolvedTruncation = 'longest_first';
    else if (truncation === 'only_first' || truncation === 'only_second') resolvedTruncation = truncation;
    else {
      throw new RangeError(
        `unknown truncation ${describeValue(truncation)} (expected true, false, 'longest_first', 'only_first', 'only_second' or 'do_not_truncate')`,
      );
    }
    // Without a length to go by, transformers logs a warning and neither truncates nor pads to a length.
    if (maxLength === undefined) {
      maxLength = this.modelMaxLength;
      if (maxLength === undefined) {
        resolvedTruncation = undefined;
        if (resolvedPadding === 'max_length') resolvedPadding = 'none';
      }
    }
    if (resolvedPadding !== 'none' && this.specialTokens.pad === undefined) {
      throw new Error('padding needs a pad token, and this tokenizer has none');
    }
    return { addSpecialTokens, padding: resolvedPadding, truncation: resolvedTruncation, maxLength };
  }

  private encodeOne(text: string, pair: string | undefined, options: ResolvedOptions): Encoding {
    let first = this.encodeSequence(text);
    let second = pair === undefined ? undefined : this.encodeSequence(pair);
    if (options.truncation !== undefined) {
      const [firstLength, secondLength] = truncatedLengths(
        first.ids.length,
        second?.ids.length,
        options.maxLength!,
        specialTokenCount(second !== undefined, options.addSpecialTokens),
        options.truncation,
      );
      first = truncateSequence(first, firstLength);
      if (second) second = truncateSequence(second, secondLength);
    }
    return frameSequences(first, second, options.addSpecialTokens ? this.specialTokens : undefined);
  }

  private pad(encoding: Encoding, length: number): Encoding {
    return padEncoding(encoding, length, this.specialTokens.pad!);
  }

  private encodeSequence(text: string): TokenSequence {
    if (typeof text !== 'string') throw new TypeError(`expected a string to tokenize, got ${describeValue(text)}`);
    // The prefix space is not in the caller's string: it is encoded, then its offsets are
    // shifted back by one and clamped at 0 (so 'ĠHello' for "Hello" gets [0, 5]).
    const prefixed = this.addPrefixSpace && text.length > 0 && !isWhitespaceUnit(text.charCodeAt(0));
    const source = prefixed ? ' ' + text : text;
    const shift = prefixed ? 1 : 0;
    const ids: number[] = [];
    const tokens: string[] = [];
    const offsets: Offsets[] = [];
    const tokenById = this.tokenById;
    const segments: number[] = [];
    this.matcher.split(source, segments);
    const words: number[] = [];
    for (let s = 0; s < segments.length; s += 3) {
      const kind = segments[s]!;
      const start = segments[s + 1]!;
      const end = segments[s + 2]!;
      if (kind !== TEXT_SEGMENT) {
        ids.push(kind);
        tokens.push(tokenById[kind]!);
        offsets.push([start > shift ? start - shift : 0, end - shift]);
        continue;
      }
      words.length = 0;
      preTokenize(source, start, end, words);
      for (let w = 0; w < words.length; w += 2) {
        const wordStart = words[w]!;
        const wordTokens = this.bpe.encodeWord(source, wordStart, words[w + 1]!);
        const base = wordStart - shift;
        for (let k = 0; k < wordTokens.length; k += 3) {
          const id = wordTokens[k]!;
          const tokenStart = base + wordTokens[k + 1]!;
          const tokenEnd = base + wordTokens[k + 2]!;
          ids.push(id);
          tokens.push(tokenById[id]!);
          // Only the prefix space, which is not in the caller's string, can land at -1.
          offsets.push([tokenStart > 0 ? tokenStart : 0, tokenEnd > 0 ? tokenEnd : 0]);
        }
      }
    }
    return { ids, tokens, offsets };
  }
}
