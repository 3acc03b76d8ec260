// One user seed feeds several counter-based streams (the epoch order, the masks, the trainer's
// dropout). Each use draws from its own seed, derived from the user's by a counter far above any
// that the streams themselves reach, so the order, the masks and dropout are independent of each
// other while every one of them stays a pure function of the user's seed.

import { counterUniform } from '../../engine/random.js';

/** Counters from 2^52 up are reserved for deriving seeds; a stream's own counters stay below. */
const DERIVATION_BASE = 2 ** 52;

/** Which stream a derived seed is for. */
export const SEED_USES = { epochOrder: 1, masking: 2 } as const;

/** A 32-bit seed for `use`, derived from `seed`. */
export function derivedSeed(seed: number, use: keyof typeof SEED_USES): number {
  return Math.floor(counterUniform(seed, DERIVATION_BASE + SEED_USES[use]) * 4294967296);
}
