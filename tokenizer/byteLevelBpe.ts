// The BPE model proper: one pre-token in, token ids and their character offsets out, with a
// bounded cache in front of the merge loop.

import { applyMerges } from './bpe.js';
import type { MergeTable } from './bpe.js';
import { encodeUtf8Slice } from './utf8.js';
import { BoundedCache, MAX_CACHED_WORD_LENGTH, detachedSubstring } from './wordCache.js';

const SPACE_BYTE = 0x20;

/**
 * A word's tokens as consecutive triples `(id, start, end)`; `[start, end)` is in UTF-16 code
 * units relative to the word's first character.
 */
export type WordTokens = Int32Array;

export class ByteLevelBpe {
  private readonly cache: BoundedCache<WordTokens>;

  /**
   * @param byteIds token id of each single byte (all 256 must exist, so no byte is ever unknown)
   * @param trimOffsets leave leading/trailing spaces ('Ġ') out of a token's offsets, like HF's
   *   `trim_offsets=true`: 'Ġworld' in "hello world" gets the offsets of "world".
   */
  constructor(
    private readonly merges: MergeTable,
    private readonly byteIds: Int32Array,
    private readonly trimOffsets: boolean,
    cacheCapacity: number,
  ) {
    this.cache = new BoundedCache(cacheCapacity);
  }

  /** Number of words currently cached. */
  get cacheSize(): number {
    return this.cache.size;
  }

  /** Tokens of the pre-token `text[from, to)`. The result may be shared: do not modify it. */
  encodeWord(text: string, from: number, to: number): WordTokens {
    if (to - from > MAX_CACHED_WORD_LENGTH) return this.computeWord(text, from, to);
    let tokens = this.cache.get(text.slice(from, to));
    if (tokens === undefined) {
      tokens = this.computeWord(text, from, to);
      this.cache.set(detachedSubstring(text, from, to), tokens);
    }
    return tokens;
  }

  private computeWord(text: string, from: number, to: number): WordTokens {
    const { bytes, charStart, charEnd } = encodeUtf8Slice(text, from, to);
    const symbols = new Int32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) symbols[i] = this.byteIds[bytes[i]!]!;
    const { ids, byteStarts } = applyMerges(symbols, this.merges);
    const out = new Int32Array(3 * ids.length);
    for (let k = 0; k < ids.length; k++) {
      const first = byteStarts[k]!;
      const last = (k + 1 < ids.length ? byteStarts[k + 1]! : bytes.length) - 1;
      // A token that splits a multi-byte character (emoji are often cut in two or three) gets
      // the span of the whole character, as in HF's fast tokenizer.
      let start = charStart[first]!;
      let end = charEnd[last]!;
      if (this.trimOffsets) {
        let leading = 0;
        while (first + leading <= last && bytes[first + leading] === SPACE_BYTE) leading++;
        let trailing = 0;
        while (last - trailing >= first && bytes[last - trailing] === SPACE_BYTE) trailing++;
        start = start + leading < end ? start + leading : end;
        end = end - trailing > start ? end - trailing : start;
      }
      out[3 * k] = ids[k]!;
      out[3 * k + 1] = start;
      out[3 * k + 2] = end;
    }
    return out;
  }
}
