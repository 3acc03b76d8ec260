// token-classification against Hugging Face's logits for tiny-tok (labels O, B-PER, I-PER, B-LOC,
// I-LOC). The fixture ids are spelled as words and sub-words, so each text encodes to exactly the
// ids HF ran; the expected entities are worked out by hand from HF's logits with the rules of
// transformers 4.36.2's TokenClassificationPipeline (named in each test), the scores with the
// textbook softmax.

import '../../index.js';
import { pipeline } from '../../pipelines/pipeline.js';
import { byteLevelTokensToString, gatherPreEntities, type EntityGroup, type TokenEntity } from '../../pipelines/tokenClassification.js';
import { fixtureExpected, fixtureInputs } from '../model/fixtureModels.js';
import { TINY_TOK_SPELLING, tinyModelDir } from './tinyModelDir.js';

const TEXTS = ['Kim Lee Park', 'Liz Max in Rome', 'Ann Bobby Cyril Deena Ed.'];
const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
const { dir } = tinyModelDir('tiny-tok', undefined, TINY_TOK_SPELLING);
const logits = Array.from(fixtureExpected('tiny-tok').get('logits')!.data); // [3, 12, 5]

/** Softmax of HF's logits for row r, position s. */
function probs(r: number, s: number): number[] {
  const exps = logits.slice((r * 12 + s) * 5, (r * 12 + s + 1) * 5).map(Math.exp);
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
const prob = (r: number, s: number, label: string) => probs(r, s)[LABELS.indexOf(label)];
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Every field equal, scores to 1e-5 (HF's softmax ran in float32). */
function expectEntities(actual: readonly (TokenEntity | EntityGroup)[], expected: readonly (TokenEntity | EntityGroup)[]): void {
  expect(actual.map((e) => ({ ...e, score: 0 }))).toEqual(expected.map((e) => ({ ...e, score: 0 })));
  actual.forEach((e, i) => expect(Math.abs(e.score - expected[i].score)).toBeLessThan(1e-5));
}

const group = (entity_group: string, score: number, word: string, start: number, end: number): EntityGroup => ({ entity_group, score, word, start, end });

describe('token-classification', () => {
  let ner: Awaited<ReturnType<typeof pipeline<'token-classification'>>>;
  beforeAll(async () => {
    ner = await pipeline('token-classification', dir);
  });
  afterAll(() => ner.dispose());

  it('runs on texts that encode to exactly the fixture ids', () => {
    const { input_ids: rows, attention_mask: masks } = fixtureInputs('tiny-tok');
    TEXTS.forEach((text, r) => expect(ner.tokenizer.encode(text).ids).toEqual(rows[r].filter((_, s) => masks[r][s] === 1)));
  });

  it("strategy none: one result per token, HF's token string as word, O left out; entities at the text's start and end", async () => {
    // Argmax labels of HF's logits, row 0: B-PER ×3.
    const row0 = (await ner.run(TEXTS[0])) as TokenEntity[];
    expectEntities(row0, [
      { entity: 'B-PER', score: prob(0, 1, 'B-PER'), index: 1, word: 'Kim', start: 0, end: 3 },
      { entity: 'B-PER', score: prob(0, 2, 'B-PER'), index: 2, word: 'ĠLee', start: 4, end: 7 },
      { entity: 'B-PER', score: prob(0, 3, 'B-PER'), index: 3, word: 'ĠPark', start: 8, end: 12 },
    ]);
    // Row 2: B B B I B B I I B O — the final '.' is O and dropped.
    const row2 = (await ner.run(TEXTS[2], { aggregationStrategy: 'none' })) as TokenEntity[];
    const tokens: [string, number, number, string][] = [
      ['Ann', 0, 3, 'B-PER'], ['ĠBo', 4, 6, 'B-PER'], ['bby', 6, 9, 'B-PER'], ['ĠCy', 10, 12, 'I-PER'], ['ril', 12, 15, 'B-PER'],
      ['ĠDe', 16, 18, 'B-PER'], ['e', 18, 19, 'I-PER'], ['na', 19, 21, 'I-PER'], ['ĠEd', 22, 24, 'B-PER'],
    ];
    expectEntities(row2, tokens.map(([word, start, end, entity], i) => ({ entity, score: prob(2, i + 1, entity), index: i + 1, word, start, end })));
  });

  it('strategy simple (group_entities): same tag and not B- joins the previous group, whatever the word boundaries', async () => {
    const row2 = await ner.run(TEXTS[2], { aggregationStrategy: 'simple' });
    expectEntities(row2, [
      group('PER', prob(2, 1, 'B-PER'), 'Ann', 0, 3),
      group('PER', prob(2, 2, 'B-PER'), ' Bo', 4, 6),
      // 'bby' (B-PER) then 'ĠCy' (I-PER): the I- continues the group across the space.
      group('PER', mean([prob(2, 3, 'B-PER'), prob(2, 4, 'I-PER')]), 'bby Cy', 6, 12),
      group('PER', prob(2, 5, 'B-PER'), 'ril', 12, 15),
      group('PER', mean([prob(2, 6, 'B-PER'), prob(2, 7, 'I-PER'), prob(2, 8, 'I-PER')]), ' Deena', 16, 21),
      group('PER', prob(2, 9, 'B-PER'), ' Ed', 22, 24),
    ]);
    // ignoreLabels [] keeps the O group.
    const all = (await ner.run(TEXTS[2], { aggregationStrategy: 'simple', ignoreLabels: [] })) as EntityGroup[];
    expectEntities(all.slice(-1), [group('O', prob(2, 10, 'O'), '.', 24, 25)]);
  });

  it("strategy first (aggregate_words): a word takes its first piece's label; '.' after 'Ed' counts as a sub-word (no space around it)", async () => {
    const row2 = await ner.run(TEXTS[2], { aggregationStrategy: 'first' });
    expectEntities(row2, [
      group('PER', prob(2, 1, 'B-PER'), 'Ann', 0, 3),
      // ' Bobby' (B-PER from 'ĠBo'), ' Cyril' (I-PER from 'ĠCy'): one entity.
      group('PER', mean([prob(2, 2, 'B-PER'), prob(2, 4, 'I-PER')]), ' Bobby Cyril', 4, 15),
      group('PER', prob(2, 6, 'B-PER'), ' Deena', 16, 21),
      group('PER', prob(2, 9, 'B-PER'), ' Ed.', 22, 25),
    ]);
    const row1 = await ner.run(TEXTS[1], { aggregationStrategy: 'first' });
    expectEntities(row1, [
      group('PER', prob(1, 1, 'I-PER'), 'Liz', 0, 3),
      group('PER', prob(1, 3, 'B-PER'), ' Max', 4, 7),
      group('PER', prob(1, 6, 'B-PER'), ' Rome', 11, 15),
    ]);
  });

  it('strategy average: the label of the mean of the pieces’ scores', async () => {
    const avg = (r: number, positions: number[], label: string) => mean(positions.map((s) => prob(r, s, label)));
    // Means per word, from HF's logits: every word's best is B-PER, so no two words merge.
    const row2 = await ner.run(TEXTS[2], { aggregationStrategy: 'average' });
    expectEntities(row2, [
      group('PER', avg(2, [1], 'B-PER'), 'Ann', 0, 3),
      group('PER', avg(2, [2, 3], 'B-PER'), ' Bobby', 4, 9),
      group('PER', avg(2, [4, 5], 'B-PER'), ' Cyril', 10, 15),
      group('PER', avg(2, [6, 7, 8], 'B-PER'), ' Deena', 16, 21),
      group('PER', avg(2, [9, 10], 'B-PER'), ' Ed.', 22, 25),
    ]);
    // ' in' averages to O (its one token) and is dropped.
    const row1 = await ner.run(TEXTS[1], { aggregationStrategy: 'average' });
    expectEntities(row1, [
      group('PER', avg(1, [1, 2], 'B-PER'), 'Liz', 0, 3),
      group('PER', avg(1, [3, 4], 'B-PER'), ' Max', 4, 7),
      group('PER', avg(1, [6, 7], 'B-PER'), ' Rome', 11, 15),
    ]);
  });

  it('strategy max: the label of the most confident piece', async () => {
    // Most confident pieces: 'Ann', 'ĠBo' (B-PER .399), 'ril' (B-PER .372), 'e' (I-PER .363), 'ĠEd' (B-PER .639).
    const row2 = await ner.run(TEXTS[2], { aggregationStrategy: 'max' });
    expectEntities(row2, [
      group('PER', prob(2, 1, 'B-PER'), 'Ann', 0, 3),
      group('PER', prob(2, 2, 'B-PER'), ' Bobby', 4, 9),
      // ' Deena' is I-PER through 'e', so it continues ' Cyril'.
      group('PER', mean([prob(2, 5, 'B-PER'), prob(2, 7, 'I-PER')]), ' Cyril Deena', 10, 21),
      group('PER', prob(2, 9, 'B-PER'), ' Ed.', 22, 25),
    ]);
  });

  it('a batch (padded, two per forward) gives what each text gives alone', async () => {
    const batched = await pipeline('ner', dir, { batchSize: 2 });
    const together = await batched.run(TEXTS, { aggregationStrategy: 'first' });
    for (const [i, text] of TEXTS.entries()) expectEntities(together[i], await ner.run(text, { aggregationStrategy: 'first' }));
    batched.dispose();
  });

  it('refuses an unknown strategy and non-string input', async () => {
    await expect(ner.run(TEXTS[0], { aggregationStrategy: 'longest' as 'none' })).rejects.toThrow('token-classification: unknown aggregationStrategy "longest"');
    await expect(ner.run(7 as unknown as string)).rejects.toThrow(TypeError);
  });
});

describe('gather_pre_entities', () => {
  const scores = [[1], [1], [1], [1], [1], [1]];
  it('marks sub-words as HF does for BPE: start > 0 and no space in text[start - 1, start + 1]', () => {
    const text = 'New-York is';
    const encoding = {
      ids: [0, 10, 11, 12, 13, 2],
      tokens: ['<s>', 'New', '-', 'York', 'Ġis', '</s>'],
      offsets: [[0, 0], [0, 3], [3, 4], [4, 8], [9, 11], [0, 0]] as [number, number][],
      attentionMask: [1, 1, 1, 1, 1, 1],
    };
    const pre = gatherPreEntities(text, encoding, scores, [true, false, false, false, false, true], 99);
    expect(pre.map((p) => [p.word, p.index, p.isSubword])).toEqual([['New', 1, false], ['-', 2, true], ['York', 3, true], ['Ġis', 4, false]]);
  });

  it('an unknown token is never a sub-word and its word is the text it covers', () => {
    const encoding = { ids: [0, 5, 3, 2], tokens: ['<s>', 'a', '<unk>', '</s>'], offsets: [[0, 0], [0, 1], [1, 2], [0, 0]] as [number, number][], attentionMask: [1, 1, 1, 1] };
    const pre = gatherPreEntities('aé', encoding, scores, [true, false, false, true], 3);
    expect(pre.map((p) => [p.word, p.isSubword])).toEqual([['a', false], ['é', false]]);
  });
});

describe("convert_tokens_to_string (HF's ByteLevel decoder)", () => {
  it('reads byte-level tokens as bytes, a token with a character outside the alphabet as its own text', () => {
    expect(byteLevelTokensToString(['ĠPar', 'is'])).toBe(' Paris');
    expect(byteLevelTokensToString(['ĠM', 'Ã¼', 'ller'])).toBe(' Müller');
    // Decoded words go through it again when grouping: ' Müller' has a space (not in the alphabet)
    // and survives; 'Müller' is all alphabet characters, so 'ü' becomes the lone byte 0xFC → U+FFFD.
    expect(byteLevelTokensToString([' Müller'])).toBe(' Müller');
    expect(byteLevelTokensToString(['Müller'])).toBe('M\uFFFDller');
  });
});
