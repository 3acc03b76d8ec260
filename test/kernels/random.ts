// A tiny seeded generator for test inputs, so every run and every backend sees the same numbers
// and a failure can be reproduced. mulberry32: a 32-bit state, good enough statistics for tests,
// and simple enough to port anywhere.

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A uniform integer in [lo, hi] (both ends included). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** `size` float32 values uniform in [lo, hi). */
  floats(size: number, lo = -1, hi = 1): Float32Array {
    return Float32Array.from({ length: size }, () => this.uniform(lo, hi));
  }

  /** `size` int32 values uniform in [lo, hi]. */
  ints(size: number, lo: number, hi: number): Int32Array {
    return Int32Array.from({ length: size }, () => this.int(lo, hi));
  }

  /** `size` values drawn from `choices` (for exact ties and special values). */
  pick(size: number, choices: readonly number[]): number[] {
    return Array.from({ length: size }, () => choices[this.int(0, choices.length - 1)]);
  }
}

/** A seed derived from a name (FNV-1a), so each case's inputs do not depend on the order cases run in. */
export function seedFrom(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
