// quantizedLinear, step 2 of 2: the int8 product y = x_q · W_qᵀ, summed in i32 (exact), then
// scaled back to f32 and passed through linear's epilogue:
//   y[i, j] = act(f32(Σ_p x_q[i, p] · W_q[j, p]) · (s_x[i] · s_w[j]) + bias[j])
// Both operands are read as u32 words of four int8 (byte e of a word is element 4·word + e, as a
// little-endian Int8Array lays them out), so each load brings four elements and one
// `dot4I8Packed` (or four sign-extended products on the portable path, weightPaths.ts) does
// four multiply-adds.
//
// Register blocking as in matmulBlocked.wgsl.ts, over words instead of elements: each invocation
// holds a 4×4 block of i32 sums, a T×T workgroup a 4T×4T block of y; per step of 4 words (16
// elements) along K the workgroup stages 4T words of x_q and of W_q in workgroup memory, and each
// invocation then does 16 dot4 per word it reads — sixteen times the work per shared-memory read
// of one output per invocation (three times faster on SwiftShader).
//
// x_q comes from quantizeRows.wgsl.ts with each row padded to whole words (zeros), so its rows
// always start on a word. W_q is the weight tensor as stored: int8 [out, in] back to back, so
// when `in` is not a multiple of 4 row j starts mid-word; its words are then assembled from two
// neighbours (`weightWord`), and the bytes a row's last word takes from the next row meet x_q's
// zero padding.

import type { UnaryFn } from '../../engine/opTypes.js';
import { ACTIVATION_FN, activationsWgsl } from './activations.wgsl.js';

/** Words (of four int8) along K staged per barrier. */
const STEP = 4;

export interface Int8ProductVariant {
  readonly bias: boolean;
  readonly activation: UnaryFn | null;
  /** `dot4I8Packed` (language feature packed_4x8_integer_dot_product) rather than unpacking. */
  readonly packedDot: boolean;
  /** `in` is a multiple of 4: every weight row starts on a word. */
  readonly alignedRows: boolean;
  /** T: the workgroup is T×T invocations, each computing 4×4 outputs. */
  readonly threads: number;
}

/** The variant's pipeline cache key. */
export function int8ProductKey(variant: Int8ProductVariant): string {
  const parts = [variant.bias ? 'bias' : '', variant.activation ?? '', variant.packedDot ? 'dot4I8Packed' : 'unpacked', variant.alignedRows ? 'aligned' : 'unaligned', `${variant.threads}`];
  return `int8Product(${parts.filter(Boolean).join(',')})`;
}

/** Four int8 products summed, portably: extractBits on an i32 sign-extends the byte it takes. */
const unpackedDotWgsl = /* wgsl */ `
fn dot4(a: u32, b: u32) -> i32 {
  let x = bitcast<i32>(a);
  let w = bitcast<i32>(b);
  return extractBits(x, 0u, 8u) * extractBits(w, 0u, 8u) + extractBits(x, 8u, 8u) * extractBits(w, 8u, 8u)
       + extractBits(x, 16u, 8u) * extractBits(w, 16u, 8u) + extractBits(x, 24u, 8u) * extractBits(w, 24u, 8u);
}
`;

const packedDotWgsl = /* wgsl */ `
fn dot4(a: u32, b: u32) -> i32 {
  return dot4I8Packed(a, b);
}
`;

const alignedWeightWgsl = /* wgsl */ `
fn weightWord(j: u32, p: u32) -> u32 {
  return w[j * params.words + p];
}
`;

/** A word that starts at byte j·in + 4p, wherever that falls: the high bytes of one word and the low bytes of the next. */
const unalignedWeightWgsl = /* wgsl */ `
fn weightWord(j: u32, p: u32) -> u32 {
  let byte = j * params.K + 4u * p;
  let shift = (byte & 3u) * 8u;
  let low = w[byte >> 2u];
  if (shift == 0u) {
    return low;
  }
  // The last row's last word may end in the buffer's padding: stay inside the buffer.
  let high = w[min((byte >> 2u) + 1u, arrayLength(&w) - 1u)];
  return (low >> shift) | (high << (32u - shift));
}
`;

