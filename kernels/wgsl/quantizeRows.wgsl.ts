// quantizedLinear, step 1 of 2: each row of x quantized to int8 with a scale of its own, exactly
// as engine/quantize.ts's quantizeActivationRow (the CPU spec) does it, one workgroup per row:
//   a = max |x[r, i]|;  inverse = f32(127 / a);  x_q = clamp(round(f32(x · inverse)), −127, 127);
//   s_x = f32(a / 127)  (a = 0: s_x = 0 and x_q = 0, so the row's output is the bias)
// x_q is written four to a u32 word (byte e of word p is element 4p + e), each row padded with
// zeros to whole words; s_x to `rowScale`.
//
// The integer results must equal the CPU's bit for bit, so every step must round as float32 does
// on the CPU. WGSL's `*` and `round` (ties to even) are correctly rounded, but its f32 division is
// only good to 2.5 ulp: a quotient one ulp off moves x · inverse across a .5 now and then, and a
// value of x_q by one. So both quotients are computed by `divide` below, correctly rounded by
// integer long division of the mantissas.
//
// Rows whose largest |x| is below about 2⁻¹²¹ (127 / a overflows float32) are outside what this
// kernel reproduces: GPUs may flush such tiny values to zero, and WGSL leaves infinities undefined.

import { rowKernelMain, rowReduceWgsl } from './rows.wgsl.js';

/**
 * `divide(n, d)`: n / d rounded to the nearest float32, ties to even, for positive normal n and d
 * whose quotient is a normal float32 (beyond that range: the largest float32, or 0 where it
 * would be subnormal; WGSL has no infinity to give).
 */
export const correctlyRoundedDivideWgsl = /* wgsl */ `
fn divide(n: f32, d: f32) -> f32 {
  let nBits = bitcast<u32>(n);
  let dBits = bitcast<u32>(d);
  // n = nm · 2^(ne − 23), d = dm · 2^(de − 23), with 24-bit mantissas nm, dm in [2²³, 2²⁴).
  let nm = (nBits & 0x7fffffu) | 0x800000u;
  let dm = (dBits & 0x7fffffu) | 0x800000u;
  var exponent = i32(nBits >> 23u) - i32(dBits >> 23u);
  // Scale the dividend into [dm, 2·dm), so the quotient's first bit is 1 (r < 2²⁵ stays in a u32).
  var r = nm;
  if (r < dm) {
    r <<= 1u;
    exponent -= 1;
  }
  // 24 quotient bits, one per step of schoolbook binary division.
  var q = 0u;
  for (var k = 0u; k < 24u; k++) {
    q <<= 1u;
    if (r >= dm) {
      q |= 1u;
      r -= dm;
    }
    r <<= 1u;
  }
  // r is now twice the remainder: above dm, past the halfway point; equal, exactly halfway.
  if (r > dm || (r == dm && (q & 1u) == 1u)) {
    q += 1u;
    if (q == 0x1000000u) {
      q >>= 1u;
      exponent += 1;
    }
  }
  let biased = exponent + 127;
  if (biased >= 255) {
    return bitcast<f32>(0x7f7fffffu);
  }
  if (biased <= 0) {
    return 0.0;
  }
  return bitcast<f32>((u32(biased) << 23u) | (q & 0x7fffffu));
}
`;

export const quantizeRowsWgsl = (workgroupSize: number) => /* wgsl */ `
${rowReduceWgsl(workgroupSize)}
${correctlyRoundedDivideWgsl}

struct Params {
  rows: u32,
  n: u32,
  /** Words per row of x_q: ceil(n / 4). */
  words: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> xq: array<u32>;
@group(0) @binding(3) var<storage, read_write> rowScale: array<f32>;

${rowKernelMain(workgroupSize, `
  var m = 0.0;
  for (var i = t; i < n; i += WORKGROUP) {
    m = max(m, abs(x[start + i]));
  }
  let a = reduceMax(t, m);
  // a = 0: inverse 0 makes every x_q 0.
  let inverse = select(0.0, divide(127.0, a), a > 0.0);
  for (var p = t; p < params.words; p += WORKGROUP) {
    var word = 0u;
    for (var e = 0u; e < 4u; e++) {
      let i = 4u * p + e;
      if (i < n) {
        let q = i32(clamp(round(x[start + i] * inverse), -127.0, 127.0));
        word |= (bitcast<u32>(q) & 0xffu) << (8u * e);
      }
    }
    xq[row * params.words + p] = word;
  }
  if (t == 0u) {
    rowScale[row] = select(0.0, divide(a, 127.0), a > 0.0);
  }`)}
`;
