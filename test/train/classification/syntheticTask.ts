// The synthetic fine-tuning task of the classification tests: sentences of random filler words
// holding one sentiment word from one of two sets, labelled by the set; and a byte-level BPE made for
// its words (the 256 byte tokens, RoBERTa's special tokens, merges that spell each word whole), so a
// tiny model needs no 50k-row embedding table.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { counterUniform } from '../../../engine/random.js';
import { BYTE_TO_CHAR } from '../../../tokenizer/byteLevel.js';

export const GOOD = ['good', 'great', 'nice', 'lovely', 'happy'];
export const BAD = ['bad', 'awful', 'poor', 'sad', 'boring'];
export const FILLER = ['the', 'movie', 'was', 'a', 'day', 'it', 'and', 'with', 'this', 'story', 'food', 'my', 'friend', 'felt'];

/** vocab.json and merges.txt: <s> <pad> </s> <unk>, the byte tokens, each word (and "Ġ" + word) merged letter by letter, <mask>. */
export function writeTokenizer(dir: string): number {
  const vocab = new Map<string, number>(['<s>', '<pad>', '</s>', '<unk>', ...BYTE_TO_CHAR].map((token, id) => [token, id]));
  const merges: string[] = [];
  for (const word of [...GOOD, ...BAD, ...FILLER]) {
    for (const spelled of [word, `Ġ${word}`]) {
      let prefix = spelled[0];
      for (const char of spelled.slice(1)) {
        const merge = `${prefix} ${char}`;
        prefix += char;
        if (vocab.has(prefix)) continue; // a prefix another word made ("Ġg": good, great)
        merges.push(merge);
        vocab.set(prefix, vocab.size);
      }
    }
  }
  vocab.set('<mask>', vocab.size);
  mkdirSync(dir);
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify(Object.fromEntries(vocab)));
  writeFileSync(join(dir, 'merges.txt'), `#version: 0.2\n${merges.join('\n')}\n`);
  return vocab.size;
}

/** Example `i` of stream `seed`: 2–5 filler words with one sentiment word among them. */
export function example(seed: number, i: number): { text: string; label: string } {
  const u = (k: number) => counterUniform(seed, i * 16 + k);
  const pick = <T>(list: readonly T[], k: number) => list[Math.floor(u(k) * list.length)];
  const good = u(0) < 0.5;
  const words = Array.from({ length: 2 + Math.floor(u(1) * 4) }, (_, k) => pick(FILLER, 2 + k));
  words.splice(Math.floor(u(8) * (words.length + 1)), 0, pick(good ? GOOD : BAD, 9));
  return { text: words.join(' '), label: good ? 'positive' : 'negative' };
}