export const int8ProductWgsl = (variant: Int8ProductVariant) => {
  const biased = variant.bias ? 'sum + bias[j]' : 'sum';
  const activated = variant.activation ? `${ACTIVATION_FN[variant.activation]}(${biased})` : biased;
  return /* wgsl */ `
${variant.activation ? activationsWgsl : ''}
${variant.packedDot ? packedDotWgsl : unpackedDotWgsl}

struct Params {
  M: u32,
  N: u32,
  /** Elements per row (in). */
  K: u32,
  /** Words per row of x_q: ceil(K / 4). */
  words: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> xq: array<u32>;
@group(0) @binding(2) var<storage, read> rowScale: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<u32>;
@group(0) @binding(4) var<storage, read> weightScale: array<f32>;
${variant.bias ? '@group(0) @binding(5) var<storage, read> bias: array<f32>;' : ''}
@group(0) @binding(${variant.bias ? 6 : 5}) var<storage, read_write> y: array<f32>;

${variant.alignedRows ? alignedWeightWgsl : unalignedWeightWgsl}

fn loadX(i: u32, p: u32) -> u32 {
  if (i >= params.M || p >= params.words) {
    return 0u;
  }
  return xq[i * params.words + p];
}

fn loadW(j: u32, p: u32) -> u32 {
  if (j >= params.N || p >= params.words) {
    return 0u;
  }
  return weightWord(j, p);
}

const THREADS = ${variant.threads}u;
const BLOCK = ${4 * variant.threads}u;
const STEP = ${STEP}u;

var<workgroup> tileX: array<u32, ${4 * variant.threads * STEP}>; // [word p][row i]
var<workgroup> tileW: array<u32, ${4 * variant.threads * STEP}>; // [word p][output j]

fn dot4x4(x: u32, w: vec4<u32>) -> vec4<i32> {
  return vec4<i32>(dot4(x, w.x), dot4(x, w.y), dot4(x, w.z), dot4(x, w.w));
}

fn store(i: u32, j: u32, acc: i32) {
  if (i < params.M && j < params.N) {
    let sum = f32(acc) * (rowScale[i] * weightScale[j]);
    y[i * params.N + j] = ${activated};
  }
}

@compute @workgroup_size(${variant.threads}, ${variant.threads}, 1)
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(local_invocation_id) local: vec3<u32>,
  @builtin(local_invocation_index) t: u32,
) {
  let i0 = group.y * BLOCK;
  let j0 = group.x * BLOCK;
  // accR[k]: row i0 + local.y + T·R, output j0 + local.x + T·k (named, not an array: see matmulBlocked).
  var acc0 = vec4<i32>();
  var acc1 = vec4<i32>();
  var acc2 = vec4<i32>();
  var acc3 = vec4<i32>();
  for (var p0 = 0u; p0 < params.words; p0 += STEP) {
    // Every invocation loads, whether or not its outputs exist, so no one leaves before the barriers.
    for (var q = t; q < BLOCK * STEP; q += THREADS * THREADS) {
      let o = q / STEP;
      let p = q % STEP;
      tileX[p * BLOCK + o] = loadX(i0 + o, p0 + p);
      tileW[p * BLOCK + o] = loadW(j0 + o, p0 + p);
    }
    workgroupBarrier();
    for (var q = 0u; q < STEP; q++) {
      let row = q * BLOCK;
      let w = vec4<u32>(tileW[row + local.x], tileW[row + local.x + THREADS], tileW[row + local.x + 2u * THREADS], tileW[row + local.x + 3u * THREADS]);
      acc0 += dot4x4(tileX[row + local.y], w);
      acc1 += dot4x4(tileX[row + local.y + THREADS], w);
      acc2 += dot4x4(tileX[row + local.y + 2u * THREADS], w);
      acc3 += dot4x4(tileX[row + local.y + 3u * THREADS], w);
    }
    workgroupBarrier();
  }
  for (var k = 0u; k < 4u; k++) {
    let j = j0 + local.x + THREADS * k;
    store(i0 + local.y, j, acc0[k]);
    store(i0 + local.y + THREADS, j, acc1[k]);
    store(i0 + local.y + 2u * THREADS, j, acc2[k]);
    store(i0 + local.y + 3u * THREADS, j, acc3[k]);
  }
}
`;
};
