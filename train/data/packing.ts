// FULL-SENTENCES packing (the RoBERTa paper, §4.2): sequences cut from the token stream one after
// the other, each `<s>` + seqLen − 2 stream tokens + `</s>`, crossing document boundaries (the
// stream's `</s>` between documents stays where it falls). As Hugging Face's group_texts does, the
// tail too short for a whole sequence is dropped: every sequence has exactly seqLen tokens, so a
// batch needs no padding. Sequence k is stream tokens k·(seqLen − 2) … (k + 1)·(seqLen − 2) − 1.

import { DataFileError } from './errors.js';
import type { TokenIds } from './tokenCache.js';

export class PackedSequences {
  /** Number of whole sequences in the stream. */
  readonly count: number;
  private readonly body: number;

  constructor(
    private readonly ids: TokenIds,
    readonly seqLen: number,
    private readonly bos: number,
    private readonly eos: number,
    /** Names the text in errors (its files). */
    source: string,
  ) {
    if (!Number.isSafeInteger(seqLen) || seqLen < 3) {
      throw new RangeError(`the sequence length must be an integer of at least 3 (<s>, a token, </s>), got ${seqLen}`);
    }
    this.body = seqLen - 2;
    this.count = Math.floor(ids.length / this.body);
    if (this.count === 0) {
      throw new DataFileError(
        source,
        `too short for one sequence of ${seqLen} tokens: it has ${ids.length} tokens (with a </s> after each document), and a sequence holds ${this.body} between <s> and </s>`,
      );
    }
  }

  /** Sequence k: `<s>`, its stream tokens, `</s>`. */
  sequence(k: number): Uint32Array {
    if (!Number.isSafeInteger(k) || k < 0 || k >= this.count) throw new RangeError(`sequence ${k} does not exist: there are ${this.count}`);
    const out = new Uint32Array(this.seqLen);
    out[0] = this.bos;
    out.set(this.ids.read(k * this.body, this.body), 1);
    out[this.seqLen - 1] = this.eos;
    return out;
  }
}
