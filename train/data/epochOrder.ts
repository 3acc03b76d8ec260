// The order in which an epoch feeds the sequences: a seeded Fisher–Yates shuffle, a fresh one per
// epoch. Swap i draws counter epoch·n + i of the order's stream, so epoch e's order is a pure
// function of (seed, e): a resumed run recomputes it without any saved state.

import { counterUniform } from '../../engine/random.js';
import { derivedSeed } from './seeds.js';

/** A permutation of 0 … n−1, epoch `epoch`'s order under `seed`. */
export function epochOrder(seed: number, epoch: number, n: number): Uint32Array {
  const stream = derivedSeed(seed, 'epochOrder');
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(counterUniform(stream, epoch * n + i) * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}
