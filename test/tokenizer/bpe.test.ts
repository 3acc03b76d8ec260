import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MergeTable, applyMerges } from '../../tokenizer/bpe.js';
import type { MergeRule } from '../../tokenizer/bpe.js';
import { MinHeap } from '../../tokenizer/minHeap.js';
import { byteLevelSymbols } from './byteLevelReference.js';
import { CASES, ROBERTA_DIR, robertaBase } from './fixtures.js';
import { seededRandom } from './random.js';

// Independent definition: the merge loop of GPT-2's encoder.py / transformers' `bpe()`: find
// the adjacent pair with the lowest rank, merge all its occurrences left to right, repeat.
function referenceBpe(symbols: string[], rankOf: (left: string, right: string) => number | undefined): string[] {
  let word = symbols;
  for (;;) {
    let best: [string, string] | undefined;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < word.length; i++) {
      const rank = rankOf(word[i]!, word[i + 1]!);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = [word[i]!, word[i + 1]!];
      }
    }
    if (best === undefined) return word;
    const merged: string[] = [];
    for (let i = 0; i < word.length; ) {
      if (i + 1 < word.length && word[i] === best[0] && word[i + 1] === best[1]) {
        merged.push(best[0] + best[1]);
        i += 2;
      } else {
        merged.push(word[i]!);
        i += 1;
      }
    }
    word = merged;
  }
}

describe('applyMerges', () => {
  it('equals the reference loop on random merge tables', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 300; trial++) {
      // Rules are "trained" in order: each joins two symbols that already exist, as BPE training does.
      const symbols = ['a', 'b', 'c'];
      const ids = new Map(symbols.map((s, i) => [s, i]));
      const rules: MergeRule[] = [];
      const ranks = new Map<string, number>();
      for (let r = 0; r < 12; r++) {
        const left = symbols[Math.floor(random() * symbols.length)]!;
        const right = symbols[Math.floor(random() * symbols.length)]!;
        if (ranks.has(`${left} ${right}`)) continue;
        if (!ids.has(left + right)) {
          ids.set(left + right, symbols.length);
          symbols.push(left + right);
        }
        ranks.set(`${left} ${right}`, rules.length);
        rules.push({ left: ids.get(left)!, right: ids.get(right)!, merged: ids.get(left + right)! });
      }
      const table = new MergeTable(rules);
      const byId = [...ids.keys()];
      for (let w = 0; w < 10; w++) {
        const word = Array.from({ length: 1 + Math.floor(random() * 15) }, () => 'abc'[Math.floor(random() * 3)]!);
        const { ids: merged, byteStarts } = applyMerges(Int32Array.from(word, (s) => ids.get(s)!), table);
        const tokens = [...merged].map((id) => byId[id]!);
        expect([word.join(''), tokens]).toEqual([word.join(''), referenceBpe(word, (l, r) => ranks.get(`${l} ${r}`))]);
        expect([...byteStarts]).toEqual(tokens.map((_, k) => tokens.slice(0, k).join('').length));
      }
    }
  });

  it('handles empty and one-symbol words', () => {
    const table = new MergeTable([{ left: 0, right: 0, merged: 1 }]);
    expect([...applyMerges(new Int32Array(0), table).ids]).toEqual([]);
    expect([...applyMerges(Int32Array.of(0), table).ids]).toEqual([0]);
    expect([...applyMerges(Int32Array.of(0, 0, 0), table).ids]).toEqual([1, 0]);
  });

  it('gives roberta-base the tokens of the reference loop with merges.txt', async () => {
    const tokenizer = await robertaBase();
    const lines = readFileSync(join(ROBERTA_DIR, 'merges.txt'), 'utf8').split('\n').slice(1);
    const ranks = new Map(lines.filter((line) => line !== '').map((line, rank) => [line, rank]));
    const rankOf = (left: string, right: string): number | undefined => ranks.get(`${left} ${right}`);
    const words = new Set<string>();
    for (const c of CASES.single) for (const word of c.text.match(/ ?\p{L}+| ?\p{N}+/gu) ?? []) words.add(word);
    for (const word of ['Ġ', ' antidisestablishmentarianism', ' pneumonoultramicroscopic', ' 1234567890', 'aaaaaaaaaaaaaaa']) {
      words.add(word);
    }
    expect(words.size).toBeGreaterThan(300);
    for (const word of words) expect([word, tokenizer.tokenize(word)]).toEqual([word, referenceBpe(byteLevelSymbols(word), rankOf)]);
  });
});

describe('MinHeap', () => {
  it('pops in ascending order', () => {
    const random = seededRandom(3);
    const values = Array.from({ length: 200 }, () => Math.floor(random() * 1000));
    const storage = new Float64Array(300);
    storage.set(values.slice(0, 100));
    const heap = new MinHeap(storage, 100);
    for (const value of values.slice(100)) heap.push(value);
    const popped: number[] = [];
    while (heap.size > 0) popped.push(heap.pop());
    expect(popped).toEqual([...values].sort((a, b) => a - b));
  });

  it('refuses to grow past its capacity', () => {
    const heap = new MinHeap(new Float64Array(1), 0);
    heap.push(1);
    expect(() => heap.push(2)).toThrow(RangeError);
  });
});
