// Fused attention: context = softmax(scale · q·kᵀ + mask)·v in one dispatch, without the
// [Sq, Sk] scores or probabilities ever reaching memory.
//
// Work split. A workgroup takes one batch·head and a block of ROWS query rows, one invocation per
// row: each keeps its row of q (D values) and its running output (Dv values) in registers. Keys
// and values stream past in tiles of KEYS: the workgroup copies the tile's rows of k and of v into
// workgroup memory (each is one contiguous run, so neighbouring invocations read neighbouring
// words), waits at a barrier, and every invocation scores its query against the tile's keys and
// folds their values into its output. A k or v element is read from global memory once per
// workgroup instead of once per query row; a tile that hangs over the last key is loaded short and
// only its real keys are used, so any Sk works.
//
// Online softmax, one pass over the keys. Normalising needs each row's maximum and sum over all Sk
// scores. Two passes over K would either compute every score twice (doubling the q·k work and the
// K traffic) or keep the row's Sk scores in workgroup memory (ROWS · Sk · 4 bytes: 32 KiB for 16
// rows of 512 keys, twice the 16 KiB WebGPU guarantees, so the sequence length would be capped).
// Instead each row keeps a running maximum m, the running sum l of e^{x−m} and the running
// weighted sum acc of v; when a tile raises the maximum from m to m′, what is accumulated so far is
// rescaled by e^{m−m′} (FlashAttention's update), and at the end context = acc / l. That is the
// separate path's Σ_j (e^{x_j−m}/l)·v_j up to float32 rounding: the same max-subtracted
// exponentials, normalised once at the end instead of per probability.
//
// Scores and masks follow the separate path (matmul → scale → softmax.wgsl.ts): x = (q·k)·scale +
// mask in f32. Masked keys sit at the float32 minimum and tie, so a fully masked row comes out
// uniform. Keys masked with −∞ get weight 0 once the row has a finite score; until then they are
// weighted as ties (1 each), which is the uniform average the separate path gives a row of −∞.
// `finite` says which case a row is in; the tile bringing its first finite score discards what
// the −∞ keys had contributed.
//
// Where the heads lie. Each of q, k, v and the output is read or written through a `Rows` layout:
// row r of head h of batch b starts at element start + b·batch + h·head + r·row. Contiguous
// [..., S, D] arrays are one head per batch; the packed [batch, seq, 3·hidden] projection of
// `qkvAttention` gives each head's rows of q, k and v where they lie (one buffer, bound three
// times), and the context is written straight into [batch, seq, hidden]. Every start and stride is
// a multiple of D (or Dv), so where D is a multiple of 4 every row starts on a vec4 boundary.

import { stridedWgsl } from './common.wgsl.js';

export interface AttentionVariant {
  /** Query rows per workgroup, one invocation each (the tuning's choice). */
  readonly rows: number;
  /** Keys per tile of k and v in workgroup memory. */
  readonly keys: number;
  /** Head sizes of q and k (D) and of v (Dv), at least 1: fixed per pipeline, so the rows can be unrolled into registers. */
  readonly d: number;
  readonly dv: number;
  readonly masked: boolean;
}

/** The variant's pipeline cache key. */
export const attentionKey = ({ rows, keys, d, dv, masked }: AttentionVariant): string => `attention(${rows},${keys},d${d},dv${dv}${masked ? ',mask' : ''})`;

/** vec4s per row of a head of size n, the last one zero-padded. */
const quads = (n: number) => Math.ceil(n / 4);

/** Bytes of workgroup memory the k and v tiles of `keys` keys take. */
export const attentionTileBytes = (keys: number, d: number, dv: number): number => 16 * keys * (quads(d) + quads(dv));

/** The WGSL type of a binding holding rows of n elements: vec4s when every row starts on a vec4 boundary. */
const elementType = (n: number) => (n % 4 === 0 ? 'vec4<f32>' : 'f32');

/** `load<Name>(start, c)`: elements 4c … 4c+3 of the n-long row of `array` at element `start`, zeros past its end. */
function quadLoader(name: string, array: string, n: number): string {
  const element = (i: number) => `select(0.0, ${array}[start + min(4u * c + ${i}u, ${n - 1}u)], 4u * c + ${i}u < ${n}u)`;
  return /* wgsl */ `
fn load${name}(start: u32, c: u32) -> vec4<f32> {
  return ${n % 4 === 0 ? `${array}[start / 4u + c]` : `vec4<f32>(${[0, 1, 2, 3].map(element).join(', ')})`};
}`;
}

/** `storeContext(start, c, value)`: elements 4c … 4c+3 of the n-long output row at element `start`, as far as it goes. */
function quadStorer(n: number): string {
  const body = n % 4 === 0 ? 'context[start / 4u + c] = value;' : `for (var i = 0u; i < 4u && 4u * c + i < ${n}u; i++) {
    context[start + 4u * c + i] = value[i];
  }`;
  return /* wgsl */ `
fn storeContext(start: u32, c: u32, value: vec4<f32>) {
  ${body}
}`;
}

/** Code unrolled over the n/4 quads of a row: f(0), f(1), … joined by `separator`. */
const eachQuad = (n: number, f: (c: number) => string, separator: string): string => Array.from({ length: quads(n) }, (_, c) => f(c)).join(separator);

