// How many tokens of each sequence survive truncation to `maxLength`, with the semantics of
// transformers' slow tokenizer (`truncate_sequences`, truncation_side='right'). `maxLength`
// counts the special tokens.

/**
 * The texts cannot be cut to the length asked for. A RangeError still (a length out of reach),
 * with a name of its own so callers can tell it from a programming error.
 */
export class TruncationError extends RangeError {
  override readonly name = 'TruncationError';
}

/** Which sequence(s) truncation may shorten. */
export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

/**
 * Lengths to keep for the first and second sequence (`secondLength` undefined for a single
 * text). Throws when the requested strategy cannot reach `maxLength`, where transformers only
 * logs an error and returns an over-long sequence.
 *
 * `longest_first` removes one token at a time from the longer sequence, from the second one
 * on a tie. So when both must be cut and an odd number of tokens remains, the first sequence
 * keeps the extra one (HF's Rust tokenizer gives it to the second).
 */
export function truncatedLengths(
  firstLength: number,
  secondLength: number | undefined,
  maxLength: number,
  specialTokens: number,
  strategy: TruncationStrategy,
): [number, number] {
  let first = firstLength;
  let second = secondLength ?? 0;
  const excess = first + second + specialTokens - maxLength;
  if (excess <= 0) return [first, second];
  if (maxLength < specialTokens) {
    throw new TruncationError(`cannot truncate to max_length ${maxLength}: the special tokens alone take ${specialTokens}`);
  }
  const impossible = (which: string, length: number): TruncationError =>
    new TruncationError(
      `cannot truncate with '${strategy}' to max_length ${maxLength}: ${excess} tokens must go ` +
        `but the ${which} sequence has only ${length}`,
    );
  if (strategy === 'only_second' && secondLength === undefined) {
    throw new TruncationError(`truncation 'only_second' needs a text pair`);
  }
  if (strategy === 'only_first' || (strategy === 'longest_first' && secondLength === undefined)) {
    if (first <= excess) throw impossible('first', first);
    return [first - excess, second];
  }
  if (strategy === 'only_second') {
    if (second <= excess) throw impossible('second', second);
    return [first, second - excess];
  }
  for (let i = 0; i < excess; i++) {
    if (first > second) first--;
    else second--;
  }
  return [first, second];
}
