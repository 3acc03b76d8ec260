// Merging the axes of strided layouts (layout.ts), and packing them for WGSL (uniforms.ts).

import { broadcastStrides, stridesOf } from '../../../engine/shape.js';
import { MAX_RANK, stridedLayout } from '../../../kernels/wgsl/layout.js';
import { Uniforms } from '../../../kernels/wgsl/uniforms.js';

describe('stridedLayout', () => {
  it('turns a contiguous copy into one axis', () => {
    expect(stridedLayout('t', [2, 3, 4], stridesOf([2, 3, 4]))).toEqual({ shape: [24], stridesA: [1], stridesB: [1] });
  });

  it('drops size-1 axes and merges what stays contiguous in both stride sets', () => {
    // [B, S, heads, D] → [B, heads, S, D]: the head split of attention keeps D contiguous only.
    const shape = [2, 12, 7, 16];
    const source = stridesOf([2, 7, 12, 16]);
    expect(stridedLayout('t', shape, [source[0], source[2], source[1], source[3]])).toEqual({
      shape: [2, 12, 7, 16],
      stridesA: [1344, 16, 192, 1],
      stridesB: [1344, 112, 16, 1],
    });
    expect(stridedLayout('t', [1, 5, 1, 3], [0, 3, 0, 1])).toEqual({ shape: [15], stridesA: [1], stridesB: [1] });
  });

  it('keeps broadcast axes (stride 0) apart from the ones they interrupt', () => {
    // [2, 3, 4] + [4]: b repeats along the first two axes, which still merge with each other.
    const out = [2, 3, 4];
    expect(stridedLayout('t', out, broadcastStrides([2, 3, 4], out), broadcastStrides([4], out))).toEqual({
      shape: [6, 4],
      stridesA: [4, 1],
      stridesB: [0, 1],
    });
  });

  it('refuses more than MAX_RANK axes that cannot merge, naming the op', () => {
    const shape = Array<number>(MAX_RANK + 1).fill(2);
    const reversed = stridesOf(shape).reverse();
    expect(() => stridedLayout('permute', shape, reversed)).toThrow(/^permute: the webgpu backend handles at most 8 axes that cannot be merged; this layout has 9/);
  });
});

describe('Uniforms', () => {
  it("packs scalars and a Strided struct with WGSL's alignment (16 bytes for the struct, rows of 16)", () => {
    const bytes = new Uniforms().u32(7).strided({ shape: [6, 4], stridesA: [4, 1], stridesB: [0, 1] }).f32(0.5).bytes();
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(bytes.byteLength).toBe(144); // 4, padding to 16, the struct's 112, then 4 → 132, rounded up to 144
    expect(words[0]).toBe(7);
    expect(Array.from(words.slice(4, 12))).toEqual([6, 4, 0, 0, 0, 0, 0, 0]); // shape
    expect(Array.from(words.slice(12, 20))).toEqual([4, 1, 0, 0, 0, 0, 0, 0]); // stridesA
    expect(Array.from(words.slice(20, 28))).toEqual([0, 1, 0, 0, 0, 0, 0, 0]); // stridesB
    expect(words[28]).toBe(2); // rank
    expect(new Float32Array(bytes.buffer, bytes.byteOffset + 128, 1)[0]).toBe(0.5);
  });

  it('refuses values a u32 cannot hold', () => {
    expect(() => new Uniforms().u32(-1)).toThrow(/uniform u32 out of range: -1/);
    expect(() => new Uniforms().u32(2 ** 32)).toThrow(/out of range/);
  });
});
