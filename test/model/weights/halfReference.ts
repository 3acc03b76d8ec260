// Test helper: independent definitions of the 16-bit float formats, straight from IEEE 754
// binary16 and the bfloat16 layout (the top half of a float32), to check the library against.

export function referenceHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

export function referenceBfloat16(bits: number): number {
  return float32FromBits(bits * 65536);
}

export function float32FromBits(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits);
  return view.getFloat32(0);
}

export function allPatterns(): number[] {
  return Array.from({ length: 0x10000 }, (_, bits) => bits);
}
