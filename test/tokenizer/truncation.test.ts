import { truncatedLengths } from '../../tokenizer/truncation.js';
import type { TruncationStrategy } from '../../tokenizer/truncation.js';
import { CASES, robertaBase } from './fixtures.js';

// Independent definition: transformers 4.36 `truncate_sequences` (truncation_side='right'),
// transliterated, with its "logs an error and does not truncate" cases returned as undefined.
function pythonTruncate(
  ids: number,
  pair: number | undefined,
  remove: number,
  strategy: TruncationStrategy,
): [number, number] | undefined {
  let first = ids;
  let second = pair ?? 0;
  if (remove <= 0) return [first, second];
  if (strategy === 'only_first' || (strategy === 'longest_first' && pair === undefined)) {
    return first > remove ? [first - remove, second] : undefined;
  }
  if (strategy === 'longest_first') {
    for (let i = 0; i < remove; i++) {
      if (first > second) first -= 1;
      else second -= 1;
    }
    return [first, second];
  }
  return pair !== undefined && second > remove ? [first, second - remove] : undefined;
}

describe('truncatedLengths', () => {
  it('follows transformers wherever transformers can truncate, and throws where it cannot', () => {
    const strategies: TruncationStrategy[] = ['longest_first', 'only_first', 'only_second'];
    for (const strategy of strategies) {
      for (let first = 0; first <= 9; first++) {
        for (const second of [undefined, 0, 1, 2, 5, 9]) {
          const specials = second === undefined ? 2 : 4;
          for (let maxLength = specials; maxLength <= 20; maxLength++) {
            const remove = first + (second ?? 0) + specials - maxLength;
            const expected = pythonTruncate(first, second, remove, strategy);
            let outcome: [number, number] | string;
            try {
              outcome = truncatedLengths(first, second, maxLength, specials, strategy);
            } catch (error) {
              outcome = (error as Error).name;
            }
            const label = `${strategy} ${first}+${second} → ${maxLength}`;
            expect([label, outcome]).toEqual([label, expected ?? 'TruncationError']);
          }
        }
      }
    }
  });

  it('gives the odd token to the first sequence under longest_first, like the Python tokenizer', () => {
    expect(truncatedLengths(10, 10, 11, 4, 'longest_first')).toEqual([4, 3]);
    expect(truncatedLengths(3, 10, 11, 4, 'longest_first')).toEqual([3, 4]);
  });

  it('explains why it cannot truncate', () => {
    expect(() => truncatedLengths(5, undefined, 1, 2, 'longest_first')).toThrow(/special tokens alone take 2/);
    expect(() => truncatedLengths(2, 9, 8, 4, 'only_first')).toThrow(/7 tokens must go but the first sequence has only 2/);
    expect(() => truncatedLengths(9, 2, 8, 4, 'only_second')).toThrow(/7 tokens must go but the second sequence has only 2/);
    expect(() => truncatedLengths(9, undefined, 8, 2, 'only_second')).toThrow(/needs a text pair/);
  });
});

// The defaults of transformers 4.36.2's PreTrainedTokenizerBase._get_padding_truncation_strategies,
// on roberta-base's tokenizer (which ships no tokenizer_config.json, so it has no model_max_length).
describe('truncation and padding defaults, as transformers resolves them', () => {
  const truncated = CASES.batches.find((c) => c.call.max_length === 6 && c.call.truncation === true && c.call.padding === undefined)!;

  it('max_length alone (no padding, no truncation named) truncates longest first: HF\'s ids for truncation=True', async () => {
    const tokenizer = await robertaBase();
    expect(tokenizer.encodeBatch(truncated.texts, { maxLength: 6 }).inputIds).toEqual(truncated.input_ids);
    // Naming truncation false, or asking for padding, keeps every token (HF: `padding is False and truncation is None`).
    const whole = tokenizer.encodeBatch(truncated.texts).inputIds;
    expect(whole.some((ids) => ids.length > 6)).toBe(true);
    expect(tokenizer.encodeBatch(truncated.texts, { maxLength: 6, truncation: false }).inputIds).toEqual(whole);
    const longest = Math.max(...whole.map((ids) => ids.length));
    expect(tokenizer.encodeBatch(truncated.texts, { maxLength: 6, padding: true }).inputIds.every((ids) => ids.length === longest)).toBe(true);
  });

  it('truncation or max_length padding with no length anywhere does neither ("Default to no truncation" / "no padding")', async () => {
    const tokenizer = await robertaBase();
    const text = truncated.texts.find((t) => tokenizer.encode(t).ids.length > 6)!;
    const plain = tokenizer.encode(text).ids;
    expect(tokenizer.modelMaxLength).toBeUndefined();
    expect(tokenizer.encode(text, undefined, { truncation: true }).ids).toEqual(plain);
    expect(tokenizer.encode(text, undefined, { padding: 'max_length' }).ids).toEqual(plain);
  });
});
