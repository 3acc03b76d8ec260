// Which matrix-product kernel each adapter kind picks (tuning.ts), for RoBERTa's products.

import { TUNINGS } from '../../../kernels/wgsl/tuning.js';

/** An M×K by K×N product (the kernel benchmark writes it M×K×N). */
const product = (M: number, N: number, K: number, batches = 1) => ({ M, N, K, batches });

describe('matmul choice', () => {
  it('on a GPU: naive for tiny products, tiled while the 64×64 blocks are too few to fill it, blocked from 64 blocks on', () => {
    const choose = TUNINGS.hardware.chooseMatmul;
    expect(choose(product(1, 4, 768))).toBe('naive');
    expect(choose(product(8, 8, 8))).toBe('naive');
    // 128 tokens: projections and feed-forward down 2×12 blocks, feed-forward up 2×48.
    expect(choose(product(128, 768, 768))).toBe('tiled');
    expect(choose(product(128, 768, 3072))).toBe('tiled');
    expect(choose(product(128, 3072, 768))).toBe('blocked');
    // 12 heads of 128×128 scores: 2×2 blocks each, 48 in all.
    expect(choose(product(128, 128, 64, 12))).toBe('tiled');
    // 8×512 tokens: 64×12 blocks and more.
    expect(choose(product(4096, 768, 768))).toBe('blocked');
    expect(choose(product(4096, 768, 3072))).toBe('blocked');
    expect(choose(product(512, 768, 768))).toBe('blocked'); // 8×12 blocks
    expect(choose(product(64 * 8, 64 * 8, 768))).toBe('blocked'); // 8×8 = 64 blocks
    expect(choose(product(64 * 5, 64 * 12, 768))).toBe('tiled'); // 5×12 = 60 blocks
  });

  it('on SwiftShader: blocked for everything but tiny products', () => {
    const choose = TUNINGS.software.chooseMatmul;
    expect(choose(product(8, 8, 8))).toBe('naive');
    expect(choose(product(128, 768, 768))).toBe('blocked');
    expect(choose(product(128, 128, 64, 12))).toBe('blocked');
  });
});
