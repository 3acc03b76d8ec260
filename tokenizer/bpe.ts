// Byte-pair encoding of one pre-token. A word starts as one symbol per UTF-8 byte; then, as in
// GPT-2's `bpe()`, the adjacent pair whose merge rule has the lowest rank (merges.txt, highest
// priority first) is merged everywhere in the word, left to right, and this repeats until no
// adjacent pair has a rule.
//
// Done literally, every step rescans the whole word: O(n²), hopeless for a 1 MB "word" of one
// repeated letter. Here the word is a doubly linked list of symbols, and every adjacent pair
// that has a rule is filed in a bucket under its rank; a min-heap holds the ranks that have a
// bucket. Taking the lowest rank and walking its bucket in position order IS the "merge every
// occurrence left to right" step. A merge only changes the pairs with its two neighbours, which
// are filed in their own buckets, so a word costs O(n log n). Filed pairs are never updated:
// one that no longer exists (a neighbour was merged away first) is skipped when its turn comes.
// A merge never re-creates its own pair, so a bucket, once taken, is complete.

import { MinHeap } from './minHeap.js';

/** One merge rule in token ids: `left` followed by `right` becomes `merged`. */
export interface MergeRule {
  readonly left: number;
  readonly right: number;
  readonly merged: number;
}

/**
 * The merge rules of a vocabulary, looked up by the pair of token ids. This lookup is the inner
 * loop of BPE, so it is an open-addressing hash table over typed arrays (linear probing, load
 * factor ≤ 1/2) rather than a Map, whose keys for 50k × 50k id pairs would not be small integers.
 */
export class MergeTable {
  private readonly mask: number;
  private readonly lefts: Int32Array;
  private readonly rights: Int32Array;
  private readonly ranks: Int32Array;
  private readonly mergedByRank: Int32Array;

  /** `rules` in priority order (rank = index). A repeated pair keeps its last rank, as in HF. */
  constructor(rules: readonly MergeRule[]) {
    let capacity = 16;
    while (capacity < 2 * rules.length) capacity *= 2;
    this.mask = capacity - 1;
    this.lefts = new Int32Array(capacity).fill(-1);
    this.rights = new Int32Array(capacity);
    this.ranks = new Int32Array(capacity);
    this.mergedByRank = new Int32Array(rules.length);
    rules.forEach((rule, rank) => {
      let slot = this.slotOf(rule.left, rule.right);
      while (this.lefts[slot] !== -1 && !(this.lefts[slot] === rule.left && this.rights[slot] === rule.right)) {
        slot = (slot + 1) & this.mask;
      }
      this.lefts[slot] = rule.left;
      this.rights[slot] = rule.right;
      this.ranks[slot] = rank;
      this.mergedByRank[rank] = rule.merged;
    });
  }

  private slotOf(left: number, right: number): number {
    // Plain arithmetic, no Math.imul: Math builtins are slow where they cannot be inlined (in
    // jest's vm context a call costs ~0.3 µs). On roberta-base this averages 1.3 probes per hit.
    return ((left * 40503) ^ (right * 30011)) & this.mask;
  }

  /** Number of rules. */
  get size(): number {
    return this.mergedByRank.length;
  }

  /** Rank of the rule merging `left` with `right`, or -1 if there is none. */
  rankOf(left: number, right: number): number {
    for (let slot = this.slotOf(left, right); ; slot = (slot + 1) & this.mask) {
      const stored = this.lefts[slot]!;
      if (stored === -1) return -1;
      if (stored === left && this.rights[slot] === right) return this.ranks[slot]!;
    }
  }

  /** The token id produced by the rule of rank `rank`. */
  mergedId(rank: number): number {
    return this.mergedByRank[rank]!;
  }
}

/** Result of BPE on one word: token ids and the index of each token's first byte. */
export interface MergedWord {
  readonly ids: Int32Array;
  readonly byteStarts: Int32Array;
}

/**
 * Run BPE on a word given as one token id per byte (`symbols`, which is overwritten).
 * Token k covers bytes `[byteStarts[k], byteStarts[k + 1])` (the last one up to the word's end).
 */
export function applyMerges(symbols: Int32Array, table: MergeTable): MergedWord {
  const n = symbols.length;
  const REMOVED = -1;
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1; // n means "no next symbol"
    prev[i] = i - 1;
  }
  // Positions of the pairs waiting for a merge, by rank, and the ranks that have a bucket.
  // At most one bucket per rule is open at a time, and at most 3n pairs are ever filed (the
  // n - 1 initial ones, then at most two per merge).
  const buckets = new Map<number, number[]>();
  const pendingRanks = new MinHeap(new Float64Array(Math.min(3 * n, table.size) + 1), 0);
  const file = (left: number, right: number, position: number): void => {
    const rank = table.rankOf(left, right);
    if (rank < 0) return;
    const bucket = buckets.get(rank);
    if (bucket !== undefined) {
      bucket.push(position);
    } else {
      buckets.set(rank, [position]);
      pendingRanks.push(rank);
    }
  };
  for (let i = 0; i + 1 < n; i++) file(symbols[i]!, symbols[i + 1]!, i);

  let remaining = n;
  while (pendingRanks.size > 0) {
    const rank = pendingRanks.pop();
    const positions = buckets.get(rank)!;
    buckets.delete(rank);
    // Filed in scan order, except pairs re-created later by merges elsewhere in the word.
    let ordered = true;
    for (let k = 1; k < positions.length && ordered; k++) ordered = positions[k - 1]! < positions[k]!;
    if (!ordered) positions.sort((a, b) => a - b);
    const merged = table.mergedId(rank);
    for (const pos of positions) {
      const right = next[pos]!;
      if (symbols[pos] === REMOVED || right === n) continue;
      if (table.rankOf(symbols[pos]!, symbols[right]!) !== rank) continue; // the pair is gone
      symbols[pos] = merged;
      symbols[right] = REMOVED;
      remaining--;
      const after = next[right]!;
      next[pos] = after;
      if (after < n) {
        prev[after] = pos;
        file(merged, symbols[after]!, pos);
      }
      const before = prev[pos]!;
      if (before >= 0) file(symbols[before]!, merged, before);
    }
  }

  const ids = new Int32Array(remaining);
  const byteStarts = new Int32Array(remaining);
  for (let pos = 0, k = 0; pos < n; pos = next[pos]!, k++) {
    ids[k] = symbols[pos]!;
    byteStarts[k] = pos;
  }
  return { ids, byteStarts };
}
