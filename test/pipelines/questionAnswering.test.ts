// question-answering against Hugging Face's start/end logits for tiny-qa, whose row 0 is the pair
// <s> Who </s></s> Par is </s>: the question "Who" and the context "Paris" (one word, two
// tokens) encode to exactly those ids. Expected answers are worked out by hand from HF's logits
// with the rules of transformers 4.36.2's QuestionAnsweringPipeline (select_starts_ends,
// decode_spans, postprocess's word alignment), the probabilities with the textbook softmax.

import '../../index.js';
import { pipeline } from '../../pipelines/pipeline.js';
import { contextWindows, contextWordIds, decodeSpans, type QuestionAnsweringResult } from '../../pipelines/questionAnswering.js';
import { fixtureExpected, fixtureInputs } from '../model/fixtureModels.js';
import { TINY_QA_SPELLING, tinyModelDir } from './tinyModelDir.js';

const { dir } = tinyModelDir('tiny-qa', undefined, TINY_QA_SPELLING);
const expected = fixtureExpected('tiny-qa');
const startLogits = Array.from(expected.get('start_logits')!.data).slice(0, 7); // row 0: <s> Who </s> </s> Par is </s>
const endLogits = Array.from(expected.get('end_logits')!.data).slice(0, 7);

/** Softmax over <s> (0) and the context tokens (4, 5) only, as select_starts_ends masks the rest. */
function contextProbs(logits: number[]): number[] {
  const exps = logits.map((v, i) => ([0, 4, 5].includes(i) ? Math.exp(v) : 0));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
const P_START = contextProbs(startLogits);
const P_END = contextProbs(endLogits);
const span = (s: number, e: number) => P_START[s] * P_END[e];

function expectAnswers(actual: QuestionAnsweringResult[], expected: QuestionAnsweringResult[]): void {
  expect(actual.map((a) => ({ ...a, score: 0 }))).toEqual(expected.map((a) => ({ ...a, score: 0 })));
  actual.forEach((a, i) => expect(Math.abs(a.score - expected[i].score)).toBeLessThan(1e-5));
}

describe('question-answering', () => {
  let qa: Awaited<ReturnType<typeof pipeline<'question-answering'>>>;
  beforeAll(async () => {
    qa = await pipeline('question-answering', dir);
  });
  afterAll(() => qa.dispose());

  it('the question and context encode to the fixture pair', () => {
    expect(qa.tokenizer.encode('Who', 'Paris').ids).toEqual(fixtureInputs('tiny-qa').input_ids[0].slice(0, 7));
  });

  it('gives the best span, widened to the whole word it falls in (align_to_words)', async () => {
    // Spans (4,4) 'Par', (4,5) 'Paris', (5,5) 'is'; by HF's logits (4,4) is best, and its word is "Paris".
    expect(span(4, 4)).toBeGreaterThan(Math.max(span(4, 5), span(5, 5)));
    expectAnswers(await qa.run('Who', 'Paris'), [{ score: span(4, 4), start: 0, end: 5, answer: 'Paris' }]);
    expectAnswers(await qa.run('Who', 'Paris', { alignToWords: false }), [{ score: span(4, 4), start: 0, end: 3, answer: 'Par' }]);
  });

  it('top_k ranks spans by start × end probability; handle_impossible_answer adds <s>’s score as the empty answer', async () => {
    const answers = await qa.run('Who', 'Paris', { topK: 4, alignToWords: false, handleImpossibleAnswer: true });
    // .291 (4,4), .102 (4,5), .054 (<s>), .049 (5,5) by HF's logits.
    expectAnswers(answers, [
      { score: span(4, 4), start: 0, end: 3, answer: 'Par' },
      { score: span(4, 5), start: 0, end: 5, answer: 'Paris' },
      { score: span(0, 0), start: 0, end: 0, answer: '' },
      { score: span(5, 5), start: 3, end: 5, answer: 'is' },
    ]);
  });

  it('max_answer_len bounds the span in tokens', async () => {
    const answers = await qa.run('Who', 'Paris', { topK: 3, alignToWords: false, maxAnswerLen: 1 });
    expectAnswers(answers, [
      { score: span(4, 4), start: 0, end: 3, answer: 'Par' },
      { score: span(5, 5), start: 3, end: 5, answer: 'is' },
    ]);
  });

  it('splits a context longer than max_seq_len into windows doc_stride apart and maps answers back to characters', async () => {
    // "ParisParis" is Par is Par is; 7 tokens a window leave 2 for the context, so with stride 0 both
    // windows are the fixture pair again: each window's answer is that of "Paris", 5 characters on.
    const options = { maxSeqLen: 7, docStride: 0, topK: 2 };
    expectAnswers(await qa.run('Who', 'ParisParis', options), [
      { score: span(4, 4), start: 0, end: 5, answer: 'Paris' },
      { score: span(4, 4), start: 5, end: 10, answer: 'Paris' },
    ]);
    // The word "ParisParis" is cut by the windows; each answer widens within its own window, as HF's word_to_chars on the window's encoding.
    expectAnswers(await qa.run('Who', 'ParisParis', { ...options, alignToWords: false }), [
      { score: span(4, 4), start: 0, end: 3, answer: 'Par' },
      { score: span(4, 4), start: 5, end: 8, answer: 'Par' },
    ]);
    // The no-answer score is the least over the windows.
    const withNull = await qa.run('Who', 'ParisParis', { ...options, topK: 10, handleImpossibleAnswer: true });
    expect(withNull.filter((a) => a.answer === '')).toHaveLength(1);
    expect(withNull.find((a) => a.answer === '')!.score).toBeCloseTo(span(0, 0), 5);
  });

  it('a context longer than the model runs in windows of the default max_seq_len and doc_stride', async () => {
    // 30 × "Paris" is 89 tokens (Par is, then Ġ Par is); the model takes 62, so windows hold
    // 62 − 1 − 4 = 57 context tokens, 57 − 31 apart (doc_stride min(62 / 2, 128) = 31).
    const context = Array.from({ length: 30 }, () => 'Paris').join(' ');
    expect(qa.tokenizer.encode(context, undefined, { addSpecialTokens: false }).ids).toHaveLength(89);
    // Record the rows the model is given.
    const model = qa.model as { forward: (typeof qa.model)['forward'] };
    const forward = model.forward;
    const rows: number[][] = [];
    model.forward = (inputs, options) => {
      rows.push(...(inputs.inputIds as number[][]));
      return forward.call(qa.model, inputs, options);
    };
    const answers = await qa.run('Who', context, { topK: 3 }).finally(() => (model.forward = forward));
    // <s> Who </s></s> + context tokens [0, 57), [26, 83), [52, 89) + </s>, then padding (id 1).
    expect(rows.map((r) => r.filter((id) => id !== 1).length)).toEqual([62, 62, 4 + 37 + 1]);
    expect(answers).toHaveLength(3);
    for (const a of answers) {
      expect(a.answer).toBe(context.slice(a.start, a.end));
      expect(a.answer).toMatch(/^Paris( Paris)*$/); // whole words
    }
  });

  it('refuses an empty question or context, a question that leaves no room, and a stride over max_seq_len', async () => {
    await expect(qa.run('', 'Paris')).rejects.toThrow('question-answering: the question cannot be empty');
    await expect(qa.run('Who', '')).rejects.toThrow('question-answering: the context cannot be empty');
    await expect(qa.run('Who', 'Paris', { maxSeqLen: 5 })).rejects.toThrow('question-answering: the question has 1 tokens, which leaves no room for the context in 5');
    await expect(qa.run('Who', 'Paris', { maxSeqLen: 7, docStride: 8 })).rejects.toThrow('docStride (8) is larger than maxSeqLen (7)');
    await expect(qa.run('Who', 'ParisParis', { maxSeqLen: 7, docStride: 2 })).rejects.toThrow('doc_stride 2 must be less than the 2 context tokens a window holds');
  });
});

describe('question-answering steps', () => {
  it('contextWindows cuts as Rust tokenizers’ Encoding::truncate: windows of `size`, `size − stride` apart, the last reaching the end', () => {
    expect(contextWindows(3, 4, 2)).toEqual([[0, 3]]);
    expect(contextWindows(10, 4, 1)).toEqual([[0, 4], [3, 7], [6, 10]]);
    expect(contextWindows(10, 4, 2)).toEqual([[0, 4], [2, 6], [4, 8], [6, 10]]);
    expect(contextWindows(9, 4, 0)).toEqual([[0, 4], [4, 8], [8, 9]]);
  });

  it('decodeSpans: products start × end with start ≤ end < start + max_answer_len, best first', () => {
    const start = [0, 0.5, 0.3, 0.2];
    const end = [0, 0.1, 0.6, 0.3];
    const all = [true, true, true, true];
    // (1,1) .05  (1,2) .30  (2,2) .18  (2,3) .09  (3,3) .06; (1,3) is 3 tokens long.
    expect(decodeSpans(start, end, 3, 2, all)).toEqual([
      { start: 1, end: 2, score: 0.5 * 0.6 },
      { start: 2, end: 2, score: 0.3 * 0.6 },
      { start: 2, end: 3, score: 0.3 * 0.3 },
    ]);
    expect(decodeSpans(start, end, 2, 1, all).map((s) => [s.start, s.end])).toEqual([[2, 2], [3, 3]]);
    // A span may neither start nor end on a masked position.
    expect(decodeSpans(start, end, 5, 15, [true, true, false, true]).map((s) => [s.start, s.end])).toEqual([[1, 3], [3, 3], [1, 1]]);
  });

  it('contextWordIds gives each token its GPT-2 pre-token, spaces-only tokens included', () => {
    // "Hello, world  x": words 'Hello' ',' ' world' ' ' ' x'; 'Ġ' (the lone space) has the empty span [13, 13].
    const offsets: [number, number][] = [[0, 3], [3, 5], [5, 6], [7, 12], [13, 13], [14, 15]];
    expect(contextWordIds('Hello, world  x', offsets, false)).toEqual([0, 0, 1, 2, 3, 4]);
    // With add_prefix_space the words are found in ' Hello…' and shifted back.
    expect(contextWordIds('Hi you', [[0, 2], [3, 6]], true)).toEqual([0, 1]);
  });
});
