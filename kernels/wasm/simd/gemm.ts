// Matrix products C = A·B (+ bias, then an activation) in WebAssembly SIMD, the way fast BLAS
// libraries do it (GotoBLAS / BLIS), scaled down to 128-bit vectors:
//
//   B is "packed" into panels NR columns wide: panel p holds, for k = 0..K−1, the NR values
//   B[k, p·NR .. p·NR+NR) next to each other (zero past column N). The micro-kernel then reads B
//   as one contiguous stream, two f32x4 loads per k.
//
//   The micro-kernel computes an MR×NR tile of C entirely in registers: MR·NR/4 f32x4
//   accumulators. Per k it broadcasts A[i, k] for each of its MR rows (`v128.load32_splat`) and
//   adds A[i, k]·B[k, j..j+4) into every accumulator: MR·NR/4 multiplies and adds for NR/4 + MR
//   loads, so the arithmetic units, not memory, set the pace.
//
// MR×NR is chosen for the 16 XMM registers V8's x64 backend works with (one is its scratch):
// MR·NR/4 accumulators + NR/4 B vectors + the broadcast + one product must fit, or the register
// allocator spills accumulators to the stack inside the hot loop. Measured on one core of the
// development machine (AMD Zen 4, Node 20; x[128,768]·W[768,768]ᵀ, best of 41 calls):
//   4×8 and 2×16 (8 accumulators): 38–41 GFLOP/s, and 44 with the k loop unrolled as below;
//   5×8, 6×8, 3×12, 4×12, 3×16, 2×20, 2×24 (10–12 accumulators): 21–26 GFLOP/s — they spill.
// 4×8 keeps a panel of K = 768 (24 KiB) inside the 32 KiB L1 cache, where 2×16's would not fit.
//
// Every output element is the sum over k in increasing order, in float32, then + bias: the same
// sequence of roundings whichever tile, panel or thread computes it. So results do not depend on
// how work is split between threads — they are bit-identical for any thread count.
//
// With relaxed SIMD each k step is one f32x4.relaxed_madd per accumulator (multiplyAdd.ts): an
// FMA on x86 and Arm, half the arithmetic instructions and one rounding instead of two.

import { f32, f32x4, i32, v128, type Expr, type Local, type Operand } from '../emit/expr.js';
import type { FunctionBuilder } from '../emit/func.js';
import type { ModuleBuilder } from '../emit/module.js';
import type { SimdFeatures } from '../features.js';
import { emitActivation, SIMD_ACTIVATIONS, type SimdActivation } from './activations.js';
import { emitPackPanelF16 } from './halfFloat.js';
import { multiplyAdd, type MultiplyAdd } from './multiplyAdd.js';

/** Rows per micro-tile. */
export const MR = 4;
/** Columns per micro-tile and per packed panel (two f32x4 vectors). */
export const NR = 8;
/** The k loop is unrolled this many times, so loop overhead is paid once per UNROLL steps. */
const UNROLL = 4;

const VECTORS = NR / 4;
const F32 = 4;

/** min(value, limit), without a branch. */
export function atMost(value: Operand<'i32'>, limit: number) {
  return i32.select(limit, value, i32.gtS(value, limit));
}

/** Floats of per-thread scratch a product with inner dimension K needs (packed panel, edge tile, padded bias). */
export function gemmScratchFloats(k: number): number {
  return k * NR + MR * NR + NR;
}

/** i8x16.shuffle byte indices picking four 32-bit lanes (0–3 from the first operand, 4–7 from the second). */
function lanes(...picks: [number, number, number, number]): number[] {
  return picks.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
}

// The pieces below are shared by every product over packed panels: this file's float32 ones,
// float16 weights widened per panel (halfFloat.ts) and int8 weights (int8Gemm.ts).

/**
 * Stores four k of each of a panel's NR columns (rows[j] = column j's values at k..k+3) into the
 * packed panel at dst, transposed so that each k's NR values lie side by side: every 4×4 block
 * (columns j..j+3) with two rounds of shuffles, through the four scratch vectors `pairs`.
 */
