import { floatToBfloat16Bits, floatToHalfBits, halfBitsToFloat } from '../../engine/halfFloat.js';
import { allPatterns, float32FromBits, referenceBfloat16, referenceHalf } from '../model/weights/halfReference.js';

describe('float16 → float32', () => {
  it('decodes known bit patterns', () => {
    expect(halfBitsToFloat(0x3c00)).toBe(1);
    expect(halfBitsToFloat(0xc000)).toBe(-2);
    expect(halfBitsToFloat(0x7c00)).toBe(Infinity);
    expect(halfBitsToFloat(0xfc00)).toBe(-Infinity);
    expect(halfBitsToFloat(0x0001)).toBe(2 ** -24);
    expect(halfBitsToFloat(0x03ff)).toBe(1023 * 2 ** -24);
    expect(halfBitsToFloat(0x0400)).toBe(2 ** -14);
    expect(halfBitsToFloat(0x7bff)).toBe(65504);
    expect(halfBitsToFloat(0x3555)).toBe(0.333251953125);
    expect(Object.is(halfBitsToFloat(0x8000), -0)).toBe(true);
    expect(halfBitsToFloat(0x7e00)).toBeNaN();
    expect(halfBitsToFloat(0xfc01)).toBeNaN();
  });

  it('agrees with the IEEE definition on all 65536 patterns', () => {
    const wrong = allPatterns().filter((bits) => !Object.is(halfBitsToFloat(bits), referenceHalf(bits)));
    expect(wrong).toEqual([]);
  });
});

describe('float32 → float16 (round to nearest, ties to even)', () => {
  it('encodes every finite half value to itself', () => {
    const finite = allPatterns().filter((bits) => (bits & 0x7c00) !== 0x7c00);
    expect(finite.filter((bits) => floatToHalfBits(referenceHalf(bits)) !== bits)).toEqual([]);
  });

  it('rounds each midpoint between neighbours to the even one, and nearby values to the nearer one', () => {
    // A midpoint of two halves needs 12 significant bits, so it is exact in float32 (and float64).
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x7bff; bits++) {
      const low = referenceHalf(bits);
      const high = referenceHalf(bits + 1);
      const middle = (low + high) / 2;
      const even = bits % 2 === 0 ? bits : bits + 1;
      // middle ± step still has at most 22 significant bits: exact in float32.
      const step = (high - low) / 1024;
      if (
        floatToHalfBits(middle) !== even ||
        floatToHalfBits(-middle) !== (even | 0x8000) ||
        floatToHalfBits(middle - step) !== bits ||
        floatToHalfBits(middle + step) !== bits + 1
      ) {
        wrong.push(bits);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('handles overflow, underflow, infinities and NaN', () => {
    expect(floatToHalfBits(65519)).toBe(0x7bff);
    expect(floatToHalfBits(65520)).toBe(0x7c00); // the midpoint to "65536" rounds to even: infinity
    expect(floatToHalfBits(1e6)).toBe(0x7c00);
    expect(floatToHalfBits(-1e6)).toBe(0xfc00);
    expect(floatToHalfBits(Infinity)).toBe(0x7c00);
    expect(floatToHalfBits(2 ** -25)).toBe(0x0000); // half of the smallest subnormal: ties to even (0)
    expect(floatToHalfBits(2 ** -25 * 1.0001)).toBe(0x0001);
    expect(floatToHalfBits(2 ** -26)).toBe(0x0000);
    expect(floatToHalfBits(-(2 ** -30))).toBe(0x8000);
    expect(floatToHalfBits(1e-45)).toBe(0x0000); // a float32 subnormal
    const nan = floatToHalfBits(NaN);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x3ff).not.toBe(0);
  });
});

describe('float32 → bfloat16 (round to nearest, ties to even)', () => {
  it('encodes every finite bfloat16 value to itself', () => {
    const finite = allPatterns().filter((bits) => (bits & 0x7f80) !== 0x7f80);
    expect(finite.filter((bits) => floatToBfloat16Bits(referenceBfloat16(bits)) !== bits)).toEqual([]);
  });

  it('rounds ties to even and other values to the nearer neighbour', () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x7f7f; bits++) {
      const tie = bits * 65536 + 0x8000; // float32 exactly halfway between two bfloat16 values
      const even = bits % 2 === 0 ? bits : bits + 1;
      if (
        floatToBfloat16Bits(float32FromBits(tie)) !== even ||
        floatToBfloat16Bits(float32FromBits(tie - 1)) !== bits ||
        floatToBfloat16Bits(float32FromBits(tie + 1)) !== bits + 1
      ) {
        wrong.push(bits);
      }
    }
    expect(wrong).toEqual([]);
    expect(floatToBfloat16Bits(float32FromBits(0x7f7fffff))).toBe(0x7f80); // float32 max rounds up to infinity
    expect(floatToBfloat16Bits(-Infinity)).toBe(0xff80);
    const nan = floatToBfloat16Bits(float32FromBits(0x7f800001)); // a NaN whose payload is in the low bits
    expect(nan & 0x7f80).toBe(0x7f80);
    expect(nan & 0x7f).not.toBe(0);
  });
});
