// Dynamic masking against the statistics of Hugging Face's DataCollatorForLanguageModeling: 15% of
// eligible tokens selected, 80/10/10 among them, random ids uniform over the whole vocabulary
// (len(tokenizer), special ids included, as torch.randint(len(tokenizer)) draws them), special
// and padding tokens never selected, labels −100 exactly where nothing was selected.

import { loadTokenizer, type RobertaTokenizer } from '../../../tokenizer/index.js';
import { IGNORE_INDEX, maskingRuleOf, maskSequence, type MaskingRule } from '../../../train/data/masking.js';
import { ROBERTA_DIR, shakespeareSlice } from './corpus.js';

const ROWS = 4000;
const SEQ = 128;

let tokenizer: RobertaTokenizer;
let rule: MaskingRule;
let rows: number[][];

/** Bounds a binomial proportion may stray from p in n trials: z standard deviations. */
function within(observed: number, p: number, n: number, z = 5): boolean {
  return Math.abs(observed - p) <= z * Math.sqrt((p * (1 - p)) / n);
}

beforeAll(async () => {
  tokenizer = await loadTokenizer(ROBERTA_DIR);
  rule = maskingRuleOf(tokenizer);
  const text = tokenizer.encode(shakespeareSlice(60_000), undefined, { addSpecialTokens: false }).ids;
  const { cls, sep, pad, unk, mask } = tokenizer.specialTokens;
  // Rows as a collator sees them: <s> text </s>, then padding; an <unk> and a literal <mask> inside.
  rows = Array.from({ length: ROWS }, (_, r) => {
    const length = 96 + (r % 31);
    const body = Array.from({ length: length - 2 }, (_, j) => text[(r * 37 + j) % text.length]!);
    body[5] = unk!.id;
    body[9] = mask!.id;
    return [cls.id, ...body, sep.id, ...new Array<number>(SEQ - length).fill(pad!.id)];
  });
});

test("the rule is HF's for roberta-base: specials <s> <pad> </s> <unk> <mask>, random ids over len(tokenizer)", () => {
  expect([...rule.specialIds].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 50264]);
  expect(rule).toMatchObject({ probability: 0.15, maskId: 50264, vocabSize: 50265 });
});

test('15% of eligible tokens selected, 80% <mask> / 10% random / 10% kept, specials and padding never', () => {
  let eligible = 0;
  let selected = 0;
  let masked = 0;
  let randomized = 0;
  let kept = 0;
  const randomIds: number[] = [];
  // Broken rules are counted rather than asserted per token: half a million expects would take a minute.
  const broken = { specialTouched: 0, unselectedChanged: 0, wrongLabel: 0 };
  rows.forEach((ids, r) => {
    const { inputIds, labels } = maskSequence(ids, rule, 7, r);
    expect(inputIds).toHaveLength(SEQ);
    ids.forEach((id, j) => {
      if (rule.specialIds.has(id)) {
        if (inputIds[j] !== id || labels[j] !== IGNORE_INDEX) broken.specialTouched++;
        return;
      }
      eligible++;
      if (labels[j] === IGNORE_INDEX) {
        if (inputIds[j] !== id) broken.unselectedChanged++;
        return;
      }
      if (labels[j] !== id) broken.wrongLabel++; // selected: the label is the original token
      selected++;
      if (inputIds[j] === rule.maskId) masked++;
      else if (inputIds[j] === id) kept++;
      else {
        randomized++;
        randomIds.push(inputIds[j]!);
      }
    });
  });
  expect(broken).toEqual({ specialTouched: 0, unselectedChanged: 0, wrongLabel: 0 });
  expect(eligible).toBeGreaterThan(400_000);
  expect(within(selected / eligible, 0.15, eligible)).toBe(true);
  expect(within(masked / selected, 0.8, selected)).toBe(true);
  expect(within(randomized / selected, 0.1, selected)).toBe(true);
  expect(within(kept / selected, 0.1, selected)).toBe(true);

  // Uniform over 0 … 50264: ten equal bins, chi-square with 9 degrees of freedom (p < 1e-4 above 33.7).
  const bins = new Array<number>(10).fill(0);
  expect(randomIds.every((id) => Number.isInteger(id) && id >= 0 && id < 50265)).toBe(true);
  for (const id of randomIds) bins[Math.floor((id * 10) / 50265)]!++;
  const expected = randomIds.length / 10;
  const chiSquare = bins.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
  expect(chiSquare).toBeLessThan(33.7);
  expect(Math.min(...randomIds)).toBeLessThan(100);
  expect(Math.max(...randomIds)).toBeGreaterThan(50165);
});

test('a mask is a pure function of (seed, key): the same again, another for the next key or seed', () => {
  const ids = rows[0]!;
  const first = maskSequence(ids, rule, 7, 1234);
  expect(maskSequence(ids, rule, 7, 1234)).toEqual(first);
  const selectedBy = (labels: number[]): number[] => labels.flatMap((label, j) => (label === IGNORE_INDEX ? [] : [j]));
  expect(selectedBy(maskSequence(ids, rule, 7, 1235).labels)).not.toEqual(selectedBy(first.labels));
  expect(selectedBy(maskSequence(ids, rule, 8, 1234).labels)).not.toEqual(selectedBy(first.labels));
});

test('a key too large for the counter space is a RangeError, not a silently repeated mask', () => {
  expect(() => maskSequence(rows[0]!, rule, 7, 2 ** 50)).toThrow(/masking key must be an integer/);
  expect(() => maskSequence(rows[0]!, rule, 7, -1)).toThrow(RangeError);
});