export const attentionWgsl = ({ rows, keys, d, dv, masked }: AttentionVariant) => /* wgsl */ `
${stridedWgsl}

struct Rows {
  start: u32,
  batch: u32,
  head: u32,
  row: u32,
}

struct Params {
  // The score rows [..., Sq]; stridesA: where each row's mask starts.
  maskRows: Strided,
  q: Rows,
  k: Rows,
  v: Rows,
  context: Rows,
  // How many heads a batch has: the flat batch·head index splits into the two by it.
  heads: u32,
  // Workgroups with work: batch·heads × query blocks (the grid may have a few more).
  workgroups: u32,
  blocks: u32,
  Sq: u32,
  Sk: u32,
  // The mask's stride along the keys: 1, or 0 when the mask is broadcast along them.
  maskStride: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<${elementType(d)}>;
@group(0) @binding(2) var<storage, read> k: array<${elementType(d)}>;
@group(0) @binding(3) var<storage, read> v: array<${elementType(dv)}>;
${masked ? '@group(0) @binding(4) var<storage, read> mask: array<f32>;' : ''}
@group(0) @binding(${masked ? 5 : 4}) var<storage, read_write> context: array<${elementType(dv)}>;

const ROWS = ${rows}u;
const KEYS = ${keys}u;
const D = ${d}u;
const DV = ${dv}u;
// Rows of q, k, v and the output as vec4s, the last one zero-padded. An invocation's rows of q and
// of the output are unrolled into named registers (q0, q1, …, acc0, acc1, …) by this generator:
// some compilers leave a dynamically indexed array in memory. On SwiftShader, 12 heads of 128×64
// (4 rows and 32 keys per workgroup) took 325 ms with arrays of scalars, 235 ms with arrays of
// vec4s, 165 ms unrolled.
const D4 = ${quads(d)}u;
const DV4 = ${quads(dv)}u;
// The float32 minimum: the running maximum's start (WGSL has no −∞ literal), as in softmax.wgsl.ts.
const LOWEST = -3.4028234663852886e38;

var<workgroup> kTile: array<vec4<f32>, ${keys * quads(d)}>; // [key][D4]
var<workgroup> vTile: array<vec4<f32>, ${keys * quads(dv)}>; // [key][DV4]
${quadLoader('Q', 'q', d)}
${quadLoader('K', 'k', d)}
${quadLoader('V', 'v', dv)}
${quadStorer(dv)}

fn rowStart(rows: Rows, bh: u32, r: u32) -> u32 {
  return rows.start + (bh / params.heads) * rows.batch + (bh % params.heads) * rows.head + r * rows.row;
}

fn maskAt(maskStart: u32, key: u32) -> f32 {
  ${masked ? 'return mask[maskStart + key * params.maskStride];' : 'return 0.0;'}
}

@compute @workgroup_size(${rows})
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) t: u32,
) {
  let flat = group.x + group.y * groups.x;
  if (flat >= params.workgroups) {
    return;
  }
  let bh = flat / params.blocks;
  let i = (flat % params.blocks) * ROWS + t;
  // Invocations past the last query row still load tiles and meet the barriers; they work on a
  // copy of the last row (so every read is in bounds) and write nothing.
  let qi = min(i, params.Sq - 1u);
  let maskStart = ${masked ? 'stridedOffsets(params.maskRows, bh * params.Sq + qi).x' : '0u'};
  let qStart = rowStart(params.q, bh, qi);

  ${eachQuad(d, (c) => `let q${c} = loadQ(qStart, ${c}u);`, '\n  ')}
  var m = LOWEST;
  var l = 0.0;
  var finite = false;
  ${eachQuad(dv, (c) => `var acc${c} = vec4<f32>();`, '\n  ')}
  var x: array<f32, KEYS>;

  for (var j0 = 0u; j0 < params.Sk; j0 += KEYS) {
    let n = min(KEYS, params.Sk - j0);
    for (var e = t; e < n * D4; e += ROWS) {
      kTile[e] = loadK(rowStart(params.k, bh, j0 + e / D4), e % D4);
    }
    for (var e = t; e < n * DV4; e += ROWS) {
      vTile[e] = loadV(rowStart(params.v, bh, j0 + e / DV4), e % DV4);
    }
    workgroupBarrier();

    var tileMax = LOWEST;
    var tileFinite = false;
    for (var j = 0u; j < n; j++) {
      let s = ${eachQuad(d, (c) => `dot(q${c}, kTile[j * D4 + ${c}u])`, ' + ')};
      x[j] = s * params.scale + maskAt(maskStart, j0 + j);
      tileMax = max(tileMax, x[j]);
      tileFinite = tileFinite || x[j] >= LOWEST;
    }
    let mNew = max(m, tileMax);
    let rescale = select(exp(m - mNew), 0.0, tileFinite && !finite);
    finite = finite || tileFinite;
    l *= rescale;
    ${eachQuad(dv, (c) => `acc${c} *= rescale;`, '\n    ')}
    for (var j = 0u; j < n; j++) {
      let w = select(1.0, exp(x[j] - mNew), finite);
      l += w;
      ${eachQuad(dv, (c) => `acc${c} += w * vTile[j * DV4 + ${c}u];`, '\n      ')}
    }
    m = mNew;
    // Everyone is done with this tile before the next one overwrites it.
    workgroupBarrier();
  }

  if (i < params.Sq) {
    // l = 0 only when there are no keys: then the context is an empty sum, 0.
    let contextStart = rowStart(params.context, bh, i);
    ${eachQuad(dv, (c) => `storeContext(contextStart, ${c}u, select(acc${c} / l, vec4<f32>(), l == 0.0));`, '\n    ')}
  }
}
`;