export function storeTransposed(f: FunctionBuilder, rows: readonly Local<'v128'>[], pairs: readonly Local<'v128'>[], dst: Operand<'i32'>, k: Operand<'i32'>): void {
  for (let half = 0; half < NR / 4; half++) {
    const [a, b, c, d] = rows.slice(4 * half, 4 * half + 4);
    f.set(pairs[0], v128.shuffle(a, b, lanes(0, 4, 1, 5)));
    f.set(pairs[1], v128.shuffle(c, d, lanes(0, 4, 1, 5)));
    f.set(pairs[2], v128.shuffle(a, b, lanes(2, 6, 3, 7)));
    f.set(pairs[3], v128.shuffle(c, d, lanes(2, 6, 3, 7)));
    const out = i32.add(dst, i32.mul(k, NR * F32));
    f.storeV128(out, v128.shuffle(pairs[0], pairs[1], lanes(0, 1, 4, 5)), (0 * NR + 4 * half) * F32);
    f.storeV128(out, v128.shuffle(pairs[0], pairs[1], lanes(2, 3, 6, 7)), (1 * NR + 4 * half) * F32);
    f.storeV128(out, v128.shuffle(pairs[2], pairs[3], lanes(0, 1, 4, 5)), (2 * NR + 4 * half) * F32);
    f.storeV128(out, v128.shuffle(pairs[2], pairs[3], lanes(2, 3, 6, 7)), (3 * NR + 4 * half) * F32);
  }
}

/** The locals a panel's one-at-a-time remainder loops over: k, the column j within the panel, and its column n of the matrix. */
export interface RemainderCounters {
  readonly k: Local<'i32'>;
  readonly j: Local<'i32'>;
  readonly n: Local<'i32'>;
}

/**
 * The part of panel p the vector path leaves (k in [fromK, K), or a ragged last panel), one float
 * at a time: `store(out)` writes the value of (k, n) to `out` where n < N, and zero goes past N.
 */
export function packRemainder(
  f: FunctionBuilder,
  { k, j, n }: RemainderCounters,
  fromK: Operand<'i32'>,
  K: Operand<'i32'>,
  N: Operand<'i32'>,
  p: Operand<'i32'>,
  dst: Operand<'i32'>,
  store: (out: Expr<'i32'>) => void,
): void {
  f.forRange(k, fromK, K, 1, () => {
    f.forRange(j, 0, NR, 1, () => {
      f.set(n, i32.add(i32.mul(p, NR), j));
      const out = i32.add(dst, i32.shl(i32.add(i32.mul(k, NR), j), 2));
      f.if(i32.ltS(n, N), () => store(out), () => f.storeF32(out, 0));
    });
  });
}

/**
 * A micro-kernel's k loop: step(u) for u = 0, 1, …, UNROLL − 1, then advance(UNROLL) moves its
 * pointers on, until `count` steps are done. The exit test after every step means any count works
 * without a remainder loop, and makes each step its own basic block: TurboFan then cannot hoist
 * the next step's loads above this step's arithmetic, which would need more registers than there
 * are and spill.
 */
export function unrolledSteps(f: FunctionBuilder, steps: Local<'i32'>, count: Operand<'i32'>, step: (u: number) => void, advance: (count: number) => void): void {
  f.set(steps, count);
  f.block((done) => {
    f.brIf(done, i32.leS(steps, 0));
    f.loop((next) => {
      for (let u = 0; u < UNROLL; u++) {
        step(u);
        f.set(steps, i32.sub(steps, 1));
        if (u < UNROLL - 1) f.brIf(done, i32.eqz(steps));
      }
      advance(UNROLL);
      f.brIf(next, steps);
    });
  });
}

/** Emits run(micro[mr − 1]): the micro-kernel for the runtime row count mr (1 ≤ mr ≤ MR), as a chain of ifs. */
export function forRowCount(f: FunctionBuilder, mr: Local<'i32'>, micro: readonly FunctionBuilder[], run: (kernel: FunctionBuilder) => void): void {
  const chain = (rowsHere: number) => {
    if (rowsHere === MR) return run(micro[MR - 1]);
    f.if(i32.eq(mr, rowsHere), () => run(micro[rowsHere - 1]), () => chain(rowsHere + 1));
  };
  chain(1);
}

/** Where a ragged panel's scratch tile (MR×NR floats at `tile`) goes: C's rows [i, i + mr) at c, ldc bytes apart, columns [0, cols). */
export interface EdgeTile {
  readonly tile: Operand<'i32'>;
  readonly c: Operand<'i32'>;
  readonly ldc: Operand<'i32'>;
  readonly i: Operand<'i32'>;
  readonly mr: Operand<'i32'>;
  readonly cols: Operand<'i32'>;
}

/** Copies the valid columns of a ragged panel's scratch tile out to C, so nothing is written past column N. */
export function copyEdgeTile(f: FunctionBuilder, { tile, c, ldc, i, mr, cols }: EdgeTile, r: Local<'i32'>, j: Local<'i32'>): void {
  f.forRange(r, 0, mr, 1, () =>
    f.forRange(j, 0, cols, 1, () =>
      f.storeF32(i32.add(i32.add(c, i32.mul(i32.add(i, r), ldc)), i32.shl(j, 2)), f32.load(i32.add(tile, i32.shl(i32.add(i32.mul(r, NR), j), 2)))),
    ),
  );
}

