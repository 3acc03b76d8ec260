// A small deterministic pseudo-random generator for benchmark weights and inputs.
//
// mulberry32 (Tommy Ettinger, 2017): a 32-bit state advanced by a Weyl sequence and scrambled by
// two multiply-xorshift rounds. It is not cryptographic and its period is only 2^32, but it is
// tiny, fast in JavaScript (Math.imul keeps every step in exact 32-bit integer arithmetic) and
// gives the same bits on every engine and platform — which is the point: a benchmark model made
// today must be byte-identical to one made on another machine next year.
//
// Normal-ish values come from the Irwin–Hall construction (the sum of four uniforms, centred and
// scaled to unit variance) rather than Box–Muller, because Box–Muller needs Math.log and Math.cos,
// whose last bits the ECMAScript spec leaves to the engine. Sums and products of doubles are
// exactly specified by IEEE 754, so these values are reproducible bit for bit. The distribution
// is bounded at ±2√3 ≈ ±3.46 standard deviations, which is harmless for benchmark weights.

const TWO_POW_32 = 4294967296;
/** The sum of 4 uniforms on [0, 1) has mean 2 and variance 4/12; √3 scales it to variance 1. */
const IRWIN_HALL_SCALE = Math.sqrt(3);

export class Mulberry32 {
  private state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`Mulberry32: the seed must be an integer, got ${seed}`);
    this.state = seed >>> 0;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform on [0, 1). */
  nextUniform(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** An integer uniform on [low, high), by the multiply-shift map (bias below 2^-32 · range). */
  nextInt(low: number, high: number): number {
    return low + Math.floor(this.nextUniform() * (high - low));
  }

  /** Approximately standard normal: mean 0, variance 1, bounded at ±√12 (see the file comment). */
  nextNormal(): number {
    return (this.nextUniform() + this.nextUniform() + this.nextUniform() + this.nextUniform() - 2) * IRWIN_HALL_SCALE;
  }
}

/**
 * A seed for one named stream: FNV-1a over the name's UTF-16 code units, starting from `seed`.
 * Each tensor gets its own stream, so its values do not depend on which tensors come before it.
 */
export function streamSeed(seed: number, name: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
