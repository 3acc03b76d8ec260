// Matrix product, version 3 of 3: register blocking. Each invocation computes a 4×4 block of C held
// in registers; a T×T workgroup so covers a 4T×4T block (T = 16 on GPUs: 64×64). Per step of 16
// along K, the workgroup stages a 4T×16 tile of A and a 16×4T tile of B in shared memory; then
// for each of the 16 steps an invocation reads 4 values of A and 4 of B and does 16
// multiply-adds: four times the arithmetic per shared-memory read of the tiled version, and 16×
// fewer barriers per output.
//
// Loads: invocations fetch 4 consecutive elements along the axis that is contiguous in memory (K
// for A, unless A is transposed; N for B, unless B is transposed), as one vec4 when that axis's
// length is a multiple of 4 (the binding is then array<vec4<f32>>), else as four scalars.
// Whichever the layout, both tiles are stored K-major ([p][i] and [p][j]), so the inner loop reads
// them the same way.
//
// Invocation (x, y) owns rows y, y+T, y+2T, y+3T and columns x, x+T, x+2T, x+3T of the block:
// neighbouring invocations read neighbouring shared-memory words and write neighbouring outputs.

import { matmulHeaderWgsl, type MatmulVariant } from './matmulCommon.wgsl.js';

/** Outputs per invocation along each side. */
const PER_INVOCATION = 4;
/** The step along K between barriers. */
const STEP = 16;

export interface BlockedVariant extends MatmulVariant {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** T: the workgroup is T×T invocations (16 on GPUs; small on CPU-based software adapters). */
  readonly threads: number;
}

/** The side of the block of C one workgroup computes. */
export const blockSize = (threads: number) => PER_INVOCATION * threads;

/**
 * WGSL that fills one shared tile (`tile[p · BLOCK + o]`, o = row of A or column of B) with the
 * BLOCK×STEP slab starting at (o0, p0), as BLOCK·STEP/4 quads shared out among the invocations.
 */
function tileLoader(operand: 'A' | 'B', contiguousAlongK: boolean, vec4: boolean): string {
  const limit = operand === 'A' ? 'params.M' : 'params.N';
  const address = operand === 'A' ? 'base + o * params.aRow + p * params.aCol' : 'base + p * params.bRow + o * params.bCol';
  const step = (e: number) => (contiguousAlongK ? `o, p + ${e}u` : `o + ${e}u, p`);
  const quad = vec4
    ? `if (o >= ${limit} || p >= params.K) {
    return vec4<f32>();
  }
  return ${operand === 'A' ? `a[(${address}) / 4u]` : `bQuad(${address})`};`
    : `return vec4<f32>(element${operand}(base, ${step(0)}), element${operand}(base, ${step(1)}), element${operand}(base, ${step(2)}), element${operand}(base, ${step(3)}));`;
  const scalarElement = vec4
    ? ''
    : `fn element${operand}(base: u32, o: u32, p: u32) -> f32 {
  if (o >= ${limit} || p >= params.K) {
    return 0.0;
  }
  return ${operand === 'A' ? `a[${address}]` : `bAt(${address})`};
}`;
  // Quad q is 4 consecutive steps p of one o, or 4 consecutive o of one p.
  const [o, p, store] = contiguousAlongK
    ? ['q / (STEP / 4u)', '(q % (STEP / 4u)) * 4u', (e: number) => `tile${operand}[(p + ${e}u) * BLOCK + o]`]
    : ['(q % (BLOCK / 4u)) * 4u', 'q / (BLOCK / 4u)', (e: number) => `tile${operand}[p * BLOCK + o + ${e}u]`];
  return /* wgsl */ `
${scalarElement}
// Four consecutive elements of ${operand} along its contiguous axis, from (o, p); zeros outside.
fn quad${operand}(base: u32, o: u32, p: u32) -> vec4<f32> {
  ${quad}
}

fn loadTile${operand}(base: u32, o0: u32, p0: u32, t: u32) {
  for (var q = t; q < BLOCK * STEP / 4u; q += THREADS * THREADS) {
    let o = ${o};
    let p = ${p};
    let v = quad${operand}(base, o0 + o, p0 + p);
    ${[0, 1, 2, 3].map((e) => `${store(e)} = v[${e}];`).join('\n    ')}
  }
}
`;
}

export const matmulBlockedWgsl = (variant: BlockedVariant) => /* wgsl */ `
${matmulHeaderWgsl(variant)}

const THREADS = ${variant.threads}u;
const BLOCK = ${blockSize(variant.threads)}u;
const STEP = ${STEP}u;

var<workgroup> tileA: array<f32, ${blockSize(variant.threads) * STEP}>; // [step p][row i]
var<workgroup> tileB: array<f32, ${blockSize(variant.threads) * STEP}>; // [step p][column j]
${tileLoader('A', !variant.transposeA, variant.vec4A ?? false)}
${tileLoader('B', variant.transposeB, variant.vec4B ?? false)}

@compute @workgroup_size(${variant.threads}, ${variant.threads}, 1)
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(local_invocation_id) local: vec3<u32>,
  @builtin(local_invocation_index) t: u32,
) {
  let i0 = group.y * BLOCK;
  let j0 = group.x * BLOCK;
  let base = stridedOffsets(params.batch, group.z);
  // accR[k] is the output at row i0 + local.y + T·R, column j0 + local.x + T·k. Four named
  // accumulators rather than an array: some compilers leave a dynamically indexed array in memory
  // (unrolling this way made the kernel twice as fast on SwiftShader).
  var acc0 = vec4<f32>();
  var acc1 = vec4<f32>();
  var acc2 = vec4<f32>();
  var acc3 = vec4<f32>();
  for (var p0 = 0u; p0 < params.K; p0 += STEP) {
    loadTileA(base.x, i0, p0, t);
    loadTileB(base.y, j0, p0, t);
    workgroupBarrier();
    for (var q = 0u; q < STEP; q++) {
      let row = q * BLOCK;
      let aq = vec4<f32>(tileA[row + local.y], tileA[row + local.y + THREADS], tileA[row + local.y + 2u * THREADS], tileA[row + local.y + 3u * THREADS]);
      let bq = vec4<f32>(tileB[row + local.x], tileB[row + local.x + THREADS], tileB[row + local.x + 2u * THREADS], tileB[row + local.x + 3u * THREADS]);
      acc0 += aq.x * bq;
      acc1 += aq.y * bq;
      acc2 += aq.z * bq;
      acc3 += aq.w * bq;
    }
    workgroupBarrier();
  }
  let j = j0 + local.x;
  storeRow(group.z, i0 + local.y, j, acc0);
  storeRow(group.z, i0 + local.y + THREADS, j, acc1);
  storeRow(group.z, i0 + local.y + 2u * THREADS, j, acc2);
  storeRow(group.z, i0 + local.y + 3u * THREADS, j, acc3);
}

// Stores an invocation's four outputs of row i: columns j, j + T, j + 2T, j + 3T.
fn storeRow(batch: u32, i: u32, j: u32, acc: vec4<f32>) {
  for (var k = 0u; k < 4u; k++) {
    if (i < params.M && j + THREADS * k < params.N) {
      storeC(batch, i, j + THREADS * k, acc[k]);
    }
  }
}
`;
