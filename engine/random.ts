// A counter-based random stream, for dropout masks. Number k of the stream with seed s is a pure
// function of (s, k) — murmur3's 32-bit finalizer applied to the counter's two words mixed with the
// seed — so a mask depends only on the seed and how many numbers came before it: the same on every
// backend, and reproducible from any point without replaying a generator's state.

/** murmur3's fmix32: every input bit flips each output bit with probability ~1/2. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Number `counter` (an integer below 2^53) of stream `seed`, uniform in [0, 1) with 32 random bits. */
export function counterUniform(seed: number, counter: number): number {
  const low = counter >>> 0;
  const high = Math.floor(counter / 4294967296) >>> 0;
  return fmix32(fmix32(low ^ fmix32(seed >>> 0)) ^ Math.imul(high + 1, 0x9e3779b1)) / 4294967296;
}

export class RandomStream {
  private counter = 0;

  constructor(readonly seed: number) {}

  /** The next `count` numbers, in [0, 1). */
  take(count: number): Float64Array {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = counterUniform(this.seed, this.counter + i);
    this.counter += count;
    return out;
  }
}