/**
 * packPanel(src, kStride, nStride, K, N, p, dst): panel p of the K×N matrix whose element (k, n)
 * is the float at src + (k·kStride + n·nStride)·4, to dst (K·NR floats, zero past column N).
 * Strides in elements cover both layouts: a weight [N, K] (kStride 1, nStride K) and a plain
 * [K, N] (kStride N, nStride 1). Full panels of either layout move four floats at a time; the
 * rest (a ragged last panel, K mod 4) one at a time.
 */
function emitPackPanel(m: ModuleBuilder) {
  const f = m.function('packPanel', { src: 'i32', kStride: 'i32', nStride: 'i32', K: 'i32', N: 'i32', p: 'i32', dst: 'i32' });
  const { src, kStride, nStride, K, N, p, dst } = f.params;
  const k = f.local('i32', 'k');
  const j = f.local('i32', 'j');
  const n = f.local('i32', 'n');
  const first = f.local('i32', 'first');
  const rowBytes = f.local('i32', 'rowBytes');
  const vectorK = f.local('i32', 'vectorK');
  const rows = f.locals('v128', 'row', NR);
  const pairs = f.locals('v128', 'pair', 4);

  f.set(first, i32.add(src, i32.shl(i32.mul(i32.mul(p, NR), nStride), 2)));
  f.set(vectorK, 0);
  f.if(i32.leS(i32.mul(i32.add(p, 1), NR), N), () =>
    f.if(
      i32.eq(kStride, 1),
      () => {
        // The panel's NR columns are NR rows of the source: load four k of each row and
        // transpose each 4×4 block (rows j..j+3, k..k+3) with two rounds of shuffles.
        f.set(rowBytes, i32.shl(nStride, 2));
        f.set(vectorK, i32.and(K, ~3));
        f.forRange(k, 0, vectorK, 4, () => {
          rows.forEach((row, r) => f.set(row, v128.load(i32.add(i32.add(first, i32.mul(rowBytes, r)), i32.shl(k, 2)))));
          storeTransposed(f, rows, pairs, dst, k);
        });
      },
      () =>
        f.if(i32.eq(nStride, 1), () => {
          // Each k's NR values are already contiguous: copy them.
          f.set(vectorK, K);
          f.forRange(k, 0, K, 1, () => {
            const from = i32.add(first, i32.shl(i32.mul(k, kStride), 2));
            for (let q = 0; q < VECTORS; q++) f.storeV128(i32.add(dst, i32.mul(k, NR * F32)), v128.load(from, q * 16), q * 16);
          });
        }),
    ),
  );
  packRemainder(f, { k, j, n }, vectorK, K, N, p, dst, (out) =>
    f.storeF32(out, f32.load(i32.add(src, i32.shl(i32.add(i32.mul(k, kStride), i32.mul(n, nStride)), 2)))),
  );
  return f;
}

/** packWeight(src, K, N, dst, begin, end): panels [begin, end) of a weight [N, K] into the packed matrix at dst. */
function emitPackWeight(m: ModuleBuilder, packPanel: FunctionBuilder) {
  const f = m.function('packWeight', { src: 'i32', K: 'i32', N: 'i32', dst: 'i32', begin: 'i32', end: 'i32' });
  const { src, K, N, dst, begin, end } = f.params;
  const p = f.local('i32', 'p');
  f.forRange(p, begin, end, 1, () => f.call(packPanel, src, 1, K, K, N, p, i32.add(dst, i32.mul(i32.mul(p, K), NR * F32))));
  return f;
}

/**
 * micro{mr}(a, lda, b, K, c, ldc, bias, hasBias): the mr×NR tile C[i, j] = Σ_k A[i, k]·B[k, j]
 * + bias[j] for rows a, a+lda, … (strides in bytes) and the packed panel b; bias is read only
 * when hasBias ≠ 0.
 */
