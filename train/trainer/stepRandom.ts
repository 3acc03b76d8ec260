// Dropout masks keyed by the optimizer step: step k draws from its own counter-based stream, whose
// seed is number k of the run's seed stream, so the masks of step k do not depend on how many
// numbers earlier steps took — a run resumed at step k draws the masks the uninterrupted run drew.
// The tag keeps these streams apart from others keyed by the same seed and index (the MLM masks).

import { counterUniform, RandomStream } from '../../engine/random.js';

const DROPOUT_TAG = 0x64726f70; // "drop"

export function dropoutStream(seed: number, step: number): RandomStream {
  return new RandomStream(Math.floor(counterUniform((seed ^ DROPOUT_TAG) >>> 0, step) * 4294967296));
}
