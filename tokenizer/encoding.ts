// What encoding returns, and how RoBERTa's special tokens frame one or two sequences.

/** `[start, end)` in UTF-16 code units of the input string (what `text.slice(start, end)` takes). */
export type Offsets = [number, number];

/** The tokens of one text before special tokens are added. */
export interface TokenSequence {
  readonly ids: number[];
  readonly tokens: string[];
  readonly offsets: Offsets[];
}

/**
 * One encoded input, all arrays of the same length.
 *
 * Offsets are `[start, end)` in UTF-16 code units of the ORIGINAL string the token came from
 * (for a pair, the second text's tokens point into the second text). They follow HF's
 * fast tokenizer with `trim_offsets=true`: the leading space of 'Ġword' is not part of its
 * offsets, a token made only of spaces gets an empty span at its end, a token holding part of a
 * multi-byte character spans that whole character, an added token in the text spans the token
 * itself (not the whitespace `<mask>` strips), and special tokens added around the sequences
 * and padding get `[0, 0]`. (HF's fast tokenizer counts offsets in code points; here they are
 * code units, so they index JavaScript strings directly.)
 */
export interface Encoding {
  readonly ids: number[];
  readonly tokens: string[];
  readonly offsets: Offsets[];
  /** 1 for real tokens (special tokens included), 0 for padding. */
  readonly attentionMask: number[];
}

/** A special token as an id and its string. */
export interface TokenRef {
  readonly id: number;
  readonly content: string;
}

/** `<s> A </s>` or `<s> A </s></s> B </s>` (RoBERTa's post-processor); or just A (B) without. */
export function frameSequences(
  first: TokenSequence,
  second: TokenSequence | undefined,
  specials: { readonly cls: TokenRef; readonly sep: TokenRef } | undefined,
): Encoding {
  if (specials === undefined && second === undefined) {
    return { ...first, attentionMask: new Array<number>(first.ids.length).fill(1) };
  }
  // Built with concat, which copies whole arrays natively: a long text has a million tokens.
  const parts: TokenSequence[] = [];
  const special = (token: TokenRef): TokenSequence => ({ ids: [token.id], tokens: [token.content], offsets: [[0, 0]] });
  if (specials) parts.push(special(specials.cls));
  parts.push(first);
  if (specials) parts.push(special(specials.sep));
  if (second) {
    if (specials) parts.push(special(specials.sep));
    parts.push(second);
    if (specials) parts.push(special(specials.sep));
  }
  const [head, ...rest] = parts as [TokenSequence, ...TokenSequence[]];
  const ids = head.ids.concat(...rest.map((part) => part.ids));
  return {
    ids,
    tokens: head.tokens.concat(...rest.map((part) => part.tokens)),
    offsets: head.offsets.concat(...rest.map((part) => part.offsets)),
    attentionMask: new Array<number>(ids.length).fill(1),
  };
}

/** Number of special tokens {@link frameSequences} adds. */
export function specialTokenCount(isPair: boolean, addSpecialTokens: boolean): number {
  if (!addSpecialTokens) return 0;
  return isPair ? 4 : 2;
}

/** The first `length` tokens of a sequence. */
export function truncateSequence(sequence: TokenSequence, length: number): TokenSequence {
  if (length >= sequence.ids.length) return sequence;
  return {
    ids: sequence.ids.slice(0, length),
    tokens: sequence.tokens.slice(0, length),
    offsets: sequence.offsets.slice(0, length),
  };
}

/** Right-pad to `length` with `pad` (attention mask 0, offsets [0, 0]); longer encodings are kept. */
export function padEncoding(encoding: Encoding, length: number, pad: TokenRef): Encoding {
  const missing = length - encoding.ids.length;
  if (missing <= 0) return encoding;
  const ids = encoding.ids.slice();
  const tokens = encoding.tokens.slice();
  const offsets = encoding.offsets.slice();
  const attentionMask = encoding.attentionMask.slice();
  for (let i = 0; i < missing; i++) {
    ids.push(pad.id);
    tokens.push(pad.content);
    offsets.push([0, 0]);
    attentionMask.push(0);
  }
  return { ids, tokens, offsets, attentionMask };
}