function emitMicroKernel(m: ModuleBuilder, mr: number, madd: MultiplyAdd) {
  const f = m.function(`micro${mr}`, { a: 'i32', lda: 'i32', b: 'i32', K: 'i32', c: 'i32', ldc: 'i32', bias: 'i32', hasBias: 'i32' });
  const { a, lda, b, K, c, ldc, bias, hasBias } = f.params;
  const rows = f.locals('i32', 'row', mr);
  const acc = rows.map((_, r) => f.locals('v128', `acc${r}_`, VECTORS));
  const bv = f.locals('v128', 'b', VECTORS);
  const splat = f.local('v128', 'splat');
  const steps = f.local('i32', 'steps');

  rows.forEach((row, r) => f.set(row, r === 0 ? a : i32.add(rows[r - 1], lda)));

  // One k step at a time offset `u` (in k) from the current pointers.
  const step = (u: number) => {
    bv.forEach((v, q) => f.set(v, v128.load(b, (u * NR + q * 4) * F32)));
    rows.forEach((row, r) => {
      f.set(splat, v128.load32Splat(row, u * F32));
      bv.forEach((v, q) => f.set(acc[r][q], madd(splat, v, acc[r][q])));
    });
  };
  unrolledSteps(f, steps, K, step, (count) => {
    rows.forEach((row) => f.set(row, i32.add(row, count * F32)));
    f.set(b, i32.add(b, count * NR * F32));
  });

  f.if(hasBias, () => {
    bv.forEach((v, q) => f.set(v, v128.load(bias, q * 4 * F32)));
    acc.forEach((accRow) => accRow.forEach((x, q) => f.set(x, f32x4.add(x, bv[q]))));
  });
  acc.forEach((accRow, r) => {
    const out = r === 0 ? c : i32.add(c, i32.mul(ldc, r));
    accRow.forEach((x, q) => f.storeV128(out, x, q * 4 * F32));
  });
  return f;
}

/**
 * panelRows(a, lda, b, K, c, ldc, M, cols, bias, hasBias, scratch): all M rows of one
 * packed panel b into C's columns [0, cols), cols ≤ NR. A ragged panel (cols < NR) is computed
 * into a scratch tile and its valid columns copied out, so nothing is written past column N,
 * and its bias is copied to a zero-padded scratch row so nothing is read past it either.
 */
function emitPanelRows(m: ModuleBuilder, micro: readonly FunctionBuilder[]) {
  const f = m.function('panelRows', {
    a: 'i32', lda: 'i32', b: 'i32', K: 'i32', c: 'i32', ldc: 'i32', M: 'i32', cols: 'i32', bias: 'i32', hasBias: 'i32', scratch: 'i32',
  });
  const { a, lda, b, K, c, ldc, M, cols, bias, hasBias, scratch } = f.params;
  const i = f.local('i32', 'i');
  const r = f.local('i32', 'r');
  const j = f.local('i32', 'j');
  const tile = f.local('i32', 'tile');
  const biasPad = f.local('i32', 'biasPad');
  const mr = f.local('i32', 'mr');

  /** Runs `kernel` for the tile starting at row i. */
  const callMicro = (kernel: FunctionBuilder, out: Operand<'i32'>, outStride: Operand<'i32'>, biasAt: Operand<'i32'>) =>
    f.call(kernel, i32.add(a, i32.mul(i, lda)), lda, b, K, out, outStride, biasAt, hasBias);


  f.if(
    i32.eq(cols, NR),
    () => {
      f.forRange(i, 0, M, MR, () => {
        f.set(mr, atMost(i32.sub(M, i), MR));
        forRowCount(f, mr, micro, (kernel) => callMicro(kernel, i32.add(c, i32.mul(i, ldc)), ldc, bias));
      });
    },
    () => {
      f.set(tile, scratch);
      f.set(biasPad, i32.add(scratch, MR * NR * F32));
      f.forRange(j, 0, NR, 1, () => {
        const at = i32.shl(j, 2);
        f.storeF32(i32.add(biasPad, at), 0);
        f.if(i32.and(hasBias, i32.ltS(j, cols)), () => f.storeF32(i32.add(biasPad, at), f32.load(i32.add(bias, at))));
      });
      f.forRange(i, 0, M, MR, () => {
        f.set(mr, atMost(i32.sub(M, i), MR));
        forRowCount(f, mr, micro, (kernel) => callMicro(kernel, tile, NR * F32, biasPad));
        copyEdgeTile(f, { tile, c, ldc, i, mr, cols }, r, j);
      });
    },
  );
  return f;
}

/**
 * linear(a, lda, packed, K, c, ldc, M, N, bias, hasBias, begin, end, scratch), and linear_relu,
 * linear_gelu: C = A·B + bias for the prepacked weight panels [begin, end), then the activation
 * over each panel's M×NR block while it is still in the L1 cache. linearF16 (and _relu, _gelu)
 * take the half-float weight [N, K] itself and widen each panel into scratch first (halfFloat.ts).
 */
