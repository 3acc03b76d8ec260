// Added tokens (`<s>`, `</s>`, `<mask>`, …) are matched in the raw text before any
// pre-tokenization, so "Hello</s>world" contains the `</s>` token and BPE never sees its
// characters. Among matches, the earliest wins, then the longest (HF's trie and aho-corasick).
// `lstrip` makes a token swallow the whitespace on its left (roberta-base's `<mask>`: "Hello
// <mask>!" → Hello, <mask>, !), `rstrip` the whitespace on its right.

import { isWhitespaceUnit } from './charClass.js';

/** A token matched verbatim in the input instead of being produced by BPE. */
export interface AddedToken {
  readonly content: string;
  readonly id: number;
  /** Special tokens are dropped by `decode(…, { skipSpecialTokens: true })`. */
  readonly special: boolean;
  readonly lstrip: boolean;
  readonly rstrip: boolean;
}

/** Marks a text segment in the output of {@link AddedTokenMatcher.split}. */
export const TEXT_SEGMENT = -1;

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export class AddedTokenMatcher {
  private readonly byContent = new Map<string, AddedToken>();
  private readonly pattern: RegExp | undefined;

  constructor(tokens: readonly AddedToken[]) {
    for (const token of tokens) {
      if (token.content === '') throw new Error(`added token ${token.id} has empty content`);
      this.byContent.set(token.content, token);
    }
    // Longest first, so that at one position the longest alternative is the one that matches.
    const contents = [...this.byContent.keys()].sort((a, b) => b.length - a.length);
    this.pattern = contents.length > 0 ? new RegExp(contents.map(escapeRegExp).join('|'), 'g') : undefined;
  }

  /**
   * Cut `text` into text segments and added tokens, appending triples `(kind, start, end)` to
   * `out`: `kind` is {@link TEXT_SEGMENT} for text to pre-tokenize, else the added token's id,
   * with `[start, end)` the token itself (without the whitespace it strips). Whitespace stripped
   * by `lstrip`/`rstrip` belongs to no segment; empty text segments are left out.
   */
  split(text: string, out: number[]): void {
    let segmentStart = 0;
    const pattern = this.pattern;
    if (pattern !== undefined) {
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        const token = this.byContent.get(match[0])!;
        const start = match.index;
        const end = start + match[0].length;
        let segmentEnd = start;
        if (token.lstrip) {
          while (segmentEnd > segmentStart && isWhitespaceUnit(text.charCodeAt(segmentEnd - 1))) segmentEnd--;
        }
        if (segmentEnd > segmentStart) out.push(TEXT_SEGMENT, segmentStart, segmentEnd);
        out.push(token.id, start, end);
        segmentStart = end;
        if (token.rstrip) {
          while (segmentStart < text.length && isWhitespaceUnit(text.charCodeAt(segmentStart))) segmentStart++;
        }
        pattern.lastIndex = segmentStart;
      }
    }
    if (segmentStart < text.length) out.push(TEXT_SEGMENT, segmentStart, text.length);
  }
}
