// token-classification (NER): a label for every token, then — unless the strategy is 'none' —
// sub-word pieces merged into words and B-/I- tags into entities. Each step is a function named
// after the method of transformers 4.36.2's TokenClassificationPipeline it follows, so the two
// can be read side by side.

import type { Tensor } from '../engine/tensor.js';
import { byteOfChar } from '../tokenizer/byteLevel.js';
import type { Encoding } from '../tokenizer/index.js';
import { BasePipeline, checkTexts, labelOf } from './basePipeline.js';
import { softmaxRow } from './scores.js';

/**
 * How tokens become entities (HF's `aggregation_strategy`):
 * - none: one result per token;
 * - simple: adjacent tokens with the same tag merged (B- starts a new entity);
 * - first / average / max: first, the pieces of each word agree on one label — the first
 *   piece's, the one of the mean scores, or the most confident piece's — then as simple.
 */
export type AggregationStrategy = 'none' | 'simple' | 'first' | 'average' | 'max';
export const AGGREGATION_STRATEGIES: readonly AggregationStrategy[] = ['none', 'simple', 'first', 'average', 'max'];

/** One token (strategy 'none'). `word` is the token string ('ĠParis'); `index` its position, `<s>` being 0. */
export interface TokenEntity {
  readonly entity: string;
  readonly score: number;
  readonly index: number;
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

/** A merged entity: `word` is decoded text (' Paris', with the space the token carried, as HF gives it). */
export interface EntityGroup {
  readonly entity_group: string;
  readonly score: number;
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

export interface TokenClassificationOptions {
  /** Default 'none', as in HF. */
  readonly aggregationStrategy?: AggregationStrategy;
  /** Labels left out of the results (default ['O']). */
  readonly ignoreLabels?: readonly string[];
}

/** A token with everything aggregation needs (HF's `pre_entity`). */
export interface PreEntity {
  readonly word: string;
  readonly scores: readonly number[];
  readonly start: number;
  readonly end: number;
  readonly index: number;
  readonly isSubword: boolean;
}

/** A token or word with one label, before grouping. */
interface LabelledPiece {
  readonly entity: string;
  readonly score: number;
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

/** Index of the largest value, the first on ties (numpy's argmax). */
function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * HF's `convert_tokens_to_string` for a byte-level BPE (its Rust ByteLevel decoder): a token
 * whose characters are all in the byte alphabet stands for those bytes, any other token for its
 * own UTF-8 bytes; the bytes are then read as UTF-8, bad sequences becoming U+FFFD. HF runs the
 * words of first/average/max through it a second time when grouping; so do we, since that is
 * what it returns (a word such as 'né' with no space before it then comes out as 'n\uFFFD').
 */
export function byteLevelTokensToString(tokens: readonly string[]): string {
  const bytes: number[] = [];
  for (const token of tokens) {
    const own = Array.from(token, (char) => (char.length === 1 ? byteOfChar(char.charCodeAt(0)) : -1));
    if (own.every((b) => b >= 0)) bytes.push(...own);
    else bytes.push(...new TextEncoder().encode(token));
  }
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from(bytes));
}

/**
 * HF's `gather_pre_entities` for a tokenizer without a continuing-subword prefix (RoBERTa's BPE):
 * a token is a sub-word unless it starts the text, starts with a space, or follows one —
 * `start > 0 and " " not in sentence[start - 1 : start + 1]`. Special tokens and padding
 * (`special[i]`) are skipped; an unknown token's word is the text it covers.
 */
export function gatherPreEntities(text: string, encoding: Encoding, scores: readonly (readonly number[])[], special: readonly boolean[], unkId: number | undefined): PreEntity[] {
  const pre: PreEntity[] = [];
  encoding.ids.forEach((id, index) => {
    if (special[index]) return;
    const [start, end] = encoding.offsets[index];
    const unknown = id === unkId;
    pre.push({
      word: unknown ? text.slice(start, end) : encoding.tokens[index],
      scores: scores[index],
      start,
      end,
      index,
      isSubword: !unknown && start > 0 && !text.slice(start - 1, start + 1).includes(' '),
    });
  });
  return pre;
}

/** HF's `aggregate_word`: one label for the pieces of a word. */
export function aggregateWord(pieces: readonly PreEntity[], strategy: 'first' | 'average' | 'max', id2label: ReadonlyMap<number, string>): LabelledPiece {
  let scores: readonly number[];
  if (strategy === 'first') scores = pieces[0].scores;
  else if (strategy === 'max') {
    // max(entities, key=scores.max()): the first piece holding the highest score.
    scores = pieces.reduce((best, p) => (Math.max(...p.scores) > Math.max(...best.scores) ? p : best)).scores;
  } else {
    scores = pieces[0].scores.map((_, label) => pieces.reduce((sum, p) => sum + p.scores[label], 0) / pieces.length);
  }
  const best = argmax(scores);
  return {
    entity: labelOf(id2label, best, 'token-classification'),
    score: scores[best],
    word: byteLevelTokensToString(pieces.map((p) => p.word)),
    start: pieces[0].start,
    end: pieces[pieces.length - 1].end,
  };
}

/** HF's `aggregate_words`: a word is a token and the sub-word tokens after it. */
export function aggregateWords(pre: readonly PreEntity[], strategy: 'first' | 'average' | 'max', id2label: ReadonlyMap<number, string>): LabelledPiece[] {
  const words: LabelledPiece[] = [];
  let group: PreEntity[] = [];
  for (const entity of pre) {
    if (group.length > 0 && !entity.isSubword) {
      words.push(aggregateWord(group, strategy, id2label));
      group = [];
    }
    group.push(entity);
  }
  if (group.length > 0) words.push(aggregateWord(group, strategy, id2label));
  return words;
}

/** HF's `get_tag`: 'B-PER' → ['B', 'PER']; a label without a B-/I- prefix continues ('I'). */
export function getTag(label: string): ['B' | 'I', string] {
  if (label.startsWith('B-')) return ['B', label.slice(2)];
  if (label.startsWith('I-')) return ['I', label.slice(2)];
  return ['I', label];
}

/** HF's `group_sub_entities`: the first piece's label without its prefix (split at the first '-'), the mean score. */
function groupSubEntities(pieces: readonly LabelledPiece[]): EntityGroup {
  const dash = pieces[0].entity.indexOf('-');
  return {
    entity_group: dash < 0 ? pieces[0].entity : pieces[0].entity.slice(dash + 1),
    score: pieces.reduce((sum, p) => sum + p.score, 0) / pieces.length,
    word: byteLevelTokensToString(pieces.map((p) => p.word)),
    start: pieces[0].start,
    end: pieces[pieces.length - 1].end,
  };
}

/** HF's `group_entities`: a piece joins the previous group when its tag is the same and it is not a B-. */
export function groupEntities(pieces: readonly LabelledPiece[]): EntityGroup[] {
  const groups: EntityGroup[] = [];
  let current: LabelledPiece[] = [];
  for (const piece of pieces) {
    if (current.length > 0) {
      const [bi, tag] = getTag(piece.entity);
      const [, lastTag] = getTag(current[current.length - 1].entity);
      if (tag !== lastTag || bi === 'B') {
        groups.push(groupSubEntities(current));
        current = [];
      }
    }
    current.push(piece);
  }
  if (current.length > 0) groups.push(groupSubEntities(current));
  return groups;
}

/** A token's own label: the argmax of its scores, and that score. */
function tokenLabel(p: PreEntity, id2label: ReadonlyMap<number, string>): { entity: string; score: number } {
  const best = argmax(p.scores);
  return { entity: labelOf(id2label, best, 'token-classification'), score: p.scores[best] };
}

/** HF's `aggregate` followed by the `ignore_labels` filter of `postprocess`. */
export function aggregate(pre: readonly PreEntity[], strategy: AggregationStrategy, id2label: ReadonlyMap<number, string>, ignoreLabels: readonly string[] = ['O']): TokenEntity[] | EntityGroup[] {
  if (strategy === 'none') {
    return pre.map((p) => ({ ...tokenLabel(p, id2label), index: p.index, word: p.word, start: p.start, end: p.end })).filter((e) => !ignoreLabels.includes(e.entity));
  }
  const pieces = strategy === 'simple' ? pre.map((p) => ({ ...tokenLabel(p, id2label), word: p.word, start: p.start, end: p.end })) : aggregateWords(pre, strategy, id2label);
  return groupEntities(pieces).filter((g) => !ignoreLabels.includes(g.entity_group));
}

/** Tokens the pipeline does not label: `<s>`, the closing `</s>`, padding (HF's special_tokens_mask). */
function specialTokens(attentionMask: readonly number[]): boolean[] {
  const last = attentionMask.lastIndexOf(1);
  return attentionMask.map((m, i) => m === 0 || i === 0 || i === last);
}

export type TokenClassificationResult = TokenEntity[] | EntityGroup[];

export class TokenClassificationPipeline extends BasePipeline {
  /** Entities of a text (or of each text), in text order. Texts longer than the model are truncated, as in HF. */
  async run(input: string, options?: TokenClassificationOptions): Promise<TokenClassificationResult>;
  async run(input: readonly string[], options?: TokenClassificationOptions): Promise<TokenClassificationResult[]>;
  async run(input: string | readonly string[], options: TokenClassificationOptions = {}): Promise<TokenClassificationResult | TokenClassificationResult[]> {
    const texts = checkTexts('token-classification', input);
    const strategy = options.aggregationStrategy ?? 'none';
    if (!AGGREGATION_STRATEGIES.includes(strategy)) {
      throw new RangeError(`token-classification: unknown aggregationStrategy ${JSON.stringify(strategy)} (expected ${AGGREGATION_STRATEGIES.join(', ')})`);
    }
    const { id2label, numLabels } = this.model.config;
    const unkId = this.tokenizer.specialTokens.unk?.id;
    const results = await this.batched(texts, async ({ first, encodings, out }) => {
      const logits = await (out.logits as Tensor).data(); // [batch, seq, labels]
      const seq = encodings[0].ids.length;
      return encodings.map((encoding, r) => {
        const scores = encoding.ids.map((_, s) => softmaxRow(logits.subarray((r * seq + s) * numLabels, (r * seq + s + 1) * numLabels)));
        const pre = gatherPreEntities(texts[first + r], encoding, scores, specialTokens(encoding.attentionMask), unkId);
        return aggregate(pre, strategy, id2label, options.ignoreLabels);
      });
    }, true); // HF's preprocess truncates to model_max_length
    return typeof input === 'string' ? results[0] : results;
  }
}