function emitLinear(m: ModuleBuilder, panelRows: FunctionBuilder, activate?: { readonly name: SimdActivation; readonly fn: FunctionBuilder }, packF16?: FunctionBuilder) {
  const base = packF16 ? 'linearF16' : 'linear';
  const f = m.function(activate ? `${base}_${activate.name}` : base, {
    a: 'i32', lda: 'i32', packed: 'i32', K: 'i32', c: 'i32', ldc: 'i32', M: 'i32', N: 'i32', bias: 'i32', hasBias: 'i32', begin: 'i32', end: 'i32', scratch: 'i32',
  });
  const { a, lda, packed, K, c, ldc, M, N, bias, hasBias, begin, end, scratch } = f.params;
  const p = f.local('i32', 'p');
  const cols = f.local('i32', 'cols');
  const block = f.local('i32', 'block');
  const panel = f.local('i32', 'panel');
  const tileScratch = f.local('i32', 'tileScratch');
  f.set(tileScratch, packF16 ? i32.add(scratch, i32.mul(K, NR * F32)) : scratch);
  f.forRange(p, begin, end, 1, () => {
    f.set(cols, atMost(i32.sub(N, i32.mul(p, NR)), NR));
    f.set(block, i32.add(c, i32.mul(p, NR * F32)));
    if (packF16) {
      f.call(packF16, packed, K, N, p, scratch);
      f.set(panel, scratch);
    } else {
      f.set(panel, i32.add(packed, i32.mul(i32.mul(p, K), NR * F32)));
    }
    f.call(panelRows, a, lda, panel, K, block, ldc, M, cols, i32.add(bias, i32.mul(p, NR * F32)), hasBias, tileScratch);
    if (activate) f.call(activate.fn, block, ldc, M, cols);
  });
  return f;
}

/**
 * matmul(table, M, N, K, lda, kStride, nStride, ldc, panels, begin, end, scratch): batched
 * C = A·B. Work item w covers batch w / panels and column panel w % panels; `table` holds, per
 * batch, the byte offsets of its A, B and C (three i32s), so any batch broadcasting works. B is
 * read through element strides (transposed or not) and packed one panel at a time into scratch.
 */
function emitMatmul(m: ModuleBuilder, packPanel: FunctionBuilder, panelRows: FunctionBuilder) {
  const f = m.function('matmul', {
    table: 'i32', M: 'i32', N: 'i32', K: 'i32', lda: 'i32', kStride: 'i32', nStride: 'i32', ldc: 'i32', panels: 'i32', begin: 'i32', end: 'i32', scratch: 'i32',
  });
  const { table, M, N, K, lda, kStride, nStride, ldc, panels, begin, end, scratch } = f.params;
  const w = f.local('i32', 'w');
  const p = f.local('i32', 'p');
  const entry = f.local('i32', 'entry');
  const cols = f.local('i32', 'cols');
  const tileScratch = f.local('i32', 'tileScratch');
  f.set(tileScratch, i32.add(scratch, i32.mul(K, NR * F32)));
  f.forRange(w, begin, end, 1, () => {
    f.set(p, i32.remS(w, panels));
    f.set(entry, i32.add(table, i32.mul(i32.divS(w, panels), 12)));
    f.set(cols, atMost(i32.sub(N, i32.mul(p, NR)), NR));
    f.call(packPanel, i32.load(entry, 4), kStride, nStride, K, N, p, scratch);
    f.call(panelRows, i32.load(entry, 0), lda, scratch, K, i32.add(i32.load(entry, 8), i32.mul(p, NR * F32)), ldc, M, cols, 0, 0, tileScratch);
  });
  return f;
}

/** Emits the f32 kernels; returns the activation functions they apply, for the other products to share. */
export function emitGemm(m: ModuleBuilder, features: SimdFeatures): ReadonlyMap<SimdActivation, FunctionBuilder> {
  const packPanel = emitPackPanel(m);
  emitPackWeight(m, packPanel);
  const micro = Array.from({ length: MR }, (_, r) => emitMicroKernel(m, r + 1, multiplyAdd(features)));
  const panelRows = emitPanelRows(m, micro);
  const activations = new Map(SIMD_ACTIVATIONS.map((name) => [name, emitActivation(m, name)] as const));
  const packF16 = emitPackPanelF16(m);
  for (const half of [undefined, packF16]) {
    emitLinear(m, panelRows, undefined, half);
    for (const [name, fn] of activations) emitLinear(m, panelRows, { name, fn }, half);
  }
  emitMatmul(m, packPanel, panelRows);
  return activations;
}
