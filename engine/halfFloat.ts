// Conversions between float32 and the two 16-bit float formats found in checkpoints.
//
//   float32   sign 1 | exponent 8 (bias 127) | mantissa 23
//   float16   sign 1 | exponent 5 (bias 15)  | mantissa 10   (IEEE 754 binary16)
//   bfloat16  sign 1 | exponent 8 (bias 127) | mantissa 7    (the top half of a float32)
//
// Widening to float32 is exact (every 16-bit value is a float32 value); for bfloat16 it is just a
// 16-bit shift of the bit pattern, done on whole arrays in elementType.ts. Narrowing rounds to nearest, ties to even, like a hardware conversion, so a value written and
// read back differs from the original by at most half a unit in the last place of the format.

// Scratch space to reinterpret a float32 as its bit pattern and back.
const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

function floatFromBits(bits: number): number {
  scratchBits[0] = bits;
  return scratchFloat[0]!;
}

function bitsFromFloat(value: number): number {
  scratchFloat[0] = value;
  return scratchBits[0]!;
}

/** float16 bit pattern (0…0xFFFF) → its exact value. */
export function halfBitsToFloat(half: number): number {
  const sign = (half & 0x8000) << 16;
  const exponent = (half >>> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  if (exponent === 0x1f) {
    // Infinity (mantissa 0) or NaN; the NaN payload moves to the top of the float32 mantissa.
    return floatFromBits(sign | 0x7f800000 | (mantissa << 13));
  }
  if (exponent === 0) {
    // Zero or subnormal: mantissa · 2^-24, exact in float32 (which has 8 exponent bits to spare).
    const magnitude = mantissa * 2 ** -24;
    return sign === 0 ? magnitude : -magnitude;
  }
  // Normal: rebias the exponent from 15 to 127 and widen the mantissa.
  return floatFromBits(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

/**
 * A float32 value → the nearest float16 bit pattern (ties to even; overflow → ±infinity). A
 * float64 argument is rounded to float32 first, as everything the engine holds is float32.
 */
export function floatToHalfBits(value: number): number {
  const bits = bitsFromFloat(value);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) {
    // Infinity stays infinity; NaN stays a (quiet) NaN even if its payload lived in the low bits.
    return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200 | (mantissa >>> 13));
  }
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // The result is subnormal (or zero): shift the mantissa, with its implicit leading 1, right
    // so that one unit is 2^-24. Values below half the smallest subnormal round to zero.
    if (halfExponent < -10) return sign;
    return sign | roundShiftRight(mantissa | 0x800000, 14 - halfExponent);
  }
  // A carry out of the mantissa correctly bumps the exponent (and 65520 and up become infinity).
  return sign | roundShiftRight((halfExponent << 23) | mantissa, 13);
}

/** A float32 value → the nearest bfloat16 bit pattern (ties to even; float64 is rounded to float32 first). */
export function floatToBfloat16Bits(value: number): number {
  const bits = bitsFromFloat(value);
  if ((bits & 0x7fffffff) > 0x7f800000) return (bits >>> 16) | 0x40; // NaN: keep it quiet
  return roundShiftRight(bits, 16);
}

/** `value / 2^shift` rounded to nearest, ties to even (value is a non-negative integer < 2^32). */
function roundShiftRight(value: number, shift: number): number {
  const kept = Math.floor(value / 2 ** shift);
  const dropped = value - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return dropped > half || (dropped === half && (kept & 1) === 1) ? kept + 1 : kept;
}

let halfTable: Uint32Array | undefined;

/** The float32 bits of all 65536 float16 values: a lookup is much faster than decoding each one. */
function halfToFloatBitsTable(): Uint32Array {
  halfTable ??= new Uint32Array(Float32Array.from({ length: 0x10000 }, (_, bits) => halfBitsToFloat(bits)).buffer);
  return halfTable;
}

/** float16 bit patterns → their float32 values (exact), written to `out` (a new array by default). */
export function widenHalves(halves: Uint16Array, out: Float32Array = new Float32Array(halves.length)): Float32Array {
  const table = halfToFloatBitsTable();
  const outBits = new Uint32Array(out.buffer, out.byteOffset, halves.length);
  for (let i = 0; i < halves.length; i++) outBits[i] = table[halves[i]!]!;
  return out;
}

/** float32 values → the nearest float16 bit patterns (ties to even), as floatToHalfBits does one. */
export function narrowToHalves(values: ArrayLike<number>): Uint16Array {
  return Uint16Array.from({ length: values.length }, (_, i) => floatToHalfBits(values[i]!));
}
