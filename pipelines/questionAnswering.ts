// question-answering (extractive): the span of the context most likely to answer the question,
// following transformers 4.36.2's QuestionAnsweringPipeline — `preprocess` (the context cut into
// overlapping windows of `max_seq_len` tokens, `doc_stride` apart), `select_starts_ends` and
// `decode_spans` (softmax over the context's start and end logits, best start × end products
// with start ≤ end < start + max_answer_len), and `postprocess` (answers mapped back to
// characters, whole words by default, the best of all windows kept).

import type { Tensor } from '../engine/tensor.js';
import { InputError } from '../model/inputs.js';
import { disposeOutput } from '../model/roberta.js';
import type { Offsets } from '../tokenizer/index.js';
import { isWhitespaceUnit } from '../tokenizer/charClass.js';
import { preTokenize } from '../tokenizer/preTokenize.js';
import { BasePipeline } from './basePipeline.js';
import { softmaxRow } from './scores.js';

export interface QuestionAnsweringResult {
  readonly score: number;
  /** `[start, end)` of the answer in the context, in UTF-16 code units. */
  readonly start: number;
  readonly end: number;
  readonly answer: string;
}

export interface QuestionAnsweringOptions {
  /** Answers to return, best first (default 1). */
  readonly topK?: number;
  /** Also offer "no answer" (start = end = 0, answer ''), scored by `<s>`'s start × end probability. */
  readonly handleImpossibleAnswer?: boolean;
  /** Longest answer in tokens (default 15). */
  readonly maxAnswerLen?: number;
  /** Tokens per window, question and special tokens included (default min(model_max_length, 384), at most what the model takes). */
  readonly maxSeqLen?: number;
  /** Tokens shared by consecutive windows of a long context (default min(maxSeqLen / 2, 128)). */
  readonly docStride?: number;
  /** Widen an answer to the whole words it touches (default true, as in HF). */
  readonly alignToWords?: boolean;
}

/** A span of (start, end) token positions with its probability. */
export interface ScoredSpan {
  readonly start: number;
  readonly end: number;
  readonly score: number;
}

/**
 * HF's `decode_spans`: the `topK` best spans by start[s] · end[e], with s ≤ e < s + maxAnswerLen
 * and both ends allowed (`allowed[i]`). HF takes its top k among all pairs, zero-score ones
 * included, in no defined order among the zeros; here only spans of positive score compete, so
 * the list can be shorter than k where HF would pad it with arbitrary zero-score spans.
 */
export function decodeSpans(start: readonly number[], end: readonly number[], topK: number, maxAnswerLen: number, allowed: readonly boolean[]): ScoredSpan[] {
  const spans: ScoredSpan[] = [];
  for (let s = 0; s < start.length; s++) {
    if (!allowed[s]) continue;
    for (let e = s; e < Math.min(end.length, s + maxAnswerLen); e++) {
      const score = start[s] * end[e];
      if (allowed[e] && score > 0) spans.push({ start: s, end: e, score });
    }
  }
  // Spans are pushed in HF's flat (row-major) order, and the sort is stable: ties go to the first.
  return spans.sort((a, b) => b.score - a.score).slice(0, topK);
}

/**
 * HF's `select_starts_ends` for one window: positions that may not hold the answer (question,
 * special tokens, padding: `allowed[i]` false, `<s>` at 0 allowed) get logit −10000, each of
 * start and end is soft-maxed, `<s>`'s product is the no-answer score, then `<s>` is zeroed.
 */
export function selectStartsEnds(
  startLogits: ArrayLike<number>,
  endLogits: ArrayLike<number>,
  allowed: readonly boolean[],
  options: { readonly topK: number; readonly maxAnswerLen: number },
): { spans: ScoredSpan[]; nullScore: number } {
  const masked = (logits: ArrayLike<number>) => softmaxRow(Array.from(logits, (v, i) => (allowed[i] ? v : -10000)));
  const start = masked(startLogits);
  const end = masked(endLogits);
  const nullScore = start[0] * end[0];
  start[0] = end[0] = 0;
  return { spans: decodeSpans(start, end, options.topK, options.maxAnswerLen, allowed), nullScore };
}

/**
 * The windows of a context of `length` tokens, as HF's Rust tokenizer cuts the second sequence
 * with `stride` (Encoding::truncate): `size` tokens each, starting `size − stride` apart, until
 * one reaches the end.
 */
export function contextWindows(length: number, size: number, stride: number): [number, number][] {
  if (length <= size) return [[0, length]];
  if (stride >= size) throw new InputError(`question-answering: doc_stride ${stride} must be less than the ${size} context tokens a window holds`);
  const windows: [number, number][] = [];
  for (let start = 0; ; start += size - stride) {
    const stop = Math.min(start + size, length);
    windows.push([start, stop]);
    if (stop === length) return windows;
  }
}

/**
 * The word of each context token (HF's `token_to_word`): words are the GPT-2 pre-tokens BPE ran
 * on. Tokens come word by word, and a token's (trimmed) span never ends past its word's end nor
 * at or before the previous word's end, so one pass pairs them. `prefixSpace`: the tokenizer
 * encoded ' ' + context (add_prefix_space), so its words sit one unit to the right. (An added
 * token typed into the context, such as '<mask>', is one word for HF; here its pieces are.)
 */
export function contextWordIds(context: string, offsets: readonly Offsets[], prefixSpace: boolean): number[] {
  const shift = prefixSpace && context.length > 0 && !isWhitespaceUnit(context.charCodeAt(0)) ? 1 : 0;
  const source = shift ? ' ' + context : context;
  const spans: number[] = [];
  preTokenize(source, 0, source.length, spans);
  let word = 0;
  return offsets.map(([, end]) => {
    while (word + 1 < spans.length / 2 && end > spans[2 * word + 1] - shift) word++;
    return word;
  });
}

interface Window {
  readonly ids: number[];
  /** Which context token sits at each position, −1 for question, special tokens and padding. */
  readonly contextToken: number[];
}

/**
 * HF's `get_indices`: the characters of span (s, e) of a window — from its first token's word to
 * its last token's word with `alignToWords` (word_to_chars: the word's tokens within this
 * window), else from the first token to the last.
 */
function answerChars(window: Window, s: number, e: number, offsets: readonly Offsets[], words: readonly number[] | undefined): [number, number] {
  const first = window.contextToken[s];
  const last = window.contextToken[e];
  if (words === undefined) return [offsets[first][0], offsets[last][1]];
  const inWindow = window.contextToken.filter((t) => t >= 0);
  const ofWord = (word: number) => inWindow.filter((t) => words[t] === word);
  return [offsets[ofWord(words[first])[0]][0], offsets[ofWord(words[last]).at(-1)!][1]];
}

export class QuestionAnsweringPipeline extends BasePipeline {
  /** The best answers to `question` in `context`, best first. */
  async run(question: string, context: string, options: QuestionAnsweringOptions = {}): Promise<QuestionAnsweringResult[]> {
    for (const [name, value] of [['question', question], ['context', context]] as const) {
      if (typeof value !== 'string') throw new TypeError(`question-answering: the ${name} must be a string`);
      if (value.length === 0) throw new InputError(`question-answering: the ${name} cannot be empty`);
    }
    const topK = positiveInteger('topK', options.topK ?? 1);
    const maxAnswerLen = positiveInteger('maxAnswerLen', options.maxAnswerLen ?? 15);
    const c = this.tokenizer.encode(context, undefined, { addSpecialTokens: false });
    const windows = this.windows(question, c.ids, options);
    const words = options.alignToWords === false ? undefined : contextWordIds(context, c.offsets, this.tokenizer.addPrefixSpace);

    const answers: QuestionAnsweringResult[] = [];
    let nullScore = 1_000_000;
    for (let b = 0; b < windows.length; b += this.batchSize) {
      const batch = windows.slice(b, b + this.batchSize);
      const seq = Math.max(...batch.map((w) => w.ids.length));
      const padId = this.tokenizer.specialTokens.pad?.id ?? this.model.config.padTokenId;
      const out = this.model.forward({
        inputIds: batch.map((w) => [...w.ids, ...new Array<number>(seq - w.ids.length).fill(padId)]),
        attentionMask: batch.map((w) => Array.from({ length: seq }, (_, s) => (s < w.ids.length ? 1 : 0))),
      });
      try {
        const starts = await (out.startLogits as Tensor).data(); // [batch, seq]
        const ends = await (out.endLogits as Tensor).data();
        batch.forEach((window, r) => {
          const allowed = Array.from({ length: seq }, (_, s) => s === 0 || window.contextToken[s] >= 0);
          const row = (data: Awaited<ReturnType<Tensor['data']>>) => data.subarray(r * seq, (r + 1) * seq);
          const selected = selectStartsEnds(row(starts), row(ends), allowed, { topK, maxAnswerLen });
          nullScore = Math.min(nullScore, selected.nullScore);
          for (const span of selected.spans) {
            const [start, end] = answerChars(window, span.start, span.end, c.offsets, words);
            answers.push({ score: span.score, start, end, answer: context.slice(start, end) });
          }
        });
      } finally {
        disposeOutput(out);
      }
    }
    if (options.handleImpossibleAnswer) answers.push({ score: nullScore, start: 0, end: 0, answer: '' });
    return answers.sort((a, b) => b.score - a.score).slice(0, topK);
  }

  /** HF's `preprocess`: <s> question </s></s> window </s>, the context cut into windows as the Rust tokenizer does. */
  private windows(question: string, context: readonly number[], options: QuestionAnsweringOptions): Window[] {
    const maxSeqLen = Math.min(positiveInteger('maxSeqLen', options.maxSeqLen ?? Math.min(this.tokenizer.modelMaxLength ?? 384, 384)), this.maxLength);
    const docStride = options.docStride ?? Math.min(Math.floor(maxSeqLen / 2), 128);
    if (!Number.isInteger(docStride) || docStride < 0) throw new InputError(`question-answering: docStride must be a non-negative integer, got ${docStride}`);
    if (docStride > maxSeqLen) throw new InputError(`question-answering: docStride (${docStride}) is larger than maxSeqLen (${maxSeqLen})`);
    const { cls, sep } = this.tokenizer.specialTokens;
    const q = this.tokenizer.encode(question, undefined, { addSpecialTokens: false }).ids;
    const size = maxSeqLen - q.length - 4;
    if (size <= 0) throw new InputError(`question-answering: the question has ${q.length} tokens, which leaves no room for the context in ${maxSeqLen}`);
    const head = [cls.id, ...q, sep.id, sep.id];
    return contextWindows(context.length, size, docStride).map(([from, to]) => ({
      ids: [...head, ...context.slice(from, to), sep.id],
      contextToken: [...head.map(() => -1), ...Array.from({ length: to - from }, (_, k) => from + k), -1],
    }));
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new InputError(`question-answering: ${name} must be a positive integer, got ${value}`);
  return value;
}
